"""Networks built by hand: what a student's network of ReLU, step and sign units computes, against its target.

A problem gives units (weights, bias, activation), wired unit to unit or layer to layer, some
listed inputs, and a target: a piecewise-linear function of one input, or the classes of the
listed points.  The derivation evaluates every unit at every listed input, and then either finds
the function the network computes exactly, as pieces, beside the target, with the largest error
and where it occurs (:mod:`~solver.kinds.network_function`), or classifies the points with a
truth table.  The problem file is read in :mod:`~solver.kinds.network_problem`.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import sympy

from solver.derivation.builder import Builder
from solver.derivation.model import HAND_WORKED, Derivation, Quantity, Step, Value, different
from solver.kinds import network_decision_figure as decision_figure
from solver.kinds import network_mistakes as mistakes
from solver.kinds.network_problem import OUTPUT_KEY, Network, Point, Unit, read_network
from solver.kinds.svm_steps import latex_name
from solver.maths import functions as fn
from solver.maths.display import product_of, sum_of
from solver.maths.iverson import differs, is_equal
from solver.maths.notation import Notation
from solver.reading.problem_file import Doc

#: Each activation's other conventions at 0, tried as mistakes.
_OTHER_AT_ZERO = {"step": (0, sympy.Rational(1, 2), 1), "sign": (-1, 0, 1)}


def unit_notation(unit: str, point: str) -> Notation:
    return Notation(f"{unit}({point})", f"{latex_name(unit)}({latex_name(point)})", f"{unit}_{point}")


def activate(unit: Unit, z: sympy.Basic, network: Network, at_zero: sympy.Basic | None = None) -> sympy.Basic:
    """The unit's activation applied to its input ``z`` (``at_zero`` overrides a step or sign convention)."""
    if unit.activation == "relu":
        return fn.relu(z)
    if unit.activation == "step":
        return fn.step(z, sympy.Rational(network.step_at_zero) if at_zero is None else at_zero)
    if unit.activation == "sign":
        return fn.sign_unit(z, sympy.Rational(network.sign_at_zero) if at_zero is None else at_zero)
    return z


class NetworkWriter:
    """Writes a network derivation into a builder: its givens, each unit at each listed input, the verdict."""

    def __init__(self, network: Network, builder: Builder) -> None:
        self.n = network
        self.b = builder
        self.w: dict[tuple[str, str], Quantity] = {}
        self.bias: dict[str, Quantity] = {}
        self.x: dict[str, Quantity] = {}
        self.target: dict[str, Quantity] = {}
        self.values: dict[tuple[str, str], Step] = {}

    def key(self, unit: Unit, point: str) -> str:
        return f"{OUTPUT_KEY if unit is self.n.output else unit.name}.{point}"

    # --- givens ------------------------------------------------------------------------------

    def givens(self) -> None:
        net = self.n
        self.b.section("The network")
        for unit in net.units:
            for source, weight in unit.weights:
                self.w[(unit.name, source)] = self.b.given(
                    f"w.{unit.name}.{source}",
                    Notation(f"w({source}→{unit.name})", rf"w_{{{latex_name(source)} \to {latex_name(unit.name)}}}",
                             f"w_{source}_{unit.name}"), sympy.Rational(weight))
            self.bias[unit.name] = self.b.given(
                f"b.{unit.name}", Notation(f"b({unit.name})", f"b_{{{latex_name(unit.name)}}}", f"b_{unit.name}"),
                sympy.Rational(unit.bias))
        rows = []
        for unit in net.units:
            incoming = ", ".join(f"{_text(w)} from {s}" for s, w in unit.weights)
            rows.append((unit.name + (" (output)" if unit is net.output else ""), unit.activation, incoming,
                         Value(self.bias[unit.name])))
        self.b.table("Units", ("Unit", "Activation", "Weights", "Bias"), rows)
        used = {u.activation for u in net.units}
        if "step" in used:
            self.b.note(f"$step(z) = 1$ for $z > 0$, 0 for $z < 0$, and $step(0) = {_text(net.step_at_zero)}$ here "
                        "(the problem's step_at_zero).")
        if "sign" in used:
            self.b.note(f"$sign(z) = +1$ for $z > 0$, $−1$ for $z < 0$, and $sign(0) = {_text(net.sign_at_zero)}$ here "
                        "(the problem's sign_at_zero).")

    def point_givens(self) -> None:
        net = self.n
        if not net.points:
            return
        self.b.section("The listed inputs")
        for point in net.points:
            x = [sympy.Rational(v) for v in point.x]
            self.x[point.name] = self.b.given(f"x.{point.name}", Notation(point.name, latex_name(point.name),
                                                                          point.name),
                                              [x] if len(x) > 1 else x[0], [different("points")])
            if point.target is not None:
                self.target[point.name] = self.b.given(
                    f"target.{point.name}", Notation(f"t({point.name})", f"t({latex_name(point.name)})",
                                                     f"t_{point.name}"), sympy.Rational(point.target))
        names = ", ".join(net.inputs)
        self.b.note(f"Each point gives the inputs ({names}) in order" +
                    (", and t(P) is the class the network should give it." if net.classifies else "."))

    # --- each unit at each listed input -------------------------------------------------------

    def pre_activation(self, unit: Unit, point: str) -> tuple[sympy.Basic, sympy.Basic]:
        """(w·inputs + b as written, the same without its bias) at a listed point."""
        terms = [product_of([self.w[(unit.name, s)].symbol, self._source(s, point)]) for s, _ in unit.weights]
        return sum_of([*terms, self.bias[unit.name].symbol]), sum_of(terms)

    def _source(self, source: str, point: str) -> sympy.Basic:
        if source in self.n.inputs:
            x = self.x[point]
            return x.cells[self.n.inputs.index(source)]
        return self.values[(source, point)].symbol

    def evaluate_points(self) -> None:
        net = self.n
        for point in net.points:
            self.b.section(f"At {point.name} = ({', '.join(_text(v) for v in point.x)})")
            for unit in net.units:
                z, bare = self.pre_activation(unit, point.name)
                formula = activate(unit, z, net)
                wrong = []
                if unit.activation in _OTHER_AT_ZERO:
                    convention = net.step_at_zero if unit.activation == "step" else net.sign_at_zero
                    for other in _OTHER_AT_ZERO[unit.activation]:
                        if other != convention:
                            wrong.append(mistakes.value_at_zero(activate(unit, z, net, sympy.sympify(other)),
                                                                unit.activation, _text(convention)))
                if unit.activation != "identity":
                    wrong.append(mistakes.activation_missing(z, unit.activation))
                if unit.bias != 0:
                    wrong.append(mistakes.threshold_as_bias(
                        activate(unit, sympy.Add(bare, -self.bias[unit.name].symbol), net)))
                step = self.b.step(self.key(unit, point.name), unit_notation(unit.name, point.name), formula, formula,
                                   mistakes=wrong)
                self.values[(unit.name, point.name)] = step
                if unit.activation in ("step", "sign", "relu") and self.b.evaluate(z).approx == 0:
                    self.b.note(f"{unit.name}'s input is exactly 0 at {point.name}: {self._at_zero(unit)} decides "
                                "its output.")

    def _at_zero(self, unit: Unit) -> str:
        """The unit's value at 0, as the problem states it."""
        if unit.activation == "relu":
            return "ReLU(0) = 0"
        value = self.n.step_at_zero if unit.activation == "step" else self.n.sign_at_zero
        return f"{unit.activation}(0) = {_text(value)}"

    # --- target regions ------------------------------------------------------------------------

    def regions(self, result) -> None:
        """The target regions, and what the exact check over every cell found."""
        net = self.n
        self.b.section("The target regions")
        rows = [(f"R{k}", _text(region.cls), ", ".join(f"({_text(x)}, {_text(y)})" for x, y in region.polygon))
                for k, region in enumerate(net.regions, start=1)]
        rows.append(("elsewhere", _text(net.outside), ""))
        self.b.table("Regions (closed polygons; the first that holds a point gives its class)",
                     ("Region", "Class", "Vertices"), rows)
        lines = len(result.lines)
        self.b.note(f"The units' lines and the polygons' edges ({lines} line{'s' * (lines != 1)}) cut the plane into "
                    f"{result.cells} cells; on each the network's class and the target's are constant, so one exact "
                    "check at a point inside each cell decides them all (on the lines themselves the class is a "
                    "convention, and is not compared).")
        if result.differing:
            shown = [p for p in self.n.points if p.name.startswith("W")][: len(result.differing)]
            self.b.note(f"The network differs from the target on {result.differing_cells} of the {result.cells} cells; "
                        f"{', '.join(p.name for p in shown)} below lie inside such cells.")
        else:
            self.b.note("The network agrees with the target on every cell; R-points below show one cell of each class.")

    # --- classification ------------------------------------------------------------------------

    def classification(self) -> None:
        net = self.n
        names = [p.name for p in net.points]
        self.b.section("The classes")
        outputs = {p: self.values[(net.output.name, p)] for p in names}
        P = sympy.Symbol("P")
        wrong = self.b.step(
            "misclassified", Notation("wrong", r"\mathrm{wrong}", "misclassified"),
            fn.set_builder(P, sympy.Ne(sympy.Function("out")(P), sympy.Function("t")(P), evaluate=False)),
            [[differs(outputs[p].cells[0], self.target[p].cells[0]) for p in names]], labels=names)
        count = sum(wrong.cells, sympy.S.Zero)
        size = self.b.display_symbol("|wrong|", Notation("|wrong|", r"\lvert \mathrm{wrong} \rvert", "count_wrong"))
        self.b.step("agrees", Notation("agrees", r"\mathrm{agrees}", "agrees"), is_equal(size, 0), is_equal(count, 0))
        if wrong.members():
            self.b.note(f"The network misclassifies {', '.join(wrong.members())}: agrees = 0 (no).")
        else:
            self.b.note("The network gives every point its class: agrees = 1 (yes).")
        self._truth_table(names)

    def _truth_table(self, names: list[str]) -> None:
        net = self.n
        header = ["Point", *net.inputs, *(u.name for u in net.units), "target", ""]
        rows = []
        for name in names:
            point = next(p for p in net.points if p.name == name)
            out = self.values[(net.output.name, name)]
            row = [name, *(_text(v) for v in point.x), *(Value(self.values[(u.name, name)]) for u in net.units),
                   Value(self.target[name]), "✓" if out.values[0].approx == point.target else "✗"]
            rows.append(tuple(row))
        self.b.table("Truth table", tuple(header), rows)


def _text(value) -> str:
    """A rational as written in a note: 1, −1, 1/2."""
    text = str(value)
    return text.replace("-", "−")


def build(doc: Doc, problem_name: str, decimals: int) -> Derivation:
    """The full derivation of a network problem file."""
    from solver.kinds.network_function import FunctionWriter

    network = read_network(doc)
    result = None
    if network.regions:
        from solver.kinds import network_regions

        result = network_regions.check(network)
        network = _with_region_points(network, result)
    builder = Builder()
    builder.tag_following(HAND_WORKED)  # one computation, worked by hand throughout
    writer = NetworkWriter(network, builder)
    writer.givens()
    if result is not None:
        writer.regions(result)
    writer.point_givens()
    writer.evaluate_points()
    if network.target is not None:
        FunctionWriter(network, builder, writer).write()
    elif network.classifies:
        writer.classification()
        figure = decision_figure.picture(network)
        if figure is not None:
            builder.section("The picture")
            builder.figure(figure)
    return builder.build(problem=problem_name, kind="network", title=doc.text("title"), decimals=decimals,
                         description=(_describe(network),))


def _with_region_points(network: Network, result) -> Network:
    """The listed points with their regions' classes, and points inside the cells where the network
    differs from the target (W1, …), or one inside a cell of each class when it agrees (R1, …)."""
    from solver.kinds.network_regions import MAX_WITNESSES, target_class

    points = [Point(p.name, p.x, target_class(network, p.x)) for p in network.points]
    taken = {p.name.lower() for p in points}
    extra = ([(point, wanted) for point, _, wanted in result.differing[:MAX_WITNESSES]] if result.differing
             else list(result.representatives))
    letter = "W" if result.differing else "R"
    number = 1
    for point, wanted in extra:
        while f"{letter}{number}".lower() in taken:
            number += 1
        taken.add(f"{letter}{number}".lower())
        points.append(Point(f"{letter}{number}", point, Fraction(wanted)))
    return dataclasses.replace(network, points=tuple(points))


def _describe(network: Network) -> str:
    counts: dict[str, int] = {}
    for unit in network.units:
        counts[unit.activation] = counts.get(unit.activation, 0) + 1
    units = ", ".join(f"{n} {a}" for a, n in counts.items())
    parts = [f"{len(network.units)} units ({units}) on {len(network.inputs)} input"
             f"{'s' * (len(network.inputs) != 1)}"]
    if network.target is not None:
        parts.append(f"target: a function on [{_text(network.target.low)}, {_text(network.target.high)}]")
    if network.regions:
        parts.append(f"target: {len(network.regions)} region{'s' * (len(network.regions) != 1)} of the plane")
    elif network.classifies:
        parts.append(f"target: the classes of {len(network.points)} points")
    elif network.points:
        parts.append(f"{len(network.points)} listed input{'s' * (len(network.points) != 1)}")
    return "; ".join(parts) + "."
