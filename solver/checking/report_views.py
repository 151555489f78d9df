"""One answer file's report as HTML, Markdown and LaTeX, for notebooks: a row per key with what was
written, the expected value, the verdict and why, and the score line.  Everything a student wrote
is escaped for the medium it goes into."""

from __future__ import annotations

from solver.checking.check_report import LABELS, explanation, score_line
from solver.checking.results import FileReport
from solver.render.html import escape as html_escape
from solver.render.latex import escape as latex_escape

HEADINGS = ("Key", "Given", "Expected", "Verdict", "Why")

#: Verdict colours on a page (the terminal's, in a light palette).
_COLOURS = {"correct": "#1a7f37", "follows_through": "#0969da", "wrong": "#cf222e", "invalid": "#8250df"}


def _cells(report: FileReport) -> list[tuple[str, str, str, str, str]]:
    return [(r.key, r.given, r.expected, LABELS.get(r.verdict, r.verdict), explanation(r)) for r in report.results]


def html(report: FileReport, title: str) -> str:
    rows = []
    first = report.first_wrong
    for result, cells in zip(report.results, _cells(report)):
        key = f"<code>{html_escape(cells[0])}</code>" + (" ◀ first error" if result is first else "")
        colour = _COLOURS.get(result.verdict, "#333")
        why = html_escape(cells[4]).replace("\n", "<br>")
        rows.append(f"<tr><td>{key}</td><td>{html_escape(cells[1])}</td><td>{html_escape(cells[2])}</td>"
                    f'<td style="color:{colour};font-weight:600">{html_escape(cells[3])}</td><td>{why}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in HEADINGS)
    return ('<div class="mlsolver-report"><table style="border-collapse:collapse">'
            f'<caption style="text-align:left;font-weight:600">{html_escape(title)} · {html_escape(report.file)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) +
            f"\n</tbody></table><p>{html_escape(score_line(report))}</p></div>")


def _markdown_cell(text: str) -> str:
    """Text inside a Markdown table cell: no structure from what a student wrote."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("*", "\\*")
    text = text.replace("_", "\\_").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def markdown(report: FileReport, title: str) -> str:
    lines = [f"**{_markdown_cell(title)}** · {_markdown_cell(report.file)}", "",
             "| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    for cells in _cells(report):
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines + ["", _markdown_cell(score_line(report))]) + "\n"


def latex(report: FileReport, title: str) -> str:
    lines = [rf"\textbf{{{latex_escape(title)}}} --- \texttt{{{latex_escape(report.file)}}}", "",
             r"\begin{tabular}{lllll}", r"\hline", " & ".join(rf"\textbf{{{h}}}" for h in HEADINGS) + r" \\",
             r"\hline"]
    for cells in _cells(report):
        lines.append(" & ".join(latex_escape(" ".join(c.split())) for c in cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}", "", latex_escape(score_line(report))]
    return "\n".join(lines) + "\n"
