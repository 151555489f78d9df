"""Property tests of reading and grading answer files: whatever a student's file holds, TOML or not,
it is graded (each line that cannot be read invalid for its key only) or refused whole with the
project's InputError, quickly, and nothing in it is ever run.

Files are random lines built from the problems' keys, the forms students write (unquoted
expressions, Unicode minus, √, ``$…$``, vectors and sets as text, class words), TOML fragments that
span lines, and junk.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.errors import InputError
from solver.kinds import catalog
from solver.reading.answer_file import parse_answers

EXAMPLES = int(os.environ.get("SOLVER_FUZZ_EXAMPLES", "100"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROBLEMS = ("relu-111-sgd", "svm-six-points", "softmax-ce", "graph-skip", "leaky-relu-mse-sgd")

KEYS = ["s1.z1", "s1.W1", "s2.dL_dW1", "s1.b2", '"s1.W1[1,2]"', "s1.W1[2,1]", "w", "b", "margin",
        "support_vectors", "hyperplane", "class.Q", "p1", "dL_dz1", "dp1_dz2", "local.dz_dx", "local.dh_dz",
        "dE_dx", "[s1]", "[s2", "nothing", "s1 . z1", "x"]
VALUES = ["1/3", "-.5", "−2", "√2/4", "2√2", "$-2$", "$$\\frac{1}{3}$$", "(-2, -2)", '"(-2, -2)"', "B and C",
          "{(1,0), (0,1)}", "+", "positive", '"+ve"', "-2x1 - 2x2 + 3 = 0", "W1", '"transpose(r)"', "h*(1 - h)",
          "[0.1491, 0.2350, 0.1491]", "[", "[[1, 2],", "[3, 4]]", '"""', "= = 1", "1/0", "9^9^9",
          "__import__('os').system('true')", "p1 - y1", "5*y2/p2", "{ a = 1 }", "nan", "1e999", "\\input{x}",
          "'\\frac{1}{2}'", '"\\frac{1}{2}"', "0.0392", "0.04", "4", "2", "", "#", "delta1*x"]

lines = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), st.text(max_size=20)),
    st.sampled_from(VALUES + KEYS),
    st.text(max_size=30),
)
files = st.lists(lines, max_size=25).map("\n".join)


@pytest.fixture(scope="module")
def plans():
    return {name: CheckPlan(catalog.load(name), Tolerance(4)) for name in PROBLEMS}


@SETTINGS
@given(text=files, problem=st.sampled_from(PROBLEMS))
def test_any_answer_file_is_graded_or_refused_in_one_line(plans, text, problem):
    start = time.perf_counter()
    try:
        entries = parse_answers(text.encode("utf-8", "surrogatepass"), "fuzz.toml")
    except InputError as error:
        assert "\n" not in str(error) and str(error).startswith("fuzz.toml")
        return
    report = plans[problem].check(entries, "fuzz.toml")
    assert len(report.results) <= len(entries)  # answers to givens are ignored
    for result in report.results:
        assert result.verdict in ("correct", "follows_through", "imprecise", "wrong", "invalid")
        if result.verdict == "invalid":
            assert result.reason
    assert time.perf_counter() - start < 5
