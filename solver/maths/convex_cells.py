"""The cells that lines cut a rectangle into, exactly: convex polygons with rational corners.

A line a·x + b·y + c = 0 splits a convex polygon into the part where a·x + b·y + c ≥ 0 and the part
where it is ≤ 0 (Sutherland–Hodgman against one half-plane); splitting the rectangle by every line
in turn leaves the cells of their arrangement.  Parts without area (a line through a corner) are
dropped, so every cell has an interior, and the mean of its corners lies inside it.
"""

from __future__ import annotations

from fractions import Fraction

Corner = tuple[Fraction, Fraction]
Polygon = tuple[Corner, ...]
LineCoefficients = tuple[Fraction, Fraction, Fraction]


def _side(line: LineCoefficients, corner: Corner) -> Fraction:
    a, b, c = line
    return a * corner[0] + b * corner[1] + c


def half(polygon: Polygon, line: LineCoefficients, sign: int) -> Polygon:
    """The part of a convex polygon where sign·(a·x + b·y + c) ≥ 0, corners in the same order."""
    kept: list[Corner] = []
    for here, there in zip(polygon, polygon[1:] + polygon[:1]):
        s, t = sign * _side(line, here), sign * _side(line, there)
        if s >= 0:
            kept.append(here)
        if (s > 0 > t) or (s < 0 < t):
            r = s / (s - t)
            kept.append((here[0] + r * (there[0] - here[0]), here[1] + r * (there[1] - here[1])))
    return tuple(dict.fromkeys(kept))


def area(polygon: Polygon) -> Fraction:
    """The polygon's area (shoelace formula), exactly."""
    twice = sum((p[0] * q[1] - q[0] * p[1] for p, q in zip(polygon, polygon[1:] + polygon[:1])), Fraction(0))
    return abs(twice) / 2


def cells(rectangle: Polygon, lines: list[LineCoefficients]) -> list[Polygon]:
    """The cells the lines cut the rectangle into, each with an area."""
    found = [rectangle]
    for line in lines:
        found = [part for cell in found for part in (half(cell, line, 1), half(cell, line, -1))
                 if len(part) >= 3 and area(part) > 0]
    return found


def inside(polygon: Polygon) -> Corner:
    """A point inside a convex polygon with an area: the mean of its corners."""
    n = len(polygon)
    return (sum((p[0] for p in polygon), Fraction(0)) / n, sum((p[1] for p in polygon), Fraction(0)) / n)
