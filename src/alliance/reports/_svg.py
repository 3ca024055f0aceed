"""A goal's progress chart as one inline ``<svg>`` element, drawn by the library itself
(private; no plotting library).

:func:`svg_chart` draws a :class:`~alliance.reports._chart_data.GoalChart`: the
measurements (one shape per setting, joined by a thin line), the goal (a solid line) and
the start (a dashed line) as horizontal lines, setbacks (dashed), changes of phase
(dotted) and revisions of the goal (dash-dot) as vertical lines with a label, successes
celebrated as stars, and a legend naming each kind of mark on the chart.

Made for a family's phone as much as for a desk: the ``viewBox`` is 480 units wide and
the element takes the width of its container, so at 320 px every text (18 units and up)
is at least 12 px; few axis labels; every mark has at least 3:1 contrast with the white
background (WCAG 1.4.11) and differs from the others by its shape, not only its colour.
The time axis runs left to right even on a right-to-left page (``direction="ltr"``).

Every word is the caller's translation: plain English messages go through ``_`` and
``ngettext`` (extracted by Babel from these literal calls), numbers through
``format_number`` and dates through ``format_date``; every text is escaped. The output
depends only on its arguments (same chart, same bytes), loads nothing and runs nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence

import markupsafe
import pendulum

from alliance.measures.mastery import Phase
from alliance.model.partnership import Setting
from alliance.reports._chart_data import ChartPhaseChange, GoalChart

__all__ = ["COLOURS", "SHAPES", "svg_chart"]

WIDTH = 480
"""The width of the ``viewBox``, in user units."""
FONT_SIZE = 18
"""The size of every text, in user units (12 px when drawn 320 px wide)."""
_LINE = 22
_CHAR = 0.56 * FONT_SIZE  # the estimated advance of a narrow character
_PLOT_HEIGHT = 200
_RIGHT = 14

COLOURS: dict[str, str] = {
    Setting.CLINIC.value: "#0b5cad",
    Setting.HOME.value: "#b34700",
    Setting.SCHOOL.value: "#6a3d9a",
    Setting.COMMUNITY.value: "#00695c",
    "celebration": "#a86b00",
    "setback": "#c62828",
    "phase": "#37474f",
    "goal": "#1b7a2f",
    "start": "#595959",
    "line": "#8a8a8a",
    "text": "#222222",
}
"""The colour of each kind of mark (and of the text); each has at least 3:1 contrast with
white. Grid lines (``#e6e6e6``) are decoration, not marks."""
_GRID = "#e6e6e6"

SHAPES: dict[Setting, str] = {
    Setting.CLINIC: "circle",
    Setting.HOME: "square",
    Setting.SCHOOL: "triangle",
    Setting.COMMUNITY: "diamond",
}
"""The shape of a measurement in each setting (stars are for celebrations)."""

_DASHES = {"setback": "6 4", "phase": "2 4", "revision": "9 3 2 3", "start": "10 6"}


def _n(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return "0" if text == "-0.0" else text.removesuffix(".0")


_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _e(text: str) -> str:
    """*text* escaped for XML, in a text node or a quoted attribute; a character XML
    cannot hold (a control character, U+FFFE, U+FFFF) becomes U+FFFD."""
    return str(markupsafe.escape(_NOT_XML.sub("\ufffd", text)))


def _star_path() -> str:
    """A five-pointed star around the origin (outer radius 10, inner 4.2)."""
    corners = []
    for i in range(10):
        radius = 10.0 if i % 2 == 0 else 4.2
        angle = math.pi * i / 5 - math.pi / 2
        corners.append(f"{_n(radius * math.cos(angle))} {_n(radius * math.sin(angle))}")
    return "M" + "L".join(corners) + "Z"


_SHAPE_DEFS = {
    "circle": '<circle id="{id}" r="7"/>',
    "square": '<path id="{id}" d="M-6 -6h12v12h-12Z"/>',
    "triangle": '<path id="{id}" d="M0 -8L8 6H-8Z"/>',
    "diamond": '<path id="{id}" d="M0 -8L8 0L0 8L-8 0Z"/>',
    "star": '<path id="{id}" d="' + _star_path() + '"/>',
}


def _text_width(text: str) -> float:
    """The estimated width of *text* at the chart's font size (wide characters count
    double)."""
    return sum(2 * _CHAR if unicodedata.east_asian_width(ch) in "WF" else _CHAR for ch in text)


def _wrap(text: str, width: float) -> list[str]:
    """*text* broken at spaces into lines of about *width* units (a longer word stays
    whole)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _text_width(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines or [""]


def _value_range(values: Sequence[float]) -> tuple[float, float, list[float]]:
    """The value axis covering *values*: its bottom, its top, and 4 to 6 round ticks."""
    low, high = min(values), max(values)
    if high - low <= max(abs(low), abs(high)) * 1e-9:
        middle = (low + high) / 2
        half = max(abs(middle) * 0.1, 1.0)
        low, high = middle - half, middle + half
    rough = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    digits = max(0, 1 - math.floor(math.log10(step)))
    first, last = math.floor(low / step), math.ceil(high / step)
    ticks = [round(i * step, digits) for i in range(first, last + 1)]
    return first * step, last * step, ticks


def _position(moment: pendulum.DateTime) -> float:
    """*moment* (in the partnership's time zone) in days on the time axis."""
    return moment.date().toordinal() + (moment.hour * 60 + moment.minute) / 1440


def _day_position(day: pendulum.Date) -> float:
    """The start of the local *day* in days on the time axis."""
    return float(day.toordinal())


class _Axes:
    """Maps days and values to user units in the plot area."""

    def __init__(
        self,
        *,
        days: tuple[float, float],
        values: tuple[float, float],
        box: tuple[float, float, float, float],
        band: float = 0,
    ) -> None:
        self.first, self.last = days
        self.low, self.high = values
        self.left, self.top, self.right, self.bottom = box
        self.band = band  # the room at the top for the labels of vertical lines

    def x(self, day: float) -> float:
        """The horizontal position of *day* (in days on the time axis)."""
        inner = self.right - self.left - 24
        return self.left + 12 + (day - self.first) / (self.last - self.first) * inner

    def y(self, value: float) -> float:
        """The vertical position of *value*."""
        share = (value - self.low) / (self.high - self.low)
        return self.bottom - 10 - share * (self.bottom - self.top - self.band - 20)


def _phase_names(_: Callable[[str], str]) -> dict[Phase, str]:
    """Each phase's name in a family's words (not the analyst's "baseline",
    "generalisation", "maintenance"), translated."""
    return {
        Phase.BASELINE: _("Before teaching"),
        Phase.INTERVENTION: _("Learning"),
        Phase.GENERALISATION: _("Using it everywhere"),
        Phase.MAINTENANCE: _("Keeping it up"),
    }


def setting_names(_: Callable[[str], str]) -> dict[Setting, str]:
    """Each setting as the legend and the chart's table name it ("At home"), translated."""
    return {
        Setting.CLINIC: _("At the clinic"),
        Setting.HOME: _("At home"),
        Setting.SCHOOL: _("At school"),
        Setting.COMMUNITY: _("In the community"),
    }


def _description(
    chart: GoalChart,
    *,
    _: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    format_date: Callable[[pendulum.Date], str],
    amount: Callable[[float], str],
) -> str:
    """The chart in a few sentences, for a screen reader."""
    points = chart.points
    count = len(points)
    if not points:
        sentences = [_("No measurements yet.")]
    elif points[0].day == points[-1].day:
        sentences = [
            ngettext(
                "%(count)s measurement on %(day)s.", "%(count)s measurements on %(day)s.", count
            )
        ]
    else:
        sentences = [
            ngettext(
                "%(count)s measurement from %(first)s to %(last)s.",
                "%(count)s measurements from %(first)s to %(last)s.",
                count,
            )
        ]
    if points:
        sentences.append(_("The latest is %(value)s, on %(day)s."))
    sentences.append(_("The goal is %(target)s by %(due)s, from a start of %(baseline)s."))
    setbacks = len(chart.setbacks)
    if setbacks:
        sentences.append(ngettext("%(setbacks)s setback.", "%(setbacks)s setbacks.", setbacks))
    stars = len(chart.celebrations)
    if stars:
        sentences.append(
            ngettext("%(stars)s success celebrated.", "%(stars)s successes celebrated.", stars)
        )
    phases = sum(1 for ch in chart.phase_changes if not ch.is_revision)
    if phases:
        sentences.append(
            ngettext("%(phases)s change of phase.", "%(phases)s changes of phase.", phases)
        )
    revisions = len(chart.phase_changes) - phases
    if revisions:
        sentences.append(
            ngettext(
                "The goal was revised %(revisions)s time.",
                "The goal was revised %(revisions)s times.",
                revisions,
            )
        )
    fields = {
        "count": count,
        "setbacks": setbacks,
        "stars": stars,
        "phases": phases,
        "revisions": revisions,
        "target": amount(chart.target),
        "baseline": amount(chart.baseline),
        "due": format_date(chart.due),
    }
    if points:
        fields |= {
            "day": format_date(points[-1].day),
            "first": format_date(points[0].day),
            "last": format_date(points[-1].day),
            "value": amount(points[-1].value),
        }
    return " ".join(s % fields for s in sentences)


def _date_ticks(
    axes: _Axes,
    days: Sequence[pendulum.Date],
    format_date: Callable[[pendulum.Date], str],
) -> list[tuple[float, str]]:
    """Up to 5 date labels along the time axis, a whole number of days apart and as many
    as fit side by side, centred on the days the marks stand on: ``(x, text)``."""
    first, last = min(days), max(days)
    span = last.toordinal() - first.toordinal()
    room = max(_text_width(format_date(first)), _text_width(format_date(last))) + 14
    most = max(1, min(5, int((axes.right - axes.left) // room)))
    if span == 0 or most == 1:
        chosen = [pendulum.Date.fromordinal(first.toordinal() + span // 2)]
    else:
        per_day = axes.x(1.0) - axes.x(0.0)
        step = max(1, math.ceil(span / (most - 1)), math.ceil(room / per_day))
        count = span // step + 1
        offset = first.toordinal() + (span - (count - 1) * step) // 2
        chosen = [pendulum.Date.fromordinal(offset + k * step) for k in range(count)]
    ticks = []
    for day in chosen:
        text = format_date(day)
        half = _text_width(text) / 2
        x = min(max(axes.x(_day_position(day) + 0.5), half + 2), WIDTH - half - 2)
        ticks.append((x, text))
    return ticks


def _vertical_labels(
    axes: _Axes, marks: Sequence[tuple[float, str, str]]
) -> list[tuple[float, int, str, str, str]]:
    """Where each vertical line's label goes: ``(x, row, anchor, text, kind)``, in rows
    at the top of the plot so that labels side by side do not overlap."""
    placed: list[tuple[float, int, str, str, str]] = []
    row_ends: list[float] = []
    for x, text, kind in sorted(marks):
        width = _text_width(text)
        start, anchor = x + 4, "start"
        if start + width > WIDTH - 2:
            start, anchor = x - 4 - width, "end"
        row = next((r for r, end in enumerate(row_ends) if start > end + 6), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row = min(row, 2)
        row_ends[row] = max(row_ends[row], start + width)
        placed.append((x + 4 if anchor == "start" else x - 4, row, anchor, text, kind))
    return placed


def svg_chart(
    chart: GoalChart,
    *,
    _: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    format_date: Callable[[pendulum.Date], str],
    format_number: Callable[[float], str],
    chart_id: str,
) -> str:
    """*chart* as one ``<svg>`` element (see the module's docstring), its ids built from
    *chart_id* (unique on the page)."""
    cid = _e(chart_id)
    colour = COLOURS

    def amount(value: float) -> str:
        """*value* in the goal's unit, in words."""
        if not chart.unit:
            return format_number(value)
        return _("%(number)s %(unit)s") % {"number": format_number(value), "unit": chart.unit}

    title = _("Progress chart: %(statement)s") % {"statement": chart.statement}
    desc = _description(chart, _=_, ngettext=ngettext, format_date=format_date, amount=amount)
    if chart.unit and chart.unit.casefold() not in chart.metric.casefold():
        axis_label = _("%(metric)s (%(unit)s)") % {"metric": chart.metric, "unit": chart.unit}
    else:
        axis_label = chart.metric
    label_lines = _wrap(axis_label, WIDTH - 8)

    # the value axis: the goal, the start, every measurement and every star
    values = [chart.baseline, chart.target]
    values += [p.value for p in chart.points] + [c.value for c in chart.celebrations]
    low, high, value_ticks = _value_range(values)
    tick_texts = [format_number(v) for v in value_ticks]
    left = min(max(max(_text_width(t) for t in tick_texts) + 10, 28), 140)

    # the time axis: every mark that stands on a day or a moment
    positions = [_position(p.at) for p in chart.points]
    positions += [_position(c.at) for c in chart.celebrations]
    positions += [_position(s.at) for s in chart.setbacks]
    positions += [_day_position(ch.day) for ch in chart.phase_changes]
    if positions:
        first, last = min(positions), max(positions)
        if last - first < 1:
            first, last = (first + last) / 2 - 1.5, (first + last) / 2 + 1.5
    else:
        first, last = 0.0, 1.0
    plot_top = 10 + _LINE * len(label_lines)
    probe = _Axes(
        days=(first, last),
        values=(low, high),
        box=(left, plot_top, WIDTH - _RIGHT, plot_top + _PLOT_HEIGHT),
    )

    phase_names = _phase_names(_)
    vertical: list[tuple[float, str, str]] = [
        (probe.x(_position(s.at)), _("Setback"), "setback") for s in chart.setbacks
    ]
    for change in chart.phase_changes:
        vertical.append(_phase_mark(probe, change, phase_names, _))
    labels = _vertical_labels(probe, vertical)
    band = (max(row for _x, row, *_rest in labels) + 1) * _LINE if labels else 0
    axes = _Axes(
        days=(first, last),
        values=(low, high),
        box=(left, plot_top, WIDTH - _RIGHT, plot_top + band + _PLOT_HEIGHT),
        band=band,
    )

    out: list[str] = []
    add = out.append
    add(f"<defs>{''.join(d.format(id=f'{cid}-{k}') for k, d in _SHAPE_DEFS.items())}</defs>")
    # decoration: a grid line at each value tick
    add(f'<g stroke="{_GRID}">')
    for v in value_ticks:
        y = _n(axes.y(v))
        add(f'<line x1="{_n(axes.left)}" y1="{y}" x2="{_n(axes.right)}" y2="{y}"/>')
    add("</g>")
    # the start, then the goal over it (they meet when baseline and target are equal)
    for kind, value, width in (("start", chart.baseline, 2), ("goal", chart.target, 3)):
        y = _n(axes.y(value))
        dash = f' stroke-dasharray="{_DASHES[kind]}"' if kind in _DASHES else ""
        add(
            f'<line class="{kind}" x1="{_n(axes.left)}" y1="{y}" x2="{_n(axes.right)}" '
            f'y2="{y}" stroke="{colour[kind]}" stroke-width="{width}"{dash}/>'
        )
    # setbacks, changes of phase and revisions
    for x, _text, kind in vertical:
        add(
            f'<line class="{kind}" x1="{_n(x)}" y1="{_n(axes.top)}" x2="{_n(x)}" '
            f'y2="{_n(axes.bottom)}" stroke="{colour["setback" if kind == "setback" else "phase"]}"'
            f' stroke-width="2" stroke-dasharray="{_DASHES[kind]}"/>'
        )
    # the measurements: a thin line through them, then a shape for each by its setting
    xy = [(axes.x(_position(p.at)), axes.y(p.value)) for p in chart.points]
    if len(xy) > 1:
        add(
            f'<polyline points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in xy)}" fill="none" '
            f'stroke="{colour["line"]}" stroke-width="1.5"/>'
        )
    for setting, shape in SHAPES.items():
        marks = [xy[i] for i, p in enumerate(chart.points) if p.setting is setting]
        if marks:
            add(f'<g class="points {setting.value}" fill="{colour[setting.value]}">')
            add("".join(f'<use href="#{cid}-{shape}" x="{_n(x)}" y="{_n(y)}"/>' for x, y in marks))
            add("</g>")
    if chart.celebrations:
        add(f'<g class="celebrations" fill="{colour["celebration"]}">')
        for c in chart.celebrations:
            star_x, star_y = _n(axes.x(_position(c.at))), _n(axes.y(c.value))
            add(f'<use href="#{cid}-star" x="{star_x}" y="{star_y}"/>')
        add("</g>")

    # the words
    add(f'<g fill="{colour["text"]}">')
    for i, line in enumerate(label_lines):
        add(f'<text x="4" y="{_n(_LINE * (i + 1))}">{_e(line)}</text>')
    for v, text in zip(value_ticks, tick_texts, strict=True):
        y = _n(axes.y(v) + 6)
        add(f'<text x="{_n(left - 6)}" y="{y}" text-anchor="end">{_e(text)}</text>')
    date_y = _n(axes.bottom + _LINE + 2)
    days = [p.day for p in chart.points] + [c.day for c in chart.celebrations]
    days += [s.day for s in chart.setbacks] + [ch.day for ch in chart.phase_changes]
    if days:
        for x, text in _date_ticks(axes, days, format_date):
            add(f'<text x="{_n(x)}" y="{date_y}" text-anchor="middle">{_e(text)}</text>')
    if not chart.points:
        middle = _n((axes.left + axes.right) / 2)
        empty = _("No measurements yet.")
        add(
            f'<text x="{middle}" y="{_n((axes.top + axes.bottom) / 2)}" '
            f'text-anchor="middle">{_e(empty)}</text>'
        )
    add("</g>")
    for x, row, anchor, text, kind in labels:
        fill = colour["setback" if kind == "setback" else "phase"]
        y = _n(axes.top + _LINE * (row + 1) - 4)
        end = ' text-anchor="end"' if anchor == "end" else ""
        add(f'<text x="{_n(x)}" y="{y}" fill="{fill}"{end}>{_e(text)}</text>')

    legend_top = axes.bottom + _LINE + 26
    legend, height = _legend(chart, cid=cid, top=legend_top, _=_, amount=amount)
    out.extend(legend)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="100%" role="img" aria-labelledby="{cid}-title {cid}-desc" direction="ltr" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(desc)}</desc>'
        + "".join(out)
        + "</svg>"
    )


def _phase_mark(
    axes: _Axes,
    change: ChartPhaseChange,
    phase_names: dict[Phase, str],
    _: Callable[[str], str],
) -> tuple[float, str, str]:
    """A change of phase's (or a revision's) line: its position, label and kind."""
    x = axes.x(_day_position(change.day))
    if change.to_phase is None:
        return x, _("Goal revised"), "revision"
    return x, phase_names[change.to_phase], "phase"


def _legend(
    chart: GoalChart,
    *,
    cid: str,
    top: float,
    _: Callable[[str], str],
    amount: Callable[[float], str],
) -> tuple[list[str], float]:
    """The legend from *top* down, one entry for each kind of mark on the chart, in rows
    as wide as the chart; and the height of the whole chart."""
    colour = COLOURS
    entries: list[tuple[str, str]] = []  # (the sample's markup around the origin, label)
    settings = setting_names(_)
    present = {p.setting for p in chart.points}
    for setting, shape in SHAPES.items():
        if setting in present:
            sample = f'<use href="#{cid}-{shape}" fill="{colour[setting.value]}"/>'
            entries.append((sample, settings[setting]))
    goal = f'<path d="M-12 0H12" stroke="{colour["goal"]}" stroke-width="3"/>'
    entries.append((goal, _("Goal: %(value)s") % {"value": amount(chart.target)}))
    start = (
        f'<path d="M-12 0H12" stroke="{colour["start"]}" stroke-width="2" '
        f'stroke-dasharray="{_DASHES["start"]}"/>'
    )
    entries.append((start, _("Start: %(value)s") % {"value": amount(chart.baseline)}))

    def upright(kind: str, hue: str) -> str:
        """The sample of a vertical line of *kind*, in the colour of *hue*."""
        return (
            f'<path d="M0 -10V10" stroke="{colour[hue]}" stroke-width="2" '
            f'stroke-dasharray="{_DASHES[kind]}"/>'
        )

    if chart.setbacks:
        entries.append((upright("setback", "setback"), _("Setback")))
    if chart.celebrations:
        star = f'<use href="#{cid}-star" fill="{colour["celebration"]}"/>'
        entries.append((star, _("Celebrated")))
    if any(not ch.is_revision for ch in chart.phase_changes):
        entries.append((upright("phase", "phase"), _("Change of phase")))
    if any(ch.is_revision for ch in chart.phase_changes):
        entries.append((upright("revision", "phase"), _("Goal revised")))

    out = [f'<g class="legend" fill="{colour["text"]}">']
    x, y = 4.0, top
    for sample, label in entries:
        width = 30 + _text_width(label)
        if x > 4 and x + width > WIDTH - 4:
            x, y = 4.0, y + _LINE + 6
        out.append(f'<g transform="translate({_n(x + 12)} {_n(y)})">{sample}</g>')
        out.append(f'<text x="{_n(x + 30)}" y="{_n(y + 6)}">{_e(label)}</text>')
        x += width + 16
    out.append("</g>")
    return out, y + _LINE
