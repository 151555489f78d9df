"""Bounded worker processes: a job that runs too long, uses too much CPU or memory, or crashes is
reported with the reason, the others finish, and the outcomes come back in input order.
"""

from __future__ import annotations

import operator
import os
import signal
import time

import pytest

from solver.checking.sandbox import Limits, Outcome, run_many, run_one

pytestmark = pytest.mark.skipif(os.name != "posix", reason="resource limits are POSIX")

QUICK = Limits(seconds=5, cpu_seconds=5, memory_bytes=256 << 20)


def sleep_then_return(seconds: float, value):
    time.sleep(seconds)
    return value


def big_power():
    """C-level big-number work that Python's signal handlers would not see until it finished."""
    return 3 ** (10**8)


def busy_loop():
    while True:
        pass


def allocate(size: int):
    return len(bytearray(size))


def die(how: str):
    if how == "exit":
        os._exit(7)
    os.kill(os.getpid(), signal.SIGSEGV)


def fail():
    raise ValueError("not a number")


def process_id(_):
    return os.getpid()


def unpicklable():
    return lambda: None


def grade(n: int):
    """A batch job: most return at once, every tenth is a bomb of one kind or another."""
    if n % 10 == 3:
        return big_power()
    if n % 10 == 7:
        return allocate(4 << 30)
    return n * n


def test_outcomes_come_back_in_input_order_whatever_order_they_finish_in():
    jobs = [(0.3, "a"), (0.0, "b"), (0.2, "c"), (0.0, "d"), (0.1, "e")]
    outcomes = run_many(sleep_then_return, jobs, QUICK, workers=2)
    assert [o.value for o in outcomes] == ["a", "b", "c", "d", "e"]
    assert all(o.ok for o in outcomes)


def test_c_level_big_number_work_is_stopped_by_the_wall_clock():
    start = time.monotonic()
    outcome = run_one(big_power, (), Limits(seconds=0.5, cpu_seconds=60, memory_bytes=1 << 30))
    assert outcome.failure == "time" and "longer than 0.5 s" in outcome.reason
    assert time.monotonic() - start < 5


def test_cpu_time_is_limited_by_the_kernel():
    outcome = run_one(busy_loop, (), Limits(seconds=60, cpu_seconds=1, memory_bytes=256 << 20))
    assert outcome.failure == "cpu" and "1 s of CPU time" in outcome.reason


def test_memory_is_limited():
    outcome = run_one(allocate, (4 << 30,), QUICK)
    assert outcome.failure == "memory" and "256 MB" in outcome.reason
    assert run_one(allocate, (1 << 20,), QUICK).value == 1 << 20


@pytest.mark.parametrize("how, words", [("exit", "status 7"), ("signal", "SIGSEGV")])
def test_a_crash_is_reported(how, words):
    outcome = run_one(die, (how,), QUICK)
    assert outcome.failure == "crash" and words in outcome.reason


def test_an_exception_is_the_jobs_outcome():
    outcome = run_one(fail, (), QUICK)
    assert outcome == Outcome(failure="error", reason="ValueError: not a number")


def test_a_result_that_cannot_be_returned_is_an_error():
    outcome = run_one(unpicklable, (), QUICK)
    assert outcome.failure == "error" and "cannot be returned" in outcome.reason


def test_workers_are_reused_while_jobs_succeed_and_replaced_after_a_failure():
    pids = run_many(process_id, [(i,) for i in range(8)], QUICK, workers=2)
    assert len({o.value for o in pids}) <= 2
    mixed = run_many(grade, [(7,), (1,), (2,)], QUICK, workers=1)
    assert mixed[0].failure == "memory" and [o.value for o in mixed[1:]] == [1, 4]


def test_a_batch_with_bombs_grades_the_others(tmp_path):
    """Thirty jobs, every tenth a CPU bomb or a memory bomb: the rest are graded, the bombs reported."""
    done = []
    start = time.monotonic()
    outcomes = run_many(grade, [(n,) for n in range(30)], Limits(seconds=1, cpu_seconds=5, memory_bytes=256 << 20),
                        workers=2, on_done=lambda index, outcome: done.append(index))
    elapsed = time.monotonic() - start
    assert sorted(done) == list(range(30))
    for n, outcome in enumerate(outcomes):
        if n % 10 == 3:
            assert outcome.failure == "time"
        elif n % 10 == 7:
            assert outcome.failure == "memory"
        else:
            assert outcome.value == n * n
    assert elapsed < 20  # three bombs of 1 s each on two workers, and start-up


def test_another_start_method_with_a_picklable_function():
    assert run_one(operator.add, (2, 3), QUICK, start_method="spawn").value == 5


def test_no_jobs_no_work():
    assert run_many(operator.add, [], QUICK) == []
