"""The terminal view at 60, 80, 120 and 200 columns: nothing wider than the terminal, no key,
number or bracketed vector broken across lines, values near their formulas, no trailing spaces."""

from __future__ import annotations

import re
import statistics
from io import StringIO

import pytest
from conftest import run_solver
from rich.cells import cell_len
from rich.console import Console

from solver.kinds import catalog
from solver.render import printing
from solver.render.common import show
from solver.render.options import RenderOptions
from solver.render.rich_output import without_trailing_spaces
from solver.render.terminal import render
from solver.render.terminal_layout import MAX_STRAND, break_levels, line_starts

WIDTHS = (60, 80, 120, 200)
PROBLEMS = catalog.builtin_names()


def _terminal(problem: str, width: int, **options) -> str:
    derivation = catalog.load(problem)
    out = StringIO()
    Console(file=out, width=width, color_system=None, highlight=False).print(
        render(derivation, RenderOptions(derivation.decimals, **options)))
    return without_trailing_spaces(out.getvalue())


@pytest.fixture(scope="module")
def views() -> dict[tuple[str, int], str]:
    return {(p, w): _terminal(p, w) for p in PROBLEMS for w in WIDTHS}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("problem", PROBLEMS)
def test_every_line_fits_and_keys_numbers_and_vectors_stay_whole(problem, width, views):
    text = views[(problem, width)]
    lines = text.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, too_wide
    words = {word for line in lines for word in re.split(r"[\s│┃]+", line)}
    derivation = catalog.load(problem)
    for step in derivation.steps:
        assert step.key in words, f"key {step.key} broken or missing"
        for value in step.values:
            number = show(value, derivation.decimals).digits.replace("-", printing.MINUS)
            assert any(number in line for line in lines), f"{step.key}: {number} broken or missing"
    for line in lines:
        # a vector opened on a line is closed on it: a line never ends inside the innermost brackets,
        # nor starts inside them (a matrix may break between its rows: "[[1, 2]," / " [3, 4]]")
        assert not re.search(r"\[[^\[\]]*$", line), line
        assert not re.search(r"^[^\[\]]*\]", line), line


@pytest.mark.parametrize("problem", PROBLEMS)
def test_values_are_not_stranded_far_from_short_formulas(problem, views):
    # At 200 columns the old layout put every value of a section after its longest formula, up
    # to 110 columns after a short one.  Now the values of one-line steps start at most
    # MAX_STRAND (+2) columns beyond the end of the section's median formula, or two columns
    # after a formula longer than that.
    sections = views[(problem, 200)].split("─\n")
    for section in sections:
        ends, starts = [], []
        for line in section.splitlines():
            match = re.match(r"(\S+  +.*?\S)( {2,})([=≈⇔] .*)$", line)
            if match:
                ends.append(len(match.group(1)))
                starts.append(len(match.group(1)) + len(match.group(2)))
        for end, start in zip(ends, starts):
            # a value after a formula longer than the column follows it two columns on
            assert start - end == 2 or start - statistics.median(ends) <= MAX_STRAND + 2, section


@pytest.mark.parametrize("problem", PROBLEMS)
def test_no_trailing_spaces_at_any_width(problem, views):
    for width in WIDTHS:
        assert not [line for line in views[(problem, width)].splitlines() if line != line.rstrip()]


def test_one_vector_format_everywhere(views):
    # the same vector reads [0.5250, 0.4750, 0.5498] in a formula and as a value; matrices are [[…], […]]
    text = views[("sigmoid-softmax-minibatch", 200)]
    assert "σ([0.1, −0.1, 0.2])" in text and "≈ [0.5250, 0.4750, 0.5498]" in text
    assert "≈ [[−0.2324, 0.2324]," in text
    svm = views[("svm-soft-margin", 200)]
    assert "│ [0.5, 0.5] │" in svm  # the table of points
    assert "w ≈ [−0.666667, −0.666667]" in svm  # the solver's estimate in a note
    graph = views[("graph-skip", 200)]
    assert "= [1.5, 0.5, −1.5]ᵀ" in graph  # a column vector as a value, as in formulas
    assert not re.search(r"\[[−\d.]+ +[−\d.]+\]", text + svm + graph)  # no vectors without commas


def test_keys_are_left_out_on_request():
    text = _terminal("relu-111-sgd", 80, keys=False)
    assert "s1.z1" not in text and "[eta]" not in text
    assert "z₁ = w₁·x + b₁ = 1·1 + 0" in text


@pytest.mark.parametrize("plain, first, rest, expected", [
    ("a = [1, 2, 3] + [4, 5, 6]", 12, 12, ["a =", "[1, 2, 3] +", "[4, 5, 6]"]),
    ("[[0.1, 0.2], [0.3, 0.4]]·x", 16, 16, ["[[0.1, 0.2],", "[0.3, 0.4]]·x"]),  # between rows
    ("x⁽¹⁾ = [1, 0] [s1.x],  y⁽¹⁾ = [0, 1] [s1.y]", 30, 30, ["x⁽¹⁾ = [1, 0] [s1.x],", "y⁽¹⁾ = [0, 1] [s1.y]"]),
])
def test_lines_break_between_whole_pieces(plain, first, rest, expected):
    starts = line_starts(plain, first, rest)
    lines = [plain[a:b].strip() for a, b in zip(starts, starts[1:] + [len(plain)])]
    assert lines == expected


def test_break_levels_tell_vectors_from_rows():
    levels = {b.end: b.level for b in break_levels("[[1, 2], [3, 4]]·x + y")}
    assert levels == {4: 2, 8: 1, 12: 2, 17: 0.5, 18: 0, 20: 0}


def test_keys_too_long_for_a_column_go_above_their_steps():
    from tests.test_handout import LONG_NAMES

    derivation = catalog.load_text(LONG_NAMES.encode(), "long-names.toml")
    out = StringIO()
    Console(file=out, width=60, color_system=None).print(render(derivation, RenderOptions(4)))
    lines = out.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= 60
    key = lines.index("local.dhiddenActivation_dhiddenPreActiv")
    assert lines[key + 1].startswith("  ∂hiddenActivation/∂hiddenPreActiv")


@pytest.mark.parametrize("width", (40, 60, 80))
@pytest.mark.parametrize("problem", ["sigmoid-softmax-minibatch", "svm-soft-margin", "net-2232-softmax"])
def test_question_sheets_fit_the_width_with_every_key_whole(problem, width):
    text = _terminal(problem, width, questions=True)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    words = {word for line in lines for word in re.split(r"[\s│]+", line)}
    for key in catalog.load(problem).scheme.keys:
        assert key in words, key


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_check_reports_break_values_between_whole_vectors(columns, tmp_path):
    # kernel-xor's 4×4 K and L and 4-vectors of pivots, in the Given, Expected and explanation text
    answers = tmp_path / "a.toml"
    answers.write_text("K = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]\npivots = [9, 0, 0, 0]\n"
                       "L = [[1, 0, 0, 0], [0.1, 1, 0, 0], [0.1, 0.1, 1, 0], [0.1, 0.1, 0.1, 1]]\n", encoding="utf-8")
    result = run_solver("check", "kernel-xor", str(answers), env={"COLUMNS": str(columns)})
    assert result.returncode == 1
    for line in result.stdout.splitlines():
        assert cell_len(line) <= columns, line
        for piece in re.split(r"\s{2,}", line.strip()):  # the columns of a row, or an explanation
            assert not re.search(r"\[[^\[\]]*$", piece), line
            assert not re.search(r"^[^\[\]]*\]", piece), line


def test_a_value_with_nowhere_to_break_is_folded_not_cut(tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text('s1.z1 = "' + "x" * 300 + '"\n', encoding="utf-8")
    result = run_solver("check", "relu-111-sgd", str(answers), env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.strip() == "given") + 1
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("expected"))
    assert "".join(line.strip() for line in lines[start:end]) == "x" * 300  # all of it, folded over lines
