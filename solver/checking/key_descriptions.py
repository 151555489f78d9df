"""What each key of a derivation is, in a few words, from the model alone: the quantity's printed
name and its section's context (``∂L/∂w₁ in update 2``).  Used by templates and Gradescope tests."""

from __future__ import annotations

from solver.derivation.model import Derivation


def describe_keys(derivation: Derivation) -> dict[str, str]:
    """Every step key → its description."""
    out = {}
    for section in derivation.sections:
        for step in section.steps:
            out[step.key] = " ".join(filter(None, (step.notation.text, section.context)))
    return out
