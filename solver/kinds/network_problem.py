"""A network problem file: units wired unit to unit or layer to layer, listed inputs, and the target.

Units are ReLU, step, sign or identity units with exact rational weights and biases; a unit reads
the network's inputs and earlier units only, so a network never has a cycle.  The target is a
piecewise-linear function of one input (corner points, or a formula built from +, −, ×, /, abs,
max, min and relu) or the classes of the listed points.  Bad data gets one line naming the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy

from solver.errors import InputError
from solver.kinds import COMMON_KEYS
from solver.reading.expression_parser import parse_expression
from solver.reading.problem_file import Doc

ACTIVATIONS = ("relu", "step", "sign", "identity")
MAX_UNITS = 24
MAX_INPUTS = 4
MAX_POINTS = 32
MAX_CORNERS = 64
#: Largest size of a weight, bias, coordinate or corner.
MAX_SIZE = 10**6
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}\Z")
OUTPUT_KEY = "out"


@dataclass(frozen=True)
class Unit:
    """A unit: its name, activation, weights by source name (an input or an earlier unit) and bias."""

    name: str
    activation: str
    weights: tuple[tuple[str, Fraction], ...]
    bias: Fraction


@dataclass(frozen=True)
class Point:
    """A listed input: its name, coordinates (one per input) and, for classification, its target class."""

    name: str
    x: tuple[Fraction, ...]
    target: Fraction | None = None


@dataclass(frozen=True)
class Target:
    """A function of the one input on [low, high]: through ``corners``, or ``formula`` in ``symbol``."""

    low: Fraction
    high: Fraction
    corners: tuple[tuple[Fraction, Fraction], ...] | None
    formula: sympy.Basic | None
    symbol: sympy.Symbol | None


@dataclass(frozen=True)
class Region:
    """A closed polygon of the plane (vertices in order) whose points have class ``cls``."""

    cls: Fraction
    polygon: tuple[tuple[Fraction, Fraction], ...]


@dataclass(frozen=True)
class Network:
    """A network problem as read from its file, every number exact."""

    inputs: tuple[str, ...]
    units: tuple[Unit, ...]
    points: tuple[Point, ...]
    target: Target | None
    step_at_zero: Fraction
    sign_at_zero: Fraction
    regions: tuple[Region, ...] = ()
    outside: Fraction = Fraction(0)

    @property
    def output(self) -> Unit:
        return self.units[-1]

    @property
    def classifies(self) -> bool:
        return bool(self.regions) or (bool(self.points) and self.points[0].target is not None)


def _fraction(doc: Doc, key, what: str = "a number") -> Fraction:
    value = doc.number(key)
    if not value.is_Rational:
        raise doc.error(f"{what} must be rational (an integer, decimal or fraction), got {value}", key)
    if abs(value) > MAX_SIZE:
        raise doc.error(f"{what} is at most 10^6 in size here, got {value}", key)
    return Fraction(int(value.p), int(value.q))


def _name(doc: Doc, key, value, taken: dict[str, str]) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        raise doc.error("a name is a letter followed by up to 15 letters, digits or underscores", key)
    if value.lower() in taken:
        raise doc.error(f"the name {value!r} is already used by {taken[value.lower()]} (names are case-insensitive)", key)
    return value


def _inputs(doc: Doc) -> tuple[str, ...]:
    raw = doc.raw("inputs", ["x"])
    raw = [raw] if isinstance(raw, str) else raw
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_INPUTS:
        raise doc.error(f"expected a list of 1 to {MAX_INPUTS} input names, e.g. [\"x1\", \"x2\"]", "inputs")
    taken: dict[str, str] = {}
    names = []
    listed = Doc(dict(enumerate(raw)), doc._child_path("inputs"))
    for i, value in enumerate(raw):
        name = _name(listed, i, value, taken)
        if name.lower() == OUTPUT_KEY:
            raise listed.error(f"{OUTPUT_KEY!r} names the network's output", i)
        taken[name.lower()] = "an input"
        names.append(name)
    return tuple(names)


def _units(doc: Doc, inputs: tuple[str, ...]) -> list[Unit]:
    taken = {name.lower(): "an input" for name in inputs}
    units = []
    items = doc.tables("units", max_items=MAX_UNITS)
    for n, item in enumerate(items, start=1):
        item.only_keys(["name", "activation", "weights", "bias"])
        name = _name(item, "name", item.raw("name"), taken)
        if name.lower() == OUTPUT_KEY and n != len(items):
            raise item.error(f"{OUTPUT_KEY!r} names the network's output, the last unit", "name")
        activation = item.text("activation", choices=list(ACTIVATIONS))
        weights_doc = item.table("weights")
        if not weights_doc.data:
            raise weights_doc.error("a unit needs at least one weight")
        weights = []
        for source in weights_doc.data:
            if source.lower() not in taken:
                raise weights_doc.error(f"{source!r} is neither an input nor an earlier unit", source)
            canonical = next(s for s in (*inputs, *(u.name for u in units)) if s.lower() == source.lower())
            weights.append((canonical, _fraction(weights_doc, source, "a weight")))
        bias = _fraction(item, "bias", "a bias") if item.has("bias") else Fraction(0)
        taken[name.lower()] = "a unit"
        units.append(Unit(name, activation, tuple(weights), bias))
    return units


def _layers(doc: Doc, inputs: tuple[str, ...]) -> list[Unit]:
    layout = doc.text("layout", "in_out", choices=["in_out", "out_in"])
    previous = list(inputs)
    taken = {name.lower(): "an input" for name in inputs}
    units: list[Unit] = []
    layers = doc.tables("layers", max_items=MAX_UNITS)
    for number, layer in enumerate(layers, start=1):
        layer.only_keys(["activation", "W", "b", "names"])
        activation = layer.text("activation", choices=list(ACTIVATIONS))
        b = layer.numbers("b", max_items=MAX_UNITS)
        biases = b if isinstance(b, list) else [b]
        if any(isinstance(v, list) for v in biases) or not biases:
            raise layer.error("expected one bias per unit of the layer", "b")
        size = len(biases)
        last = number == len(layers)
        if last and size != 1:
            raise layer.error("the last layer is the output: one unit", "b")
        if len(units) + size > MAX_UNITS:
            raise layer.error(f"at most {MAX_UNITS} units in all")
        shape = (len(previous), size) if layout == "in_out" else (size, len(previous))
        what = "inputs × units" if layout == "in_out" else "units × inputs"
        W = layer.matrix("W", shape, what)
        names = layer.raw("names", None)
        if names is None:
            names = [OUTPUT_KEY] if last else ([f"h{j}" for j in range(1, size + 1)] if len(layers) == 2
                                                 else [f"h{number}_{j}" for j in range(1, size + 1)])
        if not isinstance(names, list) or len(names) != size:
            raise layer.error(f"expected {size} name{'s' * (size != 1)}, one per unit", "names")
        listed = Doc(dict(enumerate(names)), layer._child_path("names"))
        layer_units = []
        for j in range(size):
            name = _name(listed, j, names[j], taken)
            if name.lower() == OUTPUT_KEY and not last:
                raise listed.error(f"{OUTPUT_KEY!r} names the network's output, the last unit", j)
            column = [W[i, j] if layout == "in_out" else W[j, i] for i in range(len(previous))]
            weights = []
            for source, w in zip(previous, column):
                if not w.is_Rational or abs(w) > MAX_SIZE:
                    raise layer.error(f"weights must be rational and at most 10^6 in size, got {w}", "W")
                weights.append((source, Fraction(int(w.p), int(w.q))))
            bias = biases[j]
            if not bias.is_Rational or abs(bias) > MAX_SIZE:
                raise layer.error(f"biases must be rational and at most 10^6 in size, got {bias}", "b")
            layer_units.append(Unit(name, activation, tuple(weights), Fraction(int(bias.p), int(bias.q))))
            taken[name.lower()] = "a unit"
        units.extend(layer_units)
        previous = [u.name for u in layer_units]
    return units


def _points(doc: Doc, inputs: tuple[str, ...], taken: set[str]) -> list[Point]:
    points: list[Point] = []
    seen: dict[str, str] = {}
    labelled = None
    for i, item in enumerate(doc.tables("points", max_items=MAX_POINTS), start=1):
        item.only_keys(["name", "x", "class"])
        name = item.raw("name", f"X{i}")
        if not isinstance(name, str) or not NAME.match(name):
            raise item.error("a name is a letter followed by up to 15 letters, digits or underscores", "name")
        if name.lower() in seen:
            raise item.error(f"two points are named {name!r} (names are case-insensitive)", "name")
        seen[name.lower()] = name
        raw = item.numbers("x", max_items=MAX_INPUTS)
        raw = raw if isinstance(raw, list) else [raw]
        if any(isinstance(v, list) for v in raw) or len(raw) != len(inputs):
            raise item.error(f"expected {len(inputs)} coordinate{'s' * (len(inputs) != 1)}, one per input "
                             f"({', '.join(inputs)})", "x")
        x = []
        for value in raw:
            if not value.is_Rational or abs(value) > MAX_SIZE:
                raise item.error(f"coordinates must be rational and at most 10^6 in size, got {value}", "x")
            x.append(Fraction(int(value.p), int(value.q)))
        if labelled is None:
            labelled = item.has("class")
        if labelled != item.has("class"):
            raise item.error("either every point has a class (a classification) or none has", "class")
        target = _fraction(item, "class", "a class") if labelled else None
        points.append(Point(name, tuple(x), target))
    return points


def _target(doc: Doc, inputs: tuple[str, ...]) -> Target:
    table = doc.table("target")
    if len(inputs) != 1:
        raise table.error("a target function is for a network of one input; classify points for more")
    if table.has("corners"):
        table.only_keys(["corners"])
        raw = table.raw("corners")
        if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_CORNERS:
            raise table.error(f"expected 2 to {MAX_CORNERS} corner points [x, y]", "corners")
        listed = Doc(dict(enumerate(raw)), table._child_path("corners"))
        corners = []
        for i, corner in enumerate(raw):
            if not isinstance(corner, list) or len(corner) != 2:
                raise listed.error("a corner is a pair [x, y]", i)
            pair = Doc({"x": corner[0], "y": corner[1]}, listed._child_path(i))
            corners.append((_fraction(pair, "x", "a corner"), _fraction(pair, "y", "a corner")))
        for i in range(1, len(corners)):
            if corners[i][0] < corners[i - 1][0]:
                raise listed.error("corners must be in increasing x", i)
            if i >= 2 and corners[i][0] == corners[i - 2][0]:
                raise listed.error("at most two corners share an x (a jump)", i)
        if corners[0][0] == corners[-1][0]:
            raise table.error("the corners span no interval", "corners")
        return Target(corners[0][0], corners[-1][0], tuple(corners), None, None)
    table.only_keys(["formula", "interval"])
    symbol = sympy.Symbol("network.input", real=True)
    text = table.raw("formula")
    if not isinstance(text, str):
        raise table.error("expected a formula in the input as text, e.g. \"1 - abs(2*x - 1)\"", "formula")
    try:
        formula = parse_expression(text, {inputs[0]: symbol})
    except InputError as error:
        raise error.within(table._child_path("formula")) from None
    interval = table.raw("interval")
    if not isinstance(interval, list) or len(interval) != 2:
        raise table.error("expected [low, high]", "interval")
    bounds = Doc({"low": interval[0], "high": interval[1]}, table._child_path("interval"))
    low, high = _fraction(bounds, "low", "an end"), _fraction(bounds, "high", "an end")
    if not low < high:
        raise table.error("the interval's low end must be below its high end", "interval")
    return Target(low, high, None, formula, symbol)


MAX_REGIONS = 4
MAX_VERTICES = 12


def _regions(doc: Doc, inputs: tuple[str, ...]) -> tuple[list[Region], Fraction]:
    """Target regions in the plane: closed polygons with a class each, and the class outside them."""
    if len(inputs) != 2:
        raise doc.error("regions are in the plane: the network needs two inputs", "regions")
    regions = []
    for item in doc.tables("regions", max_items=MAX_REGIONS):
        item.only_keys(["class", "polygon"])
        raw = item.raw("polygon")
        if not isinstance(raw, list) or not 3 <= len(raw) <= MAX_VERTICES:
            raise item.error(f"expected 3 to {MAX_VERTICES} vertices [x1, x2], in order round the polygon", "polygon")
        listed = Doc(dict(enumerate(raw)), item._child_path("polygon"))
        vertices = []
        for i, vertex in enumerate(raw):
            if not isinstance(vertex, list) or len(vertex) != 2:
                raise listed.error("a vertex is a pair [x1, x2]", i)
            pair = Doc({"x1": vertex[0], "x2": vertex[1]}, listed._child_path(i))
            vertices.append((_fraction(pair, "x1", "a vertex"), _fraction(pair, "x2", "a vertex")))
        if len(set(vertices)) != len(vertices):
            raise item.error("a vertex is repeated", "polygon")
        area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(vertices, vertices[1:] + vertices[:1]))
        if area == 0:
            raise item.error("the polygon has no area", "polygon")
        regions.append(Region(_fraction(item, "class", "a class"), tuple(vertices)))
    outside = _fraction(doc, "outside", "a class") if doc.has("outside") else Fraction(0)
    return regions, outside


def read_network(doc: Doc) -> Network:
    """The inputs, units, listed points and target of a network problem file."""
    doc.only_keys([*COMMON_KEYS, "inputs", "units", "layers", "layout", "points", "target", "step_at_zero",
                   "sign_at_zero", "regions", "outside"])
    inputs = _inputs(doc)
    if doc.has("units") == doc.has("layers"):
        raise doc.error("give the network either as [[units]] (unit to unit) or as [[layers]] (layer to layer)")
    if doc.has("layout") and not doc.has("layers"):
        raise doc.error("layout is for [[layers]]", "layout")
    units = _units(doc, inputs) if doc.has("units") else _layers(doc, inputs)
    step_at_zero = _fraction(doc, "step_at_zero", "step(0)") if doc.has("step_at_zero") else Fraction(1)
    sign_at_zero = _fraction(doc, "sign_at_zero", "sign(0)") if doc.has("sign_at_zero") else Fraction(1)
    if not 0 <= step_at_zero <= 1:
        raise doc.error("step(0) must lie between 0 and 1", "step_at_zero")
    if not -1 <= sign_at_zero <= 1:
        raise doc.error("sign(0) must lie between −1 and 1", "sign_at_zero")
    taken = {n.lower() for n in inputs} | {u.name.lower() for u in units}
    points = _points(doc, inputs, taken) if doc.has("points") else []
    target = _target(doc, inputs) if doc.has("target") else None
    if target is not None and points and points[0].target is not None:
        raise doc.error("give either a target function or classes of the points, not both", "target")
    regions, outside = _regions(doc, inputs) if doc.has("regions") else ([], Fraction(0))
    if doc.has("outside") and not regions:
        raise doc.error("outside is the class outside the [[regions]]", "outside")
    if regions and (target is not None or (points and points[0].target is not None)):
        raise doc.error("give one target: regions, a function, or classes of the points", "regions")
    if target is None and not regions and not (points and points[0].target is not None):
        if not points:
            raise doc.error("give a [target] function, [[regions]], or points to evaluate (with classes to classify)")
    return Network(inputs, tuple(units), tuple(points), target, step_at_zero, sign_at_zero, tuple(regions), outside)
