"""Question sheets (``--questions``): the statement, what to compute and a blank answer table,
with no answer in any format."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from io import StringIO

import pytest
import sympy
from conftest import run_solver

from solver.checking.template import answer_template
from solver.derivation.model import Derivation, Scalar
from solver.derivation.questions import question, question_sheet
from solver.kinds import catalog
from solver.render import emit
from solver.render.common import answer_form, show
from solver.render.options import RenderOptions

FORMATS = ("terminal", "markdown", "latex", "json", "html")
PROBLEMS = catalog.builtin_names()


def _render(derivation: Derivation, fmt: str, **options) -> str:
    out = StringIO()
    emit(fmt, derivation, RenderOptions(derivation.decimals, questions=True, **options), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def derivations() -> dict[str, Derivation]:
    return {name: catalog.load(name) for name in PROBLEMS}


def _with_sentinel_values(derivation: Derivation) -> Derivation:
    """The same derivation with every step's value replaced by a distinctive number (7 7 … 1, 7 7 … 2, …)."""
    counter = iter(range(1, 10**6))

    def sentinel() -> Scalar:
        value = sympy.Rational(77_777_000 + next(counter), 1000)
        return Scalar(value, Decimal(value.p) / Decimal(value.q))

    sections = tuple(
        dataclasses.replace(s, steps=tuple(dataclasses.replace(step, values=tuple(sentinel() for _ in step.values))
                                           for step in s.steps))
        for s in derivation.sections
    )
    return dataclasses.replace(derivation, sections=sections)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("problem", PROBLEMS)
def test_no_computed_value_reaches_a_question_sheet(problem, fmt, derivations):
    # The sheet of a derivation whose every step value is a sentinel (77777.001, 77777.002, …) is
    # the same text as the real one's, and holds no sentinel: nothing on it depends on an answer.
    derivation = derivations[problem]
    sheet = _render(derivation, fmt)
    assert _render(_with_sentinel_values(derivation), fmt) == sheet
    assert "77777" not in sheet


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("problem", PROBLEMS)
def test_no_step_s_displayed_value_appears_on_its_sheet(problem, fmt, derivations):
    # Search the sheet for each step's value as the solution displays it (every digit of it,
    # sign aside).  Values that the problem itself states (a given's value, a count in the
    # description) are left out: finding 1 or 0.5 would prove nothing.
    derivation = derivations[problem]
    stated = {show(v, derivation.decimals).digits.lstrip("-") for g in derivation.givens for v in g.values}
    solution = StringIO()
    emit(fmt, derivation, RenderOptions(derivation.decimals, pictures=False), solution)
    sheet = _render(derivation, fmt).split("</head>")[-1]  # an HTML page's style sheet has numbers of its own
    searched = 0
    for step in derivation.steps:
        for value in step.values:
            digits = show(value, derivation.decimals).digits.lstrip("-")
            if digits in stated or len(digits.replace(".", "")) < 2:
                continue
            pattern = re.compile(rf"(?<![\d.]){re.escape(digits)}(?![\d])")
            assert not pattern.search(sheet), f"{step.key} = {digits} is on the question sheet"
            searched += 1
            assert pattern.search(solution.getvalue()) or fmt == "json"  # the search finds it where it is
    if not searched:
        pytest.skip("every value is too short or also a given's: the sentinel test covers this problem")


@pytest.mark.parametrize("problem", PROBLEMS)
def test_the_sheet_asks_for_the_keys_of_the_template(problem, derivations):
    derivation = derivations[problem]
    template_keys = [line.split(" = ")[0].replace('"', "") for line in answer_template(derivation).splitlines()
                     if " = " in line and not line.startswith("#")]
    sheet = question_sheet(derivation)
    assert [q.key for q in sheet.questions] == template_keys == list(derivation.scheme.keys)
    document = json.loads(_render(derivation, "json"))
    assert [entry["key"] for entry in document["asked"]] == template_keys
    assert "steps" not in document and "notes" not in document
    assert all(not {"value", "numeric", "formula", "latex"} & entry.keys() for entry in document["asked"])
    for fmt in ("terminal", "markdown", "latex", "html"):
        text = _render(derivation, fmt).replace(r"\_", "_")
        for key in template_keys:
            assert key in text, (fmt, key)


def test_the_terminal_sheet_shows_the_givens_and_a_blank_answer_column(derivations):
    text = _render(derivations["relu-111-sgd"], "terminal")
    assert "Given: η = 0.01 [eta],  w₁ = 1 [s0.W1]" in text
    assert "Given: x = 1 [s1.x],  y = 3 [s1.y]" in text
    row = next(line for line in text.splitlines() if "s2.dL_dW1" in line)
    # │ ∂L/∂w₁ │ s2.dL_dW1 │ number │ (blank) │
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells == ["∂L/∂w₁", "s2.dL_dW1", "number", ""]
    assert "Note" not in text and "Parameters in update" not in text


def test_answer_forms_say_what_to_write(derivations):
    # svm-soft-margin asks w, b, margin, support_vectors, xi.*, class.* ([grading]), w and the
    # support vectors for 2 points each
    soft = derivations["svm-soft-margin"]
    sheet = question_sheet(soft)
    forms = {q.key: q.form for q in sheet.questions}
    assert forms["w"] == "vector" and forms["b"] == "number" and forms["support_vectors"] == "set"
    assert "f.A" not in forms and "hyperplane" not in forms  # not asked, not on the sheet
    markdown = _render(soft, "markdown")
    assert "| $w$ | `w` | vector of 2, 2 points | |" in markdown
    assert "| $b$ | `b` | number, 1 point | |" in markdown
    assert "set of names from A, B, C, D, E, F, G, 2 points" in markdown
    assert "`f.A`" not in markdown
    hyperplane = question(soft.by_key["hyperplane"])
    assert hyperplane.form == "equation" and answer_form(hyperplane) == "equation in x₁, x₂"
    matrices = {q.key: q.form for q in question_sheet(derivations["sigmoid-softmax-minibatch"]).questions}
    assert matrices["s1.W1"] == "matrix"
    document = json.loads(_render(soft, "json"))
    assert next(e for e in document["asked"] if e["key"] == "w")["points"] == 2


def test_questions_without_keys(derivations):
    text = _render(derivations["relu-111-sgd"], "markdown", keys=False)
    assert "s1.z1" not in text and "| Quantity | Form | Answer |" in text
    assert "`eta`" not in text
    page = _render(derivations["relu-111-sgd"], "html", keys=False)
    assert "s1.z1" not in page and "<code>eta</code>" not in page
    assert "<th>Quantity</th><th>Form</th><th>Answer</th>" in page


def test_the_html_sheet_is_a_page_of_givens_and_blank_answers(derivations):
    page = _render(derivations["relu-111-sgd"], "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # η = 0.01 (eta): a given with its value and key
    assert "<mi>η</mi><mo>=</mo><mn>0.01</mn></math> (<code>eta</code>)" in page
    row = r"<tr><td>(.*?)</td><td><code>(.*?)</code></td><td>(.*?)</td><td class=\"answer\"></td></tr>"
    rows = re.findall(row, page)
    assert [key for _, key, _ in rows] == list(derivations["relu-111-sgd"].scheme.keys)
    assert all(form == "number" for _, _, form in rows)
    assert 'class="steps"' not in page and "Note." not in page and "<svg" not in page


def test_questions_from_the_command_line():
    result = run_solver("svm", "svm-six-points", "--questions", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["questions"] is True and document["problem"] == "svm-six-points"
    assert {"w", "b", "margin", "support_vectors"} <= {entry["key"] for entry in document["asked"]}
    assert [g["key"] for g in document["givens"]][:2] == ["x.A", "y.A"]


def test_an_html_sheet_without_keys_from_the_command_line(derivations):
    # `solve --format html --questions --no-keys`: no step's value, formula or key; givens and blanks
    result = run_solver("svm", "svm-six-points", "--format", "html", "--questions", "--no-keys")
    assert result.returncode == 0, result.stderr
    page = result.stdout
    derivation = derivations["svm-six-points"]
    for number in re.findall(r"<mn>([^<]*)</mn>", page):  # every number on the page is a given's
        assert any(show(v, derivation.decimals).digits.lstrip("-") == number
                   for g in derivation.givens for v in g.values), number
    assert "<code>" in page.split("</header>")[0]  # the problem's name is code; nothing after it is
    assert "<code>" not in page.split("</header>")[1] and 'class="key"' not in page
    assert page.count('<td class="answer"></td>') == len(derivation.scheme.keys) == 4
    assert "support_vectors" not in page and "alpha" not in page and "<mo>←</mo>" not in page
