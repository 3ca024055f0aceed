"""Render report rows as CSV, JSON or Markdown, and a plain-language HTML family report.

Rows are any of the report types (:class:`~alliance.reports.GoalRow`,
:class:`~alliance.reports.GoalProgress`, :class:`~alliance.reports.GasRow`,
:class:`~alliance.reports.ReliableChangeRow`,
:class:`~alliance.reports.PartnershipHealth`). JSON keeps their structure (through the
library's converter); CSV and Markdown flatten each row into one line
(:func:`flat_record`). Nothing here imports the plotting library: the
HTML report draws charts only when asked (``charts=True``), through
:mod:`alliance.reports.charts`.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pendulum

from alliance.model.audience import AudienceScope
from alliance.model.coaching import fidelity_trend
from alliance.model.goals import Direction
from alliance.model.people import Carer, Child, Professional
from alliance.model.redaction import display_name
from alliance.model.state import PartnershipState
from alliance.reports._common import Period, moment_of
from alliance.reports.progress import DEFAULT_TREND_WINDOW, GoalProgress, Outlook, goal_progress
from alliance.serialization import to_data

__all__ = [
    "describe_progress",
    "family_report_html",
    "family_view",
    "flat_record",
    "to_csv",
    "to_json",
    "table_html",
    "to_markdown",
]

Scalar = str | int | float | bool | None


def _flatten(data: Mapping[str, Any], prefix: str, out: dict[str, Scalar]) -> None:
    for key, value in data.items():
        name = prefix + key.rstrip("_")
        if key == "goals":  # a GAS row's goals: records, in the JSON only
            continue
        if isinstance(value, Mapping):
            if key == "goal":  # a progress row's goal: its columns come first, unprefixed
                for k, v in _flat(value).items():
                    out.setdefault(k, v)
            else:
                _flatten(value, name + "_", out)
        elif isinstance(value, list | tuple):
            if value and all(isinstance(v, list | tuple) and len(v) == 2 for v in value):
                for k, v in value:  # (key, count) pairs
                    out[f"{name}_{k}"] = v
            elif all(not isinstance(v, Mapping | list | tuple) for v in value):
                out[name] = " ".join(str(v) for v in value)
        else:
            out[name] = value


def _flat(data: Mapping[str, Any]) -> dict[str, Scalar]:
    out: dict[str, Scalar] = {}
    _flatten(data, "", out)
    return out


def flat_record(row: object) -> dict[str, Scalar]:
    """*row* as one flat mapping of column name to a plain value (dates as ISO 8601,
    enums as their values; nested records prefixed, e.g. ``trend_slope_per_week``)."""
    data = to_data(row)
    if not isinstance(data, Mapping):
        raise TypeError(f"not a report row: {row!r}")
    return _flat(data)


def _records(rows: Iterable[object]) -> tuple[list[str], list[dict[str, Scalar]]]:
    records = [flat_record(r) for r in rows]
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    return columns, records


def to_csv(rows: Iterable[object]) -> str:
    """The rows as CSV with a header line (empty string when there are no rows)."""
    columns, records = _records(rows)
    if not records:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return buffer.getvalue()


def to_json(rows: Iterable[object], *, indent: int | None = 2) -> str:
    """The rows as a JSON array, structured as the converter unstructures them."""
    return json.dumps([to_data(r) for r in rows], indent=indent, ensure_ascii=False)


def _cell(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(rows: Iterable[object], *, title: str | None = None) -> str:
    """The rows as a Markdown table (floats to three significant figures)."""
    columns, records = _records(rows)
    lines = [f"# {title}", ""] if title else []
    if not records:
        return "\n".join([*lines, "No rows."]) + "\n"
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    lines.extend("| " + " | ".join(_cell(r.get(c)) for c in columns) + " |" for r in records)
    return "\n".join(lines) + "\n"


def table_html(rows: Iterable[object], *, title: str = "Report") -> str:
    """The rows as a self-contained HTML page holding one table."""
    columns, records = _records(rows)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in columns) + "</tr>"
        for r in records
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}"
        "table { border-collapse: collapse; font-size: 0.85rem; } "
        "td, th { border: 1px solid #ccc; padding: 0.2rem 0.4rem; }</style></head><body>"
        f"<h1>{html.escape(title)}</h1>\n"
        + (
            f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
            if records
            else "<p>No rows.</p>"
        )
        + "\n</body></html>\n"
    )


# --- the family report ----------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _long_date(day: pendulum.Date) -> str:
    return f"{day.day} {day.format('MMMM YYYY')}"


def describe_progress(row: GoalProgress, child: str) -> list[str]:
    """Where a goal stands, in a few plain sentences for a family."""
    g = row.goal
    unit = f" ({g.unit})" if g.unit else ""
    sentences = [f"{child} started at {_number(row.baseline)} {g.metric}{unit}."]
    if row.latest is None:
        sentences.append("There are no measurements yet.")
    else:
        share = max(0.0, row.share_of_the_way or 0.0)
        sentences.append(
            f"The latest measurement is {_number(row.latest)}; the goal is "
            f"{_number(row.target)}. That is {share * 100:.0f}% of the way."
        )
    if row.outlook is Outlook.REACHED:
        sentences.append("The goal has been reached. Well done!")
    elif row.outlook in (Outlook.ON_TRACK, Outlook.BEHIND) and row.projected_date is not None:
        when = _long_date(row.projected_date)
        due = _long_date(g.due)
        if row.outlook is Outlook.ON_TRACK:
            sentences.append(f"At the current pace {child} should get there around {when}, ")
            sentences[-1] += f"before the date we aimed for ({due})."
        else:
            sentences.append(
                f"At the current pace {child} should get there around {when}, later than "
                f"the date we aimed for ({due}). We will talk about what could help."
            )
    elif row.outlook is Outlook.NOT_ON_TRACK:
        direction = "going up" if g.direction == Direction.INCREASE.value else "coming down"
        sentences.append(
            f"Lately the numbers have not been {direction}. That happens; "
            "we will look at it together."
        )
    else:
        sentences.append("We need a few more measurements to see the trend.")
    seen = [
        f"{s.value} {n} time{'s' if n != 1 else ''}" for s, n in row.observations_by_setting if n
    ]
    if seen:
        sentences.append("Measured at: " + ", ".join(seen) + ".")
    if row.mastery is not None:
        sentences.append(
            "Mastered!" if row.mastery == "mastered" else f"Mastery: {row.mastery_summary}"
        )
    return sentences


def family_view(state: PartnershipState, viewer: str | None = None) -> PartnershipState:
    """What a family report may show of *state*: with a *viewer* (a member's id), exactly
    what that member may see (:func:`alliance.model.visibility.as_seen_by`); without one,
    everything except records whose audience is narrower than everyone (an observation or
    a setback noted for the professionals only is not on a family's chart), the action
    items of check-ins, and carers' wellbeing notes and the support offered to them
    (each carer's own, seen only by whom they choose) left out."""
    if viewer is not None:
        from alliance.model.visibility import as_seen_by  # noqa: PLC0415

        return as_seen_by(state, viewer)

    def for_everyone(record: Any) -> bool:
        return bool(record.audience.scope is AudienceScope.EVERYONE)

    view = state.copy()
    view.observations = {k: v for k, v in state.observations.items() if for_everyone(v)}
    view.check_ins = {k: v for k, v in state.check_ins.items() if for_everyone(v)}
    view.action_items = {
        k: v for k, v in state.action_items.items() if v.check_in_id in view.check_ins
    }
    view.feedback = {k: v for k, v in state.feedback.items() if for_everyone(v)}
    view.setbacks = {k: v for k, v in state.setbacks.items() if for_everyone(v)}
    view.concerns = {k: v for k, v in state.concerns.items() if for_everyone(v)}
    view.coaching = {k: v for k, v in state.coaching.items() if for_everyone(v)}
    view.celebrations = {k: v for k, v in state.celebrations.items() if for_everyone(v)}
    view.wellbeing = {}
    view.support_offers = {}
    return view


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem; }
section.goal { border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 1.5rem; }
figure.goal-chart img { max-width: 100%; height: auto; }
figcaption, .period { color: #555; font-size: 0.9rem; }
ul.celebrations li::marker { content: "\\2605  "; color: #c90; }
section.transitions, section.celebrations-other { margin-top: 1.5rem; }
"""


def family_report_html(
    states: Iterable[PartnershipState],
    *,
    period: Period | None = None,
    window: pendulum.Duration = DEFAULT_TREND_WINDOW,
    names: Mapping[str, str] | None = None,
    charts: bool = True,
    title: str = "How things are going",
    chart_format: str = "png",
    viewer: str | None = None,
    people: Mapping[str, Child | Carer | Professional] | None = None,
) -> str:
    """A self-contained HTML page for families: for each partnership a section, for each
    of its goals a few plain sentences and (with *charts*) a progress chart embedded as a
    ``data:`` URI (observations, target line, setbacks marked; needs the ``reports``
    extra). Only what a family may see is shown (see :func:`family_view`; *viewer*: built
    from :func:`alliance.as_seen_by` for that member).

    Beside each goal: the fidelity of every carer coached in a strategy serving it (the
    latest session's percentage, the history, since when they use it independently),
    and the successes celebrated about it in the period; after the goals, other
    celebrations and the transitions coming up, with their plans.

    Names: with *people* (the host's ``Child``, ``Carer`` and ``Professional`` records by
    id), the child and the current members are named through
    :func:`alliance.model.display_name`, so a redacted or missing record shows the placeholder
    ``"[redacted]"``; without it, *names* maps a child's id to the name to show (the id
    otherwise) and no member is named.
    """
    names = names or {}
    period = period or Period()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if period.start or period.end:
        parts.append(f'<p class="period">Period: {html.escape(period.label())}</p>')

    def name_of(member_id: str) -> str | None:
        return None if people is None else display_name(people.get(member_id))

    for whole in states:
        state = family_view(whole, viewer)
        if people is not None:
            child = display_name(people.get(state.child_id))
        else:
            child = names.get(state.child_id, state.child_id)
        pid = html.escape(state.partnership_id)
        parts.append(f'<article class="partnership" data-partnership-id="{pid}">')
        parts.append(f"<h2>{html.escape(child)}</h2>")
        if people is not None:
            team = [
                display_name(people.get(m.member_id))
                for m in state.members.values()
                if m.is_current
            ]
            if team:
                parts.append(
                    f'<p class="team">Working together: {html.escape(", ".join(team))}</p>'
                )
        goals = list(state.goals.values())
        if not goals:
            parts.append("<p>No goals yet.</p>")
        for goal in goals:
            row = goal_progress(state, goal.goal_id, period=period, window=window)
            parts.append(
                f'<section class="goal" data-goal-id="{html.escape(goal.goal_id)}">'
                f"<h3>{html.escape(goal.statement)}</h3>"
            )
            parts.append(
                f"<p><em>Why it matters:</em> {html.escape(goal.current.why_it_matters)}</p>"
            )
            parts.extend(f"<p>{html.escape(s)}</p>" for s in describe_progress(row, child))
            if charts:
                parts.append(_figure(state, goal.goal_id, period, chart_format))
            parts.extend(_coaching_html(state, goal.goal_id, name_of))
            parts.extend(_celebrations_html(state, period, goal.goal_id))
            parts.append("</section>")
        parts.extend(_celebrations_html(state, period, None))
        parts.extend(_transitions_html(state, period, name_of))
        parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _coaching_html(
    state: PartnershipState, goal_id: str, name_of: Callable[[str], str | None]
) -> list[str]:
    """Each coached strategy serving *goal_id*: every carer's fidelity over time, beside
    the goal's progress."""
    parts: list[str] = []
    for strategy in state.strategies.values():
        if strategy.goal_id != goal_id or strategy.strategy_id not in state.checklists:
            continue
        sessions = state.coaching_for(strategy.strategy_id)
        carers = sorted({s.carer for s in sessions})
        items = []
        for carer in carers:
            trend = fidelity_trend(sessions, strategy.strategy_id, carer)
            who = name_of(carer) or "A carer"
            history = ", ".join(_percent(f) for _, f in trend.points)
            text = (
                f"{who}: {_percent(trend.latest or 0.0)} of the steps as planned in the latest "
                f"coaching session ({len(trend.sessions)} so far: {history})."
            )
            if trend.independent_since is not None:
                since = _long_date(state.local_date(trend.independent_since.held_at))
                text += f" Using it independently since {since}."
            if trend.latest_confidence is not None:
                text += f" Confidence: {trend.latest_confidence} out of 5."
            items.append(
                f'<li data-carer-fidelity="{trend.latest or 0.0:.1f}">{html.escape(text)}</li>'
            )
        sid = html.escape(strategy.strategy_id)
        parts.append(
            f'<div class="fidelity" data-strategy-id="{sid}">'
            f"<p><em>Practising at {html.escape(strategy.setting.value)}:</em> "
            f"{html.escape(strategy.description)}</p>"
        )
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            parts.append("<p>No coaching sessions yet.</p>")
        parts.append("</div>")
    return parts


def _celebrations_html(state: PartnershipState, period: Period, goal_id: str | None) -> list[str]:
    """The successes celebrated in *period* about *goal_id* (or about no goal)."""
    found = sorted(
        (
            x
            for x in state.celebrations.values()
            if x.goal_id == goal_id and period.contains(state.local_date(x.celebrated_at))
        ),
        key=lambda x: x.celebrated_at,
    )
    if not found:
        return []
    items = "".join(
        f'<li data-celebration-id="{html.escape(x.celebration_id)}">'
        f"{html.escape(_long_date(state.local_date(x.celebrated_at)))}: "
        f"{html.escape(x.description)}"
        + (" (a milestone!)" if x.kind.value == "milestone" else "")
        + "</li>"
        for x in found
    )
    heading = "Celebrating" if goal_id is not None else "Other things to celebrate"
    section = "celebrations" if goal_id is not None else "celebrations-other"
    return [
        f'<div class="{section}"><p><strong>{heading}</strong></p>'
        f'<ul class="celebrations">{items}</ul></div>'
    ]


def _transitions_html(
    state: PartnershipState, period: Period, name_of: Callable[[str], str | None]
) -> list[str]:
    """Transitions coming up (not yet looked back on) at the report's moment, with their
    plans."""
    moment = moment_of(state, period)
    today = state.local_date(moment)
    coming = [t for t in state.upcoming_transitions() if t.date >= today]
    called_off = [
        t
        for t in state.transitions.values()
        if t.cancellation is not None and t.cancellation.cancelled_at <= moment and t.date >= today
    ]
    if not coming and not called_off:
        return []
    parts = ['<section class="transitions"><h3>Coming up</h3>']
    for transition in called_off:
        assert transition.cancellation is not None
        tid = html.escape(transition.transition_id)
        parts.append(
            f'<div class="transition called-off" data-transition-id="{tid}">'
            f"<p><strong>Called off</strong>: {html.escape(transition.description)} "
            f"(it was to be on {html.escape(_long_date(transition.date))}). "
            f"{html.escape(transition.cancellation.reason)}</p></div>"
        )
    for transition in coming:
        tid = html.escape(transition.transition_id)
        parts.append(
            f'<div class="transition" data-transition-id="{tid}">'
            f"<p><strong>{html.escape(_long_date(transition.date))}</strong>: "
            f"{html.escape(transition.description)}</p>"
        )
        plan = transition.plan
        if plan is None:
            parts.append("<p>We will make a plan for this together.</p>")
        else:
            steps = []
            for step in plan.steps:
                who = name_of(step.owner)
                text = f"{step.description}, by {_long_date(step.due)}"
                steps.append(f"<li>{html.escape(text + (f' ({who})' if who else ''))}</li>")
            parts.append("<p>Our plan:</p><ul>" + "".join(steps) + "</ul>")
        parts.append("</div>")
    parts.append("</section>")
    return parts


def _figure(state: PartnershipState, goal_id: str, period: Period, fmt: str) -> str:
    from alliance.reports.charts import progress_chart  # noqa: PLC0415 (optional extra)

    data = progress_chart(state, goal_id, period=period, fmt=fmt)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    goal = state.goals[goal_id]
    alt = f"Chart of {goal.target.metric} over time, with the goal at {_number(goal.target.target)}"
    return (
        f'<figure class="goal-chart" data-goal-id="{html.escape(goal_id)}">'
        f'<img src="{uri}" alt="{html.escape(alt)}">'
        "<figcaption>Dots: measurements (by where they were taken). Green line: the goal. "
        "Red dashed lines: setbacks. Gold stars: successes we celebrated.</figcaption></figure>"
    )


def rows_for_states(states: Sequence[PartnershipState], period: Period) -> list[GoalProgress]:
    """Every goal's progress row of *states* (a convenience for small reports)."""
    return [goal_progress(s, g, period=period) for s in states for g in s.goals]
