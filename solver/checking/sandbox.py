"""Running a function on many untrusted inputs in worker processes bounded in time and memory.

A grader checks a stack of students' files, and one of them may be built to exhaust the machine.
Each job runs in a worker process whose CPU time (``RLIMIT_CPU``) and address space
(``RLIMIT_AS``) are limited before the job starts, and the parent kills a worker whose job
outlives its wall-clock allowance.  Both hold for C-level work — a big-number power that Python's
signal handlers would only see after it finished — because the kernel delivers the CPU limit and
the parent's kill.  A job that fails is reported with the reason and the batch goes on, in
parallel across cores, with the outcomes in the order of the inputs.

Workers are reused while their jobs succeed; a worker whose job failed is replaced, since its
state can no longer be trusted.  With the ``fork`` start method (the default where there is one)
workers inherit everything the parent has loaded or computed, such as a solved problem; with
``spawn`` or ``forkserver`` the function and its arguments must be picklable.
"""

from __future__ import annotations

import faulthandler
import math
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

try:
    import resource
except ImportError:  # not a POSIX system: only the wall-clock limit holds
    resource = None


@dataclass(frozen=True)
class Limits:
    """What one job may use: wall-clock seconds, CPU seconds, and memory beyond what its worker holds."""

    seconds: float = 10.0
    cpu_seconds: int = 10
    memory_bytes: int = 1 << 30


@dataclass(frozen=True)
class Outcome:
    """What became of one job: its value, or why it has none.

    ``failure`` is None for a job that returned, else ``"time"`` (wall clock), ``"cpu"``,
    ``"memory"``, ``"crash"`` (the worker died) or ``"error"`` (the function raised);
    ``reason`` says it in a sentence.
    """

    value: Any = None
    failure: str | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None


# --- in the worker -----------------------------------------------------------------------------


def _address_space() -> int | None:
    """The worker's current virtual memory size in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _set_soft_limit(kind: int, soft: int) -> None:
    """Set a soft limit, never above the hard one (RLIM_INFINITY is -1, so min() alone would not do)."""
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY and (soft == resource.RLIM_INFINITY or soft > hard):
        soft = hard
    resource.setrlimit(kind, (soft, hard))


def _limit(limits: Limits) -> None:
    """Bound the next job: CPU seconds on top of what this worker has used, memory on top of what it holds."""
    if resource is None:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _set_soft_limit(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime + limits.cpu_seconds))
    size = _address_space()
    if size is not None:
        _set_soft_limit(resource.RLIMIT_AS, size + limits.memory_bytes)


def _unlimit() -> None:
    """Lift the job's limits, so that reporting its outcome cannot fail for want of memory."""
    if resource is not None:
        for kind in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
            _set_soft_limit(kind, resource.RLIM_INFINITY)


def _settle_in() -> None:
    """A worker writes nothing to the parent's terminal (not even a crash report) and leaves no core files."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = open(devnull, "w", closefd=False)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run(function: Callable, args: tuple, limits: Limits) -> Outcome:
    _limit(limits)
    try:
        return Outcome(value=function(*args))
    except MemoryError:
        return Outcome(failure="memory", reason=f"needed more than {_megabytes(limits.memory_bytes)} of memory")
    except RecursionError:
        return Outcome(failure="error", reason="nested too deeply (RecursionError)")
    except BaseException as error:  # whatever the function raises is its outcome, not the worker's end
        return Outcome(failure="error", reason=f"{type(error).__name__}: {error}"[:500])
    finally:
        _unlimit()


def _worker(connection: Connection, function: Callable, limits: Limits) -> None:
    """Run jobs as they arrive until told to stop (None) or until one fails."""
    _settle_in()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, args = job
        outcome = _run(function, args, limits)
        try:
            connection.send((index, outcome))
        except Exception as error:  # an unpicklable value: report that instead
            outcome = Outcome(failure="error", reason=f"its result cannot be returned: {type(error).__name__}")
            connection.send((index, outcome))
        if not outcome.ok:
            return


# --- in the parent ------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):g} MB"


def _death_reason(exitcode: int | None, limits: Limits) -> Outcome:
    """Why a worker died without reporting: its CPU limit, or a crash by signal or exit."""
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        if number == getattr(signal, "SIGXCPU", None):
            return Outcome(failure="cpu", reason=f"used more than {limits.cpu_seconds} s of CPU time")
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return Outcome(failure="crash", reason=f"the worker process was killed by {name}")
    return Outcome(failure="crash", reason=f"the worker process exited with status {exitcode}")


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context, function: Callable, limits: Limits) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, function, limits), daemon=True)
        self.process.start()
        child.close()
        self.job: int | None = None
        self.deadline = math.inf

    def give(self, index: int, args: tuple, seconds: float) -> None:
        self.connection.send((index, args))
        self.job, self.deadline = index, time.monotonic() + seconds

    def stop(self, *, kill: bool = False) -> None:
        if self.process.is_alive() and not kill:
            try:
                self.connection.send(None)
            except OSError:
                kill = True
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _default_start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def run_many(
    function: Callable,
    jobs: Sequence[tuple],
    limits: Limits = Limits(),
    *,
    workers: int | None = None,
    start_method: str | None = None,
    on_done: Callable[[int, Outcome], None] | None = None,
) -> list[Outcome]:
    """``function(*args)`` for every ``args`` in ``jobs``, each bounded by ``limits``, in parallel.

    Returns one :class:`Outcome` per job, in the order of ``jobs``; ``on_done(index, outcome)`` is
    called as each finishes (for a progress bar).  Never raises for what a job does.
    """
    context = multiprocessing.get_context(start_method or _default_start_method())
    count = max(1, min(workers or default_workers(), len(jobs)))
    pending = deque(enumerate(jobs))
    outcomes: list[Outcome | None] = [None] * len(jobs)
    idle: list[_Worker] = []
    busy: list[_Worker] = []

    def finish(worker: _Worker, outcome: Outcome) -> None:
        busy.remove(worker)
        outcomes[worker.job] = outcome
        if on_done is not None:
            on_done(worker.job, outcome)
        if outcome.ok:
            idle.append(worker)
        else:
            worker.stop(kill=True)

    try:
        while pending or busy:
            while pending and len(busy) < count:
                worker = idle.pop() if idle else _Worker(context, function, limits)
                index, args = pending.popleft()
                busy.append(worker)
                try:
                    worker.give(index, tuple(args), limits.seconds)
                except Exception as error:  # arguments that cannot be sent
                    worker.job = index
                    finish(worker, Outcome(failure="error", reason=f"its input cannot be sent: {error}"))
            if not busy:
                continue
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout)
            for worker in list(busy):
                _collect(worker, limits, finish)
    finally:
        for worker in idle + busy:
            worker.stop(kill=worker in busy)
    return outcomes  # type: ignore[return-value]


def _collect(worker: _Worker, limits: Limits, finish: Callable[[_Worker, Outcome], None]) -> None:
    """Take a worker's outcome if it has one, or the reason it has none (death, time up)."""
    if worker.connection.poll():
        try:
            _, outcome = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(1.0)
            outcome = _death_reason(worker.process.exitcode, limits)
        except Exception as error:  # a result that cannot be unpickled here
            outcome = Outcome(failure="error", reason=f"its result cannot be read: {type(error).__name__}")
        finish(worker, outcome)
    elif not worker.process.is_alive():
        worker.process.join()
        finish(worker, _death_reason(worker.process.exitcode, limits))
    elif time.monotonic() >= worker.deadline:
        worker.process.kill()
        finish(worker, Outcome(failure="time", reason=f"took longer than {limits.seconds:g} s"))


def run_one(function: Callable, args: tuple = (), limits: Limits = Limits(), **options: Any) -> Outcome:
    """``function(*args)`` in one bounded worker process."""
    return run_many(function, [args], limits, workers=1, **options)[0]
