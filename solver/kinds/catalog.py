"""Finding and loading problems: built-in names (files in ``problems/``) or paths to TOML files."""

from __future__ import annotations

import dataclasses
import difflib
import sys
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from solver import kinds
from solver.derivation.model import Derivation
from solver.errors import InputError
from solver.kinds.grading_table import read_grading
from solver.maths.numbers import decimal_of_rational
from solver.reading.problem_file import MAX_FILE_BYTES, Doc, parse_toml, read_toml

DEFAULT_DECIMALS = 4
MAX_DECIMALS = 30


def problems_dir() -> Path:
    """The directory of built-in problem files: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "problems"
    return installed if installed.is_dir() else package.parent / "problems"


def builtin_names() -> list[str]:
    """Names of the built-in problems, sorted."""
    return sorted(p.stem for p in problems_dir().glob("*.toml"))


@dataclass(frozen=True)
class Builtin:
    """A built-in problem's one-line summary."""

    name: str
    kind: str
    title: str


def builtins() -> list[Builtin]:
    """Every built-in problem with its kind and title (read without solving it)."""
    out = []
    for problem in builtin_names():
        data = tomllib.loads((problems_dir() / f"{problem}.toml").read_text("utf-8"))
        out.append(Builtin(problem, data.get("kind", "?"), data.get("title", "")))
    return out


def resolve(problem: str) -> tuple[str, Path]:
    """The display name and file of a problem argument: a built-in name or a path."""
    builtin = problems_dir() / f"{problem}.toml"
    if "/" not in problem and "\\" not in problem and not problem.endswith(".toml") and builtin.is_file():
        return problem, builtin
    path = Path(problem)
    if path.is_file() or path.suffix == ".toml" or "/" in problem:
        return problem, path
    close = difflib.get_close_matches(problem, builtin_names(), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise InputError(f"no built-in problem or file named {problem!r}{hint} (the `list` command shows them all)")


#: How a problem read from standard input (``-``) is named in messages and output.
STDIN = "<stdin>"


def resolve_file(problem: str) -> Path | None:
    """The file a problem argument names, or None when it names none (for checks on output paths)."""
    try:
        return resolve(problem)[1]
    except InputError:
        return None


def read_problem(problem: str) -> tuple[str, Doc]:
    """The parsed problem file (not yet solved) and its display name; ``-`` reads standard input."""
    if problem == "-":
        return STDIN, Doc(parse_toml(_standard_input(), STDIN))
    name, path = resolve(problem)
    source = f"problems/{name}.toml" if path.parent == problems_dir() else name
    doc = Doc(read_toml(path, source))
    return source, doc


def _standard_input() -> bytes:
    """The bytes on standard input, read no further than one past the size limit."""
    try:
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read standard input: {error}", source=STDIN) from None


def solve(doc: Doc, source: str) -> Derivation:
    """Solve a parsed problem file; errors name ``source``."""
    try:
        decimals = doc.integer("decimals", DEFAULT_DECIMALS, minimum=0, maximum=MAX_DECIMALS)
        rtol, atol, figures = _tolerance(doc)
        derivation = kinds.build(doc, Path(source).stem, decimals)
        grading = read_grading(doc, tuple(step.key for step in derivation.steps))
    except InputError as error:
        raise error.in_source(source) from None
    if rtol or atol or figures is not None or grading:
        return dataclasses.replace(derivation, rtol=rtol, atol=atol, min_significant=figures, grading=grading)
    return derivation


def _tolerance(doc: Doc) -> tuple[Decimal | None, Decimal | None, int | None]:
    """The problem's ``tolerance = { rtol = …, atol = …, min_significant = … }`` for checking answers."""
    if not doc.has("tolerance"):
        return None, None, None
    table = doc.table("tolerance")
    table.only_keys(["rtol", "atol", "min_significant"])
    bounds = []
    for key in ("rtol", "atol"):
        value = table.number(key, None)
        if value is not None and not (value.is_Rational and 0 <= value <= 1):
            raise table.error("must be a number between 0 and 1", key)
        bounds.append(None if value is None else decimal_of_rational(value))
    figures = table.integer("min_significant", None, minimum=0, maximum=30) if table.has("min_significant") else None
    return bounds[0], bounds[1], figures


def load(problem: str) -> Derivation:
    """Read and solve a problem named on the command line."""
    source, doc = read_problem(problem)
    return solve(doc, source)


def load_text(data: bytes, source: str) -> Derivation:
    """Solve a problem given as the bytes of a TOML file (for tests and tools)."""
    return solve(Doc(parse_toml(data, source)), source)
