"""Progress charts (needs the ``reports`` extra: ``pip install 'alliance[reports]'``).

One chart per goal: the measured observations over time (marked by setting), the
baseline and the target as horizontal lines, the due date, setbacks affecting the
goal as vertical dashed lines, and successes celebrated about it as gold stars (on the
observation they celebrate, else on the latest value before them). Drawn with
matplotlib's object API (no ``pyplot`` global state, so it is safe in servers and
threads) and written as PNG or SVG bytes. What a chart shows is gathered by the
same code as the family report's inline SVG charts, so the two cannot disagree; this
drawing leaves out their changes of phase and revisions of the goal.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from alliance.errors import AllianceError, ValidationError
from alliance.model.partnership import Setting
from alliance.model.state import PartnershipState
from alliance.reports._chart_data import goal_chart
from alliance.reports._common import Period

__all__ = ["ChartsUnavailableError", "progress_chart", "save_progress_chart"]

_MARKERS = {
    Setting.CLINIC: ("o", "#1f77b4"),
    Setting.HOME: ("s", "#ff7f0e"),
    Setting.SCHOOL: ("^", "#9467bd"),
    Setting.COMMUNITY: ("D", "#8c564b"),
}


class ChartsUnavailableError(AllianceError):
    """Charts were asked for but matplotlib is not installed."""

    def __init__(self) -> None:
        super().__init__("charts need matplotlib: pip install 'alliance[reports]'")


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure  # noqa: PLC0415 (optional extra)
    except ImportError as exc:  # pragma: no cover (the extra is installed in CI)
        raise ChartsUnavailableError from exc
    return Figure


def progress_chart(
    state: PartnershipState, goal_id: str, *, period: Period | None = None, fmt: str = "png"
) -> bytes:
    """The progress chart of *goal_id* over *period*, as PNG (``fmt="png"``) or SVG bytes.

    Raises:
        ValidationError: an unknown format.
        UnknownRecordError: no such goal.
        ChartsUnavailableError: matplotlib is not installed.
    """
    if fmt not in ("png", "svg"):
        raise ValidationError("fmt", f"must be 'png' or 'svg', not {fmt!r}")
    chart = goal_chart(state, goal_id, period=period)
    figure_class = _figure_class()
    import matplotlib as mpl  # noqa: PLC0415 (optional extra)

    with mpl.rc_context({"svg.hashsalt": f"alliance-{goal_id}", "svg.fonttype": "none"}):
        figure = figure_class(figsize=(7, 3.2), dpi=100, layout="constrained")
        ax = figure.subplots()
        for setting, (marker, colour) in _MARKERS.items():
            points = [p for p in chart.points if p.setting is setting]
            if points:
                ax.plot(
                    [p.at.naive() for p in points],
                    [p.value for p in points],
                    linestyle="none",
                    marker=marker,
                    color=colour,
                    label=setting.value,
                )
        if chart.points:
            ax.plot(
                [p.at.naive() for p in chart.points],
                [p.value for p in chart.points],
                color="#999999",
                linewidth=0.8,
                zorder=0,
            )
        ax.axhline(chart.target, color="#2ca02c", linewidth=2, label=f"goal ({chart.target:g})")
        ax.axhline(chart.baseline, color="#7f7f7f", linewidth=1, linestyle=":", label="start")
        for i, setback in enumerate(chart.setbacks):
            ax.axvline(
                setback.at.naive(),
                color="#d62728",
                linestyle="--",
                linewidth=1.2,
                label="setback" if i == 0 else None,
            )
        if chart.celebrations:
            ax.plot(
                [c.at.naive() for c in chart.celebrations],
                [c.value for c in chart.celebrations],
                linestyle="none",
                marker="*",
                markersize=14,
                color="#e6ac00",
                markeredgecolor="#8a6d00",
                label="celebrated",
                zorder=3,
            )
        ax.set_title(chart.statement, fontsize=10, loc="left")
        ax.set_ylabel(f"{chart.metric}\n({chart.unit})", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7, loc="best", frameon=False)
        figure.autofmt_xdate()
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def save_progress_chart(
    state: PartnershipState, goal_id: str, path: str | Path, *, period: Period | None = None
) -> Path:
    """Write the chart of *goal_id* to *path*, as PNG or SVG by its suffix."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    path.write_bytes(progress_chart(state, goal_id, period=period, fmt=fmt))
    return path
