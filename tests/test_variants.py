"""Variants of every built-in problem: nice by the rules, distinct, reproducible, and written exactly.

Niceness is checked here from each variant's solved JSON (``solve --format json`` of its written
problem file) with this file's own reading of the rules — which keys are worked by hand, which are
ReLU inputs, gradients, softmax outputs, α of support vectors — never by the niceness code under test.
"""

from __future__ import annotations

import json
import re
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from solver.cli import main
from solver.kinds import catalog
from solver.reading.problem_file import FloatText
from tests.conftest import ROOT

BUILTINS = catalog.builtin_names()
COUNT = 2
MAX_PLACES = 6  # the default of every built-in's [vary] table


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Each built-in's variants, written once by the command line: name → directory."""
    out = {}
    for name in BUILTINS:
        directory = tmp_path_factory.mktemp(name) / "out"
        # JSON: the quickest to write (no pictures); the files in each format are tested below
        assert main(["variants", name, "--count", str(COUNT), "--seed", "7", "--format", "json",
                     "-o", str(directory)]) == 0
        out[name] = directory
    return out


def solved_json(problem: Path) -> dict:
    from solver.render.json_doc import render
    from solver.render.options import RenderOptions

    derivation = catalog.load(str(problem))
    return json.loads(render(derivation, RenderOptions(derivation.decimals)))


def _numbers(step: dict) -> list[float]:
    numeric = step["numeric"]
    flat = []

    def walk(v):
        if isinstance(v, list):
            for item in v:
                walk(item)
        else:
            flat.append(float(v))

    walk(numeric)
    return flat


_RATIONAL_TEXT = re.compile(r"[\[\]\s,0-9/+-]+\Z")


def _rationals(step: dict) -> list[Fraction] | None:
    """The exact values of a step when they are all rational (sympy text such as ``[4/5, 0]``)."""
    if not step["exact"] or not _RATIONAL_TEXT.match(step["value"]):
        return None
    return [Fraction(t) for t in re.findall(r"-?\d+(?:/\d+)?", step["value"])]


def _places(value: Fraction) -> int | None:
    q, places = value.denominator, 0
    while q % 10 == 0 or q % 2 == 0 or q % 5 == 0:
        if q % 10 == 0:
            q //= 10
        elif q % 2 == 0:
            q, value = q // 2, value * 2
        else:
            q, value = q // 5, value * 5
        places += 1
    return places if q == 1 else None


def test_places_of_a_decimal():
    assert _places(Fraction(1, 8)) == 3 and _places(Fraction(3, 4)) == 2 and _places(Fraction(1, 3)) is None
    assert _places(Fraction(51, 50)) == 2 and _places(Fraction(7)) == 0 and _places(Fraction(1, 1000)) == 3


#: Values through a square root (‖w‖ and what follows from it, ‖μ_φ‖): rounded like any root, even
#: when they happen to come out rational.
_THROUGH_A_ROOT = {"norm_w", "margin", "width", "distance", "mean_norm"}
#: The kernel's proof of validity (LDLᵀ pivots, a witness): the tool's certificate, not hand work.
_CERTIFICATE = {"pivots", "L", "cauchy_schwarz", "psd", "cKc"}


def _hand_worked(kind: str, key: str, problem: dict) -> bool:
    """Backprop: the first update (its keys start s1.); every other kind is one computation, except
    values through a root and a kernel's certificate of validity."""
    if kind == "backprop":
        return key.startswith("s1.")
    if key.removeprefix("opt.") in _THROUGH_A_ROOT or (kind == "kernel" and key in _CERTIFICATE):
        return False
    if kind == "kernel" and "sqrt" in json.dumps(problem.get("feature_map", "")):
        return not (key.startswith("phi.") or key == "K_phi")  # φ holds √2: its inner products are rounded too
    return True


def _relu_inputs(problem: dict, key: str) -> bool:
    """Keys of pre-activations of ReLU or leaky-ReLU layers: s<k>[.sample<j>].z<l>."""
    activations = problem.get("network", {}).get("activations", [])
    match = re.fullmatch(r"s\d+\.(?:sample\d+\.)?z(\d+)", key)
    return bool(match) and activations[int(match.group(1)) - 1] in ("relu", "leaky_relu")


def _gradient(kind: str, key: str) -> bool:
    """Each unit's error signal in an update (∂L/∂b), ∂L/∂z of a softmax, a graph's asked derivative."""
    if kind == "backprop":
        return re.fullmatch(r"s\d+\.dL_db\d+", key) is not None
    if kind == "softmax":
        return re.fullmatch(r"(jacobian\.)?dL_dz\d+|dL_dz\d+_\d+|dL_db\d+_\d+", key) is not None
    if kind == "graph":
        return re.fullmatch(r"d[A-Za-z]\w*_d[A-Za-z]\w*", key) is not None
    return False


def check_nice(solved: dict, problem: dict) -> None:
    """Every rule of a nice variant, read from the solved JSON."""
    kind, decimals = solved["kind"], solved["decimals"]
    unit = 10.0 ** -decimals
    steps = {s["key"]: s for s in solved["steps"]}
    for key, step in steps.items():
        if _hand_worked(kind, key, problem):
            rationals = _rationals(step)
            if rationals is not None:
                places = [_places(v) for v in rationals]
                assert all(p is not None and p <= MAX_PLACES for p in places), (key, step["value"])
        if _relu_inputs(problem, key):
            assert all(abs(v) > unit for v in _numbers(step)), (key, step["numeric"])
        if _gradient(kind, key):
            assert all(round(v, decimals) != 0 for v in _numbers(step)), (key, step["numeric"])
    softmax_outputs = [v for key, s in steps.items() if re.fullmatch(r"p\d+", key) for v in _numbers(s)]
    for key, s in steps.items():
        if re.fullmatch(r"s\d+\.(sample\d+\.)?yhat", key) and problem["network"]["activations"][-1] == "softmax":
            values = [round(v, decimals) for v in _numbers(s)]
            assert len(set(values)) == len(values), (key, values)
    rounded = [round(v, decimals) for v in softmax_outputs]
    assert len(set(rounded)) == len(rounded), rounded
    for prefix in ("", "opt."):
        sv = steps.get(f"{prefix}support_vectors")
        if sv is not None and (prefix or "hyperplane" not in problem):
            for name in sv["members"]:
                assert _numbers(steps[f"{prefix}alpha.{name}"])[0] > 0, f"{prefix}alpha.{name}"
            assert "b is not unique" not in json.dumps(solved["notes"])
    if kind == "svm":
        places = [tuple(p["x"]) if isinstance(p["x"], list) else (p["x"],) for p in problem["points"]]
        assert len(set(places)) == len(places), places
        for key, step in steps.items():
            if key.startswith("class."):
                assert _numbers(step)[0] != 0, key


@pytest.mark.parametrize("name", BUILTINS)
def test_variants_of_every_builtin_are_nice(written, name):
    directory = written[name]
    folders = sorted(p for p in directory.iterdir() if p.is_dir())
    assert [p.name for p in folders] == [f"v{n:02d}" for n in range(1, COUNT + 1)]
    for folder in folders:
        problem = tomllib.loads((folder / "problem.toml").read_text("utf-8"))
        assert "vary" not in problem and problem["title"].endswith(f"(variant {folder.name})")
        check_nice(solved_json(folder / "problem.toml"), problem)
        assert json.loads((folder / "solution.json").read_text("utf-8"))["title"] == problem["title"]
        assert json.loads((folder / "questions.json").read_text("utf-8"))["questions"] is True


@pytest.mark.parametrize("name", BUILTINS)
def test_variants_differ_from_each_other_and_from_the_original(written, name):
    directory = written[name]
    rows = (directory / "index.csv").read_text("utf-8").splitlines()
    header, *lines = rows
    assert header.startswith("variant,fingerprint,")
    fingerprints = [line.split(",")[1] for line in lines]
    assert len(set(fingerprints)) == len(fingerprints) == COUNT
    original = tomllib.loads((ROOT / "problems" / f"{name}.toml").read_text("utf-8"), parse_float=FloatText)
    original.pop("vary")
    bodies = []
    for line in lines:
        problem = tomllib.loads((directory / line.split(",")[0] / "problem.toml").read_text("utf-8"),
                                parse_float=FloatText)
        problem["title"] = original["title"]
        bodies.append(json.dumps(problem, sort_keys=True))
    assert len(set(bodies)) == COUNT
    assert json.dumps(original, sort_keys=True) not in bodies


@pytest.mark.parametrize("name", BUILTINS)
def test_index_lists_the_values_written_in_each_problem_file(written, name):
    directory = written[name]
    header, *lines = (directory / "index.csv").read_text("utf-8").splitlines()
    paths = header.split(",")[2:]
    for line in lines:
        cells = line.split(",")
        problem = tomllib.loads((directory / cells[0] / "problem.toml").read_text("utf-8"), parse_float=FloatText)
        for path, text in zip(paths, cells[2:]):
            node = problem
            for part in re.findall(r"[A-Za-z0-9_-]+|\[\d+\]", path):
                node = node[int(part[1:-1]) - 1] if part.startswith("[") else node[part]
            assert Fraction(str(node)) == Fraction(text), (path, node, text)


def test_the_same_seed_gives_the_same_variants_and_another_seed_others(tmp_path):
    def run(seed: int, out: str) -> dict[str, str]:
        assert main(["variants", "relu-111-sgd", "--count", "3", "--seed", str(seed), "-o",
                     str(tmp_path / out)]) == 0
        return {str(p.relative_to(tmp_path / out)): p.read_text("utf-8")
                for p in sorted((tmp_path / out).rglob("*")) if p.is_file()}

    first, again, other = run(11, "a"), run(11, "b"), run(12, "c")
    assert first == again
    assert first["index.csv"] != other["index.csv"]


def test_a_written_problem_file_solves_to_the_variants_own_derivation(tmp_path):
    from solver.reading.vary_table import read_vary
    from solver.teaching.niceness import Rules
    from solver.teaching.search import search

    source, doc = catalog.read_problem("leaky-relu-mse-sgd")
    table = read_vary(doc)
    found = search(doc, source, table, Rules(table.max_places), 2, 3, 100)
    assert len(found.accepted) == 2
    for variant in found.accepted:
        from solver.reading.toml_writer import dumps

        path = tmp_path / f"{variant.id}.toml"
        path.write_text(dumps(variant.document), "utf-8")
        again = catalog.load(str(path))
        assert [s.key for s in again.steps] == [s.key for s in variant.derivation.steps]
        for mine, theirs in zip(variant.derivation.steps, again.steps):
            assert [v.exact for v in mine.values] == [v.exact for v in theirs.values], mine.key


@pytest.mark.parametrize("name, flaw", [
    ("leaky-relu-mse-sgd", "s1.z1"),             # z₁ = x·W₁ + b₁ = (0.8, 0): the second unit sits on the kink
    ("svm-six-points", "alpha"),                 # B, C, D, F on the margin but α_F = 0 (α is not unique)
    ("svm-soft-margin", "alpha.B"),              # α_B = 5/9, no terminating decimal
    ("sigmoid-softmax-minibatch", "yhat"),       # x = (0, 0) after three updates: a tie at 4 places
])
def test_these_checks_catch_the_flaws_of_some_originals(name, flaw):
    """The originals are not all nice; the checks above must say so, else they test nothing."""
    problem = tomllib.loads((ROOT / "problems" / f"{name}.toml").read_text("utf-8"))
    with pytest.raises(AssertionError, match=re.escape(flaw)):
        check_nice(solved_json(ROOT / "problems" / f"{name}.toml"), problem)


@pytest.mark.parametrize("fmt, ext, start", [("markdown", "md", "# Hard-margin SVM"),
                                             ("latex", "tex", "\\documentclass"),
                                             ("html", "html", "<!DOCTYPE html>"), ("json", "json", "{")])
def test_sheets_in_every_format_as_the_solving_commands_write_them(tmp_path, fmt, ext, start):
    out = tmp_path / "out"
    assert main(["variants", "svm-six-points", "--count", "1", "--format", fmt, "-o", str(out)]) == 0
    solution = (out / "v01" / f"solution.{ext}").read_text("utf-8")
    questions = (out / "v01" / f"questions.{ext}").read_text("utf-8")
    assert solution.startswith(start) and questions.startswith(start)
    from solver.render import renderer
    from solver.render.common import show
    from solver.render.options import RenderOptions

    derivation = catalog.load(str(out / "v01" / "problem.toml"))
    # the answer key shows the margin, w and b; the question sheet none of them
    shown = {show(v, derivation.decimals).digits.lstrip("-") for key in ("margin", "w", "b")
             for v in derivation.by_key[key].values}
    stated = {show(v, derivation.decimals).digits.lstrip("-") for g in derivation.givens for v in g.values}
    body = questions.split("</head>")[-1]  # an HTML page's style sheet has numbers of its own
    for digits in shown - stated:
        number = re.compile(rf"(?<![\d.]){re.escape(digits)}(?![\d])")
        assert (number.search(solution) or fmt == "json") and not number.search(body), digits  # JSON: below
    assert shown - stated
    if fmt == "json":  # the same document as `solve --format json` of the written problem file, bar its name
        expected = json.loads(renderer("json")(derivation, RenderOptions(derivation.decimals)))
        written = json.loads(solution)
        assert {k: v for k, v in written.items() if k != "problem"} == {k: v for k, v in expected.items()
                                                                         if k != "problem"}
    if fmt == "latex":
        assert any(p.suffix == ".pdf" for p in (out / "v01").iterdir())  # the SVM's picture, included
    if fmt == "markdown":
        assert "](solution-svm.svg)" in solution and (out / "v01" / "solution-svm.svg").exists()
    if fmt == "html":
        assert "<svg" in solution and "http" not in solution.split("</head>")[1].replace("http://www.w3.org", "")
