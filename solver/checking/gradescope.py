"""Gradescope's ``results.json`` for one graded answer file: one test per asked key, numbered, with
Markdown output (the verdict, what was written, the expected value, the diagnosis, and the credit a
follow-through earns), and the file's score.  A file that cannot be read still gets one: score 0,
the reason in ``output``.  Fields as Gradescope's autograder specification documents them.
"""

from __future__ import annotations

from solver.checking.check_report import explanation, label
from solver.checking.grading import GradedFile, KeyGrade, left_blank, score_text
from solver.checking.key_descriptions import describe_keys
from solver.derivation.model import Derivation
from solver.render.escape import markdown, markdown_code


def md_text(text: str) -> str:
    """Text as Markdown that shows it literally, one paragraph (the project's one Markdown escape)."""
    return markdown(text)


def md_code(text: str) -> str:
    """Text from a file as an inline code span, fenced by more backticks than it holds."""
    return markdown_code(text, pad=True) if text else "(blank)"


def _test_output(grade: KeyGrade) -> str:
    lines = []
    worth = f"{score_text(grade.earned)}/{score_text(grade.points)}"
    if not grade.results:
        lines.append(f"**missing** ({worth}): not answered. Expected {md_code(grade.expected)}.")
    for result in grade.results:
        verdict = "missing" if grade.verdict == "missing" and left_blank(result) else result.verdict
        head = f"**{label(verdict)}**"
        if len(grade.results) > 1:
            head += f" for {md_code(result.key)}"
        written = f"you wrote {md_code(result.given)}" if result.given.strip() else "left blank"
        line = f"{head}: {written}"
        if verdict != "correct" and result.expected:
            line += f"; expected {md_code(result.expected)}"
        lines.append(line + ".")
        why = explanation(result)
        if why and verdict != "missing":
            lines.extend(md_text(part) for part in why.split("\n"))
        if verdict == "follows_through":
            lines.append("Wrong against the exact value, but computed correctly from your own earlier values: "
                         "an earlier slip is marked once, where it was made, not again here.")
    if grade.note and grade.results:
        lines.append(md_text(f"{label(grade.verdict).capitalize()}: {grade.note}."))
    lines.append(f"Credit: {worth}.")
    return "\n\n".join(lines)


def gradescope_results(derivation: Derivation, graded: GradedFile, title: str | None = None) -> dict:
    """Gradescope's autograder ``results.json`` as a dict: one test per asked key, and the score.

    ``title`` stands in for the derivation's (a submission matched to no variant is not graded
    against the variant whose keys lay out its tests, and should not be told it was)."""
    names = describe_keys(derivation)
    tests = []
    for number, grade in enumerate(graded.grades, start=1):
        full = grade.earned >= grade.points
        output = _test_output(grade)
        if graded.error is not None:
            output = f"**not graded**: {md_code(graded.error)}"
        tests.append({
            "name": f"{grade.key}: {names.get(grade.key, grade.key)}",
            "number": str(number),
            "score": float(grade.earned if graded.error is None else 0),
            "max_score": float(grade.points),
            "status": "passed" if full and graded.error is None else "failed",
            "output": output,
            "output_format": "md",
            "visibility": "visible",
        })
    return {
        "score": float(graded.score),
        "output": _overall(title or derivation.title, graded),
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _overall(title: str, graded: GradedFile) -> str:
    title = md_text(title)
    total = f"{score_text(graded.score)}/{score_text(graded.max_score)}"
    if graded.error is not None:
        return (f"**{title}**: score {total}. Nothing in this submission was graded: {md_code(graded.error)}. "
                "Fix this (an answer file is best started from the answer template) and submit again.")
    counts = ", ".join(f"{graded.count(v)} {label(v)}" for v in
                       ("correct", "follows_through", "imprecise", "wrong", "invalid", "missing") if graded.count(v))
    lines = [f"**{title}**: score {total} ({counts})."]
    first = graded.report.first_wrong
    if first is not None:
        lines.append(f"First error: {md_code(first.key)}; later steps computed correctly from it follow through.")
    for pattern in graded.report.patterns:
        keys = ", ".join(md_code(key) for key in pattern.keys)
        lines.append(f"Throughout ({keys}): {md_text(pattern.diagnosis)}")
    if graded.unasked:
        n = len(graded.unasked)
        lines.append(f"{n} of your answers {'is for a key' if n == 1 else 'are for keys'} not asked: not scored.")
    return "\n\n".join(lines)
