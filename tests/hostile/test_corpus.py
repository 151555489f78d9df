"""Every hostile file gets exit 2 and one line naming the file and where, fast, with nothing executed.

The cases are in :mod:`tests.hostile.corpus`; they run through the command line's ``main`` in this
process (so the time measured is the work on the file, not Python's start-up), and a few run as
real processes too.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from solver import cli
from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from solver.reading.answer_file import read_answers
from tests.conftest import run_solver
from tests.hostile.corpus import ANSWER_FILE_CASES, ANSWER_LINE_CASES, ANSWER_VALUE_CASES, BASE, PROBLEM_CASES, Case

#: Far above what any case takes (milliseconds), so that a loaded machine cannot make it flaky,
#: yet far below what computing a power tower or parsing 10^5 characters the slow way would take.
TIME_LIMIT = 1.0


def _write(case: Case, directory: Path) -> tuple[Path, Path]:
    canary = directory / "CANARY"
    path = directory / f"{case.id}{case.suffix}"
    path.write_bytes(case.data.replace(b"{canary}", str(canary).encode()))
    return path, canary


def _assert_one_line_error(code: int, out: str, err: str, path: Path, expect: tuple[str, ...]) -> None:
    assert code == 2, err
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"solver: error: {path}: "), err
    assert "Traceback" not in err
    for fragment in expect:
        assert fragment in err, err


def test_the_corpus_is_large_and_its_cases_distinct():
    assert len(PROBLEM_CASES) + len(ANSWER_FILE_CASES) + len(ANSWER_VALUE_CASES) >= 60
    assert len(PROBLEM_CASES) >= 60
    assert len({c.id for c in PROBLEM_CASES}) == len(PROBLEM_CASES)
    assert len({c.data for c in PROBLEM_CASES}) == len(PROBLEM_CASES)


def test_the_base_problem_solves(tmp_path, capsys):
    path = tmp_path / "base.toml"
    path.write_text(BASE, encoding="utf-8")
    assert cli.main(["solve", str(path), "--format", "json"]) == 0


@pytest.mark.parametrize("case", PROBLEM_CASES, ids=lambda c: c.id)
def test_hostile_file_is_refused_in_one_line(case, tmp_path, capsys):
    path, canary = _write(case, tmp_path)
    argv = [arg.replace("{file}", str(path)) for arg in case.command]
    start = time.perf_counter()
    code = cli.main(argv)
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    _assert_one_line_error(code, out, err, path, case.expect)
    assert elapsed < TIME_LIMIT
    assert not canary.exists()


@pytest.mark.parametrize("case_id", ["import-system", "f-string", "invalid-utf8", "power-tower"])
def test_as_a_real_process(case_id, tmp_path):
    case = next(c for c in PROBLEM_CASES if c.id == case_id)
    path, canary = _write(case, tmp_path)
    result = run_solver(*(arg.replace("{file}", str(path)) for arg in case.command))
    _assert_one_line_error(result.returncode, result.stdout, result.stderr, path, case.expect)
    assert not canary.exists()


def test_a_directory_is_not_a_problem_file(tmp_path, capsys):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    code = cli.main(["solve", str(folder)])
    _assert_one_line_error(code, *capsys.readouterr(), folder, ("is a directory",))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    code = cli.main(["solve", str(pipe)])
    _assert_one_line_error(code, *capsys.readouterr(), pipe, ("not a regular file",))


def test_a_file_name_with_shell_syntax_is_only_a_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "$(touch CANARY); `touch CANARY` | touch CANARY.toml"
    path.write_text("kind = 1\n", encoding="utf-8")
    code = cli.main(["solve", str(path)])
    _assert_one_line_error(code, *capsys.readouterr(), path, ("kind", "expected text"))
    assert not (tmp_path / "CANARY").exists()


def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert cli.main(["solve", str(path), "--format", "json"]) == 0


def test_latex_and_unicode_values_in_a_file_mean_the_same_as_plain_ones(tmp_path):
    latex = tmp_path / "latex.toml"
    text = BASE.replace("learning_rate = 0.01", r'learning_rate = "\\frac{1}{100}"').replace("W1 = 1", 'W1 = "1.0"')
    latex.write_text(text.replace("b1 = 0", 'b1 = "−0.5 × 0"'), encoding="utf-8")
    plain = tmp_path / "plain.toml"
    plain.write_text(BASE, encoding="utf-8")
    steps = [[(s.key, s.values) for s in catalog.load(str(p)).steps] for p in (latex, plain)]
    assert steps[0] == steps[1]


@pytest.mark.parametrize("case", ANSWER_FILE_CASES, ids=lambda c: c.id)
def test_unreadable_answer_file_is_refused_in_one_line(case, tmp_path, capsys):
    path, canary = _write(case, tmp_path)
    start = time.perf_counter()
    code = cli.main([arg.replace("{file}", str(path)) for arg in case.command])
    elapsed = time.perf_counter() - start
    _assert_one_line_error(code, *capsys.readouterr(), path, case.expect)
    assert elapsed < TIME_LIMIT + 0.5  # the grading runs in a worker process
    assert not canary.exists()


@pytest.mark.parametrize("case", ANSWER_LINE_CASES, ids=lambda c: c.id)
def test_a_line_that_cannot_be_read_makes_only_its_key_invalid(case, tmp_path):
    path = tmp_path / "answers.toml"
    path.write_bytes(case.data)
    start = time.perf_counter()
    report = CheckPlan(catalog.load("relu-111-sgd"), Tolerance(4)).check(read_answers(path, str(path)), str(path))
    assert time.perf_counter() - start < 1
    results = {r.key: r for r in report.results}
    assert results[case.key].verdict == "invalid", results
    assert case.expect in results[case.key].reason, results[case.key].reason
    key, verdict = case.graded
    assert results[key].verdict == verdict


def test_hostile_answer_values_are_invalid_never_executed(tmp_path):
    canary = tmp_path / "CANARY"
    lines = [case.line.replace("{canary}", str(canary)).replace("s1.z1", f"s{1 + i // 15}.{key}")
             for i, (case, key) in enumerate(zip(ANSWER_VALUE_CASES, _scalar_keys()))]
    path = tmp_path / "answers.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_solver("check", "relu-111-sgd", str(path), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    # asked keys not in the file come back as missing, without a reason
    written = [r for r in json.loads(result.stdout)["files"][0]["results"] if r["verdict"] != "missing" or "reason" in r]
    results = {r["key"]: r for r in written}
    assert len(results) == len(ANSWER_VALUE_CASES)
    for line, case in zip(lines, ANSWER_VALUE_CASES):
        key = line.split(" = ")[0].strip("'\"")
        result = results.get(key) or next(r for k, r in results.items() if k.startswith(key + "."))
        assert result["verdict"] == ("missing" if result["given"] == "" else "invalid"), (case.id, result)
        assert case.expect in result["reason"], (case.id, result["reason"])
    assert not canary.exists()


def _scalar_keys():
    """Step names of one update, cycled: a different key for every value case."""
    names = ["z1", "a1", "z2", "yhat", "loss", "dL_dyhat", "delta2", "dL_dW2", "dL_db2", "dL_da1",
             "delta1", "dL_dW1", "dL_db1", "W1", "b1"]
    while True:
        yield from names
