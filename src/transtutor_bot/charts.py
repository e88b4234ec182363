"""Charts for /progress and /summary (matplotlib, headless). Called off the event loop."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from transtutor.learning.progress import Progress
from transtutor.reports.snapshot import Summary


def progress_chart(progress: Progress, title: str) -> bytes:
    """A horizontal bar per outcome with the mastery threshold; PNG bytes.

    Uses Figure directly, not pyplot, so charts can be drawn from worker threads. Labels are
    outcome ids and numbers only, so no CJK font is needed on the server.
    """
    labels = [row.outcome for row in progress.outcomes][::-1]
    values = [100 * row.value for row in progress.outcomes][::-1]
    colours = ["#2e7d32" if row.mastered else "#1f77b4" for row in progress.outcomes][::-1]
    figure = Figure(figsize=(6, 0.5 * len(labels) + 1.2), dpi=120)
    axes = figure.subplots()
    axes.barh(labels, values, color=colours)
    axes.axvline(100 * progress.threshold, color="#c62828", linestyle="--", linewidth=1)
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.set_title(title)
    for y, value in enumerate(values):
        axes.text(min(value + 1, 92), y, f"{value:.0f}%", va="center", fontsize=9)
    return _png(figure)


def summary_chart(summary: Summary) -> bytes:
    """Per outcome, two bars: mean mastery and the share of learners who reached the
    threshold; the threshold as a dashed line. PNG bytes."""
    title = f"{summary.course.id} · {summary.cohort or 'all'} · {summary.learners} learners"
    if not summary.cohort or not summary.cohort.isascii():
        title = f"{summary.course.id} · {summary.learners} learners"  # no CJK font needed
    labels = [row.outcome for row in summary.outcomes][::-1]
    means = [100 * row.mean for row in summary.outcomes][::-1]
    shares = [100 * row.share for row in summary.outcomes][::-1]
    positions = list(range(len(labels)))
    figure = Figure(figsize=(6.4, 0.6 * len(labels) + 1.6), dpi=120)
    axes = figure.subplots()
    height = 0.38
    axes.barh([y + height / 2 for y in positions], means, height, color="#1f77b4", label="mean")
    axes.barh([y - height / 2 for y in positions], shares, height, color="#2e7d32", label="reached")
    axes.axvline(
        100 * summary.course.mastery_threshold, color="#c62828", linestyle="--", linewidth=1
    )
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.set_title(title)
    axes.legend(loc="lower right", fontsize=8)
    return _png(figure)


def _png(figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
