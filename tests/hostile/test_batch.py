"""Grading a stack of files: one built to exhaust the machine, and the same files in any order."""

from __future__ import annotations

import itertools
import json
import time
from fractions import Fraction

from tests.conftest import run_solver
from tests.hand import as_answers, hand_sgd

START = (1, 0, 1, 0)
GENEROUS = 120  # seconds: far beyond the run's real time; it only catches a hang


def _variants(key: str):
    """Every spelling of a key that names the same step: keys are case-insensitive."""
    for letters in itertools.product(*((c.lower(), c.upper()) if c.isalpha() else (c,) for c in key)):
        yield "".join(letters)


def _bomb() -> str:
    """An answer file within every per-value limit whose values together take many seconds to read."""
    keys = [f'"{v}{form}"' for step in ("s1.dl_dw1", "s2.dl_dw1", "s3.dl_dw1")
            for v in _variants(step) for form in ("", "[1]", "[1,1]")]
    lines = []
    for n, key in zip(range(500), keys):
        value = "+".join(f"log({j})" for j in range(2 + n, 40 + n))
        lines.append(f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def test_a_resource_bomb_is_reported_and_the_batch_goes_on(tmp_path):
    paths = []
    for i in range(100):
        path = tmp_path / f"student-{i:03d}.toml"
        if i == 37:
            path.write_text(_bomb())
        else:
            path.write_text(as_answers(hand_sgd(*START), 4 if i % 2 else 2))
        paths.append(str(path))
    runs = {}
    for jobs in ("1", "2"):
        start = time.perf_counter()
        result = run_solver("check", "relu-111-sgd", *paths, "--format", "json", "--time-limit", "2",
                            "--jobs", jobs, timeout=GENEROUS)
        elapsed = time.perf_counter() - start
        assert elapsed < GENEROUS
        assert result.returncode == 2
        assert result.stderr.splitlines() == [f"solver: error: {paths[37]}: not graded: took longer than 2 s"]
        runs[jobs] = result.stdout
    files = json.loads(runs["2"])["files"]
    assert [f["file"] for f in files] == paths
    assert "took longer than 2 s" in files[37]["error"] and files[37]["results"] == []
    for i, report in enumerate(files):
        if i != 37:
            assert "error" not in report and report["max_score"] == 51
    # the same stack gives byte-identical output whatever the number of workers
    assert runs["1"] == runs["2"]


def test_each_files_report_is_the_same_whatever_the_order_and_workers(tmp_path):
    paths = []
    for i in range(12):
        slips = {"s2.b1": Fraction("0.0389")} if i % 3 == 0 else {}
        path = tmp_path / f"s{i:02d}.toml"
        path.write_text(as_answers(hand_sgd(*START, slips=slips), 2 + i % 4))
        paths.append(str(path))
    forward = run_solver("check", "relu-111-sgd", *paths, "--format", "json", "--jobs", "2")
    backward = run_solver("check", "relu-111-sgd", *reversed(paths), "--format", "json", "--jobs", "1")
    by_file = [{f["file"]: f for f in json.loads(r.stdout)["files"]} for r in (forward, backward)]
    assert list(by_file[0]) == paths and list(by_file[1]) == paths[::-1]
    assert by_file[0] == by_file[1]
