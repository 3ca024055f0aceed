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

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pendulum

from alliance._i18n import language
from alliance.model.people import Carer, Child, Professional
from alliance.model.state import PartnershipState
from alliance.reports._common import Period
from alliance.reports._templates import environment, gettext_for
from alliance.reports.family import describe_progress, family_report, family_view
from alliance.reports.progress import DEFAULT_TREND_WINDOW, GoalProgress, goal_progress
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
    """The rows as a self-contained HTML page holding one table (autoescaped)."""
    columns, records = _records(rows)
    return (
        environment(None)
        .get_template("table.html")
        .render(
            title=title,
            columns=columns,
            rows=[[_cell(r.get(c)) for c in columns] for r in records],
            **gettext_for(language()),
        )
    )


# --- the family report ----------------------------------------------------------------------


def family_report_html(
    states: Iterable[PartnershipState],
    *,
    period: Period | None = None,
    window: pendulum.Duration = DEFAULT_TREND_WINDOW,
    names: Mapping[str, str] | None = None,
    charts: bool = True,
    title: str | None = None,
    chart_format: str = "inline",
    viewer: str | None = None,
    people: Mapping[str, Child | Carer | Professional] | None = None,
    language: str | None = None,
) -> str:
    """The family report's page: :func:`alliance.reports.family.family_report` with
    the same arguments, its HTML only (the language it fell back from, if any, is
    logged on the ``alliance.reports`` logger)."""
    return family_report(
        states,
        period=period,
        window=window,
        names=names,
        charts=charts,
        title=title,
        chart_format=chart_format,
        viewer=viewer,
        people=people,
        language=language,
    ).html


def rows_for_states(states: Sequence[PartnershipState], period: Period) -> list[GoalProgress]:
    """Every goal's progress row of *states* (a convenience for small reports)."""
    return [goal_progress(s, g, period=period) for s in states for g in s.goals]
