"""The command line as a user meets it: commands, options, exit codes and one-line errors."""

from __future__ import annotations

import tomllib

import pytest

from solver.kinds import catalog
from tests.conftest import run_solver


def test_backprop_default_solves_relu_111_sgd():
    result = run_solver("backprop", "--format", "terminal")
    assert result.returncode == 0, result.stderr
    assert "relu-111-sgd" in result.stdout
    assert "s3.W1" in result.stdout and "≈ 1.1078" in result.stdout
    assert result.stderr == ""


def test_list_names_every_builtin_with_its_kind():
    result = run_solver("list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(catalog.builtin_names())
    assert any(line.split()[:2] == ["relu-111-sgd", "backprop"] for line in lines)


def test_decimals_change_the_rounding():
    result = run_solver("backprop", "--decimals", "6")
    assert "≈ 1.107824" in result.stdout
    assert run_solver("backprop", "--decimals", "31").returncode == 2


def test_template_lists_every_key_blank():
    result = run_solver("template", "relu-111-sgd")
    assert result.returncode == 0
    answers = tomllib.loads(result.stdout)

    def flatten(table, prefix=""):
        for key, value in table.items():
            if isinstance(value, dict):
                yield from flatten(value, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}", value

    entries = dict(flatten(answers))
    assert set(entries.values()) == {""}
    assert list(entries) == [s.key for s in catalog.load("relu-111-sgd").steps]


def test_output_file(tmp_path):
    target = tmp_path / "out.md"
    result = run_solver("solve", "relu-111-sgd", "--format", "markdown", "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# 1-1-1 ReLU network")


GOOD = """
kind = "backprop"
title = "t"
[network]
layers = [2, 1]
activations = ["sigmoid"]
loss = "half_mse"
[initial]
W1 = [[1], [2]]
b1 = 0
[training]
learning_rate = 0.1
samples = [{ x = [1, 2], y = 1 }]
"""


def test_a_user_file_solves(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    result = run_solver("solve", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "change, message",
    [
        (("layers = [2, 1]", "layers = [2, 1, 1]"), "mine.toml: network.activations: expected 2 activation names"),
        (("learning_rate = 0.1", "learning_rate = -0.1"), "mine.toml: training.learning_rate: must be positive"),
        (('loss = "half_mse"', 'loss = "half_mes"'), "did you mean 'half_mse'?"),
        (("W1 = [[1], [2]]", "W1 = [[1, 2]]"), "mine.toml: initial.W1: expected 2×1"),
        (("x = [1, 2]", "x = [1, 2, 3]"), "mine.toml: training.samples[1].x: expected 1×2 numbers (2 inputs), got a list of 3"),
        (("b1 = 0", "b1 = 0\nbias2 = 1"), "mine.toml: initial.bias2: unknown key"),
        (("b1 = 0", 'b1 = "1/0"'), "mine.toml: initial.b1: division by zero"),
        (("b1 = 0", 'b1 = "__import__(\'os\')"'), "mine.toml: initial.b1: function '__import__' is not allowed"),
        (("b1 = 0", "b1 = nan"), "mine.toml: initial.b1: nan is not a finite number"),
        (("b1 = 0", "b1 = true"), "mine.toml: initial.b1: expected a number, got a boolean"),
        (("title = \"t\"", "title = \"t"), "mine.toml: line 3"),
        (('activations = ["sigmoid"]', 'activations = ["softmax"]'), "a softmax output needs at least two units"),
        (('kind = "backprop"', 'kind = "backprob"'), "did you mean 'backprop'?"),
    ],
)
def test_bad_problem_files_get_one_line_and_exit_2(tmp_path, change, message):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD.replace(*change))
    result = run_solver("solve", str(path))
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr, result.stderr


def test_missing_file_and_unknown_problem():
    result = run_solver("solve", "no-such-problem")
    assert result.returncode == 2
    assert "no built-in problem or file named 'no-such-problem'" in result.stderr
    result = run_solver("solve", "missing/file.toml")
    assert result.returncode == 2 and "missing/file.toml: no such file" in result.stderr


def test_usage_errors_are_one_line():
    result = run_solver("backprop", "--format", "pdf")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "invalid choice" in result.stderr
    result = run_solver("bakprop")
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_debug_shows_the_traceback(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD.replace("learning_rate = 0.1", "learning_rate = -0.1"))
    result = run_solver("solve", str(path), "--debug")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_too_much_work_is_refused_before_it_starts(tmp_path):
    w = "[" + ", ".join(["[" + ", ".join(["0.1"] * 16) + "]"] * 16) + "]"
    b = "[" + ", ".join(["0"] * 16) + "]"
    x = "[" + ", ".join(["1"] * 16) + "]"
    samples = ", ".join([f"{{ x = {x}, y = {x} }}"] * 40)
    path = tmp_path / "big.toml"
    path.write_text(f"""
kind = "backprop"
title = "too big"
[network]
layers = [16, 16, 16]
activations = ["sigmoid", "identity"]
loss = "half_mse"
[initial]
W1 = {w}
b1 = {b}
W2 = {w}
b2 = {b}
[training]
learning_rate = 0.1
samples = [{samples}]
""")
    result = run_solver("solve", str(path))
    assert result.returncode == 2
    assert "training.samples: 40 forward passes × 544 parameters is more than 10000" in result.stderr
