"""The one error type for bad input: reported as a single line and exit status 2."""

from __future__ import annotations


class InputError(Exception):
    """Something wrong in a file or on the command line that the user can fix.

    ``source`` names the file, ``path`` the key path inside it (``training.learning_rate``),
    ``line``/``column`` the position for syntax errors.  Outer layers fill in what inner ones
    could not know, with :meth:`within` and :meth:`in_source`.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.path = path
        self.line = line
        self.column = column

    def within(self, prefix: str) -> "InputError":
        """Prefix the key path with an enclosing key (``samples[2]`` + ``x``)."""
        if prefix:
            if not self.path:
                self.path = prefix
            elif self.path.startswith("["):
                self.path = prefix + self.path
            else:
                self.path = f"{prefix}.{self.path}"
        return self

    def in_source(self, source: str) -> "InputError":
        """Name the file the error was found in, unless a deeper layer already did."""
        if self.source is None:
            self.source = source
        return self

    def __str__(self) -> str:
        return _one_line(f"{self.source}: {self.detail}" if self.source else self.detail)

    @property
    def detail(self) -> str:
        """Where in the file and what, without the file's name: ``line 3, column 5: …``."""
        parts = []
        if self.line is not None:
            where = f"line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
            parts.append(where)
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return _one_line(": ".join(parts))


def _one_line(text: str) -> str:
    """Escape line breaks and other unprintable characters, so that a message is one line whatever it quotes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
