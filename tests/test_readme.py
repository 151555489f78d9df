"""The README's two set-up commands are the ones CI and users run."""

from __future__ import annotations

from tests.conftest import ROOT


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = text.split("```sh\n")[1:3]
    return [block.split("\n```")[0].strip() for block in blocks]


def test_readme_opens_with_the_two_commands():
    run, test = _commands()
    assert run.endswith("python -m solver backprop")
    assert "python -m pytest" in test and "pip install \".[test]\"" in test


def test_ci_runs_exactly_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    line = script[script.index("# README test command:") + 1]
    assert line == _commands()[1]
