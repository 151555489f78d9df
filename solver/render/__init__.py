"""Renderers: each turns a derivation into one output format, never asking which kind it holds;
with the formula printers and the writing of output files.

Imports maths and the derivation model (reading for nothing); never kinds, checking or the command line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from solver.render.options import RenderOptions

if TYPE_CHECKING:  # the command line lists the formats in its help: importing this stays light
    from solver.derivation.model import Derivation

FORMATS = ("terminal", "markdown", "latex", "json", "html")


def renderer(fmt: str) -> Callable[[Derivation, RenderOptions], str]:
    """The ``render(derivation, options) -> str`` function of a text format."""
    module = {"markdown": "markdown", "latex": "latex", "json": "json_doc", "html": "html"}[fmt]
    return importlib.import_module(f"solver.render.{module}").render


def emit(fmt: str, derivation: Derivation, options: RenderOptions, stream) -> None:
    """Write a derivation to ``stream`` in ``fmt``; the terminal view goes through rich."""
    if fmt == "terminal":
        from solver.render.rich_output import print_rich
        from solver.render.terminal import render

        print_rich([render(derivation, options)], stream)
    else:
        stream.write(renderer(fmt)(derivation, options))
