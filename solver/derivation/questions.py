"""A question sheet: what a problem gives and what it asks, with no answer in it.

Every renderer writes the same sheet from a derivation: the problem's title and description,
each section's givens with their values, and the quantities to compute with their names, keys
and the form an answer takes, for a blank answer table.  The sheet holds no step's value, formula,
note or table, so no medium can print an answer by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.derivation.model import Derivation, Math, Quantity, Shape, Step, Text, Value
from solver.maths.notation import Notation


@dataclass(frozen=True)
class Question:
    """One quantity to compute: its key and name, and the form of its answer (never its value)."""

    key: str
    notation: Notation
    shape: Shape
    #: For a set (the support vectors): the names its members are chosen from.
    labels: tuple[str, ...] = ()
    #: For an equation (a hyperplane): its variables.
    variables: tuple[Notation, ...] = ()

    @property
    def form(self) -> str:
        """``number``, ``vector``, ``matrix``, ``set`` or ``equation``."""
        if self.labels:
            return "set"
        if self.variables:
            return "equation"
        if self.shape == (1, 1):
            return "number"
        return "vector" if 1 in self.shape else "matrix"


@dataclass(frozen=True)
class QuestionSection:
    """A section of the problem: the givens it introduces and what it asks."""

    title: str
    givens: tuple[Quantity, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class QuestionSheet:
    """The problem statement and the questions, section by section."""

    problem: str
    kind: str
    title: str
    description: Text
    sections: tuple[QuestionSection, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)


def question(step: Step) -> Question:
    """What a step asks, without its value."""
    return Question(step.key, step.notation, step.shape, step.labels, step.equation_of)


def question_sheet(derivation: Derivation) -> QuestionSheet:
    """The derivation's question sheet; sections that neither give nor ask anything are left out."""
    sections = tuple(
        QuestionSection(s.title, s.givens, tuple(question(step) for step in s.steps))
        for s in derivation.sections
        if s.givens or s.steps
    )
    return QuestionSheet(derivation.problem, derivation.kind, derivation.title,
                         _statement(derivation.description), sections)


def _statement(text: Text) -> Text:
    """The description with any computed value in it replaced by the quantity's name."""
    return tuple(Math(f.quantity.symbol) if isinstance(f, Value) and isinstance(f.quantity, Step) else f
                 for f in text)
