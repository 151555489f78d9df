"""Target regions in the plane, checked exactly against a network of step and sign units.

When the units that read the inputs are step or sign units (and only they read the inputs), every
later unit sees constants on each cell of the arrangement of their lines w₁x₁ + w₂x₂ + b = 0, so
the network's class is constant on each cell; the target's is constant on each cell of its
polygons' edge lines.  Every cell of the arrangement of all these lines holds one of a finite set
of sample points — on the vertical lines halfway between the x₁ of every two lines' crossing, the
points halfway between the lines' heights there — so comparing the network with the target at
those points, exactly, decides whether they agree everywhere off the lines themselves (where a
class is a convention).  Points where they differ are returned, one per cell, as witnesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from solver.errors import InputError
from solver.kinds.network_problem import Network

#: Most lines (input-reading units and polygon edges) in a region check: the samples grow as its square.
MAX_LINES = 32
#: Most witnesses of disagreement written into the derivation.
MAX_WITNESSES = 4

Line = tuple[Fraction, Fraction, Fraction]  # a·x₁ + b·x₂ + c = 0
Point = tuple[Fraction, Fraction]


@dataclass(frozen=True)
class RegionCheck:
    """What the sweep found: the lines, how many cells it sampled, and the cells where the classes differ."""

    lines: tuple[Line, ...]
    cells: int
    differing: tuple[tuple[Point, Fraction, Fraction], ...]  # (a point inside, network class, target class)
    representatives: tuple[tuple[Point, Fraction], ...]   # one agreeing point per target class

    @property
    def differing_cells(self) -> int:
        return len(self.differing)


def network_class(network: Network, point: Point) -> Fraction:
    """The network's output at a point, exactly."""
    values: dict[str, Fraction] = dict(zip(network.inputs, point))
    for unit in network.units:
        z = sum((w * values[s] for s, w in unit.weights), Fraction(0)) + unit.bias
        if unit.activation == "relu":
            values[unit.name] = max(z, Fraction(0))
        elif unit.activation == "step":
            values[unit.name] = Fraction(1) if z > 0 else Fraction(0) if z < 0 else network.step_at_zero
        elif unit.activation == "sign":
            values[unit.name] = Fraction(1) if z > 0 else Fraction(-1) if z < 0 else network.sign_at_zero
        else:
            values[unit.name] = z
    return values[network.output.name]


def target_class(network: Network, point: Point) -> Fraction:
    """The class of the first region whose closed polygon holds the point, else the class outside."""
    for region in network.regions:
        if _inside(region.polygon, point):
            return region.cls
    return network.outside


def _inside(polygon, point: Point) -> bool:
    """Whether the closed polygon holds the point (on an edge counts as inside), by exact ray casting."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        if cross == 0 and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2):
            return True
        if (y1 > y) != (y2 > y):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < at:
                inside = not inside
    return inside


def lines(network: Network) -> list[Line]:
    """The input-reading units' lines and the polygons' edge lines (refusing a network whose class
    boundaries need not lie on lines)."""
    found: list[Line] = []
    inputs = set(network.inputs)
    for unit in network.units:
        sources = {s for s, _ in unit.weights}
        if sources & inputs:
            if unit.activation not in ("step", "sign") or not sources <= inputs:
                raise InputError("regions are checked exactly when the units that read the inputs are step or sign "
                                 f"units reading only the inputs; {unit.name} is not (use points with classes)",
                                 path="regions")
            weights = dict(unit.weights)
            found.append((weights.get(network.inputs[0], Fraction(0)), weights.get(network.inputs[1], Fraction(0)),
                          unit.bias))
    for region in network.regions:
        for p, q in zip(region.polygon, region.polygon[1:] + region.polygon[:1]):
            a, b = q[1] - p[1], p[0] - q[0]
            found.append((a, b, -(a * p[0] + b * p[1])))
    unique = list(dict.fromkeys(_normalised(line) for line in found if line[0] != 0 or line[1] != 0))
    if len(unique) > MAX_LINES:
        raise InputError(f"the regions and units make {len(unique)} lines; at most {MAX_LINES} are checked",
                         path="regions")
    return unique


def _normalised(line: Line) -> Line:
    """The same line scaled so that its first non-zero coefficient is 1."""
    a, b, c = line
    lead = a if a != 0 else b
    return a / lead, b / lead, c / lead


def _between(values: list[Fraction]) -> list[Fraction]:
    """A point in every open interval the sorted distinct values cut the line into."""
    values = sorted(set(values))
    if not values:
        return [Fraction(0)]
    return [values[0] - 1, *((a + b) / 2 for a, b in zip(values, values[1:])), values[-1] + 1]


def check(network: Network) -> RegionCheck:
    """Compare the network's class with the target's in every cell of the arrangement."""
    arrangement = lines(network)
    crossings = []
    for (a1, b1, c1), (a2, b2, c2) in combinations(arrangement, 2):
        determinant = a1 * b2 - a2 * b1
        if determinant != 0:
            crossings.append((b1 * c2 - b2 * c1) / determinant)
    crossings += [-c / a for a, b, c in arrangement if b == 0]
    seen: set[tuple[int, ...]] = set()
    differing, representatives, classes = [], [], set()
    for s in _between(crossings):
        heights = [-(a * s + c) / b for a, b, c in arrangement if b != 0]
        for t in _between(heights):
            point = (s, t)
            cell = tuple((a * s + b * t + c > 0) - (a * s + b * t + c < 0) for a, b, c in arrangement)
            if cell in seen:
                continue
            seen.add(cell)
            mine, wanted = network_class(network, point), target_class(network, point)
            if mine != wanted:
                differing.append((point, mine, wanted))
            elif wanted not in classes:
                classes.add(wanted)
                representatives.append((point, wanted))
    return RegionCheck(tuple(arrangement), len(seen), tuple(differing), tuple(representatives))
