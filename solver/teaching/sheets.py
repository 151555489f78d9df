"""A variant's question sheet and worked solution, rendered as every solving command renders them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from solver.render import FORMATS, renderer
from solver.render.options import RenderOptions

if TYPE_CHECKING:  # the command line lists the formats in its help: importing this stays light
    from solver.derivation.model import Derivation

#: The file extension of each format a variants directory can be written in.
EXTENSIONS = {"markdown": "md", "latex": "tex", "html": "html", "json": "json"}
SHEET_FORMATS = tuple(fmt for fmt in FORMATS if fmt in EXTENSIONS)


def worked_solution(fmt: str, derivation: Derivation, folder: Path) -> str:
    """The answer key: the whole derivation, pictures written beside it where the format wants files."""
    return renderer(fmt)(derivation, _options(derivation, folder / f"solution.{EXTENSIONS[fmt]}"))


def question_sheet(fmt: str, derivation: Derivation, folder: Path) -> str | None:
    """The question sheet: the statement, the givens and what to compute, with no answers."""
    options = _options(derivation, folder / f"questions.{EXTENSIONS[fmt]}", questions=True)
    if not getattr(options, "questions", False):
        return None  # renderers without a questions mode would print the answers
    return renderer(fmt)(derivation, options)


def _options(derivation: Derivation, output: Path, **wanted) -> RenderOptions:
    """Render options at the problem's precision, with pictures beside ``output`` where renderers draw them."""
    known = {f.name for f in dataclasses.fields(RenderOptions)}
    extra = {"pictures_beside": str(output), **wanted}
    return RenderOptions(derivation.decimals, **{k: v for k, v in extra.items() if k in known})
