"""Exact piecewise-linear functions of one variable: what a network of ReLU, step and sign units computes.

A function is a sorted tuple of breakpoints, an affine piece on each open interval between them
(and beyond the outermost ones), and its value at each breakpoint (a step unit jumps there, so the
value may be neither neighbour's).  Everything is ``Fraction`` arithmetic; sums, multiples and the
activations are exact, and each activation adds as breakpoints only the zeros of its own input,
so the breakpoints of a network's function are found from its units' own zero crossings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

#: Most breakpoints a function may have (a guard against absurd work: each unit at most doubles them).
MAX_BREAKPOINTS = 2_000


class TooManyPieces(ArithmeticError):
    """The function has more than :data:`MAX_BREAKPOINTS` breakpoints."""


@dataclass(frozen=True)
class Affine:
    """x ↦ slope·x + intercept."""

    slope: Fraction
    intercept: Fraction

    def at(self, x: Fraction) -> Fraction:
        return self.slope * x + self.intercept

    def zero(self) -> Fraction | None:
        """Where it crosses 0, if it is not constant."""
        return None if self.slope == 0 else -self.intercept / self.slope


ZERO = Affine(Fraction(0), Fraction(0))


@dataclass(frozen=True)
class PiecewiseLinear:
    """An exact piecewise-linear function on the real line.

    ``pieces[k]`` holds on the open interval between ``breakpoints[k - 1]`` and ``breakpoints[k]``
    (unbounded at the ends), so there is one more piece than breakpoints; ``values[k]`` is the
    function's value at ``breakpoints[k]``.
    """

    breakpoints: tuple[Fraction, ...]
    pieces: tuple[Affine, ...]
    values: tuple[Fraction, ...]

    @classmethod
    def affine(cls, slope, intercept) -> "PiecewiseLinear":
        return cls((), (Affine(Fraction(slope), Fraction(intercept)),), ())

    @classmethod
    def identity(cls) -> "PiecewiseLinear":
        return cls.affine(1, 0)

    @classmethod
    def constant(cls, c) -> "PiecewiseLinear":
        return cls.affine(0, c)

    @classmethod
    def through(cls, corners: Sequence[tuple[Fraction, Fraction]]) -> "PiecewiseLinear":
        """The function through corner points (x increasing; an x given twice is a jump), constant
        beyond the first and last corner.  At a jump the value is the left one's (callers that care,
        such as the error of a network against a target, look at both sides)."""
        xs = [Fraction(x) for x, _ in corners]
        ys = [Fraction(y) for _, y in corners]
        breaks: list[Fraction] = []
        pieces: list[Affine] = [Affine(Fraction(0), ys[0])]
        values: list[Fraction] = []
        for k in range(len(xs)):
            if k and xs[k] == xs[k - 1]:
                continue
            breaks.append(xs[k])
            values.append(ys[k])
            nxt = k + 1
            if nxt < len(xs) and xs[nxt] == xs[k]:
                nxt += 1  # a jump: the next piece starts from the right-hand value
            if nxt < len(xs):
                start = ys[nxt - 1]
                slope = (ys[nxt] - start) / (xs[nxt] - xs[k])
                pieces.append(Affine(slope, start - slope * xs[k]))
            else:
                pieces.append(Affine(Fraction(0), ys[-1]))
        return cls(tuple(breaks), tuple(pieces), tuple(values)).simplified()

    # --- evaluating ---------------------------------------------------------------------------

    def piece_index(self, x: Fraction) -> int:
        """The index of the piece whose open interval holds x (x not a breakpoint)."""
        return sum(1 for b in self.breakpoints if b < x)

    def __call__(self, x) -> Fraction:
        x = Fraction(x)
        for b, v in zip(self.breakpoints, self.values):
            if b == x:
                return v
        return self.pieces[self.piece_index(x)].at(x)

    def left_limit(self, x) -> Fraction:
        x = Fraction(x)
        return self.pieces[sum(1 for b in self.breakpoints if b < x)].at(x)

    def right_limit(self, x) -> Fraction:
        x = Fraction(x)
        return self.pieces[sum(1 for b in self.breakpoints if b <= x)].at(x)

    def is_continuous_at(self, x) -> bool:
        return self.left_limit(x) == self(x) == self.right_limit(x)

    # --- building -----------------------------------------------------------------------------

    def on(self, points: Iterable[Fraction]) -> "PiecewiseLinear":
        """The same function with ``points`` added as (possibly redundant) breakpoints."""
        merged = sorted(set(self.breakpoints) | {Fraction(p) for p in points})
        if len(merged) > MAX_BREAKPOINTS:
            raise TooManyPieces(f"more than {MAX_BREAKPOINTS} breakpoints")
        pieces = [self.pieces[0]]
        for k, b in enumerate(merged):
            upper = merged[k + 1] if k + 1 < len(merged) else None
            inside = b + 1 if upper is None else (b + upper) / 2
            pieces.append(self.pieces[self.piece_index(inside)])
        return PiecewiseLinear(tuple(merged), tuple(pieces), tuple(self(b) for b in merged))

    def simplified(self) -> "PiecewiseLinear":
        """Breakpoints where nothing happens (same piece both sides, continuous) left out."""
        breaks, pieces, values = [], [self.pieces[0]], []
        for k, b in enumerate(self.breakpoints):
            left, right, value = pieces[-1], self.pieces[k + 1], self.values[k]
            if left == right and left.at(b) == value:
                continue
            breaks.append(b)
            values.append(value)
            pieces.append(right)
        return PiecewiseLinear(tuple(breaks), tuple(pieces), tuple(values))

    def __add__(self, other: "PiecewiseLinear") -> "PiecewiseLinear":
        return combine([(Fraction(1), self), (Fraction(1), other)], Fraction(0))

    def __sub__(self, other: "PiecewiseLinear") -> "PiecewiseLinear":
        return combine([(Fraction(1), self), (Fraction(-1), other)], Fraction(0))

    def scaled(self, c) -> "PiecewiseLinear":
        return combine([(Fraction(c), self)], Fraction(0))

    def relu(self) -> "PiecewiseLinear":
        return _activate(self, lambda a: a, lambda a: ZERO, lambda v: max(v, Fraction(0)))

    def step(self, at_zero: Fraction) -> "PiecewiseLinear":
        one, zero = Affine(Fraction(0), Fraction(1)), ZERO
        return _activate(self, lambda a: one, lambda a: zero,
                         lambda v: Fraction(1) if v > 0 else Fraction(0) if v < 0 else Fraction(at_zero))

    def sign(self, at_zero: Fraction) -> "PiecewiseLinear":
        plus, minus = Affine(Fraction(0), Fraction(1)), Affine(Fraction(0), Fraction(-1))
        return _activate(self, lambda a: plus, lambda a: minus,
                         lambda v: Fraction(1) if v > 0 else Fraction(-1) if v < 0 else Fraction(at_zero))

    def absolute(self) -> "PiecewiseLinear":
        return _activate(self, lambda a: a, lambda a: Affine(-a.slope, -a.intercept), abs)

    def restricted_breakpoints(self, low: Fraction, high: Fraction) -> tuple[Fraction, ...]:
        """The breakpoints strictly between ``low`` and ``high``."""
        return tuple(b for b in self.breakpoints if low < b < high)


def combine(terms: Sequence[tuple[Fraction, PiecewiseLinear]], bias: Fraction) -> PiecewiseLinear:
    """Σ cᵢ·fᵢ + bias, exactly."""
    points = sorted({b for _, f in terms for b in f.breakpoints})
    if len(points) > MAX_BREAKPOINTS:
        raise TooManyPieces(f"more than {MAX_BREAKPOINTS} breakpoints")
    refined = [(c, f.on(points)) for c, f in terms]
    pieces = []
    for k in range(len(points) + 1):
        slope = sum((c * f.pieces[k].slope for c, f in refined), Fraction(0))
        intercept = sum((c * f.pieces[k].intercept for c, f in refined), Fraction(0)) + bias
        pieces.append(Affine(slope, intercept))
    values = tuple(sum((c * f.values[k] for c, f in refined), Fraction(0)) + bias for k in range(len(points)))
    return PiecewiseLinear(tuple(points), tuple(pieces), values).simplified()


def _activate(f: PiecewiseLinear, positive, negative, pointwise) -> PiecewiseLinear:
    """Apply an activation piece by piece, splitting each piece where it crosses 0."""
    breaks: list[Fraction] = []
    values: list[Fraction] = []
    pieces: list[Affine] = []
    bounds = [None, *f.breakpoints, None]
    for k, piece in enumerate(f.pieces):
        low, high = bounds[k], bounds[k + 1]
        if k:
            breaks.append(low)
            values.append(pointwise(f.values[k - 1]))
        crossing = piece.zero()
        inside = crossing is not None and (low is None or low < crossing) and (high is None or crossing < high)
        if inside:
            pieces.append(_regime(piece, crossing - 1, positive, negative, pointwise))
            breaks.append(crossing)
            values.append(pointwise(Fraction(0)))
            pieces.append(_regime(piece, crossing + 1, positive, negative, pointwise))
        else:
            probe = _inside(low, high)
            pieces.append(_regime(piece, probe, positive, negative, pointwise))
    if len(breaks) > MAX_BREAKPOINTS:
        raise TooManyPieces(f"more than {MAX_BREAKPOINTS} breakpoints")
    return PiecewiseLinear(tuple(breaks), tuple(pieces), tuple(values)).simplified()


def _inside(low: Fraction | None, high: Fraction | None) -> Fraction:
    """A point of the open interval (low, high), either end possibly unbounded."""
    if low is None and high is None:
        return Fraction(0)
    if low is None:
        return high - 1
    if high is None:
        return low + 1
    return (low + high) / 2


def _regime(piece: Affine, probe: Fraction, positive, negative, pointwise) -> Affine:
    """The activated piece on an interval where the input keeps the sign it has at ``probe``."""
    value = piece.at(probe)
    if piece.slope == 0 and value == 0:
        return Affine(Fraction(0), pointwise(Fraction(0)))
    return positive(piece) if value > 0 else negative(piece)
