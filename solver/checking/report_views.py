"""One answer file's report as HTML, Markdown and LaTeX, for notebooks: the terminal table's rows (a
row per asked key and per answered one, what was written, the expected value, the verdict, the
points and why) and its score line.  Everything a student wrote is escaped for the medium it goes into."""

from __future__ import annotations

from solver.checking.check_report import _rows, score_line
from solver.checking.grading import GradedFile
from solver.render.html import escape as html_escape
from solver.render.latex import escape as latex_escape

HEADINGS = ("Key", "Given", "Expected", "Verdict", "Points", "Why")

#: Verdict colours on a page (the terminal's, in a light palette).
_COLOURS = {"correct": "#1a7f37", "follows through": "#0969da", "imprecise": "#9a6700", "wrong": "#cf222e",
            "invalid": "#8250df", "missing": "#6e7781"}


def _cells(graded: GradedFile) -> list[tuple[list[str], str, bool]]:
    return [(row.cells, row.why, row.first) for row in _rows(graded)]


def html(graded: GradedFile, title: str) -> str:
    rows = []
    for cells, why, first in _cells(graded):
        key = f"<code>{html_escape(cells[0])}</code>" + (" ◀ first error" if first else "")
        colour = _COLOURS.get(cells[3], "#333")
        middle = "".join(f"<td>{html_escape(c)}</td>" for c in cells[1:3])
        rows.append(f'<tr><td>{key}</td>{middle}<td style="color:{colour};font-weight:600">{html_escape(cells[3])}'
                    f"</td><td>{html_escape(cells[4])}</td><td>{html_escape(why).replace(chr(10), '<br>')}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in HEADINGS)
    return ('<div class="mlsolver-report"><table style="border-collapse:collapse">'
            f'<caption style="text-align:left;font-weight:600">{html_escape(title)} · {html_escape(graded.file)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) +
            f"\n</tbody></table><p>{html_escape(score_line(graded))}</p></div>")


def _markdown_cell(text: str) -> str:
    """Text inside a Markdown table cell: no structure from what a student wrote."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("*", "\\*")
    text = text.replace("_", "\\_").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def markdown(graded: GradedFile, title: str) -> str:
    lines = [f"**{_markdown_cell(title)}** · {_markdown_cell(graded.file)}", "",
             "| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    for cells, why, _ in _cells(graded):
        lines.append("| " + " | ".join(_markdown_cell(c) for c in [*cells, why]) + " |")
    return "\n".join(lines + ["", _markdown_cell(score_line(graded))]) + "\n"


def latex(graded: GradedFile, title: str) -> str:
    lines = [rf"\textbf{{{latex_escape(title)}}} --- \texttt{{{latex_escape(graded.file)}}}", "",
             r"\begin{tabular}{llllll}", r"\hline", " & ".join(rf"\textbf{{{h}}}" for h in HEADINGS) + r" \\",
             r"\hline"]
    for cells, why, _ in _cells(graded):
        lines.append(" & ".join(latex_escape(" ".join(c.split())) for c in [*cells, why]) + r" \\")
    lines += [r"\hline", r"\end{tabular}", "", latex_escape(score_line(graded))]
    return "\n".join(lines) + "\n"
