"""Renderers: each turns a derivation into one output format, never asking which kind it holds;
with the formula printers and the writing of output files.

Imports maths and the derivation model (reading for nothing); never kinds, checking or the command line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from solver.derivation.model import Derivation
from solver.render.options import RenderOptions

FORMATS = ("terminal", "markdown", "latex", "json", "html")


def renderer(fmt: str) -> Callable[[Derivation, RenderOptions], str]:
    """The ``render(derivation, options) -> str`` function of a text format."""
    module = {"markdown": "markdown", "latex": "latex", "json": "json_doc", "html": "html"}[fmt]
    return importlib.import_module(f"solver.render.{module}").render


def emit(fmt: str, derivation: Derivation, options: RenderOptions, stream) -> None:
    """Write a derivation to ``stream`` in ``fmt``; the terminal view goes through rich."""
    if fmt == "terminal":
        from rich.console import Console

        from solver.render.terminal import render

        Console(file=stream, highlight=False).print(render(derivation, options))
    else:
        stream.write(renderer(fmt)(derivation, options))
