"""Progress charts (needs the ``reports`` extra: ``pip install 'alliance[reports]'``).

One chart per goal: the measured observations over time (marked by setting), the
baseline and the target as horizontal lines, the due date, setbacks affecting the
goal as vertical dashed lines, and successes celebrated about it as gold stars (on the
observation they celebrate, else on the latest value before them). Drawn with
matplotlib's object API (no ``pyplot`` global state, so it is safe in servers and
threads) and written as PNG or SVG bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from alliance.errors import AllianceError, UnknownRecordError, ValidationError
from alliance.model.partnership import Setting
from alliance.model.state import PartnershipState
from alliance.reports._common import Period, moment_of, start_of

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
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    figure_class = _figure_class()
    import matplotlib as mpl  # noqa: PLC0415 (optional extra)

    period = period or Period()
    as_of = moment_of(state, period)
    since = start_of(state, period)
    target = goal.target
    observations = [
        o
        for o in state.observations_for(goal_id)
        if o.value is not None
        and o.observed_at <= as_of
        and (since is None or o.observed_at >= since)
    ]
    tz = state.time_zone

    def local(moment: Any) -> Any:
        return moment.in_timezone(tz).naive()

    with mpl.rc_context({"svg.hashsalt": f"alliance-{goal_id}", "svg.fonttype": "none"}):
        figure = figure_class(figsize=(7, 3.2), dpi=100, layout="constrained")
        ax = figure.subplots()
        for setting, (marker, colour) in _MARKERS.items():
            points = [o for o in observations if o.setting is setting]
            if points:
                ax.plot(
                    [local(o.observed_at) for o in points],
                    [o.value for o in points],
                    linestyle="none",
                    marker=marker,
                    color=colour,
                    label=setting.value,
                )
        if observations:
            ax.plot(
                [local(o.observed_at) for o in observations],
                [o.value for o in observations],
                color="#999999",
                linewidth=0.8,
                zorder=0,
            )
        ax.axhline(target.target, color="#2ca02c", linewidth=2, label=f"goal ({target.target:g})")
        ax.axhline(target.baseline, color="#7f7f7f", linewidth=1, linestyle=":", label="start")
        setbacks = [
            s
            for s in state.setbacks.values()
            if goal_id in s.affected_goals
            and s.reported_at <= as_of
            and (since is None or s.reported_at >= since)
        ]
        for i, setback in enumerate(setbacks):
            ax.axvline(
                local(setback.reported_at),
                color="#d62728",
                linestyle="--",
                linewidth=1.2,
                label="setback" if i == 0 else None,
            )
        stars_x: list[Any] = []
        stars_y: list[float] = []
        for celebration in sorted(state.celebrations.values(), key=lambda x: x.celebrated_at):
            when = celebration.celebrated_at
            if celebration.goal_id != goal_id or when > as_of or (since and when < since):
                continue
            linked = state.observations.get(celebration.observation_id or "")
            before = [o.value for o in observations if o.observed_at <= when]
            value = before[-1] if before and before[-1] is not None else target.baseline
            if linked is not None and linked.value is not None:
                when, value = linked.observed_at, linked.value
            stars_x.append(local(when))
            stars_y.append(value)
        if stars_x:
            ax.plot(
                stars_x,
                stars_y,
                linestyle="none",
                marker="*",
                markersize=14,
                color="#e6ac00",
                markeredgecolor="#8a6d00",
                label="celebrated",
                zorder=3,
            )
        ax.set_title(goal.statement, fontsize=10, loc="left")
        ax.set_ylabel(f"{target.metric}\n({target.unit})", fontsize=8)
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
