"""Picture files beside an output file: ``notes.md`` gets ``notes-svm.svg``, ``notes.tex`` gets
``notes-svm.pdf``, each named after the figure; the document refers to them by file name alone,
so the output and its pictures can be moved together."""

from __future__ import annotations

import re
from pathlib import Path

from solver.derivation.figure import Figure
from solver.errors import InputError
from solver.render.options import RenderOptions


def file_name(output: str, figure: Figure, extension: str) -> str:
    """The picture's file name: the output's stem in letters, digits, ``.``, ``_`` and ``-`` only, so
    that no medium needs it escaped (LaTeX's ``\\includegraphics`` above all)."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(output).stem) or "solution"
    return f"{stem}-{figure.name}.{extension}"


def write_picture(figure: Figure, extension: str, options: RenderOptions) -> str | None:
    """Draw the figure into a file beside the output and return its name; None when there is no
    output file to put it beside, or pictures are off."""
    if not options.pictures or options.pictures_beside is None:
        return None
    from solver.render.drawing import draw

    name = file_name(options.pictures_beside, figure, extension)
    path = Path(options.pictures_beside).parent / name
    try:
        path.write_bytes(draw(figure, extension, options.decimals))
    except OSError as error:
        raise InputError(f"cannot write the picture {name}: {error.strerror}", source=str(path)) from None
    return name
