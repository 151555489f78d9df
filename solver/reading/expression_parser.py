"""The one parser that turns untrusted text into sympy: a whitelist over Python's ``ast``.

Nothing read from a file reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  The text is
screened and normalised (:mod:`solver.text_screen`), a LaTeX value is first translated into the
plain syntax (:mod:`solver.latex_input`), the result is checked against limits on length,
nesting and literal size, parsed by ``ast.parse(mode="eval")``, and the tree is walked node by
node: only numbers, + − × ÷ and powers, parentheses, declared names and a short list of
functions of fixed arity are accepted.  Every value built is checked to stay finite, real and of
bounded size (:mod:`solver.value_bounds`), so absurd inputs fail in milliseconds instead of
being computed.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Mapping

import sympy

from solver.errors import InputError
from solver.maths import functions as fn
from solver.reading import value_bounds as bounds
from solver.reading.latex_input import looks_like_latex, to_plain
from solver.reading.text_screen import normalise

MAX_LENGTH = 1000
MAX_NODES = 300
MAX_DEPTH = 30
MAX_LITERAL_DIGITS = 60
MAX_LITERAL_EXPONENT = 400
MAX_POWER_EXPONENT = bounds.MAX_POWER_EXPONENT
MAX_RESULT_DIGITS = bounds.MAX_RESULT_DIGITS
MAX_EXP_ARGUMENT = bounds.MAX_EXP_ARGUMENT

_LITERAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_DIGIT_RUN = re.compile(r"\d{%d,}" % (MAX_LITERAL_DIGITS + 1))
_JUXTAPOSED = re.compile(r"\d\s*[A-DF-Za-df-z_(]|\)\s*[A-Za-z0-9_(]|[A-Za-z0-9_]\s+[A-Za-z0-9_(]")


def _sqrt(x: sympy.Basic) -> sympy.Basic:
    if bounds.is_constant(x) and bounds.sign(x, "the argument of sqrt") < 0:
        raise InputError("square root of a negative number")
    return bounds.power(x, sympy.S.Half)


def _log(x: sympy.Basic) -> sympy.Basic:
    if bounds.is_constant(x) and bounds.sign(x, "the argument of log") <= 0:
        raise InputError("logarithm of a number that is not positive")
    return sympy.log(x)


def _exp(x: sympy.Basic) -> sympy.Basic:
    return sympy.exp(bounds.exp_argument(x))


def _sigmoid(x: sympy.Basic) -> sympy.Basic:
    return fn.sigmoid(bounds.exp_argument(x))


def _tanh(x: sympy.Basic) -> sympy.Basic:
    return sympy.tanh(bounds.exp_argument(x))


#: Functions a text may call: name → (minimum arguments, maximum arguments, builder).
FUNCTIONS: dict[str, tuple[int, int, Callable[..., sympy.Basic]]] = {
    "sqrt": (1, 1, _sqrt),
    "exp": (1, 1, _exp),
    "log": (1, 1, _log),
    "ln": (1, 1, _log),
    "sigmoid": (1, 1, _sigmoid),
    "tanh": (1, 1, _tanh),
    "relu": (1, 1, fn.relu),
    "abs": (1, 1, sympy.Abs),
    "max": (2, 8, sympy.Max),
    "min": (2, 8, sympy.Min),
}

CONSTANTS: dict[str, sympy.Basic] = {"e": sympy.E, "pi": sympy.pi}

#: Names that people write for values that are not finite numbers.
_NOT_FINITE = {"nan", "inf", "infinity", "infty", "oo"}

_REFUSED = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts are not allowed in a value (element keys go in the key: W1[1,2])",
    ast.Lambda: "lambda expressions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "logical operators are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.List: "lists are not allowed in a single value",
    ast.Tuple: "tuples are not allowed in a single value (write decimals with a point: 0.5)",
    ast.Slice: "slices are not allowed",
}

_BINARY: dict[type, Callable[[sympy.Basic, sympy.Basic], sympy.Basic]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: bounds.multiply,
    ast.Div: bounds.divide,
    ast.Pow: bounds.power,
}

_OPERATOR_TEXT = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
}


def _check_shape(text: str) -> None:
    if not text.strip():
        raise InputError("empty value")
    if len(text) > MAX_LENGTH:
        raise InputError(f"value is {len(text)} characters long; the limit is {MAX_LENGTH}")
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise InputError(f"brackets nested {deepest} deep; the limit is {MAX_DEPTH}")
    if _DIGIT_RUN.search(text):
        raise InputError(f"a number with more than {MAX_LITERAL_DIGITS} digits")


def decimal_literal(text: str) -> sympy.Rational:
    """An exact rational from a decimal literal's text: 0.01 is 1/100."""
    if not _LITERAL.match(text):
        raise InputError(f"{text!r} is not a plain decimal number")
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and (len(exponent.lstrip("+-0")) > 6 or abs(int(exponent)) > MAX_LITERAL_EXPONENT):
        raise InputError(f"exponent of {text!r} is too large (limit {MAX_LITERAL_EXPONENT})")
    digits = len(mantissa.replace(".", "").lstrip("0"))
    if digits > MAX_LITERAL_DIGITS:
        raise InputError(f"a number with more than {MAX_LITERAL_DIGITS} digits")
    scale = int(exponent or 0) - (len(mantissa) - mantissa.index(".") - 1 if "." in mantissa else 0)
    whole = int(mantissa.replace(".", "") or "0")
    return sympy.Integer(whole) * sympy.Integer(10) ** scale


def _literal_refusal(text: str) -> str:
    """Why a numeric literal Python accepts is not a plain decimal number."""
    lower = text.lower()
    if "_" in text:
        return f"underscores in numbers are not allowed ({text!r})"
    for prefix, base in (("0x", "hexadecimal"), ("0o", "octal"), ("0b", "binary")):
        if lower.startswith(prefix):
            return f"{base} numbers are not allowed ({text!r})"
    return f"{text!r} is not a plain decimal number"


class _Builder:
    """Walks a parsed tree, building the sympy value of each allowed node."""

    def __init__(self, source: str, names: Mapping[str, sympy.Basic]) -> None:
        self.source = source
        self.names = names
        self.folded_names = {}
        for key, value in names.items():
            self.folded_names.setdefault(key.lower(), value)
            self.folded_names.setdefault(key.lower().replace("_", ""), value)

    def build(self, node: ast.AST, depth: int) -> sympy.Basic:
        if depth > MAX_DEPTH:
            raise InputError(f"expression nested more than {MAX_DEPTH} deep")
        refusal = _REFUSED.get(type(node))
        if refusal:
            raise InputError(refusal)
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise InputError(f"{type(node).__name__} is not allowed in a value")
        result = method(node, depth)
        bounds.check(result)
        return result

    def _Expression(self, node: ast.Expression, depth: int) -> sympy.Basic:
        return self.build(node.body, depth)

    def _Constant(self, node: ast.Constant, depth: int) -> sympy.Basic:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise InputError(f"{value!r} is not a number")
        if isinstance(value, complex):
            raise InputError("complex numbers are not allowed")
        if not isinstance(value, (int, float)):
            raise InputError(f"{type(value).__name__} literals are not allowed")
        text = ast.get_source_segment(self.source, node) or ""
        if not _LITERAL.match(text):
            raise InputError(_literal_refusal(text))
        return decimal_literal(text)

    def _Name(self, node: ast.Name, depth: int) -> sympy.Basic:
        name = node.id
        if name.startswith("_"):
            raise InputError(f"name {name!r} is not allowed")
        if name in self.names:
            return self.names[name]
        for folded in (name.lower(), name.lower().replace("_", "")):
            if folded in self.folded_names:
                return self.folded_names[folded]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name.lower() in _NOT_FINITE:
            raise InputError(f"{name!r} is not a finite number")
        if name.lower() in FUNCTIONS:
            raise InputError(f"{name} is a function: write {name}(...)")
        if not self.names:
            raise InputError(f"unknown name {name!r}: a number is expected here")
        known = ", ".join(sorted(self.names))
        raise InputError(f"unknown name {name!r} (names allowed: {known})")

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> sympy.Basic:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise InputError(f"operator {_OPERATOR_TEXT.get(type(node.op), '?')!r} is not allowed")
        operand = self.build(node.operand, depth + 1)
        return -operand if isinstance(node.op, ast.USub) else operand

    def _BinOp(self, node: ast.BinOp, depth: int) -> sympy.Basic:
        # A chain a + b − c · d … nests to the left in the tree; walk it as one level, so that a
        # long sum is limited by its size (MAX_NODES), not mistaken for deep nesting.
        chain = []
        while isinstance(node, ast.BinOp):
            chain.append(node)
            node = node.left
        value = self.build(node, depth + 1)
        for link in reversed(chain):
            operation = _BINARY.get(type(link.op))
            if operation is None:
                raise InputError(f"operator {_OPERATOR_TEXT.get(type(link.op), '?')!r} is not allowed")
            value = operation(value, self.build(link.right, depth + 1))
            bounds.check(value)
        return value

    def _Call(self, node: ast.Call, depth: int) -> sympy.Basic:
        if not isinstance(node.func, ast.Name):
            raise InputError(_REFUSED.get(type(node.func), "only plain function names may be called"))
        name = node.func.id.lower()
        if node.keywords:
            raise InputError("keyword arguments are not allowed")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise InputError("starred arguments are not allowed")
        if name not in FUNCTIONS:
            if node.func.id in self.names or name in self.folded_names or name in CONSTANTS:
                raise InputError(f"{node.func.id!r} is not a function (write {node.func.id}*(...) to multiply)")
            allowed = ", ".join(sorted(FUNCTIONS))
            raise InputError(f"function {node.func.id!r} is not allowed (allowed: {allowed})")
        low, high, build = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            raise InputError(f"{name} takes {count} argument{'s' if high > 1 else ''}, not {len(node.args)}")
        return build(*(self.build(a, depth + 1) for a in node.args))


def _plain_source(text: str) -> str:
    """The plain-syntax text of a value: LaTeX translated (its reader bounds the nesting), ``^`` as ``**``."""
    if not looks_like_latex(text):
        return text.replace("^", "**")
    source = to_plain(text, FUNCTIONS.keys() | FORMULA_FUNCTIONS.keys(), MAX_DEPTH)
    if len(source) > 4 * MAX_LENGTH:
        raise InputError(f"value is too long once its LaTeX is read ({len(source)} characters)")
    return source


def _syntax_error(text: str, error: SyntaxError) -> InputError:
    column = f" at position {error.offset}" if error.offset else ""
    hint = ""
    if re.search(r"\d,\d", text):
        hint = " (write decimals with a point: 0.5)"
    elif _JUXTAPOSED.search(text):
        hint = " (write * between factors, as in 2*x, or use LaTeX: 2x, 2\\sqrt{2})"
    return InputError(f"cannot read {text!r}: not a valid expression{column}{hint}")


def parse_expression(
    text: str, names: Mapping[str, sympy.Basic] | None = None, *, _builder: type[_Builder] = _Builder
) -> sympy.Basic:
    """The exact sympy value of ``text``, with ``names`` the only identifiers it may use.

    Raises :class:`InputError` (without key path; callers add it) for anything else.
    """
    text, source, tree = _syntax_tree(text)
    try:
        value = _builder(source, names or {}).build(tree, 0)
        bounds.check_final(value)
    except InputError:
        raise
    except Exception as error:  # sympy's own refusals (incomparable values, lost precision, ...)
        raise InputError(f"cannot evaluate {text!r}: {type(error).__name__}") from None
    return value


def _syntax_tree(text: str) -> tuple[str, str, ast.Expression]:
    """The screened text, its plain-syntax source and its bounded syntax tree (not yet walked)."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise InputError(f"value is {len(text)} characters long; the limit is {MAX_LENGTH}")
    text = normalise(text).strip()
    _check_shape(text)
    source = _plain_source(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal" and the like: refused below anyway
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(text, error) from None
    except (ValueError, RecursionError, MemoryError):
        raise InputError(f"cannot read {text!r}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise InputError(f"expression has {nodes} parts; the limit is {MAX_NODES}")
    return text, source, tree


# --- comparisons, allowed only where a file states conditions -------------------------------------

#: The comparison operators a condition may use, by their plain text.
COMPARISONS: dict[type, str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
}

Comparison = tuple[sympy.Basic, str, sympy.Basic]


def parse_comparison(text: str, names: Mapping[str, sympy.Basic]) -> tuple[Comparison, ...]:
    """A comparison or chain of comparisons (``0 < a <= 1``) of two or more expressions over ``names``.

    Each side is read exactly as :func:`parse_expression` reads a value; the result is the chain as
    (left, operator, right) links, all of which must hold.  Anything but a comparison is refused.
    """
    text, source, tree = _syntax_tree(text)
    body = tree.body
    if not isinstance(body, ast.Compare):
        raise InputError(f"{text!r} is not a comparison: write two expressions with <, <=, >, >=, == or != between")
    builder = _Builder(source, names)
    try:
        sides = [builder.build(node, 1) for node in (body.left, *body.comparators)]
        for side in sides:
            bounds.check_final(side)
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"cannot evaluate {text!r}: {type(error).__name__}") from None
    links = []
    for left, op, right in zip(sides, body.ops, sides[1:]):
        if type(op) not in COMPARISONS:
            written = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}.get(type(op), "?")
            raise InputError(f"{written!r} is not allowed in a condition (use <, <=, >, >=, == or !=)")
        links.append((left, COMPARISONS[type(op)], right))
    return tuple(links)


# --- formulas over vectors and matrices, kept as written -----------------------------------------

#: Functions a formula may call: name → (number of arguments, the display function).  Element-wise
#: functions apply to each element of a vector; transpose, norm and hadamard (A ⊙ B) act on wholes.
FORMULA_FUNCTIONS: dict[str, tuple[int, Callable[..., sympy.Basic]]] = {
    "sigmoid": (1, fn.sigmoid),
    "tanh": (1, sympy.tanh),
    "exp": (1, sympy.exp),
    "log": (1, sympy.log),
    "ln": (1, sympy.log),
    "relu": (1, fn.relu),
    "transpose": (1, fn.transpose),
    "norm": (1, fn.norm),
    "hadamard": (2, fn.hadamard),
}


def _is_number(value: sympy.Basic) -> bool:
    return not value.free_symbols


def _joined(func, left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    """``left`` and ``right`` under one unevaluated sum or product, nested ones merged, order kept."""
    args = [part for side in (left, right) for part in (side.args if side.func is func else (side,))]
    if func is sympy.Mul:
        numbers = [a for a in args if a.is_Number]
        coefficient = sympy.Mul(*numbers)
        args = [a for a in args if not a.is_Number]
        if coefficient != 1 or not args:
            args.insert(0, coefficient)
        if len(args) == 1:
            return args[0]
    return func(*args, evaluate=False)


class _FormulaBuilder(_Builder):
    """Builds a formula over names standing for scalars, vectors or matrices, unevaluated.

    The result keeps the written order (W2·h + x stays so) for display; a kind gives it meaning
    (shapes, values, derivatives).  Operations on numbers alone are still computed, exactly
    and with the same limits as values.
    """

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> sympy.Basic:
        operand = self.build(node.operand, depth + 1)
        if _is_number(operand) or isinstance(node.op, ast.UAdd):
            return super()._UnaryOp(node, depth) if _is_number(operand) else operand
        if isinstance(node.op, ast.USub):
            return _joined(sympy.Mul, sympy.S.NegativeOne, operand)
        raise InputError("only + and - may stand before a value")

    def _BinOp(self, node: ast.BinOp, depth: int) -> sympy.Basic:
        op = node.op
        if type(op) not in _BINARY and not isinstance(op, ast.MatMult):
            raise InputError(f"operator {type(op).__name__} is not allowed")
        left = self.build(node.left, depth + 1)
        right = self.build(node.right, depth + 1)
        if _is_number(left) and _is_number(right) and not isinstance(op, ast.MatMult):
            return self._arithmetic(op, left, right)
        if isinstance(op, ast.Add):
            return _joined(sympy.Add, left, right)
        if isinstance(op, ast.Sub):
            return _joined(sympy.Add, left, _joined(sympy.Mul, sympy.S.NegativeOne, right))
        if isinstance(op, (ast.Mult, ast.MatMult)):
            return _joined(sympy.Mul, left, right)
        if isinstance(op, ast.Div):
            if _is_number(right) and bounds.sign(right, "the divisor") == 0:
                raise InputError("division by zero")
            return _joined(sympy.Mul, left, sympy.Pow(right, -1, evaluate=False))
        if left is sympy.E:
            return sympy.exp(right, evaluate=False)
        if not right.is_Number:
            raise InputError("an exponent must be a number")
        if abs(right) > MAX_POWER_EXPONENT:
            raise InputError(f"exponent {right} is too large (limit {MAX_POWER_EXPONENT})")
        return sympy.Pow(left, right, evaluate=False)

    def _arithmetic(self, op: ast.operator, left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
        return _BINARY[type(op)](left, right)

    def _Call(self, node: ast.Call, depth: int) -> sympy.Basic:
        if node.keywords or not isinstance(node.func, ast.Name):
            return super()._Call(node, depth)
        name = node.func.id
        if name not in FORMULA_FUNCTIONS:
            allowed = ", ".join(sorted(FORMULA_FUNCTIONS))
            raise InputError(f"function {name!r} is not allowed in a formula (allowed: {allowed})")
        count, function = FORMULA_FUNCTIONS[name]
        if len(node.args) != count:
            raise InputError(f"{name} takes {count} argument{'s' if count > 1 else ''}, not {len(node.args)}")
        args = [self.build(a, depth + 1) for a in node.args]
        if name in FUNCTIONS and all(_is_number(a) for a in args):
            return FUNCTIONS[name][2](*args)
        return function(*args, evaluate=False)


def parse_formula(text: str, names: Mapping[str, sympy.Basic]) -> sympy.Basic:
    """A formula over ``names`` (symbols of scalars, vectors or matrices), kept as written.

    Beyond :func:`parse_expression`'s syntax it allows ``@`` (a synonym of ``*``, the matrix
    product) and :data:`FORMULA_FUNCTIONS`; the result is an unevaluated sympy expression.
    """
    return parse_expression(text, names, _builder=_FormulaBuilder)


def parse_number(text: str) -> sympy.Basic:
    """An exact real constant from text (``"1/3"``, ``"sqrt(2)/2"``, ``"-0.5"``)."""
    value = parse_expression(text)
    if value.free_symbols:
        raise InputError(f"{text!r} is not a number")
    return value
