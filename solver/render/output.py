"""Where a command writes: standard output, or the file named by ``-o``/``--gradescope``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from solver.errors import InputError


@contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    """Standard output when ``path`` is None or ``-``, else the file, opened for UTF-8 text."""
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", source=path) from None
    with handle:
        yield handle


def write_text(path: str | None, text: str) -> None:
    """Write ``text`` to standard output or to ``path``."""
    with output_stream(path) as stream:
        stream.write(text)
