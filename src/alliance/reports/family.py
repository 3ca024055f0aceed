"""The family report: a self-contained HTML page telling each family, in its own
language, how its child's goals are going.

:func:`family_report` builds the page from Jinja2 templates (autoescaped: every value a
clinician or a carer wrote is escaped by the template engine, never by hand) and message
catalogs (gettext, with Babel's CLDR dates, numbers and plurals). The language is the
viewing carer's preferred one (their person record's
:class:`~alliance.model.people.CommunicationPreferences`), else the one asked for; a
language without a catalog falls back to English, and the result says so
(:attr:`FamilyReport.fell_back`) for the clinic, never on the family's page.

A clinic changes the page without forking: *templates* is a directory whose templates
replace the shipped ones (a template there may extend the shipped one as
``"alliance/family_report.html"`` and override its blocks), *wording* a directory of its
own catalogs, and :class:`Branding` its name, colour and footer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import markupsafe
import pendulum
from babel.lists import format_list

from alliance._i18n import Language
from alliance._i18n import language as _language
from alliance.errors import ValidationError
from alliance.measures import evaluate_mastery
from alliance.measures._evaluation import MasteryEvaluation
from alliance.model import _checks as c
from alliance.model.audience import AudienceScope
from alliance.model.coaching import fidelity_trend
from alliance.model.goals import Direction, GoalStatus
from alliance.model.partnership import Setting
from alliance.model.people import Carer, Child, Professional
from alliance.model.redaction import REDACTED, display_name
from alliance.model.state import PartnershipState
from alliance.reports._chart_data import goal_chart
from alliance.reports._common import Period, moment_of
from alliance.reports._svg import setting_names, svg_chart
from alliance.reports._templates import bdi, environment, gettext_for
from alliance.reports.progress import DEFAULT_TREND_WINDOW, GoalProgress, Outlook, goal_progress

__all__ = [
    "Branding",
    "FamilyReport",
    "GoalStory",
    "describe_progress",
    "family_report",
    "family_view",
    "goal_story",
]

_log = logging.getLogger("alliance.reports")

Person = Child | Carer | Professional


def _colour(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and len(value) == 7 and value.startswith("#")):
        raise ValidationError(attribute.name, f"{value!r} is not a colour such as '#1d4f91'")
    try:
        int(value[1:], 16)
    except ValueError:
        raise ValidationError(
            attribute.name, f"{value!r} is not a colour such as '#1d4f91'"
        ) from None


@attrs.frozen(kw_only=True)
class Branding:
    """How a clinic's family reports look: its name, its colour and a footer.

    Attributes:
        clinic_name: shown above the title (``None``: not shown).
        accent: the colour of headings and rules, ``"#rrggbb"``; keep it dark enough to
            read on white (a contrast of at least 4.5:1: the default has 8.9:1).
        footer: a line at the foot of the page (how to reach the clinic, say).
    """

    clinic_name: str | None = attrs.field(default=None, validator=c.optional_text)
    accent: str = attrs.field(default="#1d4f91", validator=_colour)
    footer: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class FamilyReport:
    """A family report and the language it was written in.

    Attributes:
        html: the page.
        language: the language of its text (``"es"``), as on the page's ``lang``.
        requested: the language asked for (a carer's preferred language), or ``None``.
        fell_back: whether *requested* has no catalog, so the page is in English: a note
            for the clinic (also logged on the ``alliance.reports`` logger), never shown
            to the family.
    """

    html: str
    language: str
    requested: str | None
    fell_back: bool


@attrs.frozen(kw_only=True)
class GoalStory:
    """Where a goal stands, told once: the status, the target and the mastery check
    agree because they are decided together here.

    Attributes:
        reached: whether the latest measurement reaches the target (``None``: no
            measurement yet).
        learned: whether the mastery criterion is met (``None``: the goal has none).
        checks_left: how many more sessions must hold before the skill counts as
            learned, when the target is reached but not yet mastered (``None`` when not
            known or not applicable).
        sentences: the story in plain words, in the report's language.
    """

    status: GoalStatus
    reached: bool | None
    learned: bool | None
    checks_left: int | None
    sentences: tuple[str, ...]


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


# --- one story per goal ----------------------------------------------------------------------


def _status_sentence(status: GoalStatus, child: str, lang: Language) -> str | None:
    _ = lang.gettext
    if status is GoalStatus.ACHIEVED:
        return _("The team has agreed this goal is achieved. Well done, %(child)s!") % {
            "child": child
        }
    if status is GoalStatus.DISCONTINUED:
        return _("The team has agreed to stop working on this goal.")
    if status is GoalStatus.ON_HOLD:
        return _("Work on this goal is paused for now.")
    if status is GoalStatus.PROPOSED:
        return _("This goal has been suggested and is waiting for everyone to agree to it.")
    return None


def _outlook_sentence(row: GoalProgress, child: str, lang: Language) -> str:
    _ = lang.gettext
    share = lang.percent(max(0.0, row.share_of_the_way or 0.0))
    way = _("%(child)s is %(share)s of the way there.") % {"child": child, "share": share}
    if row.outlook in (Outlook.ON_TRACK, Outlook.BEHIND) and row.projected_date is not None:
        when, due = lang.date(row.projected_date), lang.date(row.goal.due)
        if row.outlook is Outlook.ON_TRACK:
            pace = _(
                "At the current pace %(child)s should get there around %(when)s, before the "
                "date we aimed for (%(due)s)."
            )
        else:
            pace = _(
                "At the current pace %(child)s should get there around %(when)s, later than "
                "the date we aimed for (%(due)s). We will talk about what could help."
            )
        return f"{way} {pace % {'child': child, 'when': when, 'due': due}}"
    if row.outlook is Outlook.NOT_ON_TRACK:
        if row.goal.direction == Direction.INCREASE.value:
            flat = _(
                "Lately the numbers have not been going up. That happens; we will look at "
                "it together."
            )
        else:
            flat = _(
                "Lately the numbers have not been coming down. That happens; we will look "
                "at it together."
            )
        return f"{way} {flat}"
    more = _("We need a few more measurements to see the trend.")
    return f"{way} {more}"


def goal_story(
    row: GoalProgress,
    child: str,
    *,
    lang: Language | None = None,
    evaluation: MasteryEvaluation | None = None,
) -> GoalStory:
    """The story of one goal's progress *row* for a family: its status, whether the
    target is reached and whether the skill counts as learned (mastered), told in
    sentences that cannot contradict each other. *evaluation* (the goal's
    :func:`~alliance.measures.evaluate_mastery` at ``row.as_of``) says how many more
    sessions must hold; without it the story does not count them."""
    lang = lang or _language()
    _ = lang.gettext
    status = row.goal.status
    sentences: list[str] = []
    said = _status_sentence(status, child, lang)
    if said is not None:
        sentences.append(said)
    reached = None if row.latest is None else row.outlook is Outlook.REACHED
    learned = None if row.mastery is None else row.mastery == "mastered"
    checks_left: int | None = None
    if status in (GoalStatus.ACHIEVED, GoalStatus.DISCONTINUED):
        pass
    elif row.latest is None:
        sentences.append(_("There are no measurements yet."))
    elif reached and learned:
        sentences.append(
            _("%(child)s has reached the goal and kept it up, so it counts as learned. Well done!")
            % {"child": child}
        )
    elif reached and learned is False:
        if evaluation is not None:
            checks_left = max(1, evaluation.criterion.consecutive - evaluation.current_run)
            sentences.append(
                lang.ngettext(
                    "%(child)s has reached the goal. The team will keep checking it holds for "
                    "%(count)s more session before calling it learned.",
                    "%(child)s has reached the goal. The team will keep checking it holds for "
                    "%(count)s more sessions before calling it learned.",
                    checks_left,
                )
                % {"child": child, "count": lang.number(checks_left)}
            )
        else:
            sentences.append(
                _(
                    "%(child)s has reached the goal. The team will keep checking it holds "
                    "before calling it learned."
                )
                % {"child": child}
            )
    elif reached:
        sentences.append(_("%(child)s has reached the goal. Well done!") % {"child": child})
    elif learned:
        sentences.append(
            _(
                "%(child)s has kept this skill up long enough for it to count as learned, "
                "and is still working toward the goal."
            )
            % {"child": child}
        )
        sentences.append(_outlook_sentence(row, child, lang))
    else:
        sentences.append(_outlook_sentence(row, child, lang))
    places = _settings_phrase(row, lang)
    if places:
        sentences.append(_("Where we measured: %(places)s.") % {"places": places})
    return GoalStory(
        status=status,
        reached=reached,
        learned=learned,
        checks_left=checks_left,
        sentences=tuple(sentences),
    )


def _settings_phrase(row: GoalProgress, lang: Language) -> str:
    parts = []
    for setting, count in row.observations_by_setting:
        if not count:
            continue
        if setting is Setting.CLINIC:
            text = lang.ngettext(
                "%(count)s time at the clinic", "%(count)s times at the clinic", count
            )
        elif setting is Setting.HOME:
            text = lang.ngettext("%(count)s time at home", "%(count)s times at home", count)
        elif setting is Setting.SCHOOL:
            text = lang.ngettext("%(count)s time at school", "%(count)s times at school", count)
        else:
            text = lang.ngettext(
                "%(count)s time in the community", "%(count)s times in the community", count
            )
        parts.append(text % {"count": lang.number(count)})
    return str(format_list(parts, locale=lang.locale)) if parts else ""


def describe_progress(
    row: GoalProgress, child: str, *, language_tag: str | None = None
) -> list[str]:
    """Where a goal stands, in a few plain sentences for a family, in *language_tag*'s
    language (English by default): the sentences of
    :func:`alliance.reports.family.goal_story`."""
    return list(goal_story(row, child, lang=_language(language_tag)).sentences)


# --- the page --------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Goal:
    """What the page shows of one goal."""

    goal_id: str
    statement: str
    why: str
    figures: tuple[tuple[str, str], ...]
    story: GoalStory
    chart: markupsafe.Markup | None
    table: tuple[tuple[str, str, str], ...]
    coaching: tuple[_Strategy, ...]
    celebrations: tuple[_Celebrated, ...]


@attrs.frozen(kw_only=True)
class _Strategy:
    strategy_id: str
    heading: str
    description: str
    carers: tuple[tuple[float, str], ...]


@attrs.frozen(kw_only=True)
class _Celebrated:
    celebration_id: str
    day: str
    description: str
    milestone: bool


@attrs.frozen(kw_only=True)
class _Transition:
    transition_id: str
    day: str
    description: str
    called_off: str | None
    steps: tuple[str, ...] | None


@attrs.frozen(kw_only=True)
class _Partnership:
    partnership_id: str
    child: str
    team: tuple[str, ...]
    goals: tuple[_Goal, ...]
    celebrations: tuple[_Celebrated, ...]
    transitions: tuple[_Transition, ...]


def _practising(setting: Setting, lang: Language) -> str:
    _ = lang.gettext
    words = {
        Setting.CLINIC: _("Practising at the clinic"),
        Setting.HOME: _("Practising at home"),
        Setting.SCHOOL: _("Practising at school"),
        Setting.COMMUNITY: _("Practising in the community"),
    }
    return words[setting]


class _Page:
    """Builds the page's parts for one language, viewer and set of person records."""

    def __init__(
        self,
        lang: Language,
        *,
        viewer: str | None,
        people: Mapping[str, Person] | None,
        names: Mapping[str, str],
        period: Period,
        window: pendulum.Duration,
        charts: str | None,
        written_in: str | None,
    ) -> None:
        self.lang, self.viewer, self.people, self.names = lang, viewer, people, names
        self.period, self.window, self.charts = period, window, charts
        self.written_in = written_in

    def name(self, member_id: str, *, you: str) -> str | None:
        """How to call a member: *you* for the viewer, their name from the person
        records, else ``None`` (no records: nobody is named)."""
        if member_id == self.viewer:
            return you
        if self.people is None:
            return None
        shown = display_name(self.people.get(member_id))
        return self.lang.gettext("[name withheld]") if shown == REDACTED else shown

    def partnership(self, whole: PartnershipState) -> _Partnership:
        """The page's section for one partnership."""
        _ = self.lang.gettext
        state = family_view(whole, self.viewer)
        if self.people is not None:
            child = display_name(self.people.get(state.child_id))
            if child == REDACTED:
                child = _("[name withheld]")
        else:
            child = self.names.get(state.child_id, state.child_id)
        team: list[str] = []
        for member in state.members.values():
            if member.is_current:
                who = self.name(member.member_id, you=_("you"))
                if who is not None:
                    team.append(who)
        return _Partnership(
            partnership_id=state.partnership_id,
            child=child,
            team=tuple(team) if self.people is not None else (),
            goals=tuple(self.goal(state, goal_id, child) for goal_id in state.goals),
            celebrations=self.celebrations(state, None),
            transitions=self.transitions(state),
        )

    def goal(self, state: PartnershipState, goal_id: str, child: str) -> _Goal:
        """The page's part for one goal: its figures, its story, its chart and table."""
        _, lang = self.lang.gettext, self.lang
        goal = state.goals[goal_id]
        row = goal_progress(state, goal_id, period=self.period, window=self.window)
        evaluation = None
        if goal.current.mastery is not None:
            evaluation = evaluate_mastery(state, goal_id, as_of=row.as_of)
        story = goal_story(row, child, lang=lang, evaluation=evaluation)
        target = goal.target
        measure = target.metric
        if target.unit and target.unit.casefold() not in measure.casefold():
            measure = f"{measure} ({target.unit})"
        figures: list[tuple[str, str]] = [
            (_("What we measure"), bdi(measure, self.written_in)),
            (_("At the start"), lang.number(row.baseline)),
        ]
        if row.latest is not None and row.latest_at is not None:
            latest = _("%(value)s on %(day)s") % {
                "value": lang.number(row.latest),
                "day": lang.date(state.local_date(row.latest_at)),
            }
            figures.append((_("Latest"), latest))
        figures.append(
            (
                _("The goal"),
                _("%(value)s by %(day)s")
                % {"value": lang.number(row.target), "day": lang.date(target.due)},
            )
        )
        chart, table = self.chart(state, goal_id)
        return _Goal(
            goal_id=goal_id,
            statement=goal.statement,
            why=goal.current.why_it_matters,
            figures=tuple(figures),
            story=story,
            chart=chart,
            table=table,
            coaching=self.coaching(state, goal_id),
            celebrations=self.celebrations(state, goal_id),
        )

    def chart(
        self, state: PartnershipState, goal_id: str
    ) -> tuple[markupsafe.Markup | None, tuple[tuple[str, str, str], ...]]:
        """The goal's chart (inline SVG, or a matplotlib image) and its data table."""
        if self.charts is None:
            return None, ()
        data = goal_chart(state, goal_id, period=self.period)
        lang = self.lang
        where = setting_names(lang.gettext)
        table = tuple(
            (lang.date(p.day), lang.number(p.value), where[p.setting]) for p in data.points
        )
        if self.charts == "inline":
            svg = svg_chart(
                data,
                _=lang.gettext,
                ngettext=lang.ngettext,
                format_date=lang.date,
                format_number=lang.number,
                chart_id=f"{state.partnership_id}-{goal_id}",
            )
            return markupsafe.Markup(svg), table
        return _image(state, goal_id, self.period, self.charts, lang), table

    def coaching(self, state: PartnershipState, goal_id: str) -> tuple[_Strategy, ...]:
        """Each coached strategy serving *goal_id*: every carer's fidelity over time."""
        _, lang = self.lang.gettext, self.lang
        found = []
        for strategy in state.strategies.values():
            if strategy.goal_id != goal_id or strategy.strategy_id not in state.checklists:
                continue
            sessions = state.coaching_for(strategy.strategy_id)
            lines = []
            for carer in sorted({s.carer for s in sessions}):
                trend = fidelity_trend(sessions, strategy.strategy_id, carer)
                latest = trend.latest or 0.0
                values = {
                    "who": self.name(carer, you=_("You")) or _("A carer"),
                    "share": lang.percent(latest / 100),
                    "history": str(
                        format_list(
                            [lang.percent(f / 100) for _day, f in trend.points], locale=lang.locale
                        )
                    ),
                    "count": lang.number(len(trend.sessions)),
                }
                text = (
                    lang.ngettext(
                        "%(who)s: %(share)s of the steps as planned in the latest coaching session "
                        "(%(count)s session so far: %(history)s).",
                        "%(who)s: %(share)s of the steps as planned in the latest coaching session "
                        "(%(count)s sessions so far: %(history)s).",
                        len(trend.sessions),
                    )
                    % values
                )
                if trend.independent_since is not None:
                    since = lang.date(state.local_date(trend.independent_since.held_at))
                    text += " " + _("Using it independently since %(day)s.") % {"day": since}
                if trend.latest_confidence is not None:
                    text += " " + _("Confidence: %(score)s out of 5.") % {
                        "score": lang.number(trend.latest_confidence)
                    }
                lines.append((latest, text))
            found.append(
                _Strategy(
                    strategy_id=strategy.strategy_id,
                    heading=_practising(strategy.setting, lang),
                    description=strategy.description,
                    carers=tuple(lines),
                )
            )
        return tuple(found)

    def celebrations(self, state: PartnershipState, goal_id: str | None) -> tuple[_Celebrated, ...]:
        """The successes celebrated in the period about *goal_id* (or about no goal)."""
        found = sorted(
            (
                x
                for x in state.celebrations.values()
                if x.goal_id == goal_id and self.period.contains(state.local_date(x.celebrated_at))
            ),
            key=lambda x: x.celebrated_at,
        )
        return tuple(
            _Celebrated(
                celebration_id=x.celebration_id,
                day=self.lang.date(state.local_date(x.celebrated_at)),
                description=x.description,
                milestone=x.kind.value == "milestone",
            )
            for x in found
        )

    def transitions(self, state: PartnershipState) -> tuple[_Transition, ...]:
        """Transitions coming up (not yet looked back on) at the report's moment, and
        those called off, with their plans."""
        _, lang = self.lang.gettext, self.lang
        moment = moment_of(state, self.period)
        today = state.local_date(moment)
        found = [
            _Transition(
                transition_id=t.transition_id,
                day=lang.date(t.date),
                description=t.description,
                called_off=t.cancellation.reason,
                steps=None,
            )
            for t in state.transitions.values()
            if t.cancellation is not None
            and t.cancellation.cancelled_at <= moment
            and t.date >= today
        ]
        for t in state.upcoming_transitions():
            if t.date < today:
                continue
            steps = None
            if t.plan is not None:
                steps = []
                for step in t.plan.steps:
                    values = {"step": step.description, "day": lang.date(step.due)}
                    who = self.name(step.owner, you=_("you"))
                    if who is None:
                        steps.append(_("%(step)s, by %(day)s") % values)
                    else:
                        steps.append(_("%(step)s, by %(day)s (%(who)s)") % {**values, "who": who})
            found.append(
                _Transition(
                    transition_id=t.transition_id,
                    day=lang.date(t.date),
                    description=t.description,
                    called_off=None,
                    steps=None if steps is None else tuple(steps),
                )
            )
        return tuple(found)


def _image(
    state: PartnershipState, goal_id: str, period: Period, fmt: str, lang: Language
) -> markupsafe.Markup:
    """The matplotlib chart of *goal_id* as an ``<img>`` with a ``data:`` URI."""
    import base64  # noqa: PLC0415

    from alliance.reports.charts import progress_chart  # noqa: PLC0415 (optional extra)

    data = progress_chart(state, goal_id, period=period, fmt=fmt)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    goal = state.goals[goal_id]
    alt = lang.gettext("Chart of %(metric)s over time, with the goal at %(target)s") % {
        "metric": goal.target.metric,
        "target": lang.number(goal.target.target),
    }
    return markupsafe.Markup('<img src="{}" alt="{}">').format(uri, alt)


_CHARTS = ("inline", "png", "svg")


def family_report(
    states: Iterable[PartnershipState],
    *,
    period: Period | None = None,
    window: pendulum.Duration = DEFAULT_TREND_WINDOW,
    viewer: str | None = None,
    people: Mapping[str, Person] | None = None,
    names: Mapping[str, str] | None = None,
    language: str | None = None,
    charts: bool = True,
    chart_format: str = "inline",
    title: str | None = None,
    branding: Branding | None = None,
    templates: str | Path | None = None,
    wording: str | Path | None = None,
    written_in: str | None = None,
) -> FamilyReport:
    """The family report of *states*: for each partnership a section, for each goal its
    figures, one consistent story (:func:`goal_story`), a chart with its numbers as a
    table, carers' coaching and the successes celebrated; then other celebrations and
    the transitions coming up. Only what a family may see is shown (:func:`family_view`;
    with *viewer*, exactly what that member may see).

    Args:
        viewer: the member the page is for: built from their view, and they are "you".
        people: the host's person records by id: the child and the members are named
            from them (a redacted or missing record: "[name withheld]"); without them,
            *names* maps a child's id to a name (the id otherwise) and no member is
            named.
        language: a BCP 47 tag; default the viewer's preferred language
            (``people[viewer].preferences.language``), else English. A language without
            a catalog gives English, with :attr:`FamilyReport.fell_back` set and a
            warning logged on ``alliance.reports``.
        charts: whether to draw charts; *chart_format* ``"inline"`` (the default: SVG
            in the page, no extra needed), or ``"png"``/``"svg"`` (matplotlib images,
            the ``reports`` extra).
        title: the page's title (default, in its language: "How things are going").
        branding, templates, wording: the clinic's look, its own templates directory
            and its own catalogs directory (see the module's documentation).
        written_in: the language the team writes its records in (goal statements,
            strategies, celebrations, transitions), a BCP 47 tag. When its language is
            not the page's, that text is marked ``lang="..."``, so that a screen reader
            reads an English goal in English on a Spanish page (WCAG 3.1.2). Default: not
            marked.

    Raises:
        ValidationError: an unknown *chart_format*, *templates* or *wording* not a
            directory, or *written_in* not a language tag.
    """
    if chart_format not in _CHARTS:
        raise ValidationError(
            "chart_format", f"must be one of {', '.join(_CHARTS)}, not {chart_format!r}"
        )
    folder = None
    if templates is not None:
        folder = Path(templates).resolve()
        if not folder.is_dir():
            raise ValidationError("templates", f"{str(templates)!r} is not a directory")
    requested = language
    if requested is None and viewer is not None and people is not None:
        person = people.get(viewer)
        if isinstance(person, (Carer, Professional)):
            requested = person.preferences.language
    lang = _language(requested, wording=wording)
    marked = None
    if written_in is not None:
        c.check_language("written_in", written_in)
        if written_in.split("-")[0].casefold() != lang.tag:
            marked = written_in
    if lang.fell_back:
        _log.warning("no catalog for language %r: the family report is in English", lang.requested)
    period = period or Period()
    page = _Page(
        lang,
        viewer=viewer,
        people=people,
        names=names or {},
        period=period,
        window=window,
        charts=chart_format if charts else None,
        written_in=marked,
    )
    heading = title if title is not None else lang.gettext("How things are going")
    period_line = None
    if period.start is not None and period.end is not None:
        period_line = lang.gettext("From %(start)s to %(end)s") % {
            "start": lang.date(period.start),
            "end": lang.date(period.end),
        }
    elif period.start is not None:
        period_line = lang.gettext("Since %(start)s") % {"start": lang.date(period.start)}
    elif period.end is not None:
        period_line = lang.gettext("Up to %(end)s") % {"end": lang.date(period.end)}
    template = environment(folder).get_template("family_report.html")
    text = template.render(
        lang=lang.tag,
        dir=lang.direction,
        title=heading,
        period=period_line,
        branding=branding or Branding(),
        written=markupsafe.Markup(' lang="{}"').format(marked) if marked else "",
        partnerships=[page.partnership(s) for s in states],
        **gettext_for(lang),
    )
    return FamilyReport(
        html=text, language=lang.tag, requested=lang.requested, fell_back=lang.fell_back
    )
