"""The progress bar shown while many answer files are graded: files done of all, files per second
and the time left, on standard error (imported only when it is shown)."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text


class RateColumn(ProgressColumn):
    """Files graded per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} files/s" if speed else "", style="progress.data.speed")


def columns() -> tuple[ProgressColumn, ...]:
    return (TextColumn("Checking"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeRemainingColumn())
