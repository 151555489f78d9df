"""What a renderer is asked for, beyond the derivation itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    """How to render a derivation: every renderer's ``render(derivation, options)`` takes one."""

    #: Decimal places shown, rounded half-up from the exact value.
    decimals: int = 4
    #: Whether each quantity's key (what an answer file names it by) is shown beside it.
    keys: bool = True
    #: A question sheet instead of the solution: the statement, what to compute, a blank answer table.
    questions: bool = False
    #: Whether pictures are drawn (HTML inline; Markdown and LaTeX into files beside the output).
    pictures: bool = True
    #: The output file that Markdown's SVG and LaTeX's PDF pictures are written beside; None: no files.
    pictures_beside: str | None = None
