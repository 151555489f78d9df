"""The four output formats: LaTeX that compiles, Markdown with its formulas, JSON that round-trips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from fractions import Fraction

import pytest
import sympy

from solver.kinds import catalog
from solver.render import renderer
from solver.render.options import RenderOptions

TEX = shutil.which("pdflatex")
REQUIRE_TEX = os.environ.get("SOLVER_REQUIRE_TEX") == "1"


@pytest.fixture(scope="module")
def relu_111():
    return catalog.load("relu-111-sgd")


@pytest.mark.parametrize("problem", catalog.builtin_names())
def test_latex_output_compiles(problem, tmp_path):
    if TEX is None:
        if REQUIRE_TEX:
            pytest.fail("pdflatex is required here (SOLVER_REQUIRE_TEX=1) but not installed")
        pytest.skip("no TeX engine installed")
    source = tmp_path / "solution.tex"
    derivation = catalog.load(problem)
    source.write_text(renderer("latex")(derivation, RenderOptions(4, pictures_beside=str(source))), encoding="utf-8")
    for figure in derivation.figures:  # each picture a PDF beside the document, and included by it
        assert (tmp_path / f"solution-{figure.name}.pdf").read_bytes().startswith(b"%PDF")
        assert f"\\includegraphics[width=\\linewidth,height=0.42\\textheight,keepaspectratio]{{solution-{figure.name}.pdf}}" \
            in source.read_text(encoding="utf-8")
    result = subprocess.run(
        [TEX, "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "solution.pdf").stat().st_size > 1000


def test_latex_is_a_complete_document(relu_111):
    text = renderer("latex")(relu_111, RenderOptions(4))
    assert text.startswith(r"\documentclass")
    assert text.rstrip().endswith(r"\end{document}")
    assert r"w_{1} &\leftarrow w_{1} - \eta \cdot \frac{\partial L}{\partial w_{1}}" in text


def test_markdown_shows_the_worked_formulas(relu_111):
    text = renderer("markdown")(relu_111, RenderOptions(4))
    expected = (
        r"| `s2.dL_dW1` | $\frac{\partial L}{\partial w_{1}} = \delta_{1} \cdot x = \left(\hat{y} - y\right)"
        r" \cdot w_{2} \cdot \operatorname{ReLU}'\left(z_{1}\right) \cdot x = \left(2.1212 - 4\right) \cdot 1.02"
        r" \cdot 1 \cdot 2 \approx -3.8328$ |"
    )
    assert expected in text
    assert r"| `s1.loss` | $L = \frac{1}{2} \cdot \left(\hat{y} - y\right)^{2} = \frac{1}{2} \cdot \left(1 - 3\right)^{2} = 2$ |" in text
    for step in relu_111.steps:
        assert f"`{step.key}`" in text
    for line in text.splitlines():
        assert line.count("$") % 2 == 0, line


def test_terminal_view_lists_every_step(relu_111):
    from io import StringIO

    from rich.console import Console

    from solver.render.terminal import render

    out = StringIO()
    Console(file=out, width=200, color_system=None).print(render(relu_111, RenderOptions(4)))
    text = out.getvalue()
    for step in relu_111.steps:
        assert step.key in text
    assert "w₁ ← w₁ − η·∂L/∂w₁ = 1.02 − 0.01·(−3.8328)" in text
    assert "≈ 1.0583" in text


@pytest.mark.parametrize("problem", ["relu-111-sgd", "sigmoid-softmax-minibatch", "tanh-sigmoid-batch"])
def test_json_values_agree_with_the_exact_derivation(problem):
    derivation = catalog.load(problem)
    document = json.loads(renderer("json")(derivation, RenderOptions(4)))
    assert {"problem", "kind", "title", "steps"} <= document.keys()
    assert document["problem"] == problem and document["kind"] == "backprop"
    assert [s["key"] for s in document["steps"]] == [s.key for s in derivation.steps]
    for entry, step in zip(document["steps"], derivation.steps):
        assert {"key", "section", "formula", "latex", "value", "numeric"} <= entry.keys()
        assert entry["section"] == step.section
        numbers = entry["numeric"] if isinstance(entry["numeric"], list) else [entry["numeric"]]
        flat = [v for row in numbers for v in (row if isinstance(row, list) else [row])]
        assert len(flat) == len(step.values)
        for number, value in zip(flat, step.values):
            # the JSON number is the exact value to 30 significant digits
            assert abs(Fraction(str(sympy.Float(value.approx, 40))) - Fraction(repr(number))) <= abs(
                Fraction(repr(number))
            ) * Fraction(1, 10**14) + Fraction(1, 10**25)
        if entry["exact"] and step.is_scalar:
            # our own output, read back to check it is the exact value (equal to 50 digits)
            assert abs(sympy.N(sympy.sympify(entry["value"]) - step.values[0].exact, 50)) < 1e-45


def test_json_numbers_are_written_from_decimals_not_floats():
    derivation = catalog.load("relu-111-sgd")
    text = renderer("json")(derivation, RenderOptions(4))
    # s3.W1 = 216371783465987163241353/195312500000000000000000 = 1.10782353134585427579572736
    assert '"numeric": 1.10782353134585427579572736' in text
    assert '"value": "216371783465987163241353/195312500000000000000000"' in text
