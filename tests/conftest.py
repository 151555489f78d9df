"""Shared helpers for the tests: running the command line and loading problems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_solver(*args: str, input: str | None = None, timeout: float = 120, env: dict | None = None):
    """Run ``python -m solver ARGS`` in a fresh process from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "solver", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def solver_cli():
    return run_solver
