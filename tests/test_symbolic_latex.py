"""LaTeX output of the softmax and graph built-ins compiles with pdflatex."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

PROBLEMS = ["softmax-ce", "net-2232-softmax", "graph-skip", "graph-skip-scalar"]

needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None and os.environ.get("SOLVER_REQUIRE_TEX") != "1",
    reason="pdflatex is not installed",
)


@needs_tex
@pytest.mark.parametrize("problem", PROBLEMS)
def test_latex_compiles(tmp_path, solver_cli, problem):
    result = solver_cli("solve", problem, "--format", "latex", "-o", str(tmp_path / "out.tex"))
    assert result.returncode == 0, result.stderr
    compiled = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "out.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert "\t" not in (tmp_path / "out.tex").read_text(encoding="utf-8")
