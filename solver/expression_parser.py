"""The one parser that turns untrusted text into sympy: a whitelist over Python's ``ast``.

Nothing read from a file reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  The text is
normalised (NFKC, × ÷ − · and ^ mapped to ASCII operators), checked against limits on length,
nesting and literal size, parsed by ``ast.parse(mode="eval")``, and the tree is walked node by
node: only numbers, + − × ÷ and powers, parentheses, declared names and a short list of
functions of fixed arity are accepted.  Every value built is checked to stay finite, real and of
bounded size, so absurd inputs fail in milliseconds instead of being computed.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy

from solver import functions as fn
from solver.errors import InputError

MAX_LENGTH = 1000
MAX_NODES = 300
MAX_DEPTH = 30
MAX_LITERAL_DIGITS = 60
MAX_LITERAL_EXPONENT = 400
MAX_POWER_EXPONENT = 1000
MAX_RESULT_DIGITS = 2000
MAX_EXP_ARGUMENT = 10_000

_TRANSLATE = str.maketrans({"×": "*", "·": "*", "⋅": "*", "÷": "/", "−": "-", "–": "-", "^": "**"})
_LITERAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_DIGIT_RUN = re.compile(r"\d{%d,}" % (MAX_LITERAL_DIGITS + 1))


def _check_exp_argument(x: sympy.Basic) -> sympy.Basic:
    if x.is_Number and abs(x) > MAX_EXP_ARGUMENT:
        raise InputError(f"exp of {x} is too large to work with")
    return x


def _sqrt(x: sympy.Basic) -> sympy.Basic:
    if x.is_Number and x < 0:
        raise InputError("square root of a negative number")
    return sympy.sqrt(x)


def _log(x: sympy.Basic) -> sympy.Basic:
    if x.is_Number and x <= 0:
        raise InputError("logarithm of a number that is not positive")
    return sympy.log(x)


def _exp(x: sympy.Basic) -> sympy.Basic:
    return sympy.exp(_check_exp_argument(x))


def _sigmoid(x: sympy.Basic) -> sympy.Basic:
    return fn.sigmoid(_check_exp_argument(x))


def _tanh(x: sympy.Basic) -> sympy.Basic:
    return sympy.tanh(_check_exp_argument(x))


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
    ast.NamedExpr: "assignment expressions are not allowed",
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
    ast.Tuple: "tuples are not allowed in a single value",
    ast.Slice: "slices are not allowed",
}

_BINARY = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}


def normalise(text: str) -> str:
    """NFKC, operator symbols mapped to ASCII; refuses control, zero-width and other non-ASCII text."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    for position, char in enumerate(text, start=1):
        if char in " \t":
            continue
        if not char.isascii():
            raise InputError(f"character {char!r} (U+{ord(char):04X}) at position {position} is not allowed")
        if not char.isprintable():
            raise InputError(f"control character U+{ord(char):04X} at position {position} is not allowed")
    return text.replace("\t", " ")


def _check_shape(text: str) -> None:
    if not text.strip():
        raise InputError("empty value")
    if len(text) > MAX_LENGTH:
        raise InputError(f"value is {len(text)} characters long; the limit is {MAX_LENGTH}")
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise InputError(f"parentheses nested {deepest} deep; the limit is {MAX_DEPTH}")
    if _DIGIT_RUN.search(text):
        raise InputError(f"a number with more than {MAX_LITERAL_DIGITS} digits")


def decimal_literal(text: str) -> sympy.Rational:
    """An exact rational from a decimal literal's text: 0.01 is 1/100."""
    if not _LITERAL.match(text):
        raise InputError(f"{text!r} is not a plain decimal number")
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_LITERAL_EXPONENT:
        raise InputError(f"exponent of {text!r} is too large")
    value = Fraction(mantissa) * Fraction(10) ** int(exponent or 0)
    return sympy.Rational(value.numerator, value.denominator)


def _digits(value: sympy.Basic) -> float:
    """Approximate decimal digits in a rational's numerator or denominator (0 for other values)."""
    if value.is_Rational:
        return max(int(value.p).bit_length(), int(value.q).bit_length()) * math.log10(2)
    return 0


class _Builder:
    def __init__(self, source: str, names: Mapping[str, sympy.Basic]) -> None:
        self.source = source
        self.names = names
        self.lower_names = {k.lower(): v for k, v in names.items()}
        self.nodes = 0

    def build(self, node: ast.AST, depth: int = 0) -> sympy.Basic:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(f"expression has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise InputError(f"expression nested more than {MAX_DEPTH} deep")
        refusal = _REFUSED.get(type(node))
        if refusal:
            raise InputError(refusal)
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise InputError(f"{type(node).__name__} is not allowed in a value")
        result = method(node, depth + 1)
        self._check_value(result)
        return result

    def _check_value(self, value: sympy.Basic) -> None:
        if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            raise InputError("value is undefined or infinite (division by zero?)")
        if value.has(sympy.I):
            raise InputError("value is not a real number")
        if _digits(value) > MAX_RESULT_DIGITS:
            raise InputError(f"value has more than {MAX_RESULT_DIGITS} digits")

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
        return decimal_literal(ast.get_source_segment(self.source, node) or "")

    def _Name(self, node: ast.Name, depth: int) -> sympy.Basic:
        name = node.id
        if name.startswith("__"):
            raise InputError(f"name {name!r} is not allowed")
        if name in self.names:
            return self.names[name]
        if name.lower() in self.lower_names:
            return self.lower_names[name.lower()]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise InputError(f"{name} is a function: write {name}(...)")
        known = ", ".join(sorted(self.names)) or "none here"
        raise InputError(f"unknown name {name!r} (names allowed: {known})")

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> sympy.Basic:
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise InputError("only + and - may stand before a value")

    def _BinOp(self, node: ast.BinOp, depth: int) -> sympy.Basic:
        if type(node.op) not in _BINARY:
            raise InputError(f"operator {type(node.op).__name__} is not allowed")
        left = self.build(node.left, depth)
        right = self.build(node.right, depth)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right.is_zero:
                raise InputError("division by zero")
            return left / right
        return self._power(left, right)

    def _power(self, base: sympy.Basic, exponent: sympy.Basic) -> sympy.Basic:
        if exponent.is_Number:
            if abs(exponent) > MAX_POWER_EXPONENT:
                raise InputError(f"exponent {exponent} is too large (limit {MAX_POWER_EXPONENT})")
            if base.is_Number:
                if base == 0 and exponent < 0:
                    raise InputError("division by zero (0 to a negative power)")
                if base < 0 and not exponent.is_Integer:
                    raise InputError("a negative number to a fractional power is not real")
                digits = max(_digits(base), 1) * abs(float(exponent))
                if digits > MAX_RESULT_DIGITS:
                    raise InputError(f"power would have about {digits:.0f} digits")
        elif base.is_Number and abs(base) != 1 and base != 0:
            if base is not sympy.E and not base.is_positive:
                raise InputError("a negative number to a symbolic power is not real")
        if base is sympy.E:
            return _exp(exponent)
        return base**exponent

    def _Call(self, node: ast.Call, depth: int) -> sympy.Basic:
        if node.keywords:
            raise InputError("keyword arguments are not allowed")
        if not isinstance(node.func, ast.Name):
            raise InputError("only plain function names may be called")
        name = node.func.id
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise InputError(f"function {name!r} is not allowed (allowed: {allowed})")
        low, high, build = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            raise InputError(f"{name} takes {count} argument{'s' if high > 1 else ''}, not {len(node.args)}")
        return build(*(self.build(a, depth) for a in node.args))


def parse_expression(
    text: str, names: Mapping[str, sympy.Basic] | None = None, *, _builder: type[_Builder] = _Builder
) -> sympy.Basic:
    """The exact sympy value of ``text``, with ``names`` the only identifiers it may use.

    Raises :class:`InputError` (without key path; callers add it) for anything else.
    """
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    if len(text) > 4 * MAX_LENGTH:
        raise InputError(f"value is {len(text)} characters long; the limit is {MAX_LENGTH}")
    text = normalise(text).strip()
    _check_shape(text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = f" at position {error.offset}" if error.offset else ""
        raise InputError(f"cannot read {text!r}: not a valid expression{column}") from None
    except (ValueError, RecursionError, MemoryError):
        raise InputError(f"cannot read {text!r}") from None
    return _builder(text, names or {}).build(tree)


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
        operand = self.build(node.operand, depth)
        if _is_number(operand) or isinstance(node.op, ast.UAdd):
            return super()._UnaryOp(node, depth) if _is_number(operand) else operand
        if isinstance(node.op, ast.USub):
            return _joined(sympy.Mul, sympy.S.NegativeOne, operand)
        raise InputError("only + and - may stand before a value")

    def _BinOp(self, node: ast.BinOp, depth: int) -> sympy.Basic:
        op = node.op
        if type(op) not in _BINARY and not isinstance(op, ast.MatMult):
            raise InputError(f"operator {type(op).__name__} is not allowed")
        left = self.build(node.left, depth)
        right = self.build(node.right, depth)
        if _is_number(left) and _is_number(right) and not isinstance(op, ast.MatMult):
            return self._arithmetic(op, left, right)
        if isinstance(op, ast.Add):
            return _joined(sympy.Add, left, right)
        if isinstance(op, ast.Sub):
            return _joined(sympy.Add, left, _joined(sympy.Mul, sympy.S.NegativeOne, right))
        if isinstance(op, (ast.Mult, ast.MatMult)):
            return _joined(sympy.Mul, left, right)
        if isinstance(op, ast.Div):
            if right.is_zero:
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
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right.is_zero:
                raise InputError("division by zero")
            return left / right
        return self._power(left, right)

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
        args = [self.build(a, depth) for a in node.args]
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
