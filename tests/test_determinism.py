"""The same problem gives byte-identical output in every format, run after run: in fresh processes
with different hash seeds, locales and time zones, and in a process that has solved much before.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

from solver.kinds import catalog
from solver.render import FORMATS, emit
from solver.render.options import RenderOptions
from tests.conftest import ROOT

#: A ReLU, a leaky-ReLU/MSE and a tanh/sigmoid problem: exact rationals, matrices, closed forms.
PROBLEMS = ("relu-111-sgd", "leaky-relu-mse-sgd", "tanh-sigmoid-batch")

RENDER_ALL = """
import io, sys
from solver.kinds import catalog
from solver.render import FORMATS, emit
from solver.render.options import RenderOptions
for name in sys.argv[1:]:
    derivation = catalog.load(name)
    for fmt in FORMATS:
        text = io.StringIO()
        emit(fmt, derivation, RenderOptions(derivation.decimals), text)
        sys.stdout.buffer.write(f"=== {name} {fmt}\\n{text.getvalue()}".encode("utf-8"))
"""

#: Variables that change how a terminal is drawn, not what is computed: the same in every run.
_TERMINAL = ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TERM", "CLICOLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE")


def _render_in_a_new_process(**environment: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL and k != "PYTHONHASHSEED"}
    env.update(environment)
    result = subprocess.run([sys.executable, "-c", RENDER_ALL, *PROBLEMS], cwd=ROOT, env=env,
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def _render_here() -> bytes:
    out = []
    for name in PROBLEMS:
        derivation = catalog.load(name)
        for fmt in FORMATS:
            text = io.StringIO()
            emit(fmt, derivation, RenderOptions(derivation.decimals), text)
            out.append(f"=== {name} {fmt}\n{text.getvalue()}")
    return "".join(out).encode("utf-8")


def test_output_is_identical_across_processes_hash_seeds_locales_and_time_zones():
    first = _render_in_a_new_process(PYTHONHASHSEED="0")
    assert first.count(b"=== ") == len(PROBLEMS) * len(FORMATS)
    assert b"\x1b[" not in first  # no colour codes when not writing to a terminal
    assert _render_in_a_new_process(PYTHONHASHSEED="12345", LC_ALL="C", TZ="Pacific/Kiritimati") == first
    assert _render_in_a_new_process(PYTHONHASHSEED="random", LANG="de_DE.UTF-8", TZ="UTC") == first
    assert _render_here() == first  # in a process whose sympy caches other tests have filled
