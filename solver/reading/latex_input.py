"""A small LaTeX subset for values and formulas, translated into the parser's plain syntax.

Students copy answers from their LaTeX: ``\\frac{1}{2\\sqrt{2}}``, ``e^{z_1}``, ``2 \\cdot w_{1}``.
This module reads that subset with a recursive-descent parser of its own and writes the same
expression in the plain syntax (``(1)/(2*sqrt(2))``, ``e**(z1)``, ``2*w1``), which then goes
through the one whitelisting parser like any other text.  Nothing here evaluates anything, and
every command outside the subset is refused by name.

Juxtaposition multiplies, as in LaTeX (``2\\sqrt{2}``, ``2x``, ``\\frac{1}{2}x``), except right
after a division, where ``1/2x`` would be ambiguous and is refused.  An unbraced superscript,
subscript or ``\\frac``/``\\sqrt`` argument is one character, as in TeX; where TeX would silently
read ``x^23`` as x²·3 the text is refused instead, asking for braces.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from solver.errors import InputError

#: Function-name commands and what the plain syntax calls them.
FUNCTION_COMMANDS = {
    "exp": "exp",
    "log": "log",
    "ln": "ln",
    "tanh": "tanh",
    "max": "max",
    "min": "min",
    "sigma": "sigmoid",
}

#: Greek letters that may stand for a declared name (``\eta`` is the name ``eta``).
GREEK_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "mu", "rho", "tau", "phi", "omega")

#: Commands that only space things out.
_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}

_FRACTIONS = {"frac", "dfrac", "tfrac"}
_PRODUCT = {"cdot", "times"}
_OPEN = {"(": "(", "[": "(", "|": "abs("}
_CLOSE = {"(": ")", "[": "]", "|": "|"}

SUPPORTED = (
    r"\frac, \sqrt, \cdot, \times, \div, \left( \right), \left| \right|, ^{...}, _{...}, \pi, "
    + ", ".join("\\" + c for c in FUNCTION_COMMANDS)
    + r", \operatorname{...}, Greek letters as names"
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9]*)
  | (?P<command>\\(?:[A-Za-z]+|.))
  | (?P<power>\*\*)
  | (?P<symbol>[-+*/^_(){}\[\],|])
    """,
    re.VERBOSE,
)


def looks_like_latex(text: str) -> bool:
    """Whether text uses LaTeX notation: a backslash command, braces or math-mode dollars.

    Text with quotes is never LaTeX: it is left to the plain parser, which names what it is
    (a string, an f-string) when refusing it.
    """
    return any(c in text for c in "\\{}$") and not any(c in text for c in "'\"")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int  # 1-based, for messages


def _tokens(text: str) -> list[_Token]:
    out, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise InputError(f"character {text[at]!r} at position {at + 1} is not allowed here")
        kind = match.lastgroup
        if kind != "space":
            value = match.group()
            if kind == "power":
                kind, value = "symbol", "^"
            if not (kind == "command" and value[1:] in _SPACES):
                out.append(_Token(kind, value, at + 1))
        at = match.end()
    return out


_END = _Token("end", "", 0)


class _Reader:
    """Recursive descent over the tokens, writing plain-syntax text."""

    def __init__(self, text: str, functions: Collection[str], max_depth: int) -> None:
        self.tokens = _tokens(text)
        self.functions = functions
        self.at = 0
        self.depth = 0
        self.max_depth = max_depth

    # --- tokens -------------------------------------------------------------------------------

    def peek(self) -> _Token:
        return self.tokens[self.at] if self.at < len(self.tokens) else _END

    def take(self) -> _Token:
        token = self.peek()
        self.at += 1
        return token

    def is_(self, text: str) -> bool:
        token = self.peek()
        return token.kind in ("symbol", "command") and token.text == text

    def expect(self, text: str, what: str) -> _Token:
        if not self.is_(text):
            raise self.error(f"expected {text!r} {what}", self.peek())
        return self.take()

    def error(self, message: str, token: _Token | None = None) -> InputError:
        token = token or self.peek()
        where = f"at position {token.position}" if token.kind != "end" else "at the end"
        return InputError(f"LaTeX: {message} {where}")

    @contextlib.contextmanager
    def nested(self) -> Iterator[None]:
        """Count one level of nesting (braces, parentheses, arguments); refuse beyond the limit."""
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.error(f"nested more than {self.max_depth} deep")
        try:
            yield
        finally:
            self.depth -= 1

    # --- grammar ------------------------------------------------------------------------------

    def whole(self) -> str:
        if self.peek().kind == "end":
            raise InputError("empty value")
        text = self.expression()
        if self.peek().kind != "end":
            token = self.peek()
            if token.text == ",":
                raise self.error("a comma may only separate a function's arguments (write decimals as 0.5)", token)
            raise self.error(f"unexpected {token.text!r}", token)
        return text

    def expression(self) -> str:
        parts = [self.term()]
        while self.is_("+") or self.is_("-"):
            parts.append(self.take().text)
            parts.append(self.term())
        return " ".join(parts)

    def term(self) -> str:
        parts = [self.factor()]
        after_division = False
        while True:
            token = self.peek()
            if self.is_("*") or (token.kind == "command" and token.text[1:] in _PRODUCT):
                self.take()
                parts.append("*")
                after_division = False
            elif self.is_("/") or self.is_(r"\div"):
                self.take()
                parts.append("/")
                after_division = True
            elif self.starts_atom():
                if after_division:
                    raise self.error("a product right after '/' is ambiguous: use \\frac{..}{..} or parentheses")
                if token.kind == "number" and parts and re.fullmatch(r"[\d.eE+-]+", parts[-1]):
                    raise self.error("two numbers side by side", token)
                parts.append("*")
            else:
                return "".join(parts)
            parts.append(self.factor())

    def starts_atom(self) -> bool:
        token = self.peek()
        if token.kind in ("number", "name"):
            return True
        if token.kind == "symbol":
            return token.text in "({[|"  # [ and | only to say how to write them
        if token.kind == "command":
            name = token.text[1:]
            return name not in _PRODUCT and name not in ("div", "right")
        return False

    def factor(self) -> str:
        signs = []
        while self.is_("+") or self.is_("-"):
            signs.append(self.take().text)
        return "".join(signs) + self.power()

    def power(self) -> str:
        base = self.atom()
        if not self.is_("^"):
            return base
        self.take()
        exponent = self.script("superscript")
        if self.is_("^"):
            raise self.error("double superscript: write {x^{a}}^{b}")
        return f"{base}**({exponent})"

    def script(self, what: str) -> str:
        """A braced group, or one character (digit, letter) or a name-like command, as TeX reads it."""
        token = self.peek()
        if self.is_("{"):
            return self.group()
        if self.is_("("):
            return self.parenthesised("(", ")")
        if token.kind in ("number", "name") and len(token.text) == 1:
            self.take()
            return token.text
        if token.kind == "command" and token.text[1:] in ("pi", *GREEK_NAMES):
            return self.atom()
        if token.kind in ("number", "name"):
            raise self.error(f"write a {what} of more than one character in braces: {{{token.text}}}", token)
        raise self.error(f"write the {what} in braces: ^{{...}}", token)

    def group(self) -> str:
        self.expect("{", "to open a group")
        with self.nested():
            inner = self.expression()
        self.expect("}", "to close the group")
        return f"({inner})"

    def atom(self) -> str:
        token = self.peek()
        if token.kind == "end":
            raise self.error("a value is missing")
        if token.kind == "number":
            self.take()
            return token.text
        if token.kind == "name":
            return self.name_or_call()
        if token.kind == "command":
            return self.command()
        if self.is_("{"):
            return self.group()
        if self.is_("("):
            return self.parenthesised("(", ")")
        if self.is_("["):
            raise self.error("square brackets are not grouping: use ( ) or { }", token)
        if self.is_("|"):
            raise self.error("write an absolute value as \\left| x \\right| or abs(x)", token)
        raise self.error(f"unexpected {token.text!r}", token)

    def parenthesised(self, opening: str, closing: str) -> str:
        self.expect(opening, "")
        with self.nested():
            inner = self.expression()
        self.expect(closing, "to close the parenthesis")
        return f"({inner})"

    def subscripted(self, name: str) -> str:
        """``z_1`` and ``z_{12}`` are the names z1 and z12."""
        if not self.is_("_"):
            return name
        self.take()
        token = self.peek()
        if self.is_("{"):
            self.take()
            parts = []
            while self.peek().kind in ("number", "name"):
                parts.append(self.take().text)
            self.expect("}", "to close the subscript (a subscript holds letters and digits only)")
            if not parts or not all(p.isalnum() for p in parts):
                raise self.error("a subscript holds letters and digits only", token)
            return name + "".join(parts)
        if token.kind in ("number", "name") and len(token.text) == 1:
            self.take()
            return name + token.text
        if token.kind in ("number", "name"):
            raise self.error(f"write a subscript of more than one character in braces: _{{{token.text}}}", token)
        raise self.error("a subscript holds letters and digits only", token)

    def name_or_call(self) -> str:
        token = self.take()
        name = self.subscripted(token.text)
        if name.lower() in self.functions and (self.is_("(") or self.is_(r"\left")):
            return name.lower() + self.arguments()
        return name

    def arguments(self) -> str:
        """``(a, b)``, ``\\left( a, b \\right)`` or ``{a}``, as plain-syntax call arguments."""
        if self.is_("{"):
            return self.group()
        if self.is_(r"\left"):
            left = self.take()
            if not self.is_("("):
                raise self.error("expected \\left( before a function's arguments", left)
            self.take()
            closing = (r"\right", ")")
        else:
            self.expect("(", "after a function name (write its argument in parentheses)")
            closing = (")",)
        args = []
        with self.nested():
            args.append(self.expression())
            while self.is_(","):
                self.take()
                args.append(self.expression())
        for text in closing:
            self.expect(text, "to close the function's arguments")
        return "(" + ", ".join(args) + ")"

    def command(self) -> str:
        token = self.take()
        name = token.text[1:]
        if name in _FRACTIONS:
            return self.fraction(token)
        if name == "sqrt":
            return self.root(token)
        if name == "left":
            return self.delimited(token)
        if name in FUNCTION_COMMANDS:
            return FUNCTION_COMMANDS[name] + self.arguments()
        if name in ("operatorname", "mathrm"):
            return self.named_function(token)
        if name == "pi":
            return "pi"
        if name in GREEK_NAMES:
            return self.subscripted(name)
        if name in ("right",):
            raise self.error("\\right without a matching \\left", token)
        if name in ("infty", "infin"):
            raise self.error("infinity is not a number", token)
        raise self.error(f"the command {token.text} is not supported (supported: {SUPPORTED})", token)

    def fraction(self, token: _Token) -> str:
        first = self.peek()
        if first.kind == "number" and len(first.text) == 2 and first.text.isdigit():
            self.take()  # \frac12, as TeX reads it
            return f"({first.text[0]}/{first.text[1]})"
        numerator = self.argument(token)
        denominator = self.argument(token)
        return f"({numerator}/{denominator})"

    def argument(self, command: _Token) -> str:
        token = self.peek()
        if self.is_("{"):
            return self.group()
        if token.kind in ("number", "name") and len(token.text) == 1:
            return self.take().text
        raise self.error(f"write the arguments of {command.text} in braces: {command.text}{{..}}", token)

    def root(self, command: _Token) -> str:
        if self.is_("["):
            self.take()
            with self.nested():
                degree = self.expression()
            self.expect("]", "to close the root's degree")
            return f"({self.argument(command)})**(1/({degree}))"
        return f"sqrt({self.argument(command)})"

    def delimited(self, left: _Token) -> str:
        token = self.take()
        if token.text not in _OPEN or token.kind not in ("symbol",):
            raise self.error("\\left must be followed by (, [ or |", left)
        with self.nested():
            inner = self.expression()
        right = self.peek()
        if not self.is_(r"\right"):
            raise self.error("\\left without a matching \\right", left)
        self.take()
        closing = self.take()
        if closing.text != _CLOSE[token.text]:
            raise self.error(f"\\left{token.text} is closed by \\right{closing.text}", right)
        return f"{_OPEN[token.text]}{inner})"

    def named_function(self, command: _Token) -> str:
        self.expect("{", f"after {command.text}")
        token = self.take()
        self.expect("}", f"to close {command.text}{{...}}")
        name = token.text.lower() if token.kind == "name" else ""
        if name not in self.functions:
            raise self.error(f"{command.text}{{{token.text}}} is not a supported function", token)
        return name + self.arguments()


_MATH_DELIMITERS = re.compile(r"\A\s*(\$\$?)(.*)\1\s*\Z", re.DOTALL)


def to_plain(text: str, functions: Collection[str], max_depth: int) -> str:
    """The plain-syntax expression a LaTeX value stands for; raises InputError outside the subset.

    ``functions`` are the plain-syntax function names a name followed by ``(`` may call; a
    surrounding pair of ``$`` or ``$$`` (math mode) is ignored.
    """
    match = _MATH_DELIMITERS.match(text)
    if match:
        text = match.group(2)
    return _Reader(text, functions, max_depth).whole()
