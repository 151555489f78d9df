"""The answer file a student fills in: every asked key, grouped by section, values blank, each with
a comment saying what it is; the header's examples are made from the problem's own keys."""

from __future__ import annotations

import json

from solver.checking.grading import score_text
from solver.checking.key_descriptions import describe_keys
from solver.derivation.model import Derivation, Step
from solver.render.common import array_text
from solver.render.escape import plain_line


def answer_template(derivation: Derivation) -> str:
    """TOML text with every asked key of the derivation and an empty value."""
    scheme = derivation.scheme
    asked = {key: points for key, points in zip(scheme.keys, scheme.points)}
    steps = [step for step in derivation.steps if step.key in asked]
    lines = _header(derivation, steps, asked)
    names = describe_keys(derivation)
    for section in derivation.sections:
        chosen = [step for step in section.steps if step.key in asked]
        if not chosen:
            continue
        lines.append(f"# {_one_line(section.title)}")
        width = max(len(_key(step.key)) for step in chosen)
        for step in chosen:
            entry = f'{_key(step.key)} = ""'.ljust(width + 5)
            comment = _one_line(names[step.key]) + _hint(step)
            if scheme.chosen and asked[step.key] != 1:
                comment += f" ({score_text(asked[step.key])} points)"
            lines.append(f"{entry}  # {comment}")
        lines.append("")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """Text from a file as one comment line: whitespace runs as a space, anything else hidden shown."""
    return plain_line(" ".join(text.split()))


def _header(derivation: Derivation, steps: list[Step], asked: dict) -> list[str]:
    scheme = derivation.scheme
    lines = [
        f"# Answer file for {_one_line(derivation.problem)}: {_one_line(derivation.title)}",
        "# Write each value you computed after its key, in place of \"\"; a key left blank counts as not answered.",
        "# For example:",
    ]
    lines.extend(_examples(steps))
    if any(s.symbolic is not None for s in steps):
        lines.append("# A value may also be a formula in the problem's names; it is checked as a formula.")
    if scheme.chosen:
        lines.append(f"# {len(scheme.keys)} keys are asked, {score_text(scheme.max_score)} points in all.")
    lines.append("")
    return lines


def _examples(steps: list[Step]) -> list[str]:
    """One example line per form of answer the asked keys take, made from their own keys."""
    examples = []
    scalar = next((s for s in steps if s.is_scalar and not s.is_set and not s.is_equation), None)
    if scalar is not None:
        examples.append((f"{_key(scalar.key)} = 0.25", "a number; or \"1/3\", or \"0.02 - 0.01*1.5\""))
    array = next((s for s in steps if not s.is_scalar and not s.is_set and not s.is_equation), None)
    if array is not None:
        rows, cols = array.shape
        examples.append((f"{_key(array.key)} = {_placeholder(array)}",
                         f"all {rows * cols} values" if 1 in (rows, cols) else f"{rows} rows of {cols}"))
        index = "[1,2]" if rows > 1 and cols > 1 else "[2]"
        examples.append((f"\"{array.key}{index}\" = 0.25", "one element, counted from 1"))
    named = next((s for s in steps if s.is_set), None)
    if named is not None:
        example = ", ".join(json.dumps(label) for label in named.labels[:2])
        examples.append((f"{_key(named.key)} = [{example}]", "a list of names"))
    equation = next((s for s in steps if s.is_equation), None)
    if equation is not None:
        variables = [n.plain for n in equation.equation_of]
        examples.append((f"{_key(equation.key)} = \"{' + '.join(variables)} - 1 = 0\"", "an equation, at any scale"))
    width = max((len(code) for code, _ in examples), default=0)
    return [f"#   {code.ljust(width)}   ({why})" for code, why in examples]


def _placeholder(step: Step) -> str:
    """An array of the step's shape with made-up numbers: ``[1, 2]`` or ``[[1, 2], [3, 4]]``."""
    rows, cols = step.shape
    return array_text([str(i + 1) for i in range(rows * cols)], step.shape)


def _hint(step: Step) -> str:
    """What shape of answer the key takes, where a plain number will not do."""
    if step.is_set:
        return "; a list of names"
    if step.is_equation:
        return "; an equation in " + ", ".join(n.plain for n in step.equation_of)
    if step.is_scalar:
        return ""
    rows, cols = step.shape
    return f"; {rows * cols} values" if 1 in (rows, cols) else f"; a {rows}×{cols} matrix"


def _key(key: str) -> str:
    """A dotted TOML key; parts that are not bare keys are quoted."""
    parts = key.split(".")
    return ".".join(p if p.replace("_", "").replace("-", "").isalnum() and p.isascii() else json.dumps(p)
                    for p in parts)
