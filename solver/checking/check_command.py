"""``python -m solver check PROBLEM ANSWERS...``: grade answer files against one solved problem."""

from __future__ import annotations

import argparse
import json
import math
import sys

from solver.checking import check_report
from solver.checking.batch import BatchOptions, grade_files
from solver.checking.checker import CheckPlan
from solver.checking.grading import GradedFile, Grader, summarise
from solver.checking.results import FileReport
from solver.checking.sandbox import Limits
from solver.checking.tolerance import Tolerance
from solver.checking.variant_check import grade_by_variant
from solver.errors import InputError
from solver.kinds import catalog
from solver.render import escape
from solver.render.output import output_stream, refuse_overwriting, write_text

EXIT_OK, EXIT_WRONG, EXIT_BAD_INPUT = 0, 1, 2
FORMATS = ("terminal", "json", "csv")


def build_plan(args: argparse.Namespace, problem: str | None = None) -> CheckPlan:
    """The compiled problem (``args.problem``, or the file ``problem``) with the tolerance the options ask for."""
    derivation = catalog.load(problem or args.problem)
    return CheckPlan(derivation, Tolerance.of(derivation, args.decimals, args.rtol, args.atol))


def grade_all(plan: CheckPlan, paths: list[str], options: BatchOptions, show_progress: bool) -> list[FileReport]:
    if not show_progress:
        return grade_files(plan, paths, options)
    from rich.console import Console
    from rich.progress import Progress

    from solver.checking.progress import columns

    with Progress(*columns(), transient=True, console=Console(file=sys.stderr)) as progress:
        task = progress.add_task("Checking", total=len(paths))
        return grade_files(plan, paths, options, lambda n: progress.advance(task, n))


def batch_options(args: argparse.Namespace) -> BatchOptions:
    limits = Limits(seconds=args.time_limit, cpu_seconds=math.ceil(args.time_limit),
                    memory_bytes=args.memory_limit << 20)
    return BatchOptions(workers=args.jobs, limits=limits)


def run_check(args: argparse.Namespace) -> int:
    answers = _answer_files(args)
    if args.gradescope and len(answers) != 1:
        raise InputError("--gradescope writes the results of one answer file; give exactly one")
    several = len(answers) > 1
    show_progress = several and sys.stderr.isatty()
    options = batch_options(args)
    if args.variants:
        refuse_overwriting(args.output, answers)
        refuse_overwriting(args.gradescope, answers)
        found = grade_by_variant(args.variants, answers, lambda problem: build_plan(args, problem),
                                 lambda plan, paths: grade_all(plan, paths, options, show_progress))
        reports, heading = found.reports, (found.title, args.variants)
        graders = {variant: Grader(plan) for variant, plan in found.plans.items()}
        graded = [graders[r.variant or found.fallback].grade(r) for r in reports]
        plan = found.plans[reports[0].variant or found.fallback]
    else:
        inputs = [path for path in (catalog.resolve_file(args.problem), *answers) if path is not None]
        refuse_overwriting(args.output, inputs)
        refuse_overwriting(args.gradescope, inputs)
        plan = build_plan(args)
        reports = grade_all(plan, answers, options, show_progress)
        heading = (plan.derivation.title, plan.derivation.problem)
        grader = Grader(plan)
        graded = [grader.grade(report) for report in reports]
    if args.gradescope:
        from solver.checking.gradescope import gradescope_results

        unmatched = args.variants and reports[0].variant is None  # no variant of the roster: none is named
        results = gradescope_results(plan.derivation, graded[0], heading[0] if unmatched else None)
        write_text(args.gradescope, escape.json_document(json.dumps(results, ensure_ascii=False, indent=2)) + "\n")
    unreadable = [r for r in reports if r.error is not None]
    if not several and unreadable:
        raise InputError(unreadable[0].error, source=unreadable[0].file)
    for report in unreadable:
        sys.stderr.write(escape.error_line(f"solver: error: {report.file}: {report.error}") + "\n")
    _write_output(args, plan, graded, several, heading)
    if unreadable:
        return EXIT_BAD_INPUT
    return EXIT_OK if all(r.all_accepted for r in reports) else EXIT_WRONG


def _answer_files(args: argparse.Namespace) -> list[str]:
    """The answer files: after PROBLEM, or (with ``--variants``, which takes no PROBLEM) all of them."""
    if args.variants:
        return [args.problem, *args.answers]
    if not args.answers:
        raise InputError("give the problem, then at least one answer file (or --variants DIR, then answer files)")
    return list(args.answers)


def _write_output(args, plan: CheckPlan, graded: list[GradedFile], several: bool, heading: tuple[str, str]) -> None:
    title, problem = heading
    if args.format == "json":
        write_text(args.output, check_report.json_document(plan.derivation, graded, problem, title))
        return
    if args.format == "csv":
        from solver.checking.csv_report import csv_document

        write_text(args.output, csv_document(plan.derivation.scheme, graded))
        return
    from rich.text import Text

    heading_text = escape.terminal(title, style="bold")
    heading_text.append(escape.visible(f" ({problem})"), style="dim")
    parts = [heading_text]
    if not several or args.details:
        for file in graded:
            if file.error is None:
                parts += [check_report.file_table(file), Text("")]
    if several:
        parts += [check_report.summary_table(graded), check_report.class_summary(summarise(graded))]
    with output_stream(args.output) as stream:
        check_report.print_renderables(stream, parts)

