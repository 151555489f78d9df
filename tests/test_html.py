"""--format html: one self-contained page, maths as MathML from the step model, pictures inline,
text from files escaped; and the picture files of Markdown and LaTeX beside the output."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from xml.dom.minidom import parseString

import pytest

from solver.kinds import catalog
from solver.render import renderer
from solver.render.html import escape, inline_svg
from solver.render.mathml import mathml
from solver.render.options import RenderOptions
from tests.conftest import run_solver


@pytest.fixture(scope="module")
def relu_page():
    return renderer("html")(catalog.load("relu-111-sgd"), RenderOptions(4))


def _maths(page: str) -> list[str]:
    return re.findall(r"<math>.*?</math>", page, flags=re.S)


def _text(markup: str) -> str:
    return "".join(node.data for node in _all_text(parseString(markup).documentElement))


def _all_text(node):
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child
        else:
            yield from _all_text(child)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]


def test_the_page_is_self_contained(relu_page):
    assert relu_page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in relu_page
    assert "Content-Security-Policy" in relu_page and "default-src 'none'" in relu_page
    assert "://" not in relu_page
    collector = _Collector()
    collector.feed(relu_page)
    assert "script" not in collector.tags and "link" not in collector.tags and "img" not in collector.tags
    for tag, name, value in collector.attributes:
        if name in ("src", "href", "xlink:href", "action"):
            assert value.startswith("#"), (tag, name, value)
    assert "@media print" in relu_page and "@media (max-width" in relu_page


def test_every_step_is_shown_with_its_key_and_well_formed_mathml(relu_page):
    derivation = catalog.load("relu-111-sgd")
    for step in derivation.steps:
        assert f"<code>{step.key}</code>" in relu_page
    maths = _maths(relu_page)
    assert len(maths) >= 2 * len(derivation.steps)
    for math in maths:
        parseString(math)  # well-formed XML: every text node escaped


def test_the_line_of_numbers_reads_as_the_worked_solution(relu_page):
    # README: s2.dL_dW1 is ∂L/∂w₁ = δ₁·x = (ŷ − y)·w₂·ReLU′(z₁)·x = (2.1212 − 4)·1.02·1·2 ≈ −3.8328
    row = re.search(r"<code>s2.dL_dW1</code></td><td class=\"math\">(.*?)</td>", relu_page).group(1)
    pieces = [_text(m) for m in _maths(row)]
    assert pieces == ["∂L∂w1=δ1·x", "=(y^−y)·w2·ReLU′(z1)·x", "=(2.1212−4)·1.02·1·2", "≈−3.8328"]
    assert "<mfrac><mrow><mi mathvariant=\"normal\">∂</mi><mi>L</mi></mrow>" in row
    assert '<mover accent="true"><mi>y</mi><mo>^</mo></mover>' in row


def test_relations_and_sets_are_escaped_in_mathml():
    # the soft margin's free support vectors are {P : 0 < α_P < C}: "<" must be &lt; in the page
    page = renderer("html")(catalog.load("svm-soft-margin"), RenderOptions(4, pictures=False))
    assert "<mo>&lt;</mo>" in page
    for math in _maths(page):
        parseString(math)
    # the set of support vectors is written with its members
    row = re.search(r"<code>support_vectors</code></td><td class=\"math\">(.*?)</td>", page).group(1)
    assert _text(_maths(row)[-1]) == "={B,C,D,G}"


def test_mathml_matches_sympy_structure_for_plain_formulas():
    import sympy

    x, y = sympy.symbols("x y")
    assert mathml(sympy.Rational(-3, 4), {}) == "<mrow><mo>−</mo><mfrac><mn>3</mn><mn>4</mn></mfrac></mrow>"
    assert mathml(sympy.sqrt(2), {}) == "<msqrt><mn>2</mn></msqrt>"
    assert mathml(sympy.Add(x, sympy.Mul(-1, y, evaluate=False), evaluate=False), {}) == \
        "<mrow><mi>x</mi><mo>−</mo><mi>y</mi></mrow>"
    assert mathml(sympy.Lt(x, y), {}) == "<mrow><mi>x</mi><mo>&lt;</mo><mi>y</mi></mrow>"


HOSTILE = b"""kind = "softmax"
title = "<script>alert('x')</script> & <b>bold</b> \\u0007"
[softmax]
z = [1, 2]
y = [0, 1]
"""


def test_text_from_the_file_is_escaped():
    page = renderer("html")(catalog.load_text(HOSTILE, "<evil>.toml"), RenderOptions(4))
    assert "<script>" not in page and "<b>" not in page and "\x07" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert escape('a"b') == "a&quot;b"


def test_pictures_are_inline_with_ids_unique_on_the_page():
    derivation = catalog.load("relu-111-sgd")
    page = renderer("html")(derivation, RenderOptions(4))
    assert page.count("<svg") == len(derivation.figures) == 5
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'href="#([^"]+)"', page) + re.findall(r"url\(#([^)]+)\)", page):
        assert reference in ids
    assert "<metadata>" not in page and "<?xml" not in page and "<!--" not in page
    without = renderer("html")(derivation, RenderOptions(4, pictures=False))
    assert "<svg" not in without


def test_inline_svg_prefixes_ids_and_references():
    svg = b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg" ' \
          b'xmlns:xlink="http://www.w3.org/1999/xlink"><metadata>m</metadata><defs><path id="a"/></defs>' \
          b'<!-- A --><use xlink:href="#a"/><g clip-path="url(#c)"/></svg>'
    assert inline_svg(svg, "f-") == '<svg><defs><path id="f-a"/></defs><use xlink:href="#f-a"/>' \
                                     '<g clip-path="url(#f-c)"/></svg>'


def test_html_from_the_command_line(tmp_path):
    out = tmp_path / "page.html"
    result = run_solver("graph", "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "∂E/∂x" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


# --- picture files beside Markdown and LaTeX ------------------------------------------------------

def test_markdown_pictures_are_svg_files_beside_the_output(tmp_path):
    out = tmp_path / "my notes.md"
    result = run_solver("svm", "svm-six-points", "--format", "markdown", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "(my_notes-svm.svg)" in text
    picture = tmp_path / "my_notes-svm.svg"
    assert picture.read_bytes().startswith(b"<?xml")


def test_without_an_output_file_no_picture_is_written():
    from tests.conftest import ROOT

    before = sorted(ROOT.iterdir())
    result = run_solver("svm", "svm-six-points", "--format", "markdown")
    assert result.returncode == 0
    assert ".svg" not in result.stdout
    assert "The picture" not in result.stdout  # a section holding only a picture is left out
    result = run_solver("svm", "svm-six-points", "--format", "latex")
    assert "includegraphics" not in result.stdout and "The picture" not in result.stdout
    result = run_solver("svm", "svm-six-points")
    assert "The picture" not in result.stdout
    assert sorted(ROOT.iterdir()) == before


def test_no_pictures_option(tmp_path):
    out = tmp_path / "notes.tex"
    result = run_solver("backprop", "--format", "latex", "--no-pictures", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "includegraphics" not in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.tex"]


def test_pictures_are_byte_identical_across_runs_and_hash_seeds(tmp_path):
    runs = []
    for seed in ("0", "4242"):
        folder = tmp_path / seed
        folder.mkdir()
        for fmt, name in (("markdown", "s.md"), ("latex", "s.tex"), ("html", "s.html")):
            result = run_solver("svm", "svm-soft-margin", "--format", fmt, "-o", str(folder / name),
                                env={"PYTHONHASHSEED": seed, "TZ": "Pacific/Kiritimati" if seed == "0" else "UTC"})
            assert result.returncode == 0, result.stderr
        runs.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert sorted(runs[0]) == ["s-svm.pdf", "s-svm.svg", "s.html", "s.md", "s.tex"]
    assert runs[0] == runs[1]


LAZY = """
import sys
from solver.cli import main
status = main(sys.argv[1:])
sys.stderr.write(f"{status} {'matplotlib' in sys.modules}\\n")
"""


@pytest.mark.parametrize("args", [["backprop"], ["svm", "svm-soft-margin"], ["graph", "--format", "json"],
                                  ["backprop", "--format", "markdown"]])
def test_no_picture_no_matplotlib(args):
    import subprocess

    from tests.conftest import ROOT

    result = subprocess.run([sys.executable, "-c", LAZY, *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "0 False"


#: The elements of MathML Core, which browsers lay out (no mfenced, no mstyle tricks).
MATHML_CORE = {"math", "mrow", "mi", "mn", "mo", "mtext", "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup",
               "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mspace", "mpadded", "mphantom"}


@pytest.mark.parametrize("problem", catalog.builtin_names())
def test_every_built_in_page_uses_only_mathml_core(problem):
    page = renderer("html")(catalog.load(problem), RenderOptions(4, pictures=False))
    maths = _maths(page)
    assert maths
    elements = {tag for math in maths for tag in re.findall(r"<(m[a-z]*)[ >/]", math)}
    assert elements <= MATHML_CORE, elements - MATHML_CORE
    for math in maths:
        parseString(math)


def test_a_page_without_keys(relu_page):
    page = renderer("html")(catalog.load("relu-111-sgd"), RenderOptions(4, keys=False))
    assert "<code>s1.z1</code>" in relu_page and "<code>eta</code>" in relu_page
    assert "<code>s1.z1</code>" not in page and "<code>eta</code>" not in page and 'class="key"' not in page
    assert page.count('<td class="math">') == relu_page.count('<td class="math">') > 0  # every step still shown
