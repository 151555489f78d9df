"""Every case of the second hostile corpus: the right exit status, one error line (or none), no
traceback, bounded time and memory, and nothing raw in any output.

Cases run through the command line's ``main`` in this process (so the time measured is the work
on the input), except those about standard streams and the solver's native output, which run as
real processes (and, for full disks and closed pipes, in a shell).
"""

from __future__ import annotations

import os
import resource
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from solver import cli
from tests.conftest import ROOT
from tests.hostile.round_two import DIRECTORY, FIFO, PAYLOADS, RAW, RUNS, Run

#: Generous bounds, far above what any case takes, far below a hang or a read of /dev/zero.
TIME_LIMIT = 10.0
PROCESS_TIME_LIMIT = 60.0
MEMORY_GROWTH = 512 << 20  # bytes the test process may grow by in one in-process case
PROCESS_MEMORY = 2 << 30  # address space of one solver process (cvxpy and numpy need about 1 GiB)



@dataclass
class Outcome:
    status: int
    stdout: str
    stderr: str
    directory: Path

    def path(self, text: str) -> str:
        return text.replace("{d}", str(self.directory))

    def text(self, where: str) -> str:
        if where == "stdout":
            return self.stdout
        if where == "stderr":
            return self.stderr
        return Path(self.path(where)).read_text(encoding="utf-8")


def _prepare(run: Run, directory: Path) -> None:
    for name, content in run.files:
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)  # a file name with a slash, such as [b]x[/b].toml
        if content == FIFO:
            os.mkfifo(path)
        elif content == DIRECTORY:
            path.mkdir()
        elif isinstance(content, str) and content.startswith("<symlink "):
            os.symlink(content[len("<symlink "):-1], path)
        elif isinstance(content, str) and content.startswith("<hardlink "):
            os.link(directory / content[len("<hardlink "):-1], path)
        else:
            path.write_bytes(content)


def _in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def _as_process(run: Run, argv: list[str], directory: Path) -> tuple[int, str, str]:
    if run.shell:
        solver = f"{shlex.quote(sys.executable)} -m solver"
        command = run.shell.format(solver=solver, d=shlex.quote(str(directory)))
        args = ["bash", "-c", f"{command}; exit ${{PIPESTATUS[0]}}"]
    else:
        args = [sys.executable, "-m", "solver", *argv]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=PROCESS_TIME_LIMIT,
                            preexec_fn=_bounded_memory)
    return result.returncode, result.stdout, result.stderr


def _bounded_memory() -> None:
    """In the child: an address space of PROCESS_MEMORY, so that a blow-up fails instead of swapping."""
    resource.setrlimit(resource.RLIMIT_AS, (PROCESS_MEMORY, PROCESS_MEMORY))


def _outputs(run: Run, outcome: Outcome) -> list[str]:
    """Files the command wrote (after -o or --gradescope), for the checks on raw characters."""
    names = [run.argv[i + 1] for i, arg in enumerate(run.argv[:-1]) if arg in ("-o", "--gradescope")]
    texts = []
    for name in names:
        path = Path(outcome.path(name))
        if path.is_file() and not path.is_symlink() and str(path).startswith(str(outcome.directory)):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def test_the_corpus_is_broad_and_its_cases_distinct():
    assert len(RUNS) >= 150
    assert len({r.id for r in RUNS}) == len(RUNS)
    families = {r.id.split("-")[0] for r in RUNS}
    assert {"title", "answer", "file", "overwrite", "full", "stdout", "jobs", "saturated"} <= families


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.id)
def test_hostile_run(run: Run, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")  # tables wide enough that no quoted text is folded
    _prepare(run, tmp_path)
    before = {name: Path(name.replace("{d}", str(tmp_path))).read_bytes() for name in run.unchanged}
    argv = [arg.replace("{d}", str(tmp_path)) for arg in run.argv]
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    if run.process or run.shell:
        status, out, err = _as_process(run, argv, tmp_path)
        limit = PROCESS_TIME_LIMIT
    else:
        status, out, err = _in_process(argv, capsys)
        limit = TIME_LIMIT
    elapsed = time.perf_counter() - start
    outcome = Outcome(status, out, err, tmp_path)

    assert status == run.status, (status, err[-2000:])
    if run.status == 2:
        assert err.count("\n") == 1 and err.endswith("\n"), err
        assert err.startswith("solver: error: "), err
        for fragment in run.errors:
            assert fragment in err, (fragment, err)
    else:
        assert err == "", err
    for text in (out, err, *_outputs(run, outcome)):
        assert "Traceback" not in text
        raw = RAW.search(text)
        assert raw is None, (repr(raw.group()), text[max(0, raw.start() - 80): raw.end() + 80])
    assert elapsed < limit, elapsed
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - memory < MEMORY_GROWTH
    for name, data in before.items():
        assert Path(name.replace("{d}", str(tmp_path))).read_bytes() == data, f"{name} was overwritten"
    assert not (tmp_path / "CANARY").exists() and not (tmp_path / "pwned").exists()
    if run.check is not None:
        run.check(outcome)


def test_every_payload_is_in_every_medium():
    """Each payload reaches the title in all eight media, and the riskiest in answers and file names."""
    media = ("terminal", "markdown", "latex", "json", "template", "check", "check-json", "gradescope")
    ids = {r.id for r in RUNS}
    for name in PAYLOADS:
        for medium in media:
            assert f"title-{name}-{medium}" in ids
