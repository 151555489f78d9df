"""Every built-in problem's HTML page in a real browser (headless Chromium from the distribution):
no console errors, the MathML laid out (every formula has a box, every fraction's numerator sits
above its denominator), every picture shown, nothing wider than a phone's screen, and a screenshot.

Skipped when Chromium is not installed, unless ``SOLVER_REQUIRE_BROWSER=1`` (as in CI, where
``.ci/run`` installs it).  ``SOLVER_SCREENSHOTS=DIR`` keeps the screenshots in DIR.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from solver.kinds import catalog
from solver.render import renderer
from solver.render.options import RenderOptions
from tests.browser import Browser, executable

CHROMIUM = executable()
REQUIRE = os.environ.get("SOLVER_REQUIRE_BROWSER") == "1"

MEASURE = r"""(() => {
  const box = e => e.getBoundingClientRect();
  const maths = [...document.querySelectorAll('math')];
  const fractions = [...document.querySelectorAll('mfrac')];
  const subscripts = [...document.querySelectorAll('msub')];
  return {
    maths: maths.length,
    empty: maths.filter(m => !(box(m).width > 0 && box(m).height > 0)).length,
    mathDisplay: maths.length ? getComputedStyle(maths[0]).display : '',
    fractions: fractions.length,
    stacked: fractions.filter(f => box(f.children[0]).bottom <= box(f.children[1]).top + 0.5).length,
    subscripts: subscripts.length,
    lowered: subscripts.filter(s => box(s.children[1]).bottom > box(s.children[0]).bottom
                                    && box(s.children[1]).left >= box(s.children[0]).right - 0.5).length,
    pictures: [...document.querySelectorAll('figure.picture svg')].filter(s => box(s).width > 50
                                                                          && box(s).height > 50).length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: innerWidth,
  };
})()"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if REQUIRE:
            pytest.fail("Chromium is required here (SOLVER_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("no Chromium installed")
    instance = Browser(CHROMIUM)
    yield instance
    instance.close()


@pytest.mark.parametrize("problem", catalog.builtin_names())
def test_page_lays_out_in_a_browser(problem, browser, tmp_path):
    derivation = catalog.load(problem)
    page = tmp_path / f"{problem}.html"
    page.write_text(renderer("html")(derivation, RenderOptions(derivation.decimals)), encoding="utf-8")
    keep = os.environ.get("SOLVER_SCREENSHOTS")
    shots = Path(keep) if keep else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    for width, height in ((1024, 800), (390, 844)):  # a laptop, and a phone
        shot = shots / f"{problem}-{width}.png"
        result = browser.measure(page, MEASURE, width, height, screenshot=shot)
        assert result["errors"] == [], result["errors"]
        seen = result["value"]
        assert seen["maths"] > 0 and seen["empty"] == 0, seen
        assert seen["mathDisplay"] in ("inline", "inline math", "math"), seen
        assert seen["stacked"] == seen["fractions"], seen
        assert seen["lowered"] == seen["subscripts"] > 0, seen
        assert seen["pictures"] == len(derivation.figures), seen
        assert seen["scrollWidth"] <= seen["innerWidth"], seen
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000


PRINTED = r"""(() => {
  const part = document.querySelector('.part'), note = document.querySelector('.note');
  return {overflow: getComputedStyle(part).overflowX, noteBackground: getComputedStyle(note).backgroundColor,
          pictures: document.querySelectorAll('figure.picture svg').length,
          breakAfter: getComputedStyle(document.querySelector('h2')).breakAfter};
})()"""


def test_page_prints_with_its_print_style(browser, tmp_path):
    derivation = catalog.load("svm-soft-margin")
    page = tmp_path / "print.html"
    page.write_text(renderer("html")(derivation, RenderOptions(4)), encoding="utf-8")
    result = browser.measure(page, PRINTED, 794, 1123, media="print")  # A4 at 96 dots per inch
    assert result["errors"] == []
    assert result["value"] == {"overflow": "visible", "noteBackground": "rgba(0, 0, 0, 0)", "pictures": 1,
                               "breakAfter": "avoid"}


SHEET = r"""(() => {
  const box = e => e.getBoundingClientRect();
  const answers = [...document.querySelectorAll('td.answer')];
  return {maths: document.querySelectorAll('math').length,
          empty: [...document.querySelectorAll('math')].filter(m => !(box(m).width > 0 && box(m).height > 0)).length,
          answers: answers.length, blankWidths: answers.filter(a => box(a).width >= 100).length,
          steps: document.querySelectorAll('table.steps').length,
          scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth};
})()"""


def test_a_question_sheet_lays_out_with_room_to_write(browser, tmp_path):
    derivation = catalog.load("sigmoid-softmax-minibatch")
    page = tmp_path / "questions.html"
    page.write_text(renderer("html")(derivation, RenderOptions(derivation.decimals, questions=True)), encoding="utf-8")
    for width, height in ((1024, 800), (390, 844)):
        result = browser.measure(page, SHEET, width, height, screenshot=tmp_path / f"questions-{width}.png")
        assert result["errors"] == [], result["errors"]
        seen = result["value"]
        assert seen["maths"] > 0 and seen["empty"] == 0, seen
        assert seen["answers"] == len(derivation.scheme.keys) == seen["blankWidths"], seen  # room for an answer
        assert seen["steps"] == 0 and seen["scrollWidth"] <= seen["innerWidth"], seen
