"""Where a command writes: standard output, or the file named by ``-o``/``--gradescope``.

A failed write (a full disk, a closed pipe) is an :class:`InputError`, one line and exit status 2,
never a traceback; and an output never replaces a file the same command reads.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from solver.errors import InputError

STDOUT = "standard output"


def _identity(path: str | os.PathLike) -> tuple[int, int] | None:
    """The (device, inode) a path leads to, following links; None if nothing is there."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


def refuse_overwriting(output: str | None, inputs: Iterable[str | os.PathLike]) -> None:
    """Refuse an output that is one of the command's inputs: the same file by any name (a symbolic
    or hard link included), since writing it would destroy what is being read."""
    if output is None or output == "-":
        return
    target = _identity(output)
    if target is None:
        return
    for path in inputs:
        if _identity(path) == target:
            same = "" if Path(output) == Path(path) else f" (the same file as {os.fspath(path)})"
            raise InputError(f"is an input of this command{same}; it would be overwritten: write elsewhere",
                             source=output)


def _write_error(error: OSError, source: str) -> InputError:
    what = "the reader closed the pipe" if isinstance(error, BrokenPipeError) else error.strerror or str(error)
    return InputError(f"cannot write: {what}", source=source)


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's final flush of a broken stdout cannot fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def flush_stdout() -> None:
    """Flush standard output, a failure being one line (the data was the command's output)."""
    try:
        sys.stdout.flush()
    except OSError as error:
        silence_stdout()
        raise _write_error(error, STDOUT) from None


@contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    """Standard output when ``path`` is None or ``-``, else the file, opened for UTF-8 text; a failed
    write or close is an InputError naming where."""
    if path is None or path == "-":
        try:
            yield sys.stdout
            sys.stdout.flush()
        except OSError as error:
            silence_stdout()
            raise _write_error(error, STDOUT) from None
        return
    try:
        handle = open(path, "w", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", source=path) from None
    except ValueError as error:  # an embedded NUL
        raise InputError(f"cannot write: {error}", source=path) from None
    try:
        with handle:
            yield handle
    except OSError as error:
        raise _write_error(error, path) from None


def console(stream: TextIO):
    """A rich Console writing to ``stream``: plain text (no highlighting of numbers in file text), and
    a closed pipe an error like any failed write (rich itself would exit with status 1, silently)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return _Console(file=stream, highlight=False)


def write_text(path: str | None, text: str) -> None:
    """Write ``text`` to standard output or to ``path``."""
    with output_stream(path) as stream:
        stream.write(text)
