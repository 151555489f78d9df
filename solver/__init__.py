"""solver: exact, step-by-step solutions of small machine-learning exercises, and answer checking.

From Python: ``solver.solve(problem)`` returns a :class:`~solver.api.Solution` and
``solver.check(problem, answers)`` a :class:`~solver.api.Report` (see :mod:`solver.api`).  They are
imported on first use, so ``import solver`` stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["solve", "check", "Solution", "Report", "__version__"]


def __getattr__(name: str):
    if name in ("solve", "check", "Solution", "Report"):
        from solver import api

        return getattr(api, name)
    raise AttributeError(f"module 'solver' has no attribute {name!r}")
