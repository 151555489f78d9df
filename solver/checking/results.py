"""Verdicts: the result for one written key, the mistakes a whole file shares, and every result for one file."""

from __future__ import annotations

from dataclasses import dataclass, field

ACCEPTED = ("correct", "follows_through")


@dataclass(slots=True)
class Result:
    """The verdict on one written key."""

    key: str
    step: str
    verdict: str
    given: str
    expected: str
    formula: str = ""
    yours: str | None = None
    mistake: str | None = None
    diagnosis: str | None = None
    reason: str | None = None
    order: tuple[int, int] = (0, 0)
    #: The step's formula worked from the student's own numbers: "w₁·x + b₁ = 1.0588·3 + 0.0388 = 3.2152".
    working: str | None = None
    #: Other mistakes (ids) the written value is also consistent with.
    also: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.verdict in ACCEPTED


@dataclass(frozen=True)
class Pattern:
    """A mistake named on several answers of one file, reported once: its id, a sentence, the keys."""

    mistake: str
    diagnosis: str
    keys: tuple[str, ...]


@dataclass
class FileReport:
    """Every verdict for one answer file, in the order of the derivation; or, in ``error``, why the
    file was not graded (where in it and what, without its name)."""

    file: str
    results: list[Result] = field(default_factory=list)
    error: str | None = None
    patterns: list[Pattern] = field(default_factory=list)
    #: With ``check --variants``: whose file it is, and the variant it was graded against.
    student: str | None = None
    variant: str | None = None

    @property
    def first_wrong(self) -> Result | None:
        return next((r for r in self.results if r.verdict == "wrong"), None)

    @property
    def all_accepted(self) -> bool:
        return self.error is None and all(r.accepted for r in self.results)

    def count(self, verdict: str) -> int:
        return sum(r.verdict == verdict for r in self.results)

