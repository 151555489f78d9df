"""The hostile corpus: malformed and malicious problem files, each with what its error must say.

Every case is a file's bytes and the fragments its one-line error must contain (a key path, a
line number, the reason).  ``{canary}`` in a case stands for the path of a file that code
injection would create; the test substitutes it and checks the file never appears.  Cases run
``solve`` on the file; answer files for ``check`` can join with their own ``command``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

BASE = """\
kind = "backprop"
title = "hostile corpus base"

[network]
layers = [1, 1, 1]
activations = ["relu", "identity"]
loss = "half_mse"

[initial]
W1 = 1
b1 = 0
W2 = 1
b2 = 0

[training]
learning_rate = 0.01
samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]
"""


@dataclass(frozen=True)
class Case:
    """One hostile file: its bytes, the fragments its error line must contain, and the command run on it."""

    id: str
    data: bytes
    expect: tuple[str, ...]
    command: tuple[str, ...] = ("solve", "{file}")
    suffix: str = ".toml"


def edited(id: str, old: str, new: str, *expect: str) -> Case:
    """The base problem with one piece of text replaced."""
    assert old in BASE, old
    return Case(id, BASE.replace(old, new, 1).encode("utf-8"), expect)


def value(id: str, text: str, *expect: str) -> Case:
    """The base problem with the learning rate given as ``text`` (a TOML string, raw Unicode kept)."""
    return edited(id, "learning_rate = 0.01", f"learning_rate = {json.dumps(text, ensure_ascii=False)}",
                  "training.learning_rate", *expect)


def raw(id: str, data: bytes, *expect: str) -> Case:
    return Case(id, data, expect)


PROBLEM_CASES: list[Case] = [
    # --- code injection: never executed, always named ------------------------------------------
    value("import-system", "__import__('os').system('touch {canary}')", "attribute access"),
    value("exec", "exec(\"open('{canary}', 'w')\")", "'exec' is not allowed"),
    value("eval", "eval('1')", "'eval' is not allowed"),
    value("open", "open('{canary}', 'w')", "'open' is not allowed"),
    value("subclasses", "().__class__.__bases__[0].__subclasses__()", "attribute access"),
    value("dunder-name", "__builtins__", "not allowed"),
    value("attribute", "sqrt.__globals__", "attribute access"),
    value("lambda", "(lambda: __import__('os').system('touch {canary}'))()", "lambda"),
    value("comprehension", "[c for c in 'abc']", "comprehensions"),
    value("f-string", "f'{__import__(\"os\").system(\"touch {canary}\")}'", "f-strings"),
    value("walrus", "(x := 1)", "assignment expressions"),
    value("keyword-argument", "max(1, key=2)", "keyword arguments"),
    value("starred-argument", "max(*[1, 2])", "starred arguments"),
    value("unlisted-function", "getattr(1, 'real')", "'getattr' is not allowed"),
    value("subscript", "sqrt[0]", "subscripts"),
    value("latex-input", r"\input{/etc/passwd}", r"\input is not supported"),
    value("latex-write18", r"\write18{touch {canary}}", r"\write is not supported"),
    value("latex-def", r"\def\x{1}\x", r"\def is not supported"),
    # --- numbers that are not plain decimals ---------------------------------------------------
    value("hex", "0x10", "hexadecimal"),
    value("octal", "0o17", "octal"),
    value("binary", "0b11", "binary"),
    value("underscores", "1_000", "underscores"),
    value("complex", "1j", "complex"),
    value("boolean", "True", "not a number"),
    value("ellipsis", "...", "not a number"),
    value("arabic-indic-digit", "٣", "U+0663", "digits 0-9"),
    value("fullwidth-digit", "１", "U+FF11", "digits 0-9"),
    value("zero-width-space", "0.0\u200b1", "invisible", "U+200B"),
    value("right-to-left-override", "1\u202e0", "invisible", "U+202E"),
    value("control-character", "0.1\x07", "control character"),
    value("decimal-comma", "0,01", "decimals with a point"),
    value("decimal-comma-tuple", "0,5", "decimals with a point"),
    # --- values that are not finite or not real ------------------------------------------------
    value("nan-text", "nan", "not a finite number"),
    value("inf-text", "-inf", "not a finite number"),
    value("division-by-zero", "1/0", "division by zero"),
    value("log-of-zero", "log(0)", "not positive"),
    value("sqrt-of-negative", "sqrt(-2)", "negative"),
    value("zero-in-disguise", "1/(sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)))", "cannot be told apart from 0"),
    value("latex-division-by-zero", r"\frac{1}{0}", "division by zero"),
    value("empty", "", "empty value"),
    value("negative", "-0.5", "must be positive"),
    # --- absurd work -----------------------------------------------------------------------------
    value("power-tower", "9**9**9", "too large"),
    value("power-tower-caret", "2^2^2^2^2", "too large"),
    value("huge-product", "10^999 * 10^999 * 10^999", "2000 digits"),
    value("exp-tower", "exp(exp(exp(10)))", "too large"),
    value("huge-root", "sqrt(" + "9" * 60 + " * " + "7" * 60 + ")", "root"),
    value("merged-roots", "sqrt(" + "7" * 60 + ") * sqrt(" + "3" * 59 + ")", "product of roots"),
    value("long-literal", "1" + "0" * 80, "60 digits"),
    value("hundred-thousand-characters", "1+" * 50_000 + "1", "characters long"),
    value("thousand-deep-nesting", "(" * 1000 + "1" + ")" * 1000, "characters long"),
    value("hundred-deep-nesting", "(" * 100 + "1" + ")" * 100, "nested 100 deep"),
    value("latex-deep-nesting", r"\frac{1}{" * 40 + "2" + "}" * 40, "nested"),
    # --- TOML numbers ---------------------------------------------------------------------------
    edited("toml-nan", "learning_rate = 0.01", "learning_rate = nan", "training.learning_rate", "not a finite"),
    edited("toml-inf", "learning_rate = 0.01", "learning_rate = -inf", "training.learning_rate", "not a finite"),
    edited("toml-huge-exponent", "learning_rate = 0.01", "learning_rate = 1e999999",
           "training.learning_rate", "exponent"),
    edited("toml-long-integer", "W1 = 1", "W1 = 1" + "0" * 70, "initial.W1", "60 digits"),
    edited("toml-thousands-of-digits", "W1 = 1", "W1 = 1" + "0" * 5000, "thousands of digits"),
    edited("toml-boolean", "learning_rate = 0.01", "learning_rate = true", "training.learning_rate", "a boolean"),
    edited("toml-date", "learning_rate = 0.01", "learning_rate = 1979-05-27", "training.learning_rate", "a date"),
    edited("toml-array-for-number", "learning_rate = 0.01", "learning_rate = [0.01]",
           "training.learning_rate", "expected a number"),
    # --- structure: missing, unknown, duplicated, wrong types ---------------------------------------
    edited("missing-key", "learning_rate = 0.01\n", "", "training.learning_rate", "required but missing"),
    edited("misspelt-table", "[initial]", "[initialisation]", "initialisation", "did you mean 'initial'"),
    edited("missing-table", BASE[BASE.index("[initial]"):BASE.index("[training]")], "", "initial",
           "required but missing"),
    edited("misspelt-key", "learning_rate", "learnig_rate", "training.learnig_rate", "did you mean 'learning_rate'"),
    edited("unknown-top-level-key", 'title = "hostile corpus base"',
           'title = "hostile corpus base"\nexploit = 1', "exploit", "unknown key"),
    edited("misspelt-kind", 'kind = "backprop"', 'kind = "backprob"', "kind", "did you mean 'backprop'"),
    edited("missing-kind", 'kind = "backprop"\n', "", "kind", "required but missing"),
    edited("duplicate-key", "b1 = 0", "b1 = 0\nb1 = 1", "line 12", "given a value twice"),
    edited("duplicate-table", "[training]", "[initial]\n[training]", "line 15", "declared twice"),
    edited("layers-as-text", "layers = [1, 1, 1]", 'layers = "1,1,1"', "network.layers", "array of layer sizes"),
    edited("network-as-text", BASE[BASE.index("[network]"):BASE.index("[initial]")], 'network = "x"\n\n',
           "network", "expected a table, got text"),
    edited("samples-as-number", "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]", "samples = 3",
           "training.samples", "expected an array of tables"),
    edited("samples-empty", "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]", "samples = []",
           "training.samples", "must not be empty"),
    edited("too-many-samples", "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]",
           "samples = [" + ", ".join(["{ x = 1, y = 3 }"] * 65) + "]", "training.samples", "limit is 64"),
    edited("epochs-huge", "learning_rate = 0.01", "learning_rate = 0.01\nepochs = " + "9" * 30,
           "training.epochs", "out of range"),
    edited("epochs-negative", "learning_rate = 0.01", "learning_rate = 0.01\nepochs = -1",
           "training.epochs", "out of range"),
    edited("batch-size-with-sgd", "learning_rate = 0.01", "learning_rate = 0.01\nbatch_size = 2",
           "training.batch_size", 'only with mode = "minibatch"'),
    edited("activation-not-text", 'activations = ["relu", "identity"]',
           'activations = [[' + ", ".join(['"relu"'] * 300) + '], "identity"]',
           "network.activations[1]", "is not one of"),
    edited("relu-prime-out-of-range", 'loss = "half_mse"', 'loss = "half_mse"\nrelu_prime_at_zero = 2',
           "network.relu_prime_at_zero", "between 0 and 1"),
    edited("relu-prime-undecidable", 'loss = "half_mse"',
           'loss = "half_mse"\nrelu_prime_at_zero = "1 + log(6) - log(2) - log(3)"',
           "network.relu_prime_at_zero", "cannot be told apart from 0"),
    edited("both-w1-and-W1", "W1 = 1", "W1 = 1\nw1 = 2", "initial.w1", "given twice"),
    edited("decimals-out-of-range", 'title = "hostile corpus base"', 'title = "hostile corpus base"\ndecimals = 31',
           "decimals", "out of range"),
    edited("key-with-line-break", 'title = "hostile corpus base"', 'title = "hostile corpus base"\n"a\\nb" = 1',
           '"a\\nb"', "unknown key"),
    edited("hundred-thousand-character-key", 'title = "hostile corpus base"',
           'title = "hostile corpus base"\n' + "k" * 100_000 + " = 1", "unknown key"),
    edited("title-too-long", 'title = "hostile corpus base"', 'title = "' + "t" * 1000 + '"', "title", "too long"),
    # --- the file itself ----------------------------------------------------------------------------
    raw("empty-file", b"", "kind", "required but missing"),
    raw("too-large", BASE.encode() + b"#" * (300 * 1024), "the limit is 262144"),
    raw("invalid-utf8", BASE.replace("hostile", "hostile \udcff", 1).encode("utf-8", "surrogateescape"),
        "line 2, column 18", "not valid UTF-8"),
    raw("utf16", BASE.encode("utf-16"), "UTF-16"),
    raw("binary-garbage", bytes(range(256)) * 4, "not valid UTF-8"),
    raw("nul-byte", BASE.encode().replace(b"hostile", b"host\x00ile", 1), "NUL"),
    raw("unterminated-string", BASE.replace('"hostile corpus base"', '"hostile corpus base').encode(),
        "line 2", "TOML syntax"),
    raw("deeply-nested-arrays", BASE.encode() + b"x = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    raw("nested-inline-tables", BASE.replace("[network]", "deep = " + "{a = " * 12 + "1" + "}" * 12 + "\n[network]")
        .encode(), "deep.a.a.a", "nested more than 8 levels"),
]


# --- answer files for `check` ------------------------------------------------------------------

CHECK = ("check", "relu-111-sgd", "{file}")


def answers(id: str, data: bytes, *expect: str) -> Case:
    """An answer file that cannot be read at all: exit 2 and one line."""
    return Case(id, data, expect, command=CHECK)


ANSWER_FILE_CASES: list[Case] = [
    answers("answers-invalid-utf8", b"s1.z1 = \"\xff\"\n", "not valid UTF-8"),
    answers("answers-utf16", "s1.z1 = 1\n".encode("utf-16"), "UTF-16"),
    answers("answers-nul", b"s1.z1 = 1\x00\n", "NUL"),
    answers("answers-too-large", b"s1.z1 = 1\n" + b"#" * (300 * 1024), "the limit is 262144"),
    answers("answers-deep-arrays", b"s1.z1 = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    answers("answers-too-many", "".join(f"k{i} = 1\n" for i in range(6000)).encode(), "more than 5000 answers"),
    answers("answers-binary", bytes(range(256)) * 8, "not valid UTF-8"),
    answers("answers-inline-nesting", b"s1 = " + b"{a = " * 12 + b"1" + b"}" * 12 + b"\n", "nested more than 8 levels"),
]


@dataclass(frozen=True)
class LineCase:
    """An answer file with a line TOML cannot read: that line's key is invalid, with a reason containing
    ``expect``, and every other line is graded (its key and verdict in ``graded``)."""

    id: str
    data: bytes
    key: str
    expect: str
    graded: tuple[str, str] = ("s1.a1", "correct")


ANSWER_LINE_CASES: list[LineCase] = [
    LineCase("line-toml-syntax", b"s1.z1 = = 1\ns1.a1 = 1\n", "s1.z1", "line 1: cannot read '= 1'"),
    LineCase("line-duplicate-key", b"s1.a1 = 1\ns1.z1 = 1\ns1.z1 = 2\n", "s1.z1", "written twice"),
    LineCase("line-key-and-table", b"s1 = 1\ns1.a1 = 1\n", "s1", "no step 's1'"),
    LineCase("line-unterminated", b's1.z1 = "1.02\ns1.a1 = 1\n', "s1.z1", "line 1"),
    LineCase("line-no-key", b"just some words\ns1.a1 = 1\n", "line 1", "expected key = value"),
    LineCase("line-bad-header", b"[s1\na1 = 1\n", "line 1", "table header"),  # read as the table s1
    LineCase("line-unclosed-array", b"s1.z1 = [1, 2\ns1.a1 = 1\n", "s1.z1", "line 1"),
    LineCase("line-code", b"s1.z1 = __import__('os').system('true')\ns1.a1 = 1\n", "s1.z1", "not allowed"),
]


@dataclass(frozen=True)
class ValueCase:
    """One hostile answer value: it must be marked invalid, with a reason containing ``expect``."""

    id: str
    line: str
    expect: str


ANSWER_VALUE_CASES: list[ValueCase] = [
    ValueCase("value-import", "s1.z1 = \"__import__('os').system('touch {canary}')\"", "attribute access"),
    ValueCase("value-open", "s1.z1 = \"open('{canary}', 'w')\"", "'open' is not allowed"),
    ValueCase("value-lambda", "s1.z1 = \"(lambda: 1)()\"", "lambda"),
    ValueCase("value-fstring", "s1.z1 = \"f'{{1}}'\"", "f-strings"),
    ValueCase("value-dunder", "s1.z1 = \"__class__\"", "not allowed"),
    ValueCase("value-power-tower", "s1.z1 = \"9^9^9^9\"", "too large"),
    ValueCase("value-nan", "s1.z1 = nan", "not a number"),
    ValueCase("value-inf-text", "s1.z1 = \"inf\"", "inf"),
    ValueCase("value-division-by-zero", "s1.z1 = \"1/0\"", "division by zero"),
    ValueCase("value-log-zero", "s1.z1 = \"log(0)\"", "logarithm"),
    ValueCase("value-sqrt-negative", "s1.z1 = \"sqrt(-1)\"", "negative"),
    ValueCase("value-hex", "s1.z1 = \"0x10\"", "hexadecimal"),
    ValueCase("value-complex", "s1.z1 = \"1j\"", "complex"),
    ValueCase("value-zero-width", "s1.z1 = \"1\u200b.02\"", "invisible character"),
    ValueCase("value-arabic-digit", "s1.z1 = \"\u0661\"", "digits 0-9"),
    ValueCase("value-empty", "s1.z1 = \"\"", "empty"),
    ValueCase("value-boolean", "s1.z1 = true", "boolean"),
    ValueCase("value-long", "s1.z1 = \"" + "1+" * 600 + "1\"", "characters long"),
    ValueCase("value-deep", "s1.z1 = \"" + "(" * 100 + "1" + ")" * 100 + "\"", "nested"),
    ValueCase("value-latex-input", "s1.z1 = '\\input{/etc/passwd}'", "\\input is not supported"),
    ValueCase("value-latex-escape", "s1.z1 = \"\\frac{1}{2}\"", "single quotes"),
    ValueCase("value-table", "s1.z1 = { a = 1 }", "table"),
    ValueCase("value-wrong-shape", "s1.z1 = [1, 2, 3]", "expected one value"),
    ValueCase("value-unknown-name", "s1.z1 = \"w9 + 1\"", "unknown name"),
]
