"""`template`: the answer file a student fills in — only the asked keys, each saying what it is, and
a header whose examples are made from the problem's own keys."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from solver.kinds import catalog
from tests.conftest import run_solver


def flatten(table: dict, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def template(problem: str) -> str:
    result = run_solver("template", problem)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_each_line_says_what_its_key_is():
    text = template("relu-111-sgd")
    assert re.search(r'^s2\.dL_dW1 = ""\s+# ∂L/∂w₁ in update 2$', text, re.M)
    assert re.search(r'^s3\.W2 = ""\s+# w₂ after update 3$', text, re.M)
    batch = template("sigmoid-softmax-minibatch")
    assert re.search(r'^s1\.sample2\.dL_dW2 = ""\s+# ∂L⁽²⁾/∂W₂ in update 1, sample 2; a 3×2 matrix$', batch, re.M)
    assert re.search(r'^s1\.dL_dW1 = ""\s+# ∂L/∂W₁ in update 1, the batch mean; a 2×3 matrix$', batch, re.M)


@pytest.mark.parametrize("problem", catalog.builtin_names())
def test_only_asked_keys_each_with_a_comment(problem):
    text = template(problem)
    derivation = catalog.load(problem)
    entries = dict(flatten(tomllib.loads(text)))
    assert set(entries.values()) == {""}
    key_lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(key_lines) == len(entries) and all(re.search(r'= ""\s+# \S', line) for line in key_lines)
    # In the derivation's order (TOML itself groups dotted keys by their first part, so read the lines).
    written = [line.split(" = ")[0].strip('"') for line in key_lines]
    assert [k.lower() for k in written] == [k.lower() for k in derivation.scheme.keys]
    assert set(entries) == set(derivation.scheme.keys)


def test_an_svm_template_has_no_backprop_examples():
    text = template("svm-six-points")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert not any("s1." in line or "W1" in line for line in header)
    assert any(line.startswith("#   w = [1, 2]") for line in header)
    assert any(line.startswith('#   support_vectors = ["A", "B"]') for line in header)
    assert "4 keys are asked, 6 points in all" in text
    assert re.search(r'^support_vectors = ""\s+# SV; a list of names \(2 points\)$', text, re.M)
    assert "alpha." not in text and "f.A" not in text   # not asked by its [grading] table


def test_the_header_examples_are_the_problems_own_keys_and_read_as_answers(tmp_path):
    for problem in ("relu-111-sgd", "svm-given-hyperplane", "softmax-ce", "graph-skip", "net-2232-softmax"):
        derivation = catalog.load(problem)
        keys = {k.lower() for k in derivation.scheme.keys}
        examples = [line[4:].split("   (")[0] for line in template(problem).splitlines() if line.startswith("#   ")]
        assert examples, problem
        for example in examples:
            key = tomllib.loads(example)
            (written, _), = flatten(key)
            assert re.sub(r"\[[\d,]+\]$", "", written).lower() in keys, (problem, example)


def test_a_filled_template_scores_full_marks(tmp_path):
    # svm-six-points by hand: w = (−2, −2), b = 3, margin 1/‖w‖ = 1/(2√2) = √2/4, support vectors B, C, D, F
    values = {"w": "[-2, -2]", "b": "3", "margin": "0.3536", "support_vectors": '["B", "C", "D", "F"]'}
    filled = "\n".join(
        re.sub(r'^(\S+) = ""', lambda m: f"{m.group(1)} = {values[m.group(1)]}", line)
        for line in template("svm-six-points").splitlines())
    path = tmp_path / "filled.toml"
    path.write_text(filled)
    result = run_solver("check", "svm-six-points", str(path), "--format", "json")
    assert result.returncode == 0, result.stdout
    file = json.loads(result.stdout)["files"][0]
    assert file["score"] == file["max_score"] == 6
