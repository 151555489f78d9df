"""Rich renderables written as text: as wide as the terminal (80 columns, or ``COLUMNS``, for a
file or pipe), colour only on a terminal, and no trailing spaces on any line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def without_trailing_spaces(text: str) -> str:
    """Each line with the spaces at its end removed, colour codes after them kept."""
    while True:
        stripped = _TRAILING.sub(r"\1", text)
        if stripped == text:
            return text
        text = stripped


def print_rich(renderables: Iterable, stream: TextIO) -> None:
    """Print ``renderables`` one after another to ``stream``."""
    from rich.console import Console

    console = Console(file=stream, highlight=False)
    with console.capture() as capture:
        for renderable in renderables:
            console.print(renderable)
    stream.write(without_trailing_spaces(capture.get()))


def console_width(stream: TextIO) -> int:
    """The width rich lays text out at on ``stream``."""
    from rich.console import Console

    return Console(file=stream).width
