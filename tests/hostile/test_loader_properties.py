"""Property tests of the problem loader: whatever TOML (or bytes) it is given, it returns a
derivation or raises the project's InputError with a one-line message naming the file.

Documents are random TOML built from the real keys and from junk, random mutations of a problem
that solves, and raw bytes.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tomllib

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from solver.derivation.model import Derivation
from solver.errors import InputError
from solver.kinds import catalog
from solver.render import FORMATS, emit
from solver.render.options import RenderOptions
from tests.hostile.corpus import BASE

EXAMPLES = int(os.environ.get("SOLVER_FUZZ_EXAMPLES", "100"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SOURCE = "fuzz.toml"

KEYS = [
    "kind", "title", "decimals", "tolerance", "network", "layers", "activations", "loss", "layout",
    "leaky_relu_slope", "relu_prime_at_zero", "initial", "W1", "b1", "W2", "b2", "w1", "training",
    "learning_rate", "mode", "batch_size", "epochs", "samples", "x", "y", "C", "points", "name",
    "queries", "hyperplane", "w", "b", "inputs", "nodes", "derivative", "of", "wrt", "softmax", "z",
]
WORDS = [
    "backprop", "svm", "softmax", "graph", "W1 * x", "sigmoid(z)", "norm(y - s)^2", "transpose(r) * h",
    "E", "x", "A", "relu", "identity", "sigmoid", "tanh", "softmax", "leaky_relu", "half_mse", "mse",
    "cross_entropy", "binary_cross_entropy", "sgd", "minibatch", "batch", "in_out", "out_in",
    "1/3", "sqrt(2)/2", "-0.5e-2", "1/0", "9**9**9", "exp(1000)", r"\frac{1}{2}", "nan", "",
]


class Float(str):
    """A TOML float token, written as is."""


keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8))
scalars = st.one_of(
    st.integers(-3, 20),
    st.integers(),
    st.sampled_from(["0.5", "1e3", "-0.0", "nan", "inf", "-inf", "1e999", "0.01", "1.5e-400"]).map(Float),
    st.booleans(),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=12,
)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(table: dict) -> bytes:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in table.items()).encode("utf-8", "surrogatepass")


def _load(data: bytes) -> str:
    """Load ``data``: a derivation, or an input error naming the file in one line; says which."""
    try:
        result = catalog.load_text(data, SOURCE)
    except InputError as error:
        message = str(error)
        assert message.startswith(SOURCE + ": ") and "\n" not in message, message
        return "refused"
    assert isinstance(result, Derivation)
    return "solved"


@SETTINGS
@given(st.dictionaries(keys, values, max_size=6), st.sampled_from(["backprop", "svm", "softmax", "graph", None]))
def test_random_documents(table, kind):
    if kind:
        table = {"kind": kind, **table}
    event(_load(toml_document(table)))


def _base() -> dict:
    return tomllib.loads(BASE, parse_float=Float)


#: Built-in problems of every kind that solve in well under a second.
QUICK_BUILTINS = ("relu-111-sgd", "leaky-relu-mse-sgd", "softmax-ce", "graph-skip-scalar", "graph-skip",
                  "svm-six-points", "svm-given-hyperplane", "svm-soft-margin")


def _builtin(name: str) -> dict:
    return tomllib.loads((catalog.problems_dir() / f"{name}.toml").read_text("utf-8"), parse_float=Float)


@st.composite
def mutated_problems(draw) -> dict:
    """A problem that solves (the corpus's base or a quick built-in of any kind) with one to three
    values replaced, deleted or added, anywhere in it."""
    name = draw(st.sampled_from((None, *QUICK_BUILTINS)))
    document = _base() if name is None else _builtin(name)
    for _ in range(draw(st.integers(1, 3))):
        node = document
        while True:
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            if not children:
                break
            key, child = draw(st.sampled_from(children))
            if isinstance(child, (dict, list)) and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                node[key] = draw(values)
            elif action == "delete":
                del node[key]
            elif isinstance(node, dict):
                node[draw(keys)] = draw(values)
            else:
                node.append(draw(values))
            break
    return document


@SETTINGS
@given(mutated_problems())
def test_mutated_problems(document):
    event(_load(toml_document(document)))


@SETTINGS
@given(st.binary(max_size=200), st.integers(0, len(BASE)))
def test_bytes_spliced_into_a_problem(junk, at):
    data = BASE.encode()
    event(_load(data[:at] + junk + data[at:]))


def test_the_unmutated_base_solves():
    assert _load(toml_document(_base())) == "solved"


ODD_NUMBERS = [
    "0", "-1", "1/3", "1e-400", "1e400", "10^999", "-10^999", "sqrt(2)", "exp(4000)", "-exp(4000)",
    "exp(-4000)", "tanh(100)", "sigmoid(-9000)", "1 - tanh(50)", "pi^100", r"\frac{1}{7}", "0.1^999",
]
#: Whole numbers that give a problem its shape, not its values: left as they are.
STRUCTURAL = {"layers", "epochs", "batch_size", "decimals"}


@st.composite
def problems_with_odd_numbers(draw) -> dict:
    """A quick built-in problem of any kind, still well-formed, with extreme or irrational numbers
    in place of some of its values."""
    document = _builtin(draw(st.sampled_from(QUICK_BUILTINS)))

    def replace(node, key=None):
        if isinstance(node, dict):
            return {k: replace(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [replace(v, key) for v in node]
        if isinstance(node, (int, Float)) and not isinstance(node, bool) and key not in STRUCTURAL:
            return draw(st.sampled_from(ODD_NUMBERS)) if draw(st.booleans()) else node
        return node

    return replace(document)


@settings(SETTINGS, max_examples=max(EXAMPLES // 4, 10))
@given(problems_with_odd_numbers())
def test_problems_with_odd_numbers_solve_and_render(document):
    try:
        derivation = catalog.load_text(toml_document(document), SOURCE)
    except InputError as error:
        assert str(error).startswith(SOURCE + ": ") and "\n" not in str(error)
        event("refused")
        return
    event("solved")
    for fmt in FORMATS:
        emit(fmt, derivation, RenderOptions(derivation.decimals), io.StringIO())
