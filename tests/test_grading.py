"""Grading: the asked keys, their points and the credit per verdict, the CSV sheet and the class
summary; scores worked by hand in each test from values of the hand-worked network (tests/hand.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from fractions import Fraction

import pytest

from solver.kinds import catalog
from tests.conftest import ROOT, run_solver
from tests.hand import decimal_text, hand_sgd

START = (Fraction(1), Fraction(0), Fraction(1), Fraction(0))

PROBLEM = """
kind = "backprop"
title = "1-1-1 ReLU, two updates"
[network]
layers = [1, 1, 1]
activations = ["relu", "identity"]
loss = "half_mse"
[initial]
W1 = 1
b1 = 0
W2 = 1
b2 = 0
[training]
learning_rate = 0.01
samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]
"""

GRADING = """
[grading]
keys = ["s1.W*", "s1.b*", "s2.loss"]
points = { "s2.*" = 2, "s1.b1" = 0.5 }
credit = { follows_through = 0.5 }
"""


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def check_json(*args: str) -> dict:
    result = run_solver("check", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# --- the [grading] table ----------------------------------------------------------------------


def test_asked_keys_points_and_credit_make_the_score(tmp_path):
    problem = write(tmp_path, "p.toml", PROBLEM + GRADING)
    # the student's own working: w₂ slipped to 1.03 in update 1, and the loss of update 2 computed from it
    slipped = hand_sgd(*START, samples=[(1, 3), (2, 4)], slips={"s1.W2": Fraction("1.03")})
    loss2 = slipped[1]["loss"]
    # by hand: z₁ = 1.02·2 + 0.02 = 2.06, ŷ = 1.03·2.06 + 0.02 = 2.1418, L = ½(2.1418 − 4)² = 1.72645…
    assert abs(loss2 - Fraction("1.72645")) < Fraction(1, 10**5)
    answers = write(tmp_path, "a.toml", "\n".join([
        "s1.z1 = 1",                         # not asked: shown, not scored
        "s1.W1 = 1.02",                      # correct, 1 point
        "s1.b1 = 0.02",                      # correct, 0.5 point
        "s1.W2 = 1.03",                      # wrong, 0 of 1
        # s1.b2 not answered: missing, 0 of 1
        f"s2.loss = {decimal_text(loss2, 4)}",  # follows through: credit ½ of 2 points
    ]) + "\n")
    document = check_json(problem, answers)
    file = document["files"][0]
    assert file["max_score"] == 5.5                 # 1 + 0.5 + 1 + 1 + 2
    assert file["score"] == 2.5                     # 1 + 0.5 + 0 + 0 + ½·2
    grades = {g["key"]: (g["verdict"], g["score"], g["max_score"]) for g in file["grades"]}
    assert grades == {"s1.W1": ("correct", 1, 1), "s1.b1": ("correct", 0.5, 0.5), "s1.W2": ("wrong", 0, 1),
                      "s1.b2": ("missing", 0, 1), "s2.loss": ("follows_through", 1, 2)}
    results = {r["key"]: r for r in file["results"]}
    assert results["s1.z1"]["asked"] is False and results["s1.z1"]["verdict"] == "correct"
    assert results["s1.b2"]["verdict"] == "missing" and results["s1.b2"]["given"] == ""


def test_a_file_with_one_key_is_scored_out_of_every_asked_key(tmp_path):
    problem = write(tmp_path, "p.toml", PROBLEM)
    answers = write(tmp_path, "a.toml", "s1.z1 = 1\n")
    file = check_json(problem, answers)["files"][0]
    steps = catalog.load_text(PROBLEM.encode(), "p.toml").steps
    assert (file["score"], file["max_score"]) == (1, len(steps) == 34 and 34)
    assert sum(r["verdict"] == "missing" for r in file["results"]) == 33


def test_blank_keys_and_partly_answered_matrices_are_missing(tmp_path):
    problem = write(tmp_path, "p.toml", """
kind = "backprop"
title = "t"
[network]
layers = [2, 1]
activations = ["identity"]
loss = "half_mse"
[initial]
W1 = [[1], [2]]
b1 = 0
[training]
learning_rate = 0.1
samples = [{ x = [1, 2], y = 1 }]
[grading]
keys = ["s1.W1", "s1.b1", "s1.z1"]
""")
    # z = 1·1 + 2·2 = 5, δ = ŷ − y = 4, ∂L/∂W = x·δ = (4, 8), W ← (1 − 0.4, 2 − 0.8) = (0.6, 1.2), b ← −0.4
    part = write(tmp_path, "part.toml", '"s1.W1[1,1]" = 0.6\ns1.b1 = ""\ns1.z1 = 5\n')
    whole = write(tmp_path, "whole.toml", '"s1.W1[1,1]" = 0.6\n"s1.W1[2,1]" = 1.2\ns1.b1 = -0.4\ns1.z1 = 5\n')
    first, second = check_json(problem, part, whole)["files"]
    assert {g["key"]: g["verdict"] for g in first["grades"]} == {"s1.z1": "correct", "s1.W1": "missing",
                                                                "s1.b1": "missing"}
    assert first["score"] == 1
    assert {g["key"]: g["verdict"] for g in second["grades"]} == dict.fromkeys(["s1.z1", "s1.W1", "s1.b1"],
                                                                                "correct")
    assert second["score"] == second["max_score"] == 3


@pytest.mark.parametrize("table, message", [
    ('keys = ["s9.*"]', "p.toml: grading.keys[1]: 's9.*' matches no key of this problem"),
    ('keys = "s1.z1"\npoints = { "s2.*" = 2 }', "grading.points.\"s2.*\": 's2.*' matches no asked key"),
    ('keys = []', "grading.keys: expected a list of key patterns"),
    ('keys = [3]', "grading.keys[1]: expected a key pattern (text), got 3"),
    ('points = { "s1.z1" = -1 }', 'grading.points."s1.z1": must lie between 0 and 1000'),
    ('points = { "s1.z1" = "sqrt(2)" }', "must be a rational number"),
    ('points = { "*" = 0 }', "grading.points: the asked keys are worth no points in all"),
    ('credit = { imprecise = 2 }', "grading.credit.imprecise: must lie between 0 and 1"),
    ('credit = { wrongg = 0 }', "grading.credit.wrongg: unknown key; did you mean 'wrong'?"),
    ('key = ["s1.z1"]', "grading.key: unknown key; did you mean 'keys'?"),
    ('keys = ["' + "*" * 101 + '"]', "a pattern of 101 characters; the limit is 100"),
])
def test_a_bad_grading_table_is_one_line_naming_the_key(tmp_path, table, message):
    problem = write(tmp_path, "p.toml", PROBLEM + "[grading]\n" + table + "\n")
    result = run_solver("solve", problem)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr, result.stderr


def test_dotted_point_keys_and_the_last_matching_pattern_win(tmp_path):
    problem = catalog.load_text((PROBLEM + """
[grading]
keys = ["s1.W1", "s1.b1", "s2.loss"]
[grading.points]
"s*" = 3
s1.b1 = 0.5
"S2.LOSS" = "1/3"
""").encode(), "p.toml")
    scheme = problem.scheme
    assert scheme.keys == ("s1.W1", "s1.b1", "s2.loss")
    assert scheme.points == (3, Fraction(1, 2), Fraction(1, 3))
    assert scheme.max_score == Fraction(23, 6)


# --- CSV and the class summary -----------------------------------------------------------------


def _class(tmp_path) -> tuple[str, list[str]]:
    problem = write(tmp_path, "p.toml", PROBLEM + '[grading]\nkeys = ["s1.W1", "s1.b1", "s1.W2", "s1.b2"]\n')
    # update 1 by hand: ŷ = 1, δ = −2, so W1 = W2 = 1.02 and b1 = b2 = 0.02; the update with its sign
    # flipped gives 0.98 and −0.02
    files = {
        "all.toml": "s1.W1 = 1.02\ns1.b1 = 0.02\ns1.W2 = 1.02\ns1.b2 = 0.02\n",          # 4
        "flipped.toml": "s1.W1 = 0.98\ns1.b1 = -0.02\ns1.W2 = 1.02\ns1.b2 = 0.02\n",     # 2
        "half.toml": "s1.W1 = 1.02\ns1.b1 = -0.02\n",                                     # 1
        "=cmd|' -C calc'!A0.toml": "s1.W1 = 0.98\n",                                      # 0
    }
    return problem, [write(tmp_path, name, text) for name, text in files.items()]


def run_in(directory, *args: str) -> subprocess.CompletedProcess:
    """``python -m solver ARGS`` run in ``directory``, with the project importable."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "solver", *args], cwd=directory, capture_output=True, text=True,
                          timeout=120, env=env)


def test_csv_has_a_row_per_file_with_each_asked_verdict(tmp_path):
    problem, paths = _class(tmp_path)
    names = [os.path.basename(p) for p in paths]
    result = run_in(tmp_path, "check", "p.toml", *names, "absent.toml", "--format", "csv")
    assert result.returncode == 2
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["file", "score", "max_score", "s1.W1", "s1.b1", "s1.W2", "s1.b2", "not_graded"]
    body = {os.path.basename(row[0]): row[1:] for row in rows[1:]}
    assert body["all.toml"] == ["4", "4", "correct", "correct", "correct", "correct", ""]
    assert body["flipped.toml"] == ["2", "4", "wrong", "wrong", "correct", "correct", ""]
    assert body["half.toml"] == ["1", "4", "correct", "wrong", "missing", "missing", ""]
    assert body["absent.toml"] == ["0", "4", "", "", "", "", "no such file"]
    # a file name a spreadsheet would run as a formula is written as text
    hostile = next(row[0] for row in rows[1:] if "cmd" in row[0])
    assert hostile == "'=cmd|' -C calc'!A0.toml"
    assert all(not row[0].startswith("/") for row in rows[1:])  # shown relative, not absolute


def test_csv_and_json_agree_for_every_file(tmp_path):
    problem, paths = _class(tmp_path)
    sheet = list(csv.DictReader(io.StringIO(run_solver("check", problem, *paths, "--format", "csv").stdout)))
    document = check_json(problem, *paths)
    for row, file in zip(sheet, document["files"]):
        assert float(row["score"]) == file["score"] and float(row["max_score"]) == file["max_score"]
        assert [row[g["key"]] for g in file["grades"]] == [g["verdict"] for g in file["grades"]]


def test_class_summary_gives_statistics_and_the_commonest_mistakes(tmp_path):
    problem, paths = _class(tmp_path)
    result = run_solver("check", problem, *paths, env={"COLUMNS": "80"})
    out = result.stdout
    # scores 4, 2, 1, 0 of 4: mean 7/4, median (1 + 2)/2
    for label, value in [("Files", "4"), ("Mean", "1.75/4"), ("Median", "1.5/4"), ("Min", "0/4"), ("Max", "4/4")]:
        assert re.search(rf"^{label}\s+{re.escape(value)}$", out, re.M), (label, out)
    # the flipped update sign is in three files (flipped.toml on two keys, half.toml and the last on one)
    assert re.search(r"update_sign_flipped\s+│\s+3/4", out), out
    # b₁ is not credited in three files: wrong in two, missing in one
    assert re.search(r"s1\.b1\s+│\s+3/4\s+│ wrong", out), out
    assert all(len(line) <= 80 for line in out.splitlines())


# --- the terminal table -----------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,\[\]]+", text) if t]


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_no_key_or_number_is_broken_across_lines(tmp_path, columns):
    steps = catalog.load("sigmoid-softmax-minibatch").steps
    # every key answered with a 4-place value one unit off in the last place, for long rows
    lines = []
    for step in steps[:40]:
        values = [f"{float(v.approx) + 0.0001:.4f}" for v in step.values]
        text = values[0] if step.is_scalar else "[" + ", ".join(values) + "]"
        lines.append(f"{step.key} = {text}")
    answers = write(tmp_path, "a.toml", "\n".join(lines) + "\n")
    result = run_solver("check", "sigmoid-softmax-minibatch", answers, env={"COLUMNS": columns})
    out = result.stdout.splitlines()
    assert all(len(line) <= int(columns) for line in out)
    shown = set(_tokens(result.stdout))
    for step in steps[:40]:
        assert step.key in shown, step.key
    for line in lines:
        for number in _tokens(line.split(" = ")[1]):
            assert number in shown, number


def test_the_explanation_goes_under_its_row_when_narrow_and_beside_it_when_wide(tmp_path):
    answers = write(tmp_path, "a.toml", "s1.z1 = 1\ns1.W1 = 0.98\n")
    narrow = run_solver("check", "relu-111-sgd", answers, env={"COLUMNS": "80"}).stdout
    wide = run_solver("check", "relu-111-sgd", answers, env={"COLUMNS": "160"}).stdout
    row = lambda out: next(line for line in out.splitlines() if line.startswith("s1.W1 "))
    assert "update_sign_flipped" not in row(narrow)
    below = narrow.splitlines()[narrow.splitlines().index(row(narrow)) + 1]
    assert below.startswith("  ↳") and "η" in below
    assert "update_sign_flipped" in row(wide) or "η" in row(wide)
    assert "Why" in wide and "Why" not in narrow


def test_file_names_are_shown_relative(tmp_path):
    answers = write(tmp_path, "student-7.toml", "s1.z1 = 1\n")
    out = run_solver("check", "relu-111-sgd", answers, answers, env={"COLUMNS": "100"}).stdout
    assert str(tmp_path) not in out
    assert "student-7.toml" in out


def test_the_json_document_is_what_json_dumps_writes(tmp_path):
    from solver.checking import check_report
    from solver.checking.checker import CheckPlan
    from solver.checking.grading import Grader
    from solver.checking.results import FileReport
    from solver.checking.tolerance import Tolerance
    from solver.reading.answer_file import parse_answers

    derivation = catalog.load_text((PROBLEM + GRADING).encode(), "p.toml")
    plan = CheckPlan(derivation, Tolerance(4))
    grader = Grader(plan)
    text = 's1.W1 = 1.02\n"s1.W2" = "<\\u00e9>"\ns9.x = 1\ns1.b1 = ""\n'
    graded = [grader.grade(plan.check(parse_answers(text.encode(), "a.toml"), "a.toml")),
              grader.grade(FileReport('b "q".toml', error="line 1: bad"))]
    expected = json.dumps({"problem": "p", "title": derivation.title,
                           "files": [check_report.file_json(g) for g in graded]}, ensure_ascii=False) + "\n"
    assert check_report.json_document(derivation, graded) == expected


def test_the_progress_bar_shows_files_done_of_all_and_the_rate():
    from rich.progress import Progress, ProgressSample

    from solver.checking.progress import columns

    progress = Progress(*columns())
    progress.add_task("Checking", total=2000)
    task = progress.tasks[0]
    task.start_time = 0.0
    task.completed = 500
    task._progress.extend([ProgressSample(0.0, 0), ProgressSample(2.0, 500)])  # 500 files in 2 s
    shown = [str(column(task)).strip() for column in progress.columns if not hasattr(column, "bar_width")]
    assert shown == ["Checking", "500/2000", "250 files/s", "0:00:06"]  # 1,500 files left at 250 a second


def test_no_line_of_a_report_ends_in_spaces(tmp_path):
    problem, paths = _class(tmp_path)
    for columns in ("60", "80", "160"):
        out = run_solver("check", problem, *paths, "--details", env={"COLUMNS": columns}).stdout
        assert out and not [line for line in out.splitlines() if line != line.rstrip()]
