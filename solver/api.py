"""The Python interface: ``solver.solve(problem)`` and ``solver.check(problem, answers)``.

A problem is a built-in name (``"relu-111-sgd"``), a path to a TOML file (a ``str`` or any
path-like), or the TOML text itself (a ``str`` with a line break in it, or ``bytes``).  Answers are a
path, TOML text in the same way, or a mapping of keys to values (``{"s1.z1": 1, "s2.W1": 1.0583}``;
a Python float is read from its shortest decimal text, as a TOML float is).  Both results show
themselves in a notebook through ``_repr_mimebundle_`` (HTML, LaTeX, Markdown and plain text)
without IPython being imported; bad input raises :class:`solver.errors.InputError` with the same
one-line message the command line prints.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy

from solver.checking import report_views
from solver.checking.checker import CheckPlan
from solver.checking.grading import GradedFile, Grader
from solver.checking.results import Result
from solver.checking.tolerance import Tolerance
from solver.derivation.model import Derivation, Quantity
from solver.errors import InputError
from solver.kinds import catalog
from solver.reading.answer_file import Entry, entries_of, parse_answers, read_answers
from solver.reading.problem_file import FloatText
from solver.render import renderer
from solver.render.options import RenderOptions

#: Width of the plain-text view (a notebook's output area, or a console).
TEXT_WIDTH = 100

#: Output formats by file suffix, for :meth:`Solution.save`.
SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".tex": "latex", ".json": "json", ".txt": "terminal"}


def _is_text(value: Any) -> bool:
    return isinstance(value, bytes) or (isinstance(value, str) and "\n" in value)


def _load(problem: str | os.PathLike | bytes) -> Derivation:
    if _is_text(problem):
        data = problem if isinstance(problem, bytes) else problem.encode("utf-8")
        return catalog.load_text(data, "<problem text>")
    if isinstance(problem, (str, os.PathLike)):
        return catalog.load(os.fspath(problem))
    raise TypeError(f"a problem is a built-in name, a path or TOML text, not {type(problem).__name__}")


def _terminal_text(renderable) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=TEXT_WIDTH, color_system=None, force_terminal=False,
                      highlight=False)
    console.print(renderable)
    return console.file.getvalue()


class Solution:
    """A solved problem: every step's exact value by key, and the worked solution in any format."""

    def __init__(self, derivation: Derivation, decimals: int) -> None:
        self.derivation = derivation
        self.decimals = decimals

    @property
    def title(self) -> str:
        return self.derivation.title

    @property
    def kind(self) -> str:
        return self.derivation.kind

    def keys(self) -> list[str]:
        """The keys of the computed steps, in the order of the derivation."""
        return [step.key for step in self.derivation.steps]

    def __getitem__(self, key: str) -> Any:
        """A step's (or given's) exact value: a sympy number, a sympy Matrix for a vector or matrix, the
        tuple of member names for a set, the equation as text for a hyperplane."""
        quantity = self.derivation.by_key.get(key.lower())
        if quantity is None:
            raise KeyError(key)
        return _value_of(quantity)

    def _options(self, beside: str | None = None) -> RenderOptions:
        return RenderOptions(self.decimals, pictures=True, pictures_beside=beside)

    def render(self, fmt: str = "terminal") -> str:
        """The worked solution as text in one of the command line's formats (Markdown and LaTeX
        without their picture files; HTML with its pictures inline)."""
        if fmt == "terminal":
            from solver.render.terminal import render

            return _terminal_text(render(self.derivation, self._options()))
        return renderer(fmt)(self.derivation, self._options())

    def save(self, path: str | os.PathLike) -> Path:
        """Write the worked solution to a file, in the format its suffix names (``.html``, ``.md``,
        ``.tex``, ``.json``, ``.txt``); Markdown and LaTeX get their pictures beside it."""
        target = Path(path)
        fmt = SUFFIXES.get(target.suffix.lower())
        if fmt is None:
            raise InputError(f"cannot tell the format from {target.suffix or 'no suffix'}; use one of "
                             f"{', '.join(SUFFIXES)}", source=str(target))
        if fmt == "terminal":
            text = self.render(fmt)
        else:
            text = renderer(fmt)(self.derivation, self._options(beside=str(target)))
        target.write_text(text, encoding="utf-8")
        return target

    def __str__(self) -> str:
        return self.render("terminal")

    def __repr__(self) -> str:
        return f"<Solution of {self.derivation.problem}: {self.title} ({len(self.derivation.steps)} steps)>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        from solver.render.html import body
        from solver.render.latex import body as latex_body

        return _bundle({
            "text/plain": lambda: self.render("terminal"),
            "text/html": lambda: body(self.derivation, self._options()),
            "text/markdown": lambda: self.render("markdown"),
            "text/latex": lambda: latex_body(self.derivation, self._options()),
        }, include, exclude)


def _value_of(quantity: Quantity) -> Any:
    if quantity.is_set:
        return quantity.members()
    if quantity.is_equation:
        from solver.render.common import plain_equation

        return plain_equation(quantity)
    values = [v.exact if v.exact is not None else sympy.Float(str(v.approx), 40) for v in quantity.values]
    if quantity.is_scalar:
        return values[0]
    return sympy.Matrix(*quantity.shape, values)


class Report:
    """The verdict on every answer of one answer file, and its score over the asked keys."""

    def __init__(self, derivation: Derivation, graded: GradedFile) -> None:
        self.derivation = derivation
        self.graded = graded

    @property
    def results(self) -> list[Result]:
        """Each answer written, in the order of the derivation."""
        return self.graded.report.results

    @property
    def score(self) -> Fraction:
        """Points × credit summed over the asked keys (the problem's ``[grading]``, else every key)."""
        return self.graded.score

    @property
    def max_score(self) -> Fraction:
        return self.graded.max_score

    @property
    def all_accepted(self) -> bool:
        """Whether every answer written is accepted (the command line's exit status 0)."""
        return self.graded.report.all_accepted

    @property
    def verdicts(self) -> dict[str, str]:
        """Each answer's verdict by the key it was written under, and ``missing`` for an asked key not answered."""
        out = {r.key: r.verdict for r in self.results}
        out.update({g.key: "missing" for g in self.graded.grades if g.verdict == "missing" and not g.results})
        return out

    def __str__(self) -> str:
        from solver.checking.check_report import file_table

        return _terminal_text(file_table(self.graded))

    def __repr__(self) -> str:
        return f"<Report on {self.graded.file}: {self.score}/{self.max_score}>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        title = self.derivation.title
        return _bundle({
            "text/plain": lambda: str(self),
            "text/html": lambda: report_views.html(self.graded, title),
            "text/markdown": lambda: report_views.markdown(self.graded, title),
            "text/latex": lambda: report_views.latex(self.graded, title),
        }, include, exclude)


def _bundle(makers: dict, include, exclude) -> dict[str, str]:
    """The representations a notebook asks for (all by default), each made only if asked for."""
    wanted = [m for m in makers if (not include or m in include) and not (exclude and m in exclude)]
    return {mime: makers[mime]() for mime in wanted}


def _toml_value(key: str, value: Any) -> Any:
    """A Python value as the answer file's reader would have read it from TOML."""
    if isinstance(value, bool):
        raise InputError(f"expected a number, text or a list, got {value}", path=key)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return FloatText(repr(value))
    if isinstance(value, Decimal):
        return FloatText(str(value)) if value.is_finite() else str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, sympy.Basic):
        return sympy.sstr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_toml_value(key, v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _toml_value(f"{key}.{k}", v) for k, v in value.items()}
    raise InputError(f"expected a number, text or a list, got {type(value).__name__}", path=key)


def _entries(answers: Any) -> tuple[list[Entry], str]:
    if isinstance(answers, Mapping):
        document = {str(k): _toml_value(str(k), v) for k, v in answers.items()}
        return entries_of(document), "<answers>"
    if _is_text(answers):
        data = answers if isinstance(answers, bytes) else answers.encode("utf-8")
        return parse_answers(data, "<answers text>"), "<answers text>"
    if isinstance(answers, (str, os.PathLike)):
        path = os.fspath(answers)
        return read_answers(Path(path), path), path
    raise TypeError(f"answers are a path, TOML text or a mapping, not {type(answers).__name__}")


def solve(problem: str | os.PathLike | bytes, *, decimals: int | None = None) -> Solution:
    """Solve a problem: a built-in name, a path, or TOML text."""
    derivation = _load(problem)
    return Solution(derivation, derivation.decimals if decimals is None else decimals)


def check(problem: str | os.PathLike | bytes, answers: Any, *, decimals: int | None = None,
          rtol: float | Decimal | None = None, atol: float | Decimal | None = None) -> Report:
    """Check answers (a path, TOML text, or a mapping of keys to values) against a problem."""
    derivation = _load(problem)
    shown = derivation.decimals if decimals is None else decimals
    if rtol is not None or atol is not None:
        bounds = (None if t is None else Decimal(str(t)) for t in (rtol, atol))
        tolerance = Tolerance(shown, *bounds)
    else:
        tolerance = Tolerance(shown, derivation.rtol, derivation.atol)
    entries, label = _entries(answers)
    plan = CheckPlan(derivation, tolerance)
    return Report(derivation, Grader(plan).grade(plan.check(entries, label)))
