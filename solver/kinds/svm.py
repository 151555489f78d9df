"""Support vector machines: the maximum-margin hyperplane of labelled points, exact and proved optimal.

Reads labelled points (and optionally query points, a soft-margin C, or a hyperplane to assess)
and writes the derivation a worked solution gives: the KKT system on the support vectors solved
exactly, w = Σαᵢyᵢxᵢ and b, ‖w‖, the margin and width, the hyperplane as an equation, a
certificate that the answer is optimal, and the class of each query point.  For a given
hyperplane it finds its margin, the points on it, whether it separates the data and whether it
is the maximum-margin one.  The optimisation itself is in :mod:`solver.maths.svm_optimum`;
the problem file is read in :mod:`~solver.kinds.svm_problem`, the sections are written by
:mod:`~solver.kinds.svm_steps`, with the mistake variants of :mod:`~solver.derivation.mistakes`.
"""

from __future__ import annotations

from fractions import Fraction

import sympy
from sympy import Rational

from solver.derivation.builder import Builder
from solver.derivation.model import HAND_WORKED, Derivation, Math, Step, Value, different
from solver.errors import InputError
from solver.kinds.svm_figure import picture
from solver.kinds.svm_problem import Problem, conflict_message, describe, fractions, read_problem
from solver.kinds.svm_steps import Writer, latex_name
from solver.kinds.svm_variants import propose_variant  # noqa: F401  (the kind's construction of variants)
from solver.maths import svm_optimum
from solver.maths.notation import Notation
from solver.maths.svm_optimum import NotSeparable, Optimum, Uncertified
from solver.reading.problem_file import Doc

# --- the whole problem -------------------------------------------------------------------------


def _givens(problem: Problem, builder: Builder) -> dict:
    builder.section("Given")
    givens: dict = {"x": {}, "y": {}}
    rows = []
    for point in problem.points + problem.queries:
        notation = Notation(point.name, latex_name(point.name), point.name)
        # two labelled points at one place make a poor exercise (a query may sit on a point)
        tags = [different("points")] if point.y is not None else []
        x = builder.given(f"x.{point.name}", notation, [list(point.x)] if len(point.x) > 1 else point.x[0], tags)
        givens["x"][point.name] = x
        if point.y is not None:
            y = builder.given(f"y.{point.name}", Notation(f"y_{point.name}", f"y_{{{latex_name(point.name)}}}",
                                                        f"y_{point.name}"), point.y)
            givens["y"][point.name] = y
            rows.append((point.name, Value(x), Value(y)))
        else:
            rows.append((point.name, Value(x), "query"))
    if problem.C is not None:
        givens["C"] = builder.given("C", Notation("C", "C", "C"), problem.C)
    if problem.given_w is not None:
        w = problem.given_w
        givens["w"] = builder.given("w", Notation("w", "w", "w"), [list(w)] if len(w) > 1 else w[0])
        givens["b"] = builder.given("b", Notation("b", "b", "b"), problem.given_b)
    builder.table("Points", ("Point", "x", "y"), rows)
    return givens


def _optimum(problem: Problem) -> Optimum:
    """The certified optimum; a problem whose optimum cannot be proved is reported, not guessed."""
    X = [fractions(p.x) for p in problem.points]
    y = [p.y for p in problem.points]
    C = None if problem.C is None else Fraction(int(problem.C.p), int(problem.C.q))
    try:
        return svm_optimum.solve(X, y, C)
    except Uncertified as error:
        raise InputError(f"cannot prove an optimum for these points: {error}; coordinates of very different "
                         "sizes make the numeric solution a poor guide, so try rescaling them", path="points") from None


def _check_steps(optimum: Optimum, steps: dict[str, Step]) -> None:
    """The values the steps computed are the certified optimum (a guard against a formula slip)."""
    w = tuple(v.exact for v in steps["w"].values)
    if w != tuple(Rational(v) for v in optimum.w) or steps["b"].values[0].exact != Rational(optimum.b):
        raise RuntimeError("the derivation's w and b differ from the certified optimum")


def _compare(builder: Builder, given: dict[str, Step], best: dict[str, Step], soft: bool) -> None:
    """Is the given hyperplane the optimal one: the same (w, b), a multiple of it, or another?"""
    w_given = [v.exact for v in given["w"].values]
    w_best = [v.exact for v in best["w"].values]
    b_given, b_best = given["b"].values[0].exact, best["b"].values[0].exact
    k = max(range(len(w_best)), key=lambda i: abs(w_best[i]))
    with sympy.evaluate(True):
        factor = sympy.simplify(w_given[k] / w_best[k])
        same = all(sympy.simplify(g - factor * o) == 0 for g, o in zip(w_given + [b_given], w_best + [b_best]))
    what = "soft-margin hyperplane for this C" if soft else "maximum-margin hyperplane"
    if same and factor == 1:
        builder.note(f"The given hyperplane is the {what}: $w = w*$ and $b = b*$.")
    elif same and factor.is_positive:
        builder.note(f"The given hyperplane has the same boundary as the {what}, but $w$ and $b$ are ",
                     Math(factor), " times the canonical $w*$ and $b*$, so its $1/‖w‖$ is not the margin (",
                     Value(best["margin"]), ").")
    else:
        builder.note(f"The given hyperplane is not the {what}, which is ", Value(best["hyperplane"]),
                     " with margin ", Value(best["margin"]), ".")



def build(doc: Doc, problem_name: str, decimals: int) -> Derivation:
    """The full derivation of an SVM problem file."""
    problem = read_problem(doc)
    builder = Builder()
    builder.tag_following(HAND_WORKED)  # one computation, worked by hand throughout
    givens = _givens(problem, builder)
    soft = problem.C is not None
    if problem.given_w is not None:
        writer = Writer(problem, builder, givens)
        steps = given = writer.assess(givens["w"], givens["b"])
        best = None
        try:
            optimum = _optimum(problem)
        except NotSeparable:
            builder.section("Compared with the optimal hyperplane")
            builder.note("No hyperplane separates these points, so there is no maximum-margin hyperplane to "
                         "compare with (set $C$ for a soft margin).")
        else:
            best = Writer(problem, builder, givens, prefix="opt.").solve(optimum)
            _check_steps(optimum, best)
            builder.section("Compared with the optimal hyperplane")
            _compare(builder, given, best, soft)
    else:
        try:
            optimum = _optimum(problem)
        except NotSeparable as error:
            raise InputError(conflict_message(problem, error.conflict), path="points") from None
        writer = Writer(problem, builder, givens)
        steps = writer.solve(optimum)
        _check_steps(optimum, steps)
        best = None
    figure = picture(problem, steps["w"], steps["b"], writer.f, writer.sets["support_vectors"], writer.xi,
                     given=problem.given_w is not None, optimal=None if best is None else (best["w"], best["b"]))
    if figure is not None:
        builder.section("The picture")
        builder.figure(figure)
    return builder.build(problem=problem_name, kind="svm", title=doc.text("title"), decimals=decimals,
                         description=(describe(problem),))
