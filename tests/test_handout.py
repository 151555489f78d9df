"""The LaTeX output is a handout a teacher would hand out: it compiles, no line runs off the page,
maths is set as maths (notes and tables too), and the keys can be left out."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from solver.derivation.model import MathText
from solver.kinds import catalog
from solver.render import renderer, tex_layout
from solver.render.options import RenderOptions

TEX = shutil.which("pdflatex")
REQUIRE_TEX = os.environ.get("SOLVER_REQUIRE_TEX") == "1"


def _compile(source: str, tmp_path) -> str:
    """Compile a LaTeX document with pdflatex; the log."""
    if TEX is None:
        if REQUIRE_TEX:
            pytest.fail("pdflatex is required here (SOLVER_REQUIRE_TEX=1) but not installed")
        pytest.skip("no TeX engine installed")
    (tmp_path / "handout.tex").write_text(source, encoding="utf-8")
    result = subprocess.run(
        [TEX, "-interaction=nonstopmode", "-halt-on-error", "handout.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "handout.pdf").stat().st_size > 1000
    return (tmp_path / "handout.log").read_text(encoding="utf-8", errors="replace")


def _overfull(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]


OPTIONS = {
    "keys": RenderOptions(4),
    "no-keys": RenderOptions(4, keys=False),
    "questions": RenderOptions(4, questions=True),
}


@pytest.mark.parametrize("variant", OPTIONS)
@pytest.mark.parametrize("problem", catalog.builtin_names())
def test_every_builtin_compiles_and_no_line_runs_off_the_page(problem, variant, tmp_path):
    log = _compile(renderer("latex")(catalog.load(problem), OPTIONS[variant]), tmp_path)
    assert not _overfull(log), _overfull(log)


@pytest.mark.parametrize("problem", ["sigmoid-softmax-minibatch", "tanh-sigmoid-batch", "svm-soft-margin"])
def test_twelve_places_still_fit_the_page(problem, tmp_path):
    # Numbers three times as long as usual: lines are cut inside parentheses, and the value rows
    # of the batch means (four 2×2 matrices in one sum) must still fit.
    log = _compile(renderer("latex")(catalog.load(problem), RenderOptions(12)), tmp_path)
    assert not _overfull(log), _overfull(log)


def test_the_long_delta_line_is_broken_before_a_top_level_product():
    text = renderer("latex")(catalog.load("sigmoid-softmax-minibatch"), RenderOptions(4))
    # δ₁ = ∂L/∂a₁ ⊙ a₁ ⊙ (1 − a₁) with numbers ran 94 pt off the page in one line: the third
    # factor now starts a row of its own, after the first two.
    rows = [row for row in text.split("\\\\") if "0.5250 & 0.4750 & 0.5498" in row and r"\odot" in row]
    assert any(row.strip().startswith(r"& &  &\quad \odot \left(\mathbf{1} -") for row in rows), rows


def test_no_doubled_parentheses_around_negative_numbers():
    text = renderer("latex")(catalog.load("net-2232-softmax"), RenderOptions(4))
    assert r"\sigma\left(-0.4\right)" in text
    assert r"\left(\left(-" not in text
    scalar = renderer("latex")(catalog.load("graph-skip-scalar"), RenderOptions(4))
    assert r"\left(-0.2449 - 1\right)^{2}" in scalar  # S = ½(y − s)² with y = −0.2449, s = 1
    assert r"\left(\left(-" not in scalar


def test_notes_and_tables_hold_maths_in_math_mode():
    text = renderer("latex")(catalog.load("svm-soft-margin"), RenderOptions(4))
    assert r"y\_B" not in text and "y_B(" not in text
    assert r"$y_{B} \cdot \left(w \cdot B + b\right) = 1$ & $\alpha_{B} - 2 \cdot \alpha_{D} + b = 2$ \\" in text
    assert r"where $y_{s}(w\cdot x_{s} + b) = 1$ and so $b = y_{s} - w\cdot x_{s}$ (here B)" in text
    # no maths character by character: y$_{i}$(w$\cdot$x$_{i}$ + b) is how notes read before
    assert "$_{i}$" not in text and r"$\cdot$x" not in text
    assert r"\textbf{$m_{i} = y_{i}f(x_{i})$}" in text


def test_no_keys_leaves_every_key_out():
    derivation = catalog.load("relu-111-sgd")
    with_keys = renderer("latex")(derivation, RenderOptions(4))
    without = renderer("latex")(derivation, RenderOptions(4, keys=False))
    assert r"\texttt{s2.dL\_dW1}" in with_keys
    assert r"\texttt" not in without.split(r"\begin{document}")[1].replace(r"\texttt{relu-111-sgd}", "").replace(
        r"\texttt{backprop}", "")
    assert r"w_{1} &\leftarrow w_{1} - \eta \cdot \frac{\partial L}{\partial w_{1}}" in without
    markdown = renderer("markdown")(derivation, RenderOptions(4, keys=False))
    assert "s2.dL_dW1" not in markdown and "| Step |" in markdown


@pytest.mark.parametrize("text, latex", [
    ("yᵢ(w·xᵢ + b) ≥ 1 − ξᵢ", r"y_{i}(w\cdot x_{i} + b) \geq  1 - \xi _{i}"),
    ("w = Σαᵢyᵢxᵢ", r"w = \sum \alpha _{i}y_{i}x_{i}"),
    ("e^z/Σ", r"e^{z}/\Sigma"),
    ("L = −Σ yₖ log pₖ", r"L = -\sum  y_{k} \log  p_{k}"),
    ("w⁽¹⁾₁₁ = w*", r"w^{(1)}_{11} = w^{*}"),
    ("{B, C} \\input{x} $ & # % ~", r"\{B, C\} \backslash input\{x\} \$ \& \# \% \sim"),
])
def test_unicode_maths_in_notes_becomes_latex(text, latex):
    from solver.render.unicode_math import to_latex

    assert to_latex(text) == latex


def test_width_estimates_are_close_to_what_tex_sets(tmp_path):
    # The line breaker is only as good as its estimate: measured against TeX's own \wd of every
    # formula, name and value of two built-ins, long pieces are within −10 % … +15 %.
    from solver.render import latex

    pieces = set()
    for problem in ("sigmoid-softmax-minibatch", "svm-soft-margin", "net-2232-softmax"):
        derivation = catalog.load(problem)
        for step in derivation.steps:
            pieces.update(latex.step_parts(step, derivation, 4))
            pieces.add(latex.value(step, 4))
    pieces = sorted(pieces)
    body = "\n".join(rf"\setbox0\hbox{{$\displaystyle {p}$}}\typeout{{W{i}:\the\wd0}}" for i, p in enumerate(pieces))
    log = _compile(r"\documentclass[11pt]{article}\usepackage{amsmath,amssymb}\begin{document}" + body
                   + r"x\end{document}", tmp_path)
    measured = {int(i): float(w) for i, w in re.findall(r"^W(\d+):([\d.]+)pt", log, re.MULTILINE)}
    assert len(measured) == len(pieces)
    for i, piece in enumerate(pieces):
        if measured[i] > 100:
            ratio = tex_layout.width(tex_layout.parse(piece)) / measured[i]
            assert 0.9 <= ratio <= 1.15, (ratio, piece)


def test_math_text_is_a_fragment_of_prose():
    from solver.derivation.model import prose

    assert prose("so $b = yₛ − w·xₛ$ (here B)") == ("so ", MathText("b = yₛ − w·xₛ"), " (here B)")
    assert prose("costs $5") == ("costs $5",)


LONG_NAMES = """
kind = "graph"
title = "Long names"

[inputs]
inputVectorAlpha = [1, -1]
weightMatrixOne = [[0.5, -1], [1, 0.5], [-0.5, 1]]
readoutVector = [1, -1, 0.5]

[nodes]
hiddenPreActiv = "weightMatrixOne * inputVectorAlpha"
hiddenActivation = "sigmoid(hiddenPreActiv)"
totalEnergyValue = "transpose(readoutVector) * hiddenActivation"

[derivative]
of = "totalEnergyValue"
wrt = "inputVectorAlpha"
"""


def test_keys_too_long_to_leave_room_go_above_their_steps(tmp_path):
    # local.dhiddenActivation_dhiddenPreActiv is 38 typewriter characters: beside it, and a long
    # name, a formula would have under half the line; the key gets a row of its own instead.
    derivation = catalog.load_text(LONG_NAMES.encode(), "long-names.toml")
    text = renderer("latex")(derivation, RenderOptions(4))
    assert r"&\makebox[0pt][l]{\text{\texttt{local.dhiddenActivation\_dhiddenPreActiv}}} & & \\" in text
    log = _compile(text, tmp_path)
    assert not _overfull(log), _overfull(log)
