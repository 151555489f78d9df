"""A question sheet: what a problem gives and what it asks, with no answer in it.

Every renderer writes the same sheet from a derivation: the problem's title and description,
each section's givens with their values, and the quantities to compute with their names, keys
and the form an answer takes, for a blank answer table.  The sheet holds no step's value, formula,
note or table, so no medium can print an answer by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

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
    #: What the answer is worth, when the problem's ``[grading]`` table says (else None).
    points: Fraction | None = None

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


def question(step: Step, points: Fraction | None = None) -> Question:
    """What a step asks, without its value."""
    return Question(step.key, step.notation, step.shape, step.labels, step.equation_of, points)


def question_sheet(derivation: Derivation) -> QuestionSheet:
    """The derivation's question sheet: the keys its grading scheme asks for (every step's, unless
    the problem's ``[grading]`` table chooses, which also gives their points); sections that
    neither give nor ask anything are left out."""
    scheme = derivation.scheme
    asked = dict(zip(scheme.keys, scheme.points))
    sections = []
    for s in derivation.sections:
        questions = tuple(question(step, asked[step.key] if scheme.chosen else None)
                          for step in s.steps if step.key in asked)
        if s.givens or questions:
            sections.append(QuestionSection(s.title, s.givens, questions))
    sections = tuple(sections)
    return QuestionSheet(derivation.problem, derivation.kind, derivation.title,
                         _statement(derivation.description), sections)


def _statement(text: Text) -> Text:
    """The description with any computed value in it replaced by the quantity's name."""
    return tuple(Math(f.quantity.symbol) if isinstance(f, Value) and isinstance(f.quantity, Step) else f
                 for f in text)
