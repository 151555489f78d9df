"""``python -m solver variants PROBLEM --count N --seed S -o DIR``: nice-number variants of a problem."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from solver.errors import InputError
from solver.kinds import catalog
from solver.reading.roster import VARIANT, Roster, read_roster
from solver.reading.vary_table import VaryTable, read_vary
from solver.teaching import variant_files
from solver.teaching.niceness import Rules, read_requirements
from solver.teaching.search import Search, construction, search

#: Solved draws allowed per variant asked for, unless ``--budget`` says otherwise.
DRAWS_PER_VARIANT = 50
MIN_BUDGET = 500


def run_variants(args: argparse.Namespace) -> int:
    source, doc = catalog.read_problem(args.problem)
    try:
        table = read_vary(doc)
    except InputError as error:
        raise error.in_source(source) from None
    original = catalog.solve(doc, source)
    try:
        rules = Rules(table.max_places, read_requirements(table.require, original))
    except InputError as error:
        raise error.in_source(source) from None
    try:
        construction(doc, table)
    except InputError as error:
        raise error.in_source(source) from None
    roster = _read_roster(args.roster) if args.roster else None
    _check_space(table, args.count, source)
    variant_files.check_room(args.output)
    budget = args.budget or max(MIN_BUDGET, DRAWS_PER_VARIANT * args.count)
    started = time.perf_counter()
    found = _search(doc, source, table, rules, args, budget)
    if len(found.accepted) < args.count:
        raise InputError(
            f"only {len(found.accepted)} nice variants of the {args.count} asked for in {found.solved} draws "
            f"({found.acceptance:.0%} accepted); most draws were rejected by {found.most_rejected()}: widen the "
            "allowed values, relax vary.require, or raise --budget", source=source, path="vary")
    root = variant_files.prepare(args.output)
    variant_files.write_variants(root, found.accepted, args.format)
    counts = None
    if roster is not None:
        assignment = args.assignment or Path(source).stem
        counts = variant_files.write_roster(root, roster, assignment, [v.id for v in found.accepted])
    _summary(source, args, found, roster, counts, time.perf_counter() - started)
    return 0


def _read_roster(path: str) -> Roster:
    roster = read_roster(Path(path), path)
    if VARIANT in roster.columns:
        raise InputError(f"already has a {VARIANT} column; give the class list without it", source=path, line=1)
    return roster


def _check_space(table: VaryTable, count: int, source: str) -> None:
    """Refuse at once a count the table cannot give, whatever the budget."""
    if table.space - 1 < count:
        raise InputError(f"the [vary] table allows only {table.space} different problems (one of them the "
                         f"original); {count} variants cannot be drawn from it", source=source, path="vary")


def _search(doc, source: str, table: VaryTable, rules: Rules, args: argparse.Namespace, budget: int) -> Search:
    if not sys.stderr.isatty():
        return search(doc, source, table, rules, args.count, args.seed, budget)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(file=sys.stderr)) as progress:
        task = progress.add_task("Drawing variants", total=args.count)
        return search(doc, source, table, rules, args.count, args.seed, budget,
                      lambda found: progress.update(task, completed=len(found.accepted)))


def _summary(source: str, args, found: Search, roster: Roster | None, counts, seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=sys.stdout, highlight=False)
    console.print(Text(f"{len(found.accepted)} variants of {source} in {args.output} ({args.format}, seed "
                       f"{args.seed}), {seconds:.1f} s"), soft_wrap=True)
    unplaced = f"; constructions with no place for every point: {found.unplaced}" if found.unplaced else ""
    console.print(Text(f"Draws solved: {found.solved}, accepted: {len(found.accepted)} "
                       f"({found.acceptance:.0%}); duplicates skipped: {found.duplicates}{unplaced}"),
                  soft_wrap=True)
    if found.rejected:
        table = Table(title="Why draws were rejected", title_justify="left")
        table.add_column("Draws", justify="right")
        table.add_column("Condition")
        table.add_column("Most often at")
        for condition, n in found.rejected.most_common():
            keys = found.where[condition]
            key = keys.most_common(1)[0][0] if keys else ""
            table.add_row(str(n), Text(condition), Text(key))
        console.print(table)
    if roster is not None and counts is not None:
        used = sum(1 for n in counts.values() if n)
        console.print(Text(f"Roster: {len(roster.rows)} students assigned to {used} of {len(counts)} variants "
                           f"(at most {max(counts.values())} a variant) in {Path(args.output) / 'roster.csv'}"),
                      soft_wrap=True)
