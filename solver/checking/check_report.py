"""Presenting check results: a rich table per file, a batch summary, JSON, and Gradescope's results.json."""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from solver.checking.results import FileReport, Result
from solver.derivation.model import Derivation

STYLES = {"correct": "bold green", "follows_through": "bold cyan", "wrong": "bold red", "invalid": "bold magenta"}
LABELS = {"correct": "correct", "follows_through": "follows through", "wrong": "wrong", "invalid": "invalid"}


def explanation(result: Result) -> str:
    """A sentence or two for the student about this verdict."""
    if result.verdict == "invalid":
        return result.reason or "could not be read"
    if result.verdict == "follows_through":
        return f"Right from your own earlier values: {result.formula} = {result.yours}."
    if result.verdict == "wrong":
        parts = []
        if result.mistake:
            parts.append(f"{result.diagnosis} [{result.mistake}]")
        if result.yours:
            parts.append(f"From your own earlier values, {result.formula} = {result.yours}.")
        return "\n".join(parts)
    return ""


def file_table(report: FileReport) -> RenderableType:
    """The verdict on every key of one file, the first error marked, and a score line."""
    table = Table(title=f"{report.file}{_whose(report)}", title_justify="left", header_style="bold")
    for heading in ("Key", "Given", "Expected", "Verdict", "Why"):
        table.add_column(heading, overflow="fold")
    first = report.first_wrong
    for result in report.results:
        key = Text(result.key, style="cyan")
        if result is first:
            key.append(" ◀ first error", style="bold red")
        table.add_row(key, result.given, result.expected, Text(LABELS[result.verdict], STYLES[result.verdict]),
                      explanation(result))
    return Group(table, Text(score_line(report)))


def _whose(report: FileReport) -> str:
    """`` · student s1, variant v03`` for a file graded against its student's variant."""
    return f" · student {report.student}, variant {report.variant}" if report.variant else ""


def score_line(report: FileReport) -> str:
    counts = ", ".join(f"{report.count(v)} {LABELS[v]}" for v in STYLES if report.count(v))
    line = f"Score {report.score}/{report.max_score}" + (f": {counts}" if counts else "")
    if report.first_wrong is not None:
        line += f". First error: {report.first_wrong.key}"
    return line + "."


def summary_table(reports: list[FileReport]) -> Table:
    """One row per file."""
    table = Table(title="Summary", title_justify="left", header_style="bold")
    by_variant = any(r.variant for r in reports)
    headings = ("File", *(("Variant",) if by_variant else ()), "Score", "Correct", "Follows", "Wrong", "Invalid",
                "First error")
    for heading in headings:
        table.add_column(heading, justify="right" if heading in ("Score", "Correct", "Follows", "Wrong", "Invalid")
                         else "left", overflow="fold")
    for report in reports:
        variant = (report.variant or "",) if by_variant else ()
        if report.error is not None:
            table.add_row(report.file, *variant, "—", "", "", "", "", Text(report.error, style="magenta"))
            continue
        first = report.first_wrong
        table.add_row(report.file, *variant, f"{report.score}/{report.max_score}", str(report.count("correct")),
                      str(report.count("follows_through")), str(report.count("wrong")), str(report.count("invalid")),
                      first.key if first else "")
    return table


def result_json(result: Result) -> dict:
    out = {"key": result.key, "step": result.step, "verdict": result.verdict, "given": result.given,
           "expected": result.expected}
    if result.verdict in ("follows_through", "wrong"):
        out["formula"] = result.formula
        if result.yours is not None:
            out["from_your_values"] = result.yours
    if result.mistake:
        out["mistake"] = result.mistake
        out["diagnosis"] = result.diagnosis
    if result.reason:
        out["reason"] = result.reason
    return out


def file_json(report: FileReport) -> dict:
    out = {"file": report.file, "score": report.score, "max_score": report.max_score}
    if report.variant is not None or report.student is not None:
        out["student"], out["variant"] = report.student, report.variant
    if report.error is not None:
        out["error"] = report.error
    first = report.first_wrong
    out["first_wrong"] = first.key if first else None
    out["results"] = [result_json(r) for r in report.results]
    return out


def json_document(derivation: Derivation | None, reports: list[FileReport], problem: str | None = None,
                  title: str | None = None) -> str:
    """``{"problem", "files": [...]}`` (DESIGN.md, a public interface); ``problem`` and ``title`` replace the
    derivation's (a variants directory, whose files were graded against several problems)."""
    document = {"problem": problem or derivation.problem,
                "title": title if title is not None else derivation.title,
                "files": [file_json(r) for r in reports]}
    # no indent: the C encoder, which keeps thousands of files fast
    return json.dumps(document, ensure_ascii=False) + "\n"


def gradescope_results(derivation: Derivation, report: FileReport) -> dict:
    """Gradescope's autograder results.json: one test per key, and the file's score."""
    tests = []
    for number, result in enumerate(report.results, start=1):
        lines = [f"{LABELS[result.verdict]}: you wrote {result.given}"]
        if result.verdict != "correct" and result.expected:
            lines.append(f"expected {result.expected}")
        why = explanation(result)
        if why:
            lines.append(why.replace("\n", " "))
        tests.append({
            "name": result.key,
            "number": str(number),
            "score": 1.0 if result.accepted else 0.0,
            "max_score": 1.0,
            "status": "passed" if result.accepted else "failed",
            "output": "; ".join(lines),
            "output_format": "text",
            "visibility": "visible",
        })
    output = f"{derivation.title} — {score_line(report)}" if report.error is None else report.error
    return {
        "score": float(report.score),
        "output": output,
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
