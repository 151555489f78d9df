"""The problem kinds: each is one module whose ``build`` turns a problem file into a derivation.

Nothing outside a kind's module asks which kind it holds; the command line learns the kinds,
their commands and default problems from this table, and :mod:`solver.kinds.catalog` finds a problem
by name or path and builds it.  Modules are imported only when used, so ``backprop`` never pays for
the SVM's optimisation libraries.

Imports maths, reading and the derivation model; never render, checking or the command line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads this table to build its help: importing it stays light
    from solver.derivation.model import Derivation
    from solver.reading.problem_file import Doc

#: Top-level keys every problem file may have, whatever its kind.
COMMON_KEYS = ("kind", "title", "decimals", "tolerance", "grading", "vary")


@dataclass(frozen=True)
class Kind:
    """A problem kind: its name (also its command), module and default built-in problem."""

    name: str
    module: str
    default_problem: str
    summary: str


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("backprop", "solver.kinds.backprop", "relu-111-sgd", "gradient-descent updates of a small network"),
        Kind("svm", "solver.kinds.svm", "svm-given-hyperplane", "maximum-margin hyperplanes, margins and classes"),
        Kind("softmax", "solver.kinds.softmax", "softmax-ce", "softmax and cross-entropy gradients"),
        Kind("graph", "solver.kinds.graph", "graph-skip", "chain rule over every path of a computational graph"),
        Kind("kernel", "solver.kinds.kernel", "kernel-rings", "feature maps, Gram matrices, kernel SVMs"),
        Kind("network", "solver.kinds.network", "network-tent", "verify a hand-built network against its target"),
    )
}


def variant_proposal(kind: str) -> Callable | None:
    """The kind's own construction of variants (``propose_variant`` in its module), if it has one."""
    return getattr(importlib.import_module(KINDS[kind].module), "propose_variant", None)


def build(doc: Doc, problem: str, decimals: int) -> Derivation:
    """The derivation of a problem file, by the module of its kind."""
    kind = doc.text("kind", choices=list(KINDS))
    module = importlib.import_module(KINDS[kind].module)
    return module.build(doc, problem, decimals)
