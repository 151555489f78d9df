"""Gradescope: results.json from `check --gradescope` (always written, also for a file that cannot be
read), and the autograder zip run end to end in a fake /autograder laid out in a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

import solver
from tests.conftest import ROOT, run_solver
from tests.hand import as_answers, hand_sgd

START = (Fraction(1), Fraction(0), Fraction(1), Fraction(0))
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TOP_FIELDS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
              "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_FIELDS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
               "visibility", "extra_data"}


def assert_gradescope_format(results: dict) -> None:
    """The fields and values Gradescope's autograder specification documents for results.json."""
    assert set(results) <= TOP_FIELDS
    assert isinstance(results["score"], float) and results["score"] >= 0
    assert results.get("output_format", "simple_format") in FORMATS
    assert results.get("visibility", "visible") in VISIBILITY
    assert results.get("stdout_visibility", "hidden") in VISIBILITY
    numbers = []
    for test in results["tests"]:
        assert set(test) <= TEST_FIELDS
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert test["output_format"] in FORMATS and test["visibility"] in VISIBILITY
        numbers.append(test["number"])
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert abs(sum(t["score"] for t in results["tests"]) - results["score"]) < 1e-9


def test_one_test_per_asked_key_with_the_diagnosis_in_markdown(tmp_path):
    # svm-six-points asks w (2 points), b, margin and the support vectors (2 points): 6 in all.
    # w = (−2, −2), b = 3; the margin written as the width 2/‖w‖ = √2/2 ≈ 0.7071 is a named mistake.
    answers = tmp_path / "a.toml"
    answers.write_text('w = [-2, -2]\nb = 3\nmargin = 0.7071\nsupport_vectors = "<b>B</b>"\nf.A = 3\n')
    target = tmp_path / "results.json"
    result = run_solver("check", "svm-six-points", str(answers), "--gradescope", str(target))
    assert result.returncode == 1
    results = json.loads(target.read_text())
    assert_gradescope_format(results)
    tests = {t["name"].split(":")[0]: t for t in results["tests"]}
    assert list(tests) == ["w", "b", "margin", "support_vectors"]
    assert results["score"] == 3.0                       # w 2 + b 1
    assert [tests[k]["max_score"] for k in tests] == [2.0, 1.0, 1.0, 2.0]
    margin = tests["margin"]["output"]
    assert margin.startswith("**wrong**") and "margin\\_as\\_width" in margin and "0.3536" in margin
    # what the student wrote reaches Markdown as code, never as HTML
    sv = tests["support_vectors"]["output"]
    assert "` <b>B</b> `" in sv and sv.count("<b>") == 1
    assert "not asked" in results["output"]              # f.A was answered but not asked


def test_follow_through_credit_is_stated(tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text(as_answers(hand_sgd(*START, slips={"s1.W1": Fraction("1.03")}), 4))
    target = tmp_path / "results.json"
    run_solver("check", "relu-111-sgd", str(answers), "--gradescope", str(target))
    results = json.loads(target.read_text())
    assert_gradescope_format(results)
    follows = [t for t in results["tests"] if t["output"].startswith("**follows through**")]
    assert follows and all(t["status"] == "passed" and t["score"] == 1.0 for t in follows)
    assert all("earlier slip is marked once" in t["output"] and "Credit: 1/1" in t["output"] for t in follows)


def test_a_file_level_pattern_is_told_once_in_the_overall_output(tmp_path):
    # ŷ − y written for every gradient of update 2 (−1.8788, as in the checker's own pattern case)
    answers = tmp_path / "a.toml"
    answers.write_text("s2.dL_dW2 = -1.8788\ns2.dL_dW1 = -1.8788\ns2.dL_da1 = -1.8788\n")
    target = tmp_path / "results.json"
    run_solver("check", "relu-111-sgd", str(answers), "--gradescope", str(target))
    overall = json.loads(target.read_text())["output"]
    assert overall.count("Throughout (` s2.dL_dW2 `, ` s2.dL_da1 `, ` s2.dL_dW1 `): Every gradient is ŷ − y") == 1


@pytest.mark.parametrize("content, reason", [
    (None, "no such file"),
    (b's1.z1 = 1\ns1.a1 = "\xff"\n', "line 2"),   # not UTF-8 (a line that is not TOML is graded alone)
    (b"\xff\xfe\x00s", "UTF-16"),
])
def test_a_file_that_cannot_be_read_still_gets_results(tmp_path, content, reason):
    answers = tmp_path / "a.toml"
    if isinstance(content, bytes):
        answers.write_bytes(content)
    elif content is not None:
        answers.write_text(content)
    target = tmp_path / "results.json"
    result = run_solver("check", "relu-111-sgd", str(answers), "--gradescope", str(target))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    results = json.loads(target.read_text())
    assert_gradescope_format(results)
    assert results["score"] == 0.0 and reason in results["output"]
    assert len(results["tests"]) == 51 and all(t["status"] == "failed" for t in results["tests"])


# --- the autograder ----------------------------------------------------------------------------


def build(tmp_path: Path, *options: str) -> Path:
    target = tmp_path / "autograder.zip"
    result = run_solver("gradescope", "svm-six-points", "-o", str(target), *options)
    assert result.returncode == 0, result.stderr
    return target


def lay_out(tmp_path: Path, archive: Path, answers: dict[str, str]) -> Path:
    """A fake /autograder: the zip in source/, run_autograder copied to the root, the submission."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(archive) as z:
        z.extractall(root / "source")
        for info in z.infolist():
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    for name, text in answers.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text)
    return root


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True, env=env,
                          timeout=120)


def test_the_zip_holds_the_scripts_and_the_problem_at_its_root(tmp_path):
    archive = build(tmp_path)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert names == ["setup.sh", "run_autograder", "problem.toml"]
        for script in ("setup.sh", "run_autograder"):
            assert (z.getinfo(script).external_attr >> 16) & stat.S_IXUSR
        setup = z.read("setup.sh").decode()
        assert f'"mlsolver=={solver.__version__}"' in setup
        assert z.read("problem.toml") == (ROOT / "problems" / "svm-six-points.toml").read_bytes()
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", "-c", zipfile.ZipFile(archive).read(script).decode()]).returncode == 0
    (tmp_path / "again").mkdir()
    assert build(tmp_path / "again").read_bytes() == archive.read_bytes()  # byte-identical from run to run


def test_run_autograder_grades_the_submission_end_to_end(tmp_path):
    root = lay_out(tmp_path, build(tmp_path), {"hw/answers.toml": 'w = [-2, -2]\nb = 3\nmargin = "sqrt(2)/4"\n'
                                                                  'support_vectors = ["B", "C", "D", "F"]\n'})
    result = run_autograder(root)
    assert result.returncode == 0, result.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert_gradescope_format(results)
    assert results["score"] == 6.0 and all(t["status"] == "passed" for t in results["tests"])
    assert "Score 6/6" in result.stdout                  # the report, for the instructor's log


@pytest.mark.parametrize("answers, reason", [
    ({}, "no answer file"),
    ({"a.toml": "b = 3\n", "b.toml": "b = 3\n"}, "2 answer files in the submission (a.toml, b.toml)"),
    ({"a.toml": "b = 3\x00\n"}, "NUL"),   # not a text file (a line that is not TOML is graded alone)
])
def test_run_autograder_always_writes_results(tmp_path, answers, reason):
    root = lay_out(tmp_path, build(tmp_path), answers)
    result = run_autograder(root)
    assert result.returncode == 0, result.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert_gradescope_format(results)
    assert results["score"] == 0.0 and reason in results["output"]


def test_hidden_files_in_a_submission_are_not_answer_files(tmp_path):
    root = lay_out(tmp_path, build(tmp_path), {"answers.toml": "b = 3\n", "__MACOSX/._answers.toml": "x",
                                               ".hidden.toml": "b = 2\n"})
    run_autograder(root)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 1.0


SHIM = """#!/usr/bin/env bash
echo "$0 $*" >> "{log}"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; fi
if [ "$1" = "-c" ]; then exit 0; fi
"""


@pytest.mark.parametrize("bundle", [False, True])
def test_setup_installs_this_version_in_a_virtual_environment(tmp_path, bundle):
    archive = build(tmp_path, *(["--bundle"] if bundle else []))
    root = lay_out(tmp_path, archive, {})
    shims, log = tmp_path / "shims", tmp_path / "log"
    shims.mkdir()
    (shims / "python3").write_text(SHIM.format(log=log))
    (shims / "python3").chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(root / "source" / "setup.sh")], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    venv = root / "mlsolver-venv"
    assert f"{shims}/python3 -m venv {venv}" in calls
    wheel = root / "source" / f"mlsolver-{solver.__version__}-py3-none-any.whl"
    requirement = str(wheel) if bundle else f"mlsolver=={solver.__version__}"
    assert f"{venv}/bin/python -m pip install --disable-pip-version-check --no-input {requirement}" in calls
    assert wheel.exists() is bundle


def test_the_bundled_wheel_installs_and_runs(tmp_path):
    archive = build(tmp_path, "--bundle")
    name = f"mlsolver-{solver.__version__}-py3-none-any.whl"
    wheel = tmp_path / name
    wheel.write_bytes(zipfile.ZipFile(archive).read(name))
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target",
                              str(target), str(wheel)], capture_output=True, text=True, timeout=120)
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", "import solver, sys; print(solver.__file__)"], cwd=tmp_path,
                         capture_output=True, text=True, env=env)
    assert run.stdout.startswith(str(target))
    solved = subprocess.run([sys.executable, "-m", "solver", "svm", "svm-six-points", "--format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["problem"] == "svm-six-points"


def test_gradescope_command_errors_are_one_line(tmp_path):
    problem = tmp_path / "p.toml"
    problem.write_bytes((ROOT / "problems" / "svm-3d.toml").read_bytes())
    cases = [
        (["gradescope", "svm-six-points"], "give the zip to write with -o"),
        (["gradescope", "no-such-problem", "-o", str(tmp_path / "z.zip")], "no built-in problem or file named"),
        (["gradescope", str(problem), "-o", str(problem)], "is the problem file"),
        (["gradescope", "svm-six-points", "-o", str(tmp_path / "missing" / "z.zip")], "cannot write"),
    ]
    for args, message in cases:
        result = run_solver(*args)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert problem.read_bytes() == (ROOT / "problems" / "svm-3d.toml").read_bytes()
