"""The pieces of a variant search: the niceness rules on problems whose flaws are known by hand, the
conditions of ``require``, the self-test, the ``[vary]`` table's values, and the TOML writer."""

from __future__ import annotations

import tomllib

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.checking.checker import CheckPlan
from solver.kinds import catalog
from solver.reading.problem_file import Doc, FloatText, parse_toml
from solver.reading.toml_writer import dumps
from solver.reading.vary_table import decimal_text, read_vary
from solver.teaching import niceness, self_test
from solver.teaching.niceness import Rules, holds, read_requirements, violation
from tests.independent import solve_text


@pytest.mark.parametrize("name, rule, key", [
    # z₁ = (1, 2, −1)·W₁ + b₁ = (0.2 + 0.2 + 0.3 + 0.1, −0.4 + 0.6 − 0.2 + 0) = (0.8, 0): the kink
    ("leaky-relu-mse-sgd", niceness.KINK_RULE, "s1.z1"),
    # B, C, D, F are on the margin of w = (−2, −2), b = 3 in 2-D: four points, α_F = 0 in the KKT solution shown
    ("svm-six-points", niceness.POSITIVE_RULE, "alpha.F"),
    # α_B = 5/9 (the file's own comment): no terminating decimal
    ("svm-soft-margin", niceness.hand_worked_rule(6), "alpha.B"),
])
def test_a_known_flaw_of_an_original_is_the_rule_it_breaks(name, rule, key):
    assert violation(catalog.load(name), Rules(6)) == niceness.Violation(rule, key)


def test_the_originals_with_no_known_flaw_are_nice():
    for name in ("relu-111-sgd", "relu-111-sgd-half", "svm-3d", "softmax-ce", "graph-skip"):
        assert violation(catalog.load(name), Rules(6)) is None, name


def test_more_places_allowed_let_a_longer_decimal_through():
    # relu-111-sgd-small: ŷ = 0.3·ReLU(0.1 + 0.2) + 0.4 = 0.49, L = ½(0.49 − 3)² = ½·6.3001 = 3.15005: 5 places
    derivation = catalog.load("relu-111-sgd-small")
    assert derivation.by_key["s1.loss"].values[0].exact == sympy.Rational("3.15005")
    assert violation(derivation, Rules(4)) == niceness.Violation(niceness.hand_worked_rule(4), "s1.loss")
    assert violation(derivation, Rules(5)) is None


def test_two_labelled_points_at_one_place_and_a_query_on_the_boundary_are_not_nice():
    text = (catalog.problems_dir() / "svm-3d.toml").read_text("utf-8").split("\n# Variants")[0]
    twins = text.replace('{ name = "H", x = [1, 1, 2], y = -1 }', '{ name = "H", x = [2, 1, 1], y = -1 }')
    assert violation(solve_text(twins), Rules(6)) == niceness.Violation(niceness.DIFFERENT_RULE, "x.H")
    # w = (−1, −1, −1), b = 2: f(1, 1, 0) = 0, on the boundary
    boundary = text.replace('{ name = "R", x = [2, 0, 1] }', '{ name = "R", x = [1, 1, 0] }')
    assert violation(solve_text(boundary), Rules(6)) == niceness.Violation(niceness.CLASSIFIED_RULE, "class.R")


def test_equal_logits_are_a_softmax_tie():
    text = '''kind = "softmax"\ntitle = "t"\n[softmax]\nz = [1, 1, 0]\ny = [1, 0, 0]\n'''
    assert violation(solve_text(text), Rules(6)) == niceness.Violation(niceness.DISTINCT_RULE, "p2")


def test_requirements_hold_exactly_where_the_values_are_rational():
    derivation = catalog.load("relu-111-sgd")  # z₁ = 1, ŷ = 1, w₁ ← 1 − 0.01·(−2) = 1.02
    requirements = read_requirements(
        [("r1", "s1.z1 > 0"), ("r2", "s1.W1 == 1.02"), ("r3", "0 < s1.yhat < 1"), ("r4", "s1.loss != 2")],
        derivation)
    assert [holds(r.condition, derivation) for r in requirements] == [True, True, False, False]
    rules = Rules(6, requirements)
    assert violation(derivation, rules) == niceness.Violation("r3: 0 < s1.yhat < 1", "")


def test_requirements_compare_irrational_values_to_working_precision():
    derivation = catalog.load("softmax-ce")  # p₁ = e²/(e² + e + e^0.1) ≈ 0.6590
    requirements = read_requirements([("a", "p1 + p2 + p3 == 1"), ("b", "0.659 < p1 < 0.6591")], derivation)
    assert all(holds(r.condition, derivation) for r in requirements)


def test_the_self_test_passes_every_builtin():
    for name in catalog.builtin_names():
        assert self_test.self_test(catalog.load(name)) is None, name


def test_the_self_test_catches_a_mistake_the_checker_does_not_name(monkeypatch):
    derivation = catalog.load("relu-111-sgd")
    real = CheckPlan.check_alone

    def forgetful(plan, entry):
        result = real(plan, entry)
        if result.mistake == "learning_rate_missing":
            result.mistake = None
        return result

    monkeypatch.setattr(CheckPlan, "check_alone", forgetful)
    assert self_test.self_test(derivation) == (
        "the mistake learning_rate_missing planted in s1.W1 was marked wrong with no mistake named")


def test_the_self_test_catches_an_answer_key_the_checker_rejects(monkeypatch):
    # an answer key written to two places only: b₁ after update 2 is 0.03916376, and 0.04 has one
    # significant figure, below the two a problem asks for: imprecise
    monkeypatch.setattr(self_test, "_exact_text", lambda value: format(round(float(value.approx), 2)))
    assert self_test.self_test(catalog.load("relu-111-sgd")) == "its own exact answer for s2.b1 was marked imprecise"


def test_a_planted_mistake_is_written_to_three_significant_figures():
    from decimal import Decimal

    assert self_test._written(Decimal("0.0000945"), 4) == "0.0000945"
    assert self_test._written(Decimal("-3.14159"), 4) == "-3.1416"
    assert self_test._written(Decimal("0.012345"), 4) == "0.0123"


def test_a_range_holds_exactly_the_decimals_it_says():
    doc = Doc(parse_toml(b'kind = "x"\na = 0\n[vary]\na = { from = -0.3, to = 0.25, step = 0.1 }\n', "t"))
    values = read_vary(doc).cells[0].values
    assert [decimal_text(values[i]) for i in range(values.size)] == ["-0.3", "-0.2", "-0.1", "0", "0.1", "0.2"]


# --- the TOML writer: what it writes reads back as the same document ------------------------------

_KEYS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
_DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**6, max_value=10**6)
_SCALARS = st.one_of(
    st.integers(min_value=-10**18, max_value=10**18),
    _DECIMALS.map(lambda d: FloatText(format(d, "f") if "." in format(d, "f") else format(d, "f") + ".0")),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
    st.booleans(),
)
_ARRAYS = st.recursive(st.lists(_SCALARS, max_size=4), lambda inner: st.lists(inner, max_size=3), max_leaves=12)
_INLINE = st.dictionaries(_KEYS, st.one_of(_SCALARS, _ARRAYS), max_size=3)
_VALUES = st.one_of(_SCALARS, _ARRAYS, st.lists(_INLINE, max_size=3))
_DOCUMENTS = st.recursive(st.dictionaries(_KEYS, _VALUES, max_size=5),
                          lambda tables: st.dictionaries(_KEYS, st.one_of(_VALUES, tables), max_size=4),
                          max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(_DOCUMENTS)
def test_written_toml_reads_back_as_the_same_document(document):
    assert tomllib.loads(dumps(document), parse_float=FloatText) == document


def test_every_builtin_problem_reads_back_as_written():
    for path in sorted(catalog.problems_dir().glob("*.toml")):
        document = tomllib.loads(path.read_text("utf-8"), parse_float=FloatText)
        assert tomllib.loads(dumps(document), parse_float=FloatText) == document, path.name


def test_the_readme_vary_table_reads_and_its_conditions_hold_for_the_original():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("### Which givens vary")[1].split("```toml\n")[1].split("```")[0]
    base = (catalog.problems_dir() / "relu-111-sgd.toml").read_text("utf-8").split("\n# Variants")[0]
    doc = Doc(parse_toml((base + "\n" + block).encode(), "README"))
    table = read_vary(doc)
    assert [c.name for c in table.cells] == ["initial.W1", "initial.b1"] and table.space == 11 * 3
    derivation = catalog.load("relu-111-sgd")  # z₁ = 1, ∂L/∂w₁ = (1 − 3)·1·1·1 = −2
    assert all(holds(r.condition, derivation) for r in read_requirements(table.require, derivation))
