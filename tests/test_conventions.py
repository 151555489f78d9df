"""Command-line conventions: help with no arguments, did-you-mean, ``-`` for standard input and
output, the program named as invoked, a fast ``--version``, and no trailing spaces anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_solver

from solver.kinds import catalog


def test_no_arguments_prints_the_help_and_succeeds():
    result = run_solver()
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: ") and "backprop" in result.stdout and "check" in result.stdout


@pytest.mark.parametrize("typed, meant", [("bakprop", "backprop"), ("lsit", "list"), ("chek", "check"),
                                          ("templte", "template")])
def test_a_mistyped_command_gets_a_did_you_mean(typed, meant):
    result = run_solver(typed)
    assert result.returncode == 2
    assert f"unknown command {typed!r}; did you mean `{meant}`?" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_command_far_from_any_lists_them():
    result = run_solver("zzzzzz")
    assert result.returncode == 2 and "(commands: list, solve, template, check, " in result.stderr
    assert "backprop, svm, softmax, graph" in result.stderr


@pytest.mark.parametrize("typed, meant", [("relu-11-sgd", "relu-111-sgd"), ("svm-six-point", "svm-six-points"),
                                          ("softmax_ce", "softmax-ce")])
def test_a_mistyped_problem_gets_a_did_you_mean(typed, meant):
    result = run_solver("solve", typed)
    assert result.returncode == 2
    assert f"no built-in problem or file named {typed!r}; did you mean {meant!r}?" in result.stderr


def test_dash_reads_the_problem_from_standard_input_and_writes_to_standard_output():
    text = (ROOT / "problems" / "relu-111-sgd.toml").read_text(encoding="utf-8")
    result = run_solver("backprop", "-", "--format", "json", "-o", "-", input=text)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["problem"] == "<stdin>"
    # s1.W1 = 1 − 0.01·(−2) = 1.02, as for the built-in
    assert next(s for s in document["steps"] if s["key"] == "s1.W1")["value"] == "51/50"
    bad = run_solver("solve", "-", input="kind = [\n")
    assert bad.returncode == 2 and bad.stderr.startswith("solver: error: <stdin>: line")
    template = run_solver("template", "-", "-o", "-", input=text)
    assert template.returncode == 0 and 's1.z1 = ""' in template.stdout


def test_standard_input_is_bounded_like_a_file():
    result = run_solver("solve", "-", input="# " + "x" * (300 * 1024) + "\n")
    assert result.returncode == 2 and "the limit is 262144" in result.stderr


def test_the_usage_line_names_the_program_as_invoked(tmp_path):
    module = run_solver("--help")
    assert module.stdout.startswith("usage: python -m solver ")
    script = Path(sys.executable).parent / "solver"
    if not script.exists():
        pytest.skip("the console script is not installed in this environment")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("usage: solver ")
    wrong = subprocess.run([str(script), "svm", "relu-111-sgd"], capture_output=True, text=True, timeout=120)
    assert "use `solver backprop` or `solve`" in wrong.stderr


def test_version_does_not_import_sympy():
    probe = ("import sys; sys.argv = ['solver']\n"
             "from solver.cli import main\n"
             "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('sympy', 'rich', 'numpy', 'cvxpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.splitlines() == ["solver 0.1.0", "[]"]


def _outputs() -> list[tuple[str, ...]]:
    runs = [("list",), ("--help",), ("backprop", "--help"), ("template", "svm-soft-margin")]
    for problem in ("relu-111-sgd", "svm-soft-margin", "graph-skip", "net-2232-softmax"):
        for fmt in ("terminal", "markdown", "latex", "json"):
            runs.append(("solve", problem, "--format", fmt))
            runs.append(("solve", problem, "--format", fmt, "--questions"))
    return runs


@pytest.mark.parametrize("args", _outputs(), ids=" ".join)
def test_no_output_has_trailing_spaces(args):
    result = run_solver(*args, env={"COLUMNS": "72"})
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []


def test_check_reports_have_no_trailing_spaces(tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('s1.z1 = 1\ns1.a1 = 2\ns2.W1 = "1.0583"\n', encoding="utf-8")
    result = run_solver("check", "relu-111-sgd", str(answers), env={"COLUMNS": "60"})
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []


def test_list_is_one_line_each_and_fits_the_width():
    for width in (40, 60, 80, 120):
        result = run_solver("list", env={"COLUMNS": str(width)})
        lines = result.stdout.splitlines()
        assert [line.split()[0] for line in lines] == catalog.builtin_names()
        assert max(len(line) for line in lines) <= width
    wide = run_solver("list", env={"COLUMNS": "200"}).stdout
    assert "svm-soft-margin            svm       Soft-margin SVM (C = 1) with an outlier\n" in wide


def test_answer_files_may_follow_options(tmp_path):
    """``check P --format csv a.toml b.toml`` grades both files, as ``check P a.toml b.toml --format csv`` does."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text("s1.z1 = 1\n", encoding="utf-8")
    second.write_text("s1.z1 = 3\n", encoding="utf-8")
    before = run_solver("check", "relu-111-sgd", str(first), str(second), "--format", "csv")
    between = run_solver("check", "relu-111-sgd", str(first), "--format", "csv", str(second))
    after = run_solver("check", "relu-111-sgd", "--format", "csv", str(first), str(second))
    rows = [line.split(",")[0] for line in before.stdout.splitlines()[1:]]
    assert [Path(row).name for row in rows] == ["a.toml", "b.toml"]
    assert before.returncode == between.returncode == after.returncode == 1
    assert before.stdout == between.stdout == after.stdout


def test_an_unknown_option_after_answer_files_is_still_refused(tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text("s1.z1 = 1\n", encoding="utf-8")
    result = run_solver("check", "relu-111-sgd", "--format", "csv", str(answers), "--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("solver: error: unrecognized arguments: --bogus (see")
