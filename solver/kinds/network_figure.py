"""The picture of a hand-built network against its target: the function the network computes and
the target, exactly, as polylines through their breakpoints on the target's interval (both sides
of a jump), with the listed inputs marked on the network's function."""

from __future__ import annotations

from fractions import Fraction

from sympy import Rational

from solver.derivation.figure import Curve, Figure, Plot, Point, View
from solver.maths.piecewise_linear import PiecewiseLinear


def _corners(f: PiecewiseLinear, low: Fraction, high: Fraction) -> tuple:
    """(x, f(x)) at each end and breakpoint in between; a jump gives both its left and right values."""
    xs = [low, *(b for b in f.breakpoints if low < b < high), high]
    out = [(low, f.right_limit(low))]
    for x in xs[1:-1]:
        left, right = f.left_limit(x), f.right_limit(x)
        out += [(x, left)] if left == right else [(x, left), (x, right)]
    out.append((high, f.left_limit(high)))
    return tuple((Rational(x.numerator, x.denominator), Rational(y.numerator, y.denominator)) for x, y in out)


def picture(f: PiecewiseLinear, g: PiecewiseLinear, low: Fraction, high: Fraction, points) -> Figure:
    """The network's f and the target g on [low, high], and the listed inputs on f."""
    network, target = _corners(f, low, high), _corners(g, low, high)
    ys = [y for _, y in network + target]
    pad_x, pad_y = (high - low) / 10 or Fraction(1), (max(ys) - min(ys)) / 8 or Rational(1, 2)
    view = View(Rational(low) - Rational(pad_x), Rational(high) + Rational(pad_x), min(ys) - pad_y, max(ys) + pad_y)
    marks = [Curve(target, ("target g(x)",), "other"), Curve(network, ("network f(x)",), "plain")]
    for point in points:
        x = point.x[0]
        if low <= x <= high:
            marks.append(Point((Rational(x), Rational(f(Fraction(x)))), (point.name,), "input", point.name))
    return Figure("function", "The function the network computes against its target.",
                  Plot(tuple(marks), view, "x", "y"))
