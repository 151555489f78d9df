"""Drawing any figure of the model with matplotlib, as SVG or PDF bytes, byte-identical run to run.

matplotlib is imported here and only here, and this module only when a picture is drawn, so
commands that draw nothing never pay for it.  Every setting that could vary is fixed: the SVG hash
salt, fonts drawn as paths (SVG) or embedded glyphs (PDF) from matplotlib's own DejaVu Sans, no dates or
creator in the metadata, no mathtext (text from a problem file is drawn as the characters it is).
Each artist has a ``gid`` naming what it shows (``point-A``, ``ring-A``, ``boundary``), so the
drawing can be checked against the figure's data.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure as Canvas
from matplotlib.ticker import MaxNLocator

from solver.derivation.figure import Area, Curve, Diagram, Figure, Label, Line, Plot, Point, Ring, Segment
from solver.derivation.model import Scalar
from solver.render.common import show

#: Settings that make a drawing the same on every machine and run.
STYLE = {
    "svg.hashsalt": "mlsolver",
    "svg.fonttype": "path",
    "pdf.fonttype": 3,  # embedded as Type 3 glyphs: a third of the time of a TrueType subset
    "pdf.compression": 6,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.parse_math": False,
    "axes.unicode_minus": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.fontsize": 8,
}

METADATA = {
    "svg": {"Date": None, "Creator": None, "Format": None, "Type": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "png": {"Software": None},
}

#: Colours by tone (Okabe–Ito, told apart with colour blindness), and marker shapes by class.
COLOURS = {
    "positive": "#0072B2",
    "negative": "#D55E00",
    "query": "#009E73",
    "input": "#009E73",
    "boundary": "#000000",
    "margin": "#555555",
    "other": "#CC79A7",
    "violator": "#E69F00",
    "increase": "#009E73",
    "decrease": "#D55E00",
    "plain": "#333333",
}
MARKERS = {"positive": "o", "negative": "s", "query": "D", "input": "D", "plain": "o"}
LEGEND = {"positive": "class +1", "negative": "class −1", "query": "query point", "input": "listed input"}
ROUTE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
MINUS = "−"


def label_text(label: Label, decimals: int) -> str:
    """A label's text with each value rounded for display; ``= `` before a rounded value becomes ``≈ ``."""
    out = ""
    for part in label:
        if isinstance(part, Scalar):
            shown = show(part, decimals)
            if shown.exact:
                digits = shown.digits
            elif shown.closed_form is not None and shown.closed_form.is_Rational:
                digits = f"{shown.closed_form.p}/{shown.closed_form.q}"
            else:
                digits = shown.digits
                if out.endswith("= "):
                    out = out[:-2] + "≈ "
            out += digits.replace("-", MINUS)
        else:
            out += part
    return out


def draw(figure: Figure, fmt: str, decimals: int) -> bytes:
    """The figure as the bytes of an SVG or PDF file."""
    with matplotlib.rc_context(STYLE):
        if isinstance(figure.body, Diagram):
            from solver.render.drawing_diagram import draw_diagram

            canvas = draw_diagram(figure.body, decimals)
        elif not _fits(figure.body):
            canvas = _beyond_range()
        else:
            canvas = _draw_plot(figure.body, decimals)
        out = io.BytesIO()
        canvas.savefig(out, format=fmt, metadata=METADATA[fmt], bbox_inches="tight", pad_inches=0.08)
    return out.getvalue()


#: Largest coordinate drawn: matplotlib works in floating point, whose range ends near 10^308.
MAX_COORDINATE = 1e300


def _numbers(plot: Plot):
    view = plot.view
    yield from (view.x_min, view.x_max, view.y_min, view.y_max)
    for mark in plot.marks:
        if isinstance(mark, Line):
            yield from mark.coefficients
        elif isinstance(mark, (Point, Ring)):
            yield from mark.at
        elif isinstance(mark, Segment):
            yield from (*mark.start, *mark.end)
        elif isinstance(mark, Curve):
            yield from (c for point in mark.points for c in point)
        elif isinstance(mark, Area):
            yield from (c for corner in mark.corners for c in corner)


def _fits(plot: Plot) -> bool:
    """Whether every number of the plot is within floating point's reach, with room to spare."""
    try:
        return all(abs(float(n)) <= MAX_COORDINATE for n in _numbers(plot))
    except (OverflowError, TypeError, ValueError):
        return False


def _beyond_range() -> Canvas:
    """In place of a plot whose numbers no floating-point drawing can hold: a sentence saying so."""
    canvas = Canvas(figsize=(6.4, 0.6), dpi=100)
    canvas.text(0.5, 0.5, "Not drawn: its values lie beyond 10³⁰⁰, out of a drawing's reach.", ha="center",
                va="center", fontsize=9, color="#555555")
    return canvas


def _xy(at) -> tuple[float, float]:
    return float(at[0]), float(at[1])


def _draw_plot(plot: Plot, decimals: int) -> Canvas:
    height = 2.2 if plot.line_only else 4.4
    canvas = Canvas(figsize=(6.4, height), dpi=100)
    axes = canvas.add_subplot()
    view = plot.view
    axes.set_xlim(float(view.x_min), float(view.x_max))
    axes.set_ylim(float(view.y_min), float(view.y_max))
    if plot.equal_aspect:
        axes.set_aspect("equal", adjustable="box")
    if plot.line_only:
        axes.get_yaxis().set_visible(False)
        axes.spines["left"].set_visible(False)
        axes.axhline(0, color="#bbbbbb", linewidth=0.8, zorder=0)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not plot.line_only:
        axes.yaxis.set_major_locator(MaxNLocator(integer=not plot.whole_x))
    axes.set_xlabel(plot.x_label)
    axes.set_ylabel(plot.y_label)
    axes.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for mark in plot.marks:
        _draw_mark(axes, mark, plot, decimals, seen, counts)
    if seen:
        axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return canvas


def _legend_once(text: str, seen: set[str]) -> str:
    """A legend entry the first time a kind of mark is drawn; matplotlib leaves out ``_``-labels."""
    if text in seen:
        return "_nolegend_"
    seen.add(text)
    return text


def _gid(kind: str, name: str, counts: dict[str, int]) -> str:
    """A distinct id for each artist: ``point-A``, or ``margin-2`` for the second margin line."""
    if name:
        return f"{kind}-{name}"
    counts[kind] = counts.get(kind, 0) + 1
    return f"{kind}-{counts[kind]}"


def _draw_mark(axes, mark, plot: Plot, decimals: int, seen: set[str], counts: dict[str, int]) -> None:
    if isinstance(mark, Line):
        ends = mark.endpoints(plot.view)
        if ends is None:
            return
        (x0, y0), (x1, y1) = _xy(ends[0]), _xy(ends[1])
        legend = label_text(mark.label, decimals)
        (artist,) = axes.plot([x0, x1], [y0, y1], color=COLOURS[mark.tone], linestyle="--" if mark.dashed else "-",
                              linewidth=1.8 if mark.tone == "boundary" else 1.1, label=_legend_once(legend, seen),
                              zorder=2)
        artist.set_gid(_gid("boundary" if mark.tone == "boundary" else mark.tone, "", counts))
    elif isinstance(mark, Point):
        x, y = _xy(mark.at)
        hollow = mark.tone in ("query", "input")
        (artist,) = axes.plot([x], [y], linestyle="none", marker=MARKERS.get(mark.tone, "o"), markersize=7,
                              color=COLOURS[mark.tone], markerfacecolor="white" if hollow else COLOURS[mark.tone],
                              markeredgewidth=1.4,
                              label=_legend_once(mark.legend or LEGEND.get(mark.tone, mark.tone), seen),
                              zorder=4)
        artist.set_gid(_gid("query" if hollow else "point", mark.name, counts))
        text = axes.annotate(label_text(mark.label, decimals), (x, y), xytext=(6, 5), textcoords="offset points",
                             fontsize=9, color=COLOURS[mark.tone], zorder=5)
        text.set_gid(_gid("label", mark.name, counts))
    elif isinstance(mark, Ring):
        x, y = _xy(mark.at)
        (artist,) = axes.plot([x], [y], linestyle="none", marker="o", markersize=15, markerfacecolor="none",
                              markeredgecolor="#000000", markeredgewidth=1.1,
                              label=_legend_once("support vector", seen), zorder=3)
        artist.set_gid(_gid("ring", mark.name, counts))
    elif isinstance(mark, Segment):
        _draw_segment(axes, mark, decimals, seen, counts)
    elif isinstance(mark, Area):
        (artist,) = axes.fill([float(c[0]) for c in mark.corners], [float(c[1]) for c in mark.corners],
                              color=COLOURS[mark.tone], alpha=0.14, linewidth=0,
                              label=_legend_once(label_text(mark.label, decimals), seen), zorder=1)
        artist.set_gid(_gid("area", "", counts))
    elif isinstance(mark, Curve):
        xs = [float(p[0]) for p in mark.points]
        ys = [float(p[1]) for p in mark.points]
        under = mark.tone == "other"  # a reference drawn broad and pale beneath the curve it is compared with
        (artist,) = axes.plot(xs, ys, marker="o", markersize=4, color=COLOURS[mark.tone],
                              linewidth=4.0 if under else 1.4, alpha=0.55 if under else 1.0,
                              label=_legend_once(label_text(mark.label, decimals), seen), zorder=2 if under else 3)
        artist.set_gid(_gid("curve", "", counts))
        for (x, y), label in zip(zip(xs, ys), mark.point_labels):
            axes.annotate(label_text(label, decimals), (x, y), xytext=(0, 7), textcoords="offset points",
                          ha="center", fontsize=7.5, color=COLOURS[mark.tone])


def _draw_segment(axes, mark: Segment, decimals: int, seen: set[str], counts: dict[str, int]) -> None:
    (x0, y0), (x1, y1) = _xy(mark.start), _xy(mark.end)
    colour = COLOURS[mark.tone]
    style = "--" if mark.dashed else "-"
    if mark.arrow:
        arrow = axes.annotate("", (x1, y1), xytext=(x0, y0), zorder=3,
                              arrowprops={"arrowstyle": "-|>", "color": colour, "linestyle": style,
                                          "linewidth": 1.3, "shrinkA": 4, "shrinkB": 0})
        arrow.set_gid(_gid("segment", "", counts))
        (legend,) = axes.plot([], [], color=colour, linestyle=style, label=_legend_once("slack ξ", seen))
    else:
        (artist,) = axes.plot([x0, x1], [y0, y1], color=colour, linestyle=style, linewidth=1.3, zorder=3)
        artist.set_gid(_gid("segment", "", counts))
    text = label_text(mark.label, decimals)
    if text:
        axes.annotate(text, ((x0 + x1) / 2, (y0 + y1) / 2), xytext=(6, -10), textcoords="offset points",
                      fontsize=8, color=colour, zorder=5)
