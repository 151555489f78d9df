"""The answer file a student fills in: every step's key, grouped by section, values blank."""

from __future__ import annotations

import json

from solver.derivation.model import Derivation
from solver.render.escape import plain_line

HEADER = """\
# Answer file for {problem}: {title}
# Write each value you computed after its key. A key left blank ("") is marked invalid (no answer);
# delete the keys you were not asked for.
# Values may be numbers (1.0583), text holding fractions or expressions ("1/3", "0.02 - 0.01*(-1.9164)"),
# and arrays for vectors and matrices ([1, 2] or [[1, 2], [3, 4]]); one element may be given as s1.W1[1,2].
"""


def answer_template(derivation: Derivation) -> str:
    """TOML text with every key of the derivation and an empty value."""
    lines = [HEADER.format(problem=plain_line(derivation.problem), title=plain_line(derivation.title))]
    for section in derivation.sections:
        if not section.steps:
            continue
        lines.append(f"# {plain_line(section.title)}")
        for step in section.steps:
            lines.append(f"{_key(step.key)} = \"\"{_hint(step)}")
        lines.append("")
    return "\n".join(lines)


def _hint(step) -> str:
    """A comment saying what shape of answer the key takes, where a plain number will not do."""
    if step.is_set:
        example = ", ".join(json.dumps(label) for label in step.labels[:2])
        return f"  # a list of names, e.g. [{example}]"
    if step.is_equation:
        variables = ", ".join(n.plain for n in step.equation_of)
        return f'  # an equation in {variables}, e.g. "{step.equation_of[0].plain} - 1 = 0"'
    return "" if step.is_scalar else f"  # {step.shape[0]}×{step.shape[1]}"


def _key(key: str) -> str:
    """A dotted TOML key; parts that are not bare keys are quoted."""
    parts = key.split(".")
    return ".".join(p if p.replace("_", "").replace("-", "").isalnum() and p.isascii() else json.dumps(p)
                    for p in parts)
