"""Hypothesis strategies for ``alliance``'s values, events and whole valid timelines.

Three layers, each built on the one before:

- **Scalars**: :func:`aware_datetimes`, :func:`dates`, :func:`durations`, :func:`ids`,
  :func:`texts`, :func:`language_tags`, :func:`time_zone_names`, and strategies for
  *invalid* scalars (:func:`naive_datetimes`, :func:`blank_texts`, :func:`invalid_ids`)
  to check that the model refuses them.
- **Records and events, each valid on its own**: one strategy per value type, named
  after it (``measurable_targets()`` for :class:`alliance.model.MeasurableTarget`,
  ``gas_scales()``, ``fidelity_checklists()``, ``partnership_agreements()``...; and
  :func:`step_fidelities`, a score for every step of a given checklist), and one per
  event class, named ``<snake_case name>_events()`` (``goal_agreed_events()`` for
  :class:`alliance.events.GoalAgreed`, ``coaching_session_held_events()`` for
  :class:`alliance.events.CoachingSessionHeld`). :func:`events_of` finds
  the strategy for an event class and :func:`events` draws any event. The ids such an
  event refers to are arbitrary, so it is usually refused by
  :meth:`alliance.Partnership.record`; use it for serialization and validation tests.
- **Timelines**: :func:`partnership_histories` draws a whole valid timeline, built by
  recording every event through :meth:`alliance.Partnership.record`, so each one was
  accepted by the model when it was drawn, and by :class:`alliance.RolePolicy`: each
  actor is a member whose role allows the event. :func:`replay` records a timeline into
  a fresh :class:`alliance.Partnership`, :func:`partnerships` draws one, and
  :func:`invalid_next_events` draws an event the model must refuse on top of a state.

Every strategy takes keyword arguments only, and shrinks towards short, simple values.
None of them use :func:`hypothesis.strategies.builds` on an attrs class (which would
infer values without honouring its validators): each draws values known to be valid and
calls the real constructor, so validators run.

Example::

    from hypothesis import given
    from alliance import fold, from_data, to_data, PartnershipState
    from alliance.testing import strategies as alliance_st

    @given(alliance_st.partnership_histories(max_events=30))
    def test_state_round_trips(events):
        state = fold(events)
        assert from_data(to_data(state), PartnershipState) == state

Run hypothesis with ``--hypothesis-show-statistics`` to see how often each event type
was drawn by :func:`partnership_histories` (it reports each as a hypothesis ``event``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import string
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import attrs
import hypothesis
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.model.membership import side_of
from alliance.model.visibility import can_see

__all__ = [
    # constants
    "TIME_ZONE_NAMES",
    # scalars
    "aware_datetimes",
    "dates",
    "durations",
    "ids",
    "language_tags",
    "texts",
    "time_zone_names",
    # invalid scalars
    "blank_texts",
    "invalid_ids",
    "naive_datetimes",
    # value types
    "action_items",
    "audiences",
    "carers",
    "children",
    "communication_plans",
    "communication_preferences",
    "contact_details",
    "gas_levels",
    "gas_scales",
    "mastery_criteria",
    "measurable_targets",
    "plan_steps",
    "professionals",
    # value types of the family's side
    "contact_routes",
    "fidelity_checklists",
    "fidelity_steps",
    "partnership_agreements",
    "response_times",
    "step_fidelities",
    # events, one strategy per class
    "action_item_completed_events",
    "carer_joined_events",
    "check_in_held_events",
    "communication_plan_agreed_events",
    "concern_escalated_events",
    "consent_granted_events",
    "consent_withdrawn_events",
    "concern_raised_events",
    "concern_resolved_events",
    "feedback_answered_events",
    "feedback_given_events",
    "goal_achieved_events",
    "goal_agreed_events",
    "goal_concern_noted_events",
    "goal_discontinued_events",
    "goal_objected_events",
    "goal_proposed_events",
    "goal_put_on_hold_events",
    "goal_resumed_events",
    "goal_revised_events",
    "home_practice_adapted_events",
    "home_practice_planned_events",
    "home_practice_stopped_events",
    "measure_completed_events",
    "member_left_events",
    "partnership_formed_events",
    "partnership_status_changed_events",
    "practice_logged_events",
    "professional_joined_events",
    "progress_corrected_events",
    "progress_recorded_events",
    "resource_shared_events",
    "settings_changed_events",
    "setback_reported_events",
    "setback_resolved_events",
    "setback_response_planned_events",
    "setback_reviewed_events",
    # events of the family's side
    "agreement_acknowledged_events",
    "agreement_issued_events",
    "coaching_session_held_events",
    "education_attended_events",
    "fidelity_checklist_set_events",
    "success_celebrated_events",
    "support_offered_events",
    "transition_announced_events",
    "transition_information_shared_events",
    "transition_plan_agreed_events",
    "transition_rescheduled_events",
    "transition_reviewed_events",
    "wellbeing_noted_events",
    # any event
    "events",
    "events_of",
    # timelines
    "invalid_next_events",
    "partnership_histories",
    "partnerships",
    "replay",
]

T = TypeVar("T")
E = TypeVar("E", bound=al.Event)

# --- scalars ------------------------------------------------------------------------------

TIME_ZONE_NAMES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Europe/Amsterdam",
    "Africa/Monrovia",
)
"""IANA zones with awkward offsets: half and quarter hours, +14:00, -11:00, half-hour
DST (Lord Howe), southern-hemisphere DST, offsets with seconds in them (Amsterdam before
1937, Monrovia before 1972), and plain UTC."""

_EARLIEST = pendulum.datetime(1, 1, 2, tz="UTC")
_LATEST = pendulum.datetime(9999, 12, 30, 23, 59, 59, 999999, tz="UTC")
_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "._:@/+-"
_MAX_ID_LENGTH = 128
_PRINTABLE = st.characters(categories=("L", "M", "N", "P", "S"), include_characters=" ")
_WHITESPACE = " \t\n\r\x0b\x0c\u00a0\u1680\u2003\u2028\u3000"


def _naive_utc(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{name}={value!r} must be timezone-aware")
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def time_zone_names(*, names: Sequence[str] = TIME_ZONE_NAMES) -> st.SearchStrategy[str]:
    """IANA time zone names, by default from :data:`TIME_ZONE_NAMES`.

    Args:
        names: the names to choose from (shrinks towards the first).
    """
    if not names:
        raise InvalidArgument("names must not be empty")
    return st.sampled_from(tuple(names))


@st.composite
def aware_datetimes(
    draw: st.DrawFn,
    *,
    min_value: dt.datetime = _EARLIEST,
    max_value: dt.datetime = _LATEST,
    time_zones: st.SearchStrategy[str] | None = None,
) -> pendulum.DateTime:
    """Timezone-aware :class:`pendulum.DateTime` values, in UTC unless *time_zones* is given.

    The instant is drawn between *min_value* and *max_value* (aware datetimes, compared
    as instants). With *time_zones* (a strategy of IANA names such as
    :func:`time_zone_names`), the instant is then shown in a drawn zone: the same moment
    with another offset, which the model must normalise to UTC.

    The default bounds keep a day clear of the ends of the calendar, so that any instant
    can be shown in any zone.
    """
    low = _naive_utc(min_value, "min_value")
    high = _naive_utc(max_value, "max_value")
    instant = draw(st.datetimes(min_value=low, max_value=high, timezones=st.just(pendulum.UTC)))
    moment = pendulum.instance(instant)
    if time_zones is not None:
        moment = moment.in_timezone(draw(time_zones))
    return moment


def naive_datetimes(
    *,
    min_value: dt.datetime = dt.datetime(1900, 1, 1),
    max_value: dt.datetime = dt.datetime(2200, 12, 31),
) -> st.SearchStrategy[dt.datetime]:
    """Naive datetimes (no time zone), which every ``alliance`` time field refuses."""
    return st.datetimes(min_value=min_value, max_value=max_value)


@st.composite
def dates(
    draw: st.DrawFn,
    *,
    min_value: dt.date = dt.date.min,
    max_value: dt.date = dt.date.max,
) -> pendulum.Date:
    """Calendar dates as :class:`pendulum.Date`, between *min_value* and *max_value*."""
    day = draw(st.dates(min_value=min_value, max_value=max_value))
    return pendulum.Date(day.year, day.month, day.day)


@st.composite
def durations(draw: st.DrawFn, *, max_years: int = 10, calendar: bool = True) -> pendulum.Duration:
    """Positive :class:`pendulum.Duration` values, built from parts.

    Each part is drawn on its own: years (up to *max_years*) and months (only when
    *calendar* is true; pendulum counts them as 365 and 30 days but remembers them),
    weeks, days, hours (up to 47, so some spill into days), minutes, seconds and
    microseconds. At least one part is non-zero.
    """
    if max_years < 0:
        raise InvalidArgument(f"max_years={max_years} must not be negative")
    years = draw(st.integers(0, max_years)) if calendar else 0
    months = draw(st.integers(0, 24)) if calendar else 0
    weeks = draw(st.integers(0, 60))
    days = draw(st.integers(0, 60))
    hours = draw(st.integers(0, 47))
    minutes = draw(st.integers(0, 59))
    seconds = draw(st.integers(0, 59))
    microseconds = draw(st.integers(0, 999_999))
    if not any((years, months, weeks, days, hours, minutes, seconds, microseconds)):
        days = 1
    return pendulum.Duration(
        years=years,
        months=months,
        weeks=weeks,
        days=days,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        microseconds=microseconds,
    )


def ids(*, max_size: int = 32) -> st.SearchStrategy[str]:
    """Valid ids: a letter or digit, then letters, digits and ``. _ : @ / + -``.

    With *max_size* of 32 or more, also draws 32-character hex ids like those
    :func:`alliance.model.new_id` makes.

    Args:
        max_size: the longest id to draw, from 1 to 128.
    """
    if not 1 <= max_size <= _MAX_ID_LENGTH:
        raise InvalidArgument(f"max_size={max_size} must be between 1 and {_MAX_ID_LENGTH}")
    return _ids(max_size)


@functools.cache
def _ids(max_size: int) -> st.SearchStrategy[str]:
    hand_made = st.builds(
        str.__add__,
        st.sampled_from(_ID_FIRST),
        st.text(alphabet=_ID_REST, max_size=max_size - 1),
    )
    if max_size < 32:
        return hand_made
    return hand_made | st.uuids().map(lambda u: u.hex)


def invalid_ids() -> st.SearchStrategy[str]:
    """Strings that are not valid ids: empty, too long, with spaces, or starting with a
    punctuation mark."""
    return st.one_of(
        st.just(""),
        st.text(alphabet=_ID_REST, min_size=_MAX_ID_LENGTH).map(lambda s: "a" + s),
        st.builds(lambda a, b: f"{a} {b}", ids(max_size=8), ids(max_size=8)),
        st.builds(str.__add__, st.sampled_from("._:@/+-"), ids(max_size=8)),
    )


def texts(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Printable text that is not empty or only whitespace (letters of any script,
    marks, digits, punctuation, symbols and spaces).

    Args:
        max_size: the most characters to draw, at least 1.
    """
    if max_size < 1:
        raise InvalidArgument(f"max_size={max_size} must be at least 1")
    return _texts(max_size)


@functools.cache
def _texts(max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=_PRINTABLE, min_size=1, max_size=max_size).filter(str.strip)


def blank_texts() -> st.SearchStrategy[str]:
    """Empty or whitespace-only strings, which every ``alliance`` text field refuses."""
    return st.text(alphabet=_WHITESPACE, max_size=6)


def language_tags() -> st.SearchStrategy[str]:
    """BCP 47 language tags in the simple shapes ``alliance`` accepts (``en``, ``es-MX``,
    ``zh-Hant-TW``): common real tags, and generated ones of the same shape."""
    return _LANGUAGE_TAGS


_LANGUAGE_TAGS = st.sampled_from(
    ("en", "es-MX", "ar", "pa-Guru", "zh-Hant-TW", "fr-CA", "yue")
) | st.from_regex(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}", fullmatch=True)


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _non_empty_set(
    strategy: st.SearchStrategy[T], max_size: int = 4
) -> st.SearchStrategy[frozenset[T]]:
    return st.frozensets(strategy, min_size=1, max_size=max_size)


def _text_tuple(max_size: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(texts(max_size=20), max_size=max_size).map(tuple)


_finite_floats = st.floats(allow_nan=False, allow_infinity=False)
_SETTING_SETS = _non_empty_set(st.sampled_from(al.model.Setting))
_CHANNEL_SETS = _non_empty_set(st.sampled_from(al.model.Channel))

# --- people and values ---------------------------------------------------------------------


@st.composite
def communication_preferences(draw: st.DrawFn) -> al.model.CommunicationPreferences:
    """:class:`alliance.model.CommunicationPreferences`: a language, channels, interpreter."""
    return al.model.CommunicationPreferences(
        language=draw(language_tags()),
        channels=draw(_CHANNEL_SETS),
        needs_interpreter=draw(st.booleans()),
    )


@st.composite
def contact_details(draw: st.DrawFn) -> al.model.ContactDetails:
    """:class:`alliance.model.ContactDetails`, each part present or not."""
    return al.model.ContactDetails(
        email=draw(_optional(texts(max_size=30))), phone=draw(_optional(texts(max_size=20)))
    )


@st.composite
def children(draw: st.DrawFn) -> al.Child:
    """:class:`alliance.Child` records, with or without a date of birth."""
    return al.Child(
        id=draw(ids()),
        name=draw(texts()),
        date_of_birth=draw(_optional(dates())),
        preferred_language=draw(language_tags()),
    )


@st.composite
def carers(draw: st.DrawFn) -> al.Carer:
    """:class:`alliance.Carer` records."""
    return al.Carer(
        id=draw(ids()),
        name=draw(texts()),
        preferences=draw(communication_preferences()),
        contact=draw(contact_details()),
        household=draw(_optional(texts())),
    )


@st.composite
def professionals(draw: st.DrawFn) -> al.Professional:
    """:class:`alliance.Professional` records."""
    return al.Professional(
        id=draw(ids()),
        name=draw(texts()),
        preferences=draw(communication_preferences()),
        contact=draw(contact_details()),
    )


@st.composite
def communication_plans(
    draw: st.DrawFn, *, participants: st.SearchStrategy[str] | None = None
) -> al.model.CommunicationPlan:
    """:class:`alliance.model.CommunicationPlan`: a cadence (see :func:`durations`), channels
    and one or more participants drawn from *participants* (default :func:`ids`)."""
    return al.model.CommunicationPlan(
        cadence=draw(durations()),
        channels=draw(_CHANNEL_SETS),
        participants=draw(_non_empty_set(participants if participants is not None else ids())),
    )


@st.composite
def measurable_targets(
    draw: st.DrawFn,
    *,
    due: st.SearchStrategy[pendulum.Date] | None = None,
    direction: al.model.Direction | None = None,
    values: st.SearchStrategy[float] = _finite_floats,
) -> al.model.MeasurableTarget:
    """:class:`alliance.model.MeasurableTarget`: a target that differs from its baseline and
    lies in the target's direction from it.

    Args:
        due: strategy for the due date (default :func:`dates`).
        direction: fix the direction instead of drawing it.
        values: finite floats for the baseline and target. When it gives the same value
            twice, the second is moved to the next float towards zero (or to 1.0 from 0).
    """
    return _draw_target(
        draw,
        due=draw(due if due is not None else dates()),
        direction=direction,
        values=values,
    )


def _draw_target(
    draw: st.DrawFn,
    *,
    due: pendulum.Date,
    direction: al.model.Direction | None = None,
    values: st.SearchStrategy[float] = _finite_floats,
) -> al.model.MeasurableTarget:
    first = draw(values)
    second = draw(values)
    if second == first:  # (a filter would give up too often: both shrink to 0)
        second = math.nextafter(first, 0.0) if first != 0 else 1.0
    way = direction if direction is not None else draw(_DIRECTIONS)
    low, high = sorted((first, second))
    baseline, target = (low, high) if way is al.model.Direction.INCREASE else (high, low)
    return al.model.MeasurableTarget(
        metric=draw(texts(max_size=20)),
        unit=draw(texts(max_size=10)),
        baseline=baseline,
        target=target,
        direction=way,
        due=due,
    )


_DIRECTIONS = st.sampled_from(al.model.Direction)


@st.composite
def gas_levels(draw: st.DrawFn, *, level: int | None = None) -> al.model.GasLevel:
    """:class:`alliance.model.GasLevel`: a level from -2 to 2 (or *level*) and its description."""
    return al.model.GasLevel(
        level=level if level is not None else draw(st.integers(-2, 2)),
        description=draw(texts(max_size=20)),
    )


@st.composite
def gas_scales(draw: st.DrawFn) -> al.model.GasScale:
    """:class:`alliance.model.GasScale`: exactly one level each for -2..2, in any order, and a
    positive finite weight."""
    order = draw(st.permutations((-2, -1, 0, 1, 2)))
    return al.model.GasScale(
        levels=tuple(draw(gas_levels(level=level)) for level in order),
        weight=draw(
            st.one_of(
                st.just(1.0),
                st.floats(min_value=0, exclude_min=True, allow_infinity=False, allow_nan=False),
            )
        ),
    )


@st.composite
def mastery_criteria(draw: st.DrawFn) -> al.model.MasteryCriterion:
    """:class:`alliance.model.MasteryCriterion`: a threshold, a run length, a comparison and a
    frame."""
    return al.model.MasteryCriterion(
        threshold=draw(_finite_floats),
        consecutive=draw(st.integers(1, 30)),
        comparison=draw(st.sampled_from(al.model.Comparison)),
        frame=draw(st.sampled_from(al.model.MasteryFrame)),
    )


@st.composite
def action_items(
    draw: st.DrawFn,
    *,
    owners: st.SearchStrategy[str] | None = None,
    due: st.SearchStrategy[pendulum.Date] | None = None,
    item_ids: st.SearchStrategy[str] | None = None,
) -> al.model.ActionItem:
    """:class:`alliance.model.ActionItem`: who (from *owners*) does what by when (from *due*).

    All three strategies default to :func:`ids` / :func:`dates`.
    """
    return al.model.ActionItem(
        description=draw(texts(max_size=30)),
        owner=draw(owners if owners is not None else ids()),
        due=draw(due if due is not None else dates()),
        action_item_id=draw(item_ids if item_ids is not None else ids()),
    )


@st.composite
def plan_steps(
    draw: st.DrawFn,
    *,
    owners: st.SearchStrategy[str] | None = None,
    due: st.SearchStrategy[pendulum.Date] | None = None,
) -> al.model.PlanStep:
    """:class:`alliance.model.PlanStep`: one step of a setback's response plan."""
    return al.model.PlanStep(
        description=draw(texts(max_size=30)),
        owner=draw(owners if owners is not None else ids()),
        due=draw(due if due is not None else dates()),
    )


# --- events, each valid on its own ---------------------------------------------------------
#
# Every event strategy takes ``actors`` (ids, default :func:`ids`) and ``times`` (aware
# datetimes, default: any instant shown in any of TIME_ZONE_NAMES, so that the UTC
# conversion of ``occurred_at`` is exercised).


def audiences() -> st.SearchStrategy[al.model.Audience]:
    """:class:`alliance.model.Audience` values: everyone, professionals, or one to three named
    ids."""
    return st.one_of(
        st.just(al.model.EVERYONE),
        st.just(al.model.Audience.professionals()),
        st.frozensets(ids(), min_size=1, max_size=3).map(
            lambda named: al.model.Audience(scope=al.model.AudienceScope.NAMED, members=named)
        ),
    )


_Actors = st.SearchStrategy[str] | None
_Times = st.SearchStrategy[pendulum.DateTime] | None


def _common(draw: st.DrawFn, actors: _Actors, times: _Times) -> dict[str, Any]:
    return {
        "actor": draw(actors if actors is not None else ids()),
        "occurred_at": draw(
            times if times is not None else aware_datetimes(time_zones=time_zone_names())
        ),
    }


@st.composite
def partnership_formed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.PartnershipFormed:
    """:class:`alliance.events.PartnershipFormed` events."""
    return al.events.PartnershipFormed(
        **_common(draw, actors, times),
        partnership_id=draw(ids()),
        clinic_id=draw(ids()),
        child_id=draw(ids()),
        time_zone=draw(time_zone_names()),
        settings=draw(_SETTING_SETS),
    )


@st.composite
def carer_joined_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.CarerJoined:
    """:class:`alliance.events.CarerJoined` events."""
    return al.events.CarerJoined(
        **_common(draw, actors, times),
        member_id=draw(ids()),
        relationship=draw(st.sampled_from(al.CarerRelationship)),
    )


@st.composite
def professional_joined_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ProfessionalJoined:
    """:class:`alliance.events.ProfessionalJoined` events."""
    return al.events.ProfessionalJoined(
        **_common(draw, actors, times),
        member_id=draw(ids()),
        discipline=draw(st.sampled_from(al.Discipline)),
        role=draw(st.sampled_from(al.ProfessionalRole)),
    )


@st.composite
def member_left_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.MemberLeft:
    """:class:`alliance.events.MemberLeft` events."""
    return al.events.MemberLeft(
        **_common(draw, actors, times), member_id=draw(ids()), reason=draw(_optional(texts()))
    )


@st.composite
def settings_changed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SettingsChanged:
    """:class:`alliance.events.SettingsChanged` events."""
    return al.events.SettingsChanged(
        **_common(draw, actors, times),
        settings=draw(_SETTING_SETS),
    )


@st.composite
def communication_plan_agreed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.CommunicationPlanAgreed:
    """:class:`alliance.events.CommunicationPlanAgreed` events."""
    plan = draw(communication_plans())
    return al.events.CommunicationPlanAgreed(
        **_common(draw, actors, times),
        cadence=plan.cadence,
        channels=plan.channels,
        participants=plan.participants,
    )


@st.composite
def partnership_status_changed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.PartnershipStatusChanged:
    """:class:`alliance.events.PartnershipStatusChanged` events."""
    return al.events.PartnershipStatusChanged(
        **_common(draw, actors, times),
        status=draw(st.sampled_from(al.model.PartnershipStatus)),
        reason=draw(_optional(texts())),
    )


@st.composite
def goal_proposed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalProposed:
    """:class:`alliance.events.GoalProposed` events, with or without a GAS scale and a mastery
    criterion."""
    return al.events.GoalProposed(
        **_common(draw, actors, times),
        goal_id=draw(ids()),
        domain=draw(st.sampled_from(al.model.GoalDomain)),
        statement=draw(texts()),
        why_it_matters=draw(texts()),
        target=draw(measurable_targets()),
        gas_scale=draw(_optional(gas_scales())),
        mastery=draw(_optional(mastery_criteria())),
    )


@st.composite
def goal_agreed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalAgreed:
    """:class:`alliance.events.GoalAgreed` events."""
    return al.events.GoalAgreed(
        **_common(draw, actors, times), goal_id=draw(ids()), comment=draw(_optional(texts()))
    )


@st.composite
def goal_concern_noted_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalConcernNoted:
    """:class:`alliance.events.GoalConcernNoted` events."""
    return al.events.GoalConcernNoted(
        **_common(draw, actors, times), goal_id=draw(ids()), reason=draw(texts())
    )


@st.composite
def goal_objected_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalObjected:
    """:class:`alliance.events.GoalObjected` events."""
    return al.events.GoalObjected(
        **_common(draw, actors, times), goal_id=draw(ids()), reason=draw(texts())
    )


@st.composite
def goal_revised_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalRevised:
    """:class:`alliance.events.GoalRevised` events."""
    return al.events.GoalRevised(
        **_common(draw, actors, times),
        goal_id=draw(ids()),
        statement=draw(texts()),
        why_it_matters=draw(texts()),
        target=draw(measurable_targets()),
        reason=draw(st.sampled_from(al.model.RevisionReason)),
        explanation=draw(texts()),
        gas_scale=draw(_optional(gas_scales())),
        mastery=draw(_optional(mastery_criteria())),
    )


@st.composite
def goal_put_on_hold_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalPutOnHold:
    """:class:`alliance.events.GoalPutOnHold` events."""
    return al.events.GoalPutOnHold(
        **_common(draw, actors, times), goal_id=draw(ids()), reason=draw(texts())
    )


@st.composite
def goal_resumed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalResumed:
    """:class:`alliance.events.GoalResumed` events."""
    return al.events.GoalResumed(**_common(draw, actors, times), goal_id=draw(ids()))


@st.composite
def goal_achieved_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalAchieved:
    """:class:`alliance.events.GoalAchieved` events."""
    return al.events.GoalAchieved(
        **_common(draw, actors, times), goal_id=draw(ids()), note=draw(_optional(texts()))
    )


@st.composite
def goal_discontinued_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.GoalDiscontinued:
    """:class:`alliance.events.GoalDiscontinued` events."""
    return al.events.GoalDiscontinued(
        **_common(draw, actors, times), goal_id=draw(ids()), reason=draw(texts())
    )


_SHAPES = st.sampled_from(("value", "gas", "both"))
_VALUE_ONLY = st.just("value")


def _value_and_gas(draw: st.DrawFn, *, gas: bool = True) -> dict[str, Any]:
    """A measured value, a GAS level, or both (never neither)."""
    shape = draw(_SHAPES if gas else _VALUE_ONLY)
    return {
        "value": draw(_finite_floats) if shape != "gas" else None,
        "gas_level": draw(st.integers(-2, 2)) if shape != "value" else None,
    }


@st.composite
def progress_recorded_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ProgressRecorded:
    """:class:`alliance.events.ProgressRecorded` events: a value, a GAS level, or both."""
    return al.events.ProgressRecorded(
        **_common(draw, actors, times),
        observation_id=draw(ids()),
        goal_id=draw(ids()),
        setting=draw(st.sampled_from(al.model.Setting)),
        kind=draw(st.sampled_from(al.model.ObservationKind)),
        note=draw(_optional(texts())),
        audience=draw(audiences()),
        **_value_and_gas(draw),
    )


@st.composite
def progress_corrected_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ProgressCorrected:
    """:class:`alliance.events.ProgressCorrected` events: a value, a GAS level, or both."""
    return al.events.ProgressCorrected(
        **_common(draw, actors, times),
        observation_id=draw(ids()),
        reason=draw(texts()),
        **_value_and_gas(draw),
    )


@st.composite
def check_in_held_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.CheckInHeld:
    """:class:`alliance.events.CheckInHeld` events, with up to three action items (unique ids)."""
    items = draw(st.lists(action_items(), max_size=3, unique_by=lambda i: i.action_item_id))
    return al.events.CheckInHeld(
        **_common(draw, actors, times),
        check_in_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.CheckInKind)),
        purpose=draw(st.sampled_from(al.model.CheckInPurpose)),
        channel=draw(st.sampled_from(al.model.Channel)),
        participants=draw(_non_empty_set(ids())),
        topics=draw(_text_tuple()),
        good_news=draw(_text_tuple()),
        concerns=draw(_text_tuple()),
        decisions=draw(_text_tuple()),
        action_items=tuple(items),
        audience=draw(audiences()),
    )


@st.composite
def action_item_completed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ActionItemCompleted:
    """:class:`alliance.events.ActionItemCompleted` events."""
    return al.events.ActionItemCompleted(
        **_common(draw, actors, times),
        action_item_id=draw(ids()),
        note=draw(_optional(texts())),
    )


@st.composite
def feedback_given_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.FeedbackGiven:
    """:class:`alliance.events.FeedbackGiven` events of either kind."""
    return al.events.FeedbackGiven(
        **_common(draw, actors, times),
        feedback_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.FeedbackKind)),
        message=draw(texts()),
        goal_id=draw(_optional(ids())),
        strategy_id=draw(_optional(ids())),
        audience=draw(audiences()),
    )


@st.composite
def feedback_answered_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.FeedbackAnswered:
    """:class:`alliance.events.FeedbackAnswered` events."""
    return al.events.FeedbackAnswered(
        **_common(draw, actors, times),
        feedback_id=draw(ids()),
        response=draw(st.sampled_from(al.model.FeedbackResponse)),
        message=draw(_optional(texts())),
    )


@st.composite
def home_practice_planned_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.HomePracticePlanned:
    """:class:`alliance.events.HomePracticePlanned` events."""
    return al.events.HomePracticePlanned(
        **_common(draw, actors, times),
        strategy_id=draw(ids()),
        goal_id=draw(ids()),
        description=draw(texts()),
        times_per_week=draw(st.integers(1, 70)),
        setting=draw(st.sampled_from(al.model.Setting)),
        carers=draw(_non_empty_set(ids())),
    )


@st.composite
def home_practice_adapted_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.HomePracticeAdapted:
    """:class:`alliance.events.HomePracticeAdapted` events."""
    return al.events.HomePracticeAdapted(
        **_common(draw, actors, times),
        strategy_id=draw(ids()),
        description=draw(texts()),
        times_per_week=draw(st.integers(1, 70)),
        reason=draw(texts()),
    )


@st.composite
def home_practice_stopped_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.HomePracticeStopped:
    """:class:`alliance.events.HomePracticeStopped` events."""
    return al.events.HomePracticeStopped(
        **_common(draw, actors, times), strategy_id=draw(ids()), reason=draw(texts())
    )


@st.composite
def practice_logged_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.PracticeLogged:
    """:class:`alliance.events.PracticeLogged` events."""
    return al.events.PracticeLogged(
        **_common(draw, actors, times),
        entry_id=draw(ids()),
        strategy_id=draw(ids()),
        done=draw(st.booleans()),
        difficulty=draw(_optional(st.sampled_from(al.model.Difficulty))),
        confidence=draw(_optional(st.integers(1, 5))),
        note=draw(_optional(texts())),
    )


@st.composite
def setback_reported_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SetbackReported:
    """:class:`alliance.events.SetbackReported` events."""
    return al.events.SetbackReported(
        **_common(draw, actors, times),
        setback_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.SetbackKind)),
        severity=draw(st.sampled_from(al.model.Severity)),
        description=draw(texts()),
        affected_goals=draw(st.frozensets(ids(), max_size=3)),
        audience=draw(audiences()),
    )


@st.composite
def setback_response_planned_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SetbackResponsePlanned:
    """:class:`alliance.events.SetbackResponsePlanned` events, with up to three steps."""
    return al.events.SetbackResponsePlanned(
        **_common(draw, actors, times),
        setback_id=draw(ids()),
        changes=draw(texts()),
        steps=tuple(draw(st.lists(plan_steps(), max_size=3))),
    )


@st.composite
def setback_reviewed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SetbackReviewed:
    """:class:`alliance.events.SetbackReviewed` events."""
    return al.events.SetbackReviewed(
        **_common(draw, actors, times), setback_id=draw(ids()), note=draw(texts())
    )


@st.composite
def setback_resolved_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SetbackResolved:
    """:class:`alliance.events.SetbackResolved` events."""
    return al.events.SetbackResolved(
        **_common(draw, actors, times), setback_id=draw(ids()), resolution=draw(texts())
    )


@st.composite
def concern_raised_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ConcernRaised:
    """:class:`alliance.events.ConcernRaised` events, about a goal or not."""
    return al.events.ConcernRaised(
        **_common(draw, actors, times),
        concern_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.ConcernKind)),
        description=draw(texts()),
        goal_id=draw(_optional(ids())),
        audience=draw(audiences()),
    )


@st.composite
def concern_resolved_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ConcernResolved:
    """:class:`alliance.events.ConcernResolved` events."""
    return al.events.ConcernResolved(
        **_common(draw, actors, times),
        concern_id=draw(ids()),
        options_considered=draw(_text_tuple()),
        agreed=draw(texts()),
    )


@st.composite
def concern_escalated_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ConcernEscalated:
    """:class:`alliance.events.ConcernEscalated` events."""
    return al.events.ConcernEscalated(
        **_common(draw, actors, times),
        concern_id=draw(ids()),
        escalated_to=draw(texts()),
        reason=draw(texts()),
    )


@st.composite
def resource_shared_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ResourceShared:
    """:class:`alliance.events.ResourceShared` events."""
    return al.events.ResourceShared(
        **_common(draw, actors, times),
        resource_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.ResourceKind)),
        title=draw(texts()),
        language=draw(language_tags()),
        shared_with=draw(_non_empty_set(ids())),
        url=draw(_optional(texts())),
        goal_id=draw(_optional(ids())),
    )


@st.composite
def consent_granted_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ConsentGranted:
    """:class:`alliance.events.ConsentGranted` events, for the school, a member or another party,
    for every goal or some."""
    return al.events.ConsentGranted(
        **_common(draw, actors, times),
        consent_id=draw(ids()),
        party=draw(st.one_of(st.just(al.model.SCHOOL), ids())),
        goal_ids=draw(_optional(st.frozensets(ids(), min_size=1, max_size=3))),
        note=draw(_optional(texts())),
    )


@st.composite
def consent_withdrawn_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.ConsentWithdrawn:
    """:class:`alliance.events.ConsentWithdrawn` events."""
    return al.events.ConsentWithdrawn(
        **_common(draw, actors, times), consent_id=draw(ids()), reason=draw(_optional(texts()))
    )


def _measure_answers(draw: st.DrawFn, instrument: al.measures.Instrument) -> dict[str, float]:
    """Answers that fit *instrument*: every required item, some optional ones (at least
    ``minimum_answered`` in all); whole numbers where it needs them, else tenths."""
    chosen = [item for item in instrument.items if item.required or draw(st.booleans())]
    for item in instrument.items:
        if len(chosen) >= instrument.minimum_answered:
            break
        if item not in chosen:
            chosen.append(item)
    answers: dict[str, float] = {}
    for item in chosen:
        if item.whole_numbers:
            answers[item.item_id] = float(draw(st.integers(int(item.minimum), int(item.maximum))))
        else:
            steps = math.floor((item.maximum - item.minimum) * 10)
            value = round(item.minimum + draw(st.integers(0, steps)) / 10, 1)
            answers[item.item_id] = min(max(value, item.minimum), item.maximum)
    return answers


_INSTRUMENTS = st.sampled_from(al.measures.SHIPPED_INSTRUMENTS)


@st.composite
def measure_completed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.MeasureCompleted:
    """:class:`alliance.events.MeasureCompleted` events: answers that fit one of the shipped
    instruments (:data:`alliance.measures.SHIPPED_INSTRUMENTS`)."""
    instrument = draw(_INSTRUMENTS)
    return al.events.MeasureCompleted(
        **_common(draw, actors, times),
        response_id=draw(ids()),
        instrument=instrument,
        respondent=draw(ids()),
        answers=_measure_answers(draw, instrument),
        note=draw(_optional(texts())),
    )


# --- the family's side: coaching, transitions, celebrations, wellbeing, the agreement ------

_SCALES = st.sampled_from(al.model.FidelityScale)
_OBSERVED = st.sampled_from(al.model.StepObserved)
_RATINGS = st.integers(1, 5)
_PARTLY_CREDITS = st.one_of(st.just(0.5), st.sampled_from((0.0, 1.0)), st.floats(0, 1))
_INDEPENDENT_AT = st.one_of(
    st.just(80.0),
    st.sampled_from((50.0, 75.0, 100.0)),
    st.floats(0, 100, exclude_min=True),
)
_APPROACH_SETS = st.frozensets(st.sampled_from(al.model.CoachingApproach), max_size=3)
_SUPPORT_SETS = st.frozensets(st.sampled_from(al.model.SupportKind), max_size=3)
_MAYBE_COPING = _optional(st.sampled_from(al.model.Coping))
_UNIQUE_CHANNELS = st.lists(st.sampled_from(al.model.Channel), unique=True, max_size=3)
_RESPONSE_WITHIN = st.one_of(
    st.integers(1, 72).map(lambda n: pendulum.Duration(hours=n)),
    st.integers(1, 14).map(lambda n: pendulum.Duration(days=n)),
)


@st.composite
def fidelity_steps(
    draw: st.DrawFn, *, step_ids: st.SearchStrategy[str] | None = None
) -> al.model.FidelityStep:
    """:class:`alliance.model.FidelityStep`: a step's id (from *step_ids*, default :func:`ids`)
    and its description."""
    return al.model.FidelityStep(
        step_id=draw(step_ids if step_ids is not None else ids()),
        description=draw(texts(max_size=30)),
    )


@st.composite
def fidelity_checklists(
    draw: st.DrawFn, *, max_steps: int = 6, scale: al.model.FidelityScale | None = None
) -> al.model.FidelityChecklist:
    """:class:`alliance.model.FidelityChecklist`: one to *max_steps* steps with distinct ids, on
    the done / partly / not-done scale or rated 1-5 (or on *scale*), with a credit for a
    step done partly (0 to 1, half by default), an independence threshold above 0 and at
    most 100 (80 by default) and the sessions needed in a row (1 to 20)."""
    if max_steps < 1:
        raise InvalidArgument(f"max_steps={max_steps} must be at least 1")
    step_ids = draw(st.lists(ids(max_size=16), min_size=1, max_size=max_steps, unique=True))
    return al.model.FidelityChecklist(
        steps=tuple(draw(fidelity_steps(step_ids=st.just(step_id))) for step_id in step_ids),
        scale=scale if scale is not None else draw(_SCALES),
        partly_credit=draw(_PARTLY_CREDITS),
        independent_at=draw(_INDEPENDENT_AT),
        sessions_needed=draw(st.one_of(st.just(2), st.integers(1, 20))),
    )


def _score_steps(
    draw: st.DrawFn, checklist: al.model.FidelityChecklist
) -> tuple[al.model.StepFidelity, ...]:
    """A score for every step of *checklist*, on its scale, in a drawn order."""
    rated = checklist.scale is al.model.FidelityScale.RATING
    return tuple(
        al.model.StepFidelity(step_id=step.step_id, rating=draw(_RATINGS))
        if rated
        else al.model.StepFidelity(step_id=step.step_id, observed=draw(_OBSERVED))
        for step in draw(st.permutations(checklist.steps))
    )


@st.composite
def step_fidelities(
    draw: st.DrawFn, *, checklist: al.model.FidelityChecklist | None = None
) -> tuple[al.model.StepFidelity, ...]:
    """How every step of *checklist* was carried out in a coaching session: one
    :class:`alliance.model.StepFidelity` per step, on the checklist's scale (done / partly /
    not done, or a 1-5 rating), in any order, as
    :meth:`alliance.model.FidelityChecklist.check` accepts.

    Args:
        checklist: the checklist scored (default: one drawn from
            :func:`fidelity_checklists`).
    """
    return _score_steps(draw, checklist if checklist is not None else draw(fidelity_checklists()))


@st.composite
def response_times(draw: st.DrawFn) -> al.model.ResponseTime:
    """:class:`alliance.model.ResponseTime`: a channel and how soon it is answered (hours or
    days)."""
    return al.model.ResponseTime(
        channel=draw(st.sampled_from(al.model.Channel)), within=draw(_RESPONSE_WITHIN)
    )


@st.composite
def contact_routes(
    draw: st.DrawFn, *, members: st.SearchStrategy[str] | None = None
) -> al.model.ContactRoute:
    """:class:`alliance.model.ContactRoute`: what for, whom (from *members*, default
    :func:`ids`) and how."""
    return al.model.ContactRoute(
        purpose=draw(texts(max_size=30)),
        member_id=draw(members if members is not None else ids()),
        channel=draw(st.sampled_from(al.model.Channel)),
    )


@st.composite
def partnership_agreements(
    draw: st.DrawFn, *, members: st.SearchStrategy[str] | None = None
) -> al.model.PartnershipAgreement:
    """:class:`alliance.model.PartnershipAgreement`: at least one thing the family can expect,
    what the service asks, up to three response times (one per channel), up to three
    contacts (their members drawn from *members*, default :func:`ids`), how disagreements
    are handled and any bottom lines."""
    return al.model.PartnershipAgreement(
        family_can_expect=tuple(draw(st.lists(texts(max_size=30), min_size=1, max_size=3))),
        service_asks=draw(_text_tuple()),
        response_times=tuple(
            al.model.ResponseTime(channel=channel, within=draw(_RESPONSE_WITHIN))
            for channel in draw(_UNIQUE_CHANNELS)
        ),
        contacts=tuple(draw(st.lists(contact_routes(members=members), max_size=3))),
        disagreements=draw(texts()),
        bottom_lines=draw(_text_tuple()),
    )


@st.composite
def fidelity_checklist_set_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.FidelityChecklistSet:
    """:class:`alliance.events.FidelityChecklistSet` events (see :func:`fidelity_checklists`)."""
    return al.events.FidelityChecklistSet(
        **_common(draw, actors, times),
        strategy_id=draw(ids()),
        checklist=draw(fidelity_checklists()),
    )


@st.composite
def coaching_session_held_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.CoachingSessionHeld:
    """:class:`alliance.events.CoachingSessionHeld` events: every step of a drawn checklist
    scored on its scale (see :func:`step_fidelities`), with or without the carer's
    confidence."""
    return al.events.CoachingSessionHeld(
        **_common(draw, actors, times),
        session_id=draw(ids()),
        strategy_id=draw(ids()),
        carer=draw(ids()),
        steps=draw(step_fidelities()),
        carer_confidence=draw(_MAYBE_CONFIDENCE),
        approaches=draw(_APPROACH_SETS),
        note=draw(_optional(texts())),
        audience=draw(audiences()),
    )


@st.composite
def education_attended_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.EducationAttended:
    """:class:`alliance.events.EducationAttended` events, about a goal or not."""
    return al.events.EducationAttended(
        **_common(draw, actors, times),
        education_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.EducationKind)),
        title=draw(texts()),
        attendees=draw(_non_empty_set(ids())),
        language=draw(language_tags()),
        goal_id=draw(_optional(ids())),
    )


@st.composite
def transition_announced_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.TransitionAnnounced:
    """:class:`alliance.events.TransitionAnnounced` events, affecting goals and strategies or
    not."""
    return al.events.TransitionAnnounced(
        **_common(draw, actors, times),
        transition_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.TransitionKind)),
        description=draw(texts()),
        date=draw(dates()),
        people=draw(_non_empty_set(ids())),
        affected_goals=draw(st.frozensets(ids(), max_size=3)),
        affected_strategies=draw(st.frozensets(ids(), max_size=3)),
    )


@st.composite
def transition_plan_agreed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.TransitionPlanAgreed:
    """:class:`alliance.events.TransitionPlanAgreed` events, with one to three steps."""
    return al.events.TransitionPlanAgreed(
        **_common(draw, actors, times),
        transition_id=draw(ids()),
        steps=tuple(draw(st.lists(plan_steps(), min_size=1, max_size=3))),
        agreed_with=draw(_non_empty_set(ids())),
    )


@st.composite
def transition_information_shared_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.TransitionInformationShared:
    """:class:`alliance.events.TransitionInformationShared` events."""
    return al.events.TransitionInformationShared(
        **_common(draw, actors, times),
        transition_id=draw(ids()),
        shared_with=draw(_non_empty_set(ids())),
        summary=draw(texts()),
    )


@st.composite
def transition_rescheduled_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.TransitionRescheduled:
    """:class:`alliance.events.TransitionRescheduled` events."""
    return al.events.TransitionRescheduled(
        **_common(draw, actors, times),
        transition_id=draw(ids()),
        date=draw(dates()),
        reason=draw(texts()),
    )


@st.composite
def transition_reviewed_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.TransitionReviewed:
    """:class:`alliance.events.TransitionReviewed` events, with or without next steps."""
    return al.events.TransitionReviewed(
        **_common(draw, actors, times),
        transition_id=draw(ids()),
        how_it_went=draw(texts()),
        next_steps=draw(_optional(texts())),
    )


@st.composite
def success_celebrated_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SuccessCelebrated:
    """:class:`alliance.events.SuccessCelebrated` events, linked to a goal, an observation and a
    strategy or not."""
    return al.events.SuccessCelebrated(
        **_common(draw, actors, times),
        celebration_id=draw(ids()),
        kind=draw(st.sampled_from(al.model.CelebrationKind)),
        description=draw(texts()),
        goal_id=draw(_optional(ids())),
        observation_id=draw(_optional(ids())),
        strategy_id=draw(_optional(ids())),
        audience=draw(audiences()),
    )


@st.composite
def wellbeing_noted_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.WellbeingNoted:
    """:class:`alliance.events.WellbeingNoted` events, shared with no one or some members."""
    return al.events.WellbeingNoted(
        **_common(draw, actors, times),
        note_id=draw(ids()),
        coping=draw(_MAYBE_COPING),
        support=draw(_SUPPORT_SETS),
        would_like=draw(_optional(texts())),
        note=draw(_optional(texts())),
        shared_with=draw(st.frozensets(ids(), max_size=3)),
    )


@st.composite
def support_offered_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.SupportOffered:
    """:class:`alliance.events.SupportOffered` events, in reply to a wellbeing note or not."""
    return al.events.SupportOffered(
        **_common(draw, actors, times),
        offer_id=draw(ids()),
        carer=draw(ids()),
        kind=draw(st.sampled_from(al.model.SupportKind)),
        description=draw(texts()),
        in_reply_to=draw(_optional(ids())),
        shared_with=draw(st.frozensets(ids(), max_size=3)),
    )


@st.composite
def agreement_issued_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.AgreementIssued:
    """:class:`alliance.events.AgreementIssued` events (see :func:`partnership_agreements`)."""
    return al.events.AgreementIssued(
        **_common(draw, actors, times),
        version=draw(st.integers(1, 1000)),
        agreement=draw(partnership_agreements()),
        changes=draw(_optional(texts())),
    )


@st.composite
def agreement_acknowledged_events(
    draw: st.DrawFn, *, actors: _Actors = None, times: _Times = None
) -> al.events.AgreementAcknowledged:
    """:class:`alliance.events.AgreementAcknowledged` events."""
    return al.events.AgreementAcknowledged(
        **_common(draw, actors, times),
        version=draw(st.integers(1, 1000)),
        comment=draw(_optional(texts())),
    )


_EventStrategy = Callable[..., st.SearchStrategy[al.Event]]

_EVENT_STRATEGIES: dict[type[al.Event], _EventStrategy] = {
    al.events.PartnershipFormed: partnership_formed_events,
    al.events.CarerJoined: carer_joined_events,
    al.events.ProfessionalJoined: professional_joined_events,
    al.events.MemberLeft: member_left_events,
    al.events.SettingsChanged: settings_changed_events,
    al.events.CommunicationPlanAgreed: communication_plan_agreed_events,
    al.events.PartnershipStatusChanged: partnership_status_changed_events,
    al.events.GoalProposed: goal_proposed_events,
    al.events.GoalAgreed: goal_agreed_events,
    al.events.GoalConcernNoted: goal_concern_noted_events,
    al.events.GoalObjected: goal_objected_events,
    al.events.GoalRevised: goal_revised_events,
    al.events.GoalPutOnHold: goal_put_on_hold_events,
    al.events.GoalResumed: goal_resumed_events,
    al.events.GoalAchieved: goal_achieved_events,
    al.events.GoalDiscontinued: goal_discontinued_events,
    al.events.ProgressRecorded: progress_recorded_events,
    al.events.ProgressCorrected: progress_corrected_events,
    al.events.CheckInHeld: check_in_held_events,
    al.events.ActionItemCompleted: action_item_completed_events,
    al.events.FeedbackGiven: feedback_given_events,
    al.events.FeedbackAnswered: feedback_answered_events,
    al.events.HomePracticePlanned: home_practice_planned_events,
    al.events.HomePracticeAdapted: home_practice_adapted_events,
    al.events.HomePracticeStopped: home_practice_stopped_events,
    al.events.PracticeLogged: practice_logged_events,
    al.events.SetbackReported: setback_reported_events,
    al.events.SetbackResponsePlanned: setback_response_planned_events,
    al.events.SetbackReviewed: setback_reviewed_events,
    al.events.SetbackResolved: setback_resolved_events,
    al.events.ConcernRaised: concern_raised_events,
    al.events.ConcernResolved: concern_resolved_events,
    al.events.ConcernEscalated: concern_escalated_events,
    al.events.ResourceShared: resource_shared_events,
    al.events.ConsentGranted: consent_granted_events,
    al.events.ConsentWithdrawn: consent_withdrawn_events,
    al.events.MeasureCompleted: measure_completed_events,
    al.events.FidelityChecklistSet: fidelity_checklist_set_events,
    al.events.CoachingSessionHeld: coaching_session_held_events,
    al.events.EducationAttended: education_attended_events,
    al.events.TransitionAnnounced: transition_announced_events,
    al.events.TransitionPlanAgreed: transition_plan_agreed_events,
    al.events.TransitionInformationShared: transition_information_shared_events,
    al.events.TransitionRescheduled: transition_rescheduled_events,
    al.events.TransitionReviewed: transition_reviewed_events,
    al.events.SuccessCelebrated: success_celebrated_events,
    al.events.WellbeingNoted: wellbeing_noted_events,
    al.events.SupportOffered: support_offered_events,
    al.events.AgreementIssued: agreement_issued_events,
    al.events.AgreementAcknowledged: agreement_acknowledged_events,
}


def events_of(
    event_type: type[E], *, actors: _Actors = None, times: _Times = None
) -> st.SearchStrategy[E]:
    """The strategy for one event class, e.g. ``events_of(alliance.events.GoalAgreed)`` is
    ``goal_agreed_events()``.

    Raises:
        hypothesis.errors.InvalidArgument: for a class this module has no strategy for
            (an event type defined by a plugin, say).
    """
    strategy = _EVENT_STRATEGIES.get(event_type)
    if strategy is None:
        raise InvalidArgument(
            f"no strategy for event type {getattr(event_type, '__name__', event_type)!r}; "
            "write one with hypothesis.strategies.composite"
        )
    return cast("st.SearchStrategy[E]", strategy(actors=actors, times=times))


def events(*, actors: _Actors = None, times: _Times = None) -> st.SearchStrategy[al.Event]:
    """Any of the 50 event types, each with arbitrary but valid-on-its-own values.

    The ids in them are arbitrary, so :meth:`alliance.Partnership.record` would usually
    refuse them; use :func:`partnership_histories` for events that fit a timeline.
    """
    return st.one_of(
        [strategy(actors=actors, times=times) for strategy in _EVENT_STRATEGIES.values()]
    )


# --- whole timelines --------------------------------------------------------------------------

_GAPS: st.SearchStrategy[pendulum.Duration] = st.one_of(
    st.just(pendulum.Duration()),
    st.integers(1, 59).map(lambda n: pendulum.Duration(minutes=n)),
    st.integers(1, 23).map(lambda n: pendulum.Duration(hours=n)),
    st.integers(1, 6).map(lambda n: pendulum.Duration(days=n)),
    st.integers(1, 4).map(lambda n: pendulum.Duration(weeks=n)),
)
"""Time between two events: none (same moment), minutes, hours, days or weeks."""

_SHORT_IDS = ids(max_size=10)
# Histories draw many texts: a small alphabet (ASCII, Latin-1 letters, Greek, Arabic,
# Devanagari, some CJK and emoji, a combining accent) of few code point intervals is much
# faster for hypothesis to check than every printable character.
_HISTORY_ALPHABET = st.characters(
    categories=(),
    include_characters="".join(
        chr(code)
        for low, high in (
            (0x20, 0x7E),
            (0xC0, 0xD6),
            (0xD8, 0xF6),
            (0x301, 0x301),
            (0x391, 0x3A1),
            (0x3A3, 0x3A9),
            (0x621, 0x63A),
            (0x905, 0x939),
            (0x4E00, 0x4E5F),
            (0x1F600, 0x1F64F),
        )
        for code in range(low, high + 1)
    ),
)
_SHORT_TEXT = st.text(alphabet=_HISTORY_ALPHABET, min_size=1, max_size=12).filter(str.strip)
_MAYBE_SHORT_TEXT = _optional(_SHORT_TEXT)
_SHORT_TEXT_LISTS = st.lists(_SHORT_TEXT, max_size=2)
_PLAN_CADENCES = durations(max_years=1)
_MAYBE_GAS_SCALES = _optional(gas_scales())
_MAYBE_MASTERY = _optional(mastery_criteria())
_MAYBE_DIFFICULTY = _optional(st.sampled_from(al.model.Difficulty))
_MAYBE_CONFIDENCE = _optional(st.integers(1, 5))
_HISTORY_VALUES = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
_BEFORE = st.integers(1, 10**9).map(lambda n: pendulum.Duration(microseconds=n))
_HISTORY_START_MIN = pendulum.datetime(1990, 1, 1, tz="UTC")
_HISTORY_START_MAX = pendulum.datetime(2090, 1, 1, tz="UTC")
_MAX_MEMBERS = 8
_STEP_ID_LISTS = st.lists(ids(max_size=8), min_size=1, max_size=4, unique=True)
_HISTORY_SESSIONS_NEEDED = st.one_of(st.just(2), st.integers(1, 4))
# The first professional is mostly a therapist or supervisor (who may activate the
# partnership and run its clinical side), sometimes an educator (then the founder adds a
# therapist or supervisor while the partnership forms).
_FIRST_PROFESSIONAL_ROLES = st.one_of(
    st.sampled_from((al.ProfessionalRole.THERAPIST, al.ProfessionalRole.SUPERVISOR)),
    st.sampled_from(al.ProfessionalRole),
)

_Builder = Callable[[al.PartnershipState], al.Event]

# The topics _History groups event kinds into, in order (the state machine has a rule each).
_TOPICS: tuple[str, ...] = (
    "goals",
    "goal_outcomes",
    "progress",
    "check_ins",
    "feedback_and_resources",
    "home_practice",
    "setbacks",
    "concerns",
    "members",
    "partnership",
    "coaching",
    "transitions",
    "family",
)


def _note(event_type: type[al.Event]) -> None:
    if hypothesis.currently_in_test_context():
        hypothesis.event(event_type.type_name)


class _History:
    """Draws the next event of a timeline from what the state so far allows."""

    def __init__(
        self, draw: st.DrawFn, *, allow_closing: bool, policy: al.Policy | None = None
    ) -> None:
        self.draw = draw
        self.allow_closing = allow_closing
        # Histories are recorded under RolePolicy: every actor is one whose role allows
        # the event, checked as it is drawn (the state machine may choose another).
        self.policy: al.Policy = al.RolePolicy() if policy is None else policy
        self.used: dict[str, set[str]] = {}
        self.text = _SHORT_TEXT
        self.now = pendulum.DateTime.min  # set by start()
        self.founder = ""
        self.partnership: al.Partnership | None = None

    # --- drawing helpers ---------------------------------------------------------------

    def pick(self, items: Sequence[T]) -> T:
        # An index rather than sampled_from(items): integers() strategies are cached,
        # a new sampled_from for every draw is slow to validate.
        return items[self.draw(st.integers(0, len(items) - 1))]

    def maybe(self, items: Sequence[T]) -> T | None:
        """None, or one of *items* (None if there are none)."""
        if not items:
            return None
        chosen: bool = self.draw(st.booleans())
        return self.pick(items) if chosen else None

    def some(self, items: Iterable[str], *, max_size: int = 3) -> frozenset[str]:
        pool = sorted(items)  # sorted: set order varies between runs, draws must not
        indexes = st.lists(
            st.integers(0, len(pool) - 1), min_size=1, max_size=max_size, unique=True
        )
        return frozenset(pool[i] for i in self.draw(indexes))

    def fresh(self, kind: str) -> str:
        """A drawn id not yet used for *kind* (suffixed with a counter if it was)."""
        used = self.used.setdefault(kind, set())
        base = self.draw(_SHORT_IDS)
        candidate, counter = base, 0
        while candidate in used:
            counter += 1
            candidate = f"{base}-{counter}"
        used.add(candidate)
        return candidate

    def maybe_text(self) -> str | None:
        return self.draw(_MAYBE_SHORT_TEXT)

    def texts(self) -> tuple[str, ...]:
        return tuple(self.draw(_SHORT_TEXT_LISTS))

    def member(self, state: al.PartnershipState) -> str:
        return self.pick(sorted(state.current_members()))

    def base(self, actor: str) -> dict[str, Any]:
        return {"actor": actor, "occurred_at": self.now}

    def due(self, state: al.PartnershipState, *, days: int = 730) -> pendulum.Date:
        today = state.local_date(self.now)
        return today.add(days=self.draw(st.integers(0, days)))

    def target(self, state: al.PartnershipState) -> al.model.MeasurableTarget:
        return _draw_target(self.draw, due=self.due(state), values=_HISTORY_VALUES)

    def value_and_gas(self, goal: al.model.Goal) -> dict[str, Any]:
        return _value_and_gas(self.draw, gas=goal.current.gas_scale is not None)

    # --- the timeline --------------------------------------------------------------------

    def record(self, event: al.Event) -> None:
        assert self.partnership is not None
        self.partnership.record(event)
        _note(type(event))

    def start(self, start: st.SearchStrategy[pendulum.DateTime]) -> al.Partnership:
        draw = self.draw
        self.founder = self.fresh("member")
        formed = al.events.PartnershipFormed(
            actor=self.founder,
            occurred_at=draw(start),
            partnership_id=draw(ids(max_size=10)),
            clinic_id=draw(ids(max_size=10)),
            child_id=self.fresh("member"),
            time_zone=draw(time_zone_names()),
            settings=draw(_SETTING_SETS),
        )
        self.partnership = al.Partnership.form(formed, policy=self.policy)
        _note(al.events.PartnershipFormed)
        self.now = formed.occurred_at
        # At least one professional and one carer, added by the founder (who may join
        # as the professional) or by the professional (unless an educator, who does not
        # add members).
        self.now += draw(_GAPS)
        professional = self.founder if draw(st.booleans()) else self.fresh("member")
        role = draw(_FIRST_PROFESSIONAL_ROLES)
        self.record(
            al.events.ProfessionalJoined(
                **self.base(self.founder),
                member_id=professional,
                discipline=draw(st.sampled_from(al.Discipline)),
                role=role,
            )
        )
        adders = {self.founder} | (
            {professional} if role is not al.ProfessionalRole.EDUCATOR else set()
        )
        self.now += draw(_GAPS)
        self.record(
            al.events.CarerJoined(
                **self.base(self.pick(sorted(adders))),
                member_id=self.fresh("member"),
                relationship=draw(st.sampled_from(al.CarerRelationship)),
            )
        )
        return self.partnership

    def step(self, *, last: bool) -> bool:
        """Draw and record one more event; return False once the partnership is closed."""
        assert self.partnership is not None
        state = self.partnership.state
        self.now += self.draw(_GAPS)
        closers = self.clinicians(state)  # only therapists and supervisors close it
        if last and self.allow_closing and closers and self.draw(st.booleans()):
            self.record(
                al.events.PartnershipStatusChanged(
                    **self.base(self.pick(closers)),
                    status=al.model.PartnershipStatus.CLOSED,
                    reason=self.maybe_text(),
                )
            )
            return False
        event_type, build = self.pick(self.pick(self.options(state)))
        event = build(state)
        assert type(event) is event_type
        self.record(event)
        return True

    def options(self, state: al.PartnershipState) -> list[list[tuple[type[al.Event], _Builder]]]:
        """Every kind of event the state allows now, with a function to build one, grouped
        by topic (empty topics left out).

        A step picks a topic, then an event type within it: events that need others
        first (resuming a goal, logging practice, reviewing a setback) then come up about
        as often as the always-possible ones.
        """
        return [topic for topic in self.topics(state).values() if topic]

    def topics(
        self, state: al.PartnershipState
    ) -> dict[str, list[tuple[type[al.Event], _Builder]]]:
        """The kinds of event the state allows now, by topic name (in ``_TOPICS``
        order; a topic is empty when none of its events is possible)."""
        goals = list(state.goals.values())
        open_goals = [g for g in goals if not g.status.is_closed]
        active = [g for g in goals if g.status is al.model.GoalStatus.ACTIVE]
        on_hold = [g for g in goals if g.status is al.model.GoalStatus.ON_HOLD]
        strategies = [s for s in state.strategies.values() if s.is_active]
        setbacks = state.open_setbacks()
        concerns = state.open_concerns()
        room = len(state.current_members()) < _MAX_MEMBERS
        agreeable = bool(self.positions(state, al.model.Position.AGREED))
        # Each kind is offered only when some member's role allows it (RolePolicy): acts
        # it leaves to therapists and supervisors wait until there is one, acts on a
        # record with an audience until someone who may act can see it.
        clinical = bool(self.clinicians(state))
        transitions = self.open_transitions(state)
        coachable = self.coachable(state)
        forming = state.status is al.model.PartnershipStatus.FORMING
        # One list per name in _TOPICS, in that order (the state machine has a rule each).
        topics: list[list[tuple[type[al.Event], _Builder, bool]]] = [
            [
                (al.events.GoalProposed, self.goal_proposed, True),
                (al.events.GoalAgreed, self.goal_agreed, agreeable),
                # Twice: goals need a carer's and a professional's agreement to be active.
                (al.events.GoalAgreed, self.goal_agreed, agreeable),
                (
                    al.events.GoalConcernNoted,
                    self.goal_concern,
                    bool(self.positions(state, al.model.Position.CONCERNED)),
                ),
                (
                    al.events.GoalObjected,
                    self.goal_objected,
                    bool(self.positions(state, al.model.Position.OBJECTED)),
                ),
                (al.events.GoalRevised, self.goal_revised, clinical and bool(open_goals)),
            ],
            [  # only once some goal is under way, so that goals are not all closed early
                (al.events.GoalPutOnHold, self.goal_on_hold, clinical and bool(active)),
                (al.events.GoalResumed, self.goal_resumed, clinical and bool(on_hold)),
                # twice: it needs a hold first
                (al.events.GoalResumed, self.goal_resumed, clinical and bool(on_hold)),
                (al.events.GoalAchieved, self.goal_achieved, clinical and bool(active)),
                (
                    al.events.GoalDiscontinued,
                    self.goal_discontinued,
                    clinical and bool(active or on_hold),
                ),
            ],
            [
                (al.events.ProgressRecorded, self.progress_recorded, bool(self.observing(state))),
                (
                    al.events.ProgressCorrected,
                    self.progress_corrected,
                    bool(self.correcting(state)),
                ),
                (al.events.MeasureCompleted, self.measure_completed, True),
            ],
            [
                (al.events.CheckInHeld, self.check_in, clinical),
                (al.events.ActionItemCompleted, self.action_done, bool(self.completing(state))),
            ],
            [
                (al.events.FeedbackGiven, self.feedback_given, True),
                (al.events.FeedbackAnswered, self.feedback_answered, bool(self.answering(state))),
                (al.events.ResourceShared, self.resource_shared, clinical),
            ],
            [
                (
                    al.events.HomePracticePlanned,
                    self.practice_planned,
                    clinical and bool(open_goals),
                ),
                (
                    al.events.HomePracticeAdapted,
                    self.practice_adapted,
                    clinical and bool(strategies),
                ),
                (
                    al.events.HomePracticeStopped,
                    self.practice_stopped,
                    clinical and bool(strategies),
                ),
                (al.events.PracticeLogged, self.practice_logged, bool(strategies)),
            ],
            [
                (al.events.SetbackReported, self.setback_reported, True),
                (
                    al.events.SetbackResponsePlanned,
                    self.setback_planned,
                    bool(self.handling(state, setbacks)),
                ),
                (
                    al.events.SetbackReviewed,
                    self.setback_reviewed,
                    bool(
                        self.handling(state, [s for s in setbacks if s.response_plan is not None])
                    ),
                ),
                (
                    al.events.SetbackResolved,
                    self.setback_resolved,
                    bool(self.handling(state, setbacks)),
                ),
            ],
            [
                (al.events.ConcernRaised, self.concern_raised, True),
                (
                    al.events.ConcernResolved,
                    self.concern_resolved,
                    bool(self.handling(state, concerns)),
                ),
                (
                    al.events.ConcernEscalated,
                    self.concern_escalated,
                    bool(self.handling(state, [c for c in concerns if c.escalation is None])),
                ),
            ],
            [
                (al.events.CarerJoined, self.carer_joined, room and bool(self.adders(state))),
                (
                    al.events.ProfessionalJoined,
                    self.professional_joined,
                    room and bool(self.adders(state)),
                ),
                (al.events.MemberLeft, self.member_left, bool(self.leavers(state))),
            ],
            [
                (al.events.SettingsChanged, self.settings_changed, clinical),
                (al.events.CommunicationPlanAgreed, self.plan_agreed, True),
                (al.events.PartnershipStatusChanged, self.status_changed, clinical),
                # Twice while forming: most partnerships are active for most of their life.
                (al.events.PartnershipStatusChanged, self.status_changed, clinical and forming),
                (al.events.ConsentGranted, self.consent_granted, bool(state.carers)),
                (
                    al.events.ConsentWithdrawn,
                    self.consent_withdrawn,
                    bool(state.carers) and any(c.in_force for c in state.consents.values()),
                ),
            ],
            [
                (al.events.FidelityChecklistSet, self.checklist_set, clinical and bool(strategies)),
                # Twice: it needs a checklist first, and trends need several sessions.
                (al.events.CoachingSessionHeld, self.coaching_held, clinical and bool(coachable)),
                (al.events.CoachingSessionHeld, self.coaching_held, clinical and bool(coachable)),
                (al.events.EducationAttended, self.education_attended, True),
            ],
            [
                (al.events.TransitionAnnounced, self.transition_announced, True),
                (
                    al.events.TransitionPlanAgreed,
                    self.transition_plan,
                    clinical and bool(transitions),
                ),
                (
                    al.events.TransitionInformationShared,
                    self.transition_information,
                    bool(transitions),
                ),
                (al.events.TransitionRescheduled, self.transition_rescheduled, bool(transitions)),
                (al.events.TransitionReviewed, self.transition_reviewed, bool(transitions)),
            ],
            [
                (al.events.SuccessCelebrated, self.celebrated, True),
                (al.events.WellbeingNoted, self.wellbeing_noted, True),
                (al.events.SupportOffered, self.support_offered, clinical),
                (al.events.AgreementIssued, self.agreement_issued, clinical),
                (
                    al.events.AgreementAcknowledged,
                    self.agreement_acknowledged,
                    bool(self.unacknowledged(state)),
                ),
            ],
        ]
        return {
            name: [(kind, build) for kind, build, ok in topic if ok]
            for name, topic in zip(_TOPICS, topics, strict=True)
        }

    # --- members and the partnership -----------------------------------------------------

    def adders(self, state: al.PartnershipState) -> list[str]:
        """Who may add a member: therapists and supervisors, and the founder (member or
        not, whatever their role) while the partnership forms."""
        founder = {self.founder} if state.status is al.model.PartnershipStatus.FORMING else set()
        return sorted(founder | set(self.clinicians(state)))

    def joining(self, state: al.PartnershipState) -> tuple[str, str]:
        """(actor, member_id) for a join: a new person, or a former member rejoining."""
        actor = self.pick(self.adders(state))
        former = sorted(m for m, ms in state.members.items() if not ms.is_current)
        if former:
            rejoin: bool = self.draw(st.booleans())
            if rejoin:
                return actor, self.pick(former)
        return actor, self.fresh("member")

    def carer_joined(self, state: al.PartnershipState) -> al.Event:
        actor, member_id = self.joining(state)
        return al.events.CarerJoined(
            **self.base(actor),
            member_id=member_id,
            relationship=self.pick(list(al.CarerRelationship)),
        )

    def professional_joined(self, state: al.PartnershipState) -> al.Event:
        actor, member_id = self.joining(state)
        return al.events.ProfessionalJoined(
            **self.base(actor),
            member_id=member_id,
            discipline=self.pick(list(al.Discipline)),
            role=self.pick(list(al.ProfessionalRole)),
        )

    def leavers(self, state: al.PartnershipState) -> list[str]:
        """Members who may leave: only from a side with two or more members, so both
        sides always stay staffed, and never the last therapist or supervisor (whom
        RolePolicy leaves adding members, goals' decisions and check-ins to)."""
        clinicians = self.clinicians(state)
        return sorted(
            m
            for side in (state.carers, state.professionals)
            if len(side) >= 2
            for m in side
            if m not in clinicians or len(clinicians) >= 2
        )

    def member_left(self, state: al.PartnershipState) -> al.Event:
        # The member leaves, or a therapist or supervisor records them leaving.
        leaving = self.pick(self.leavers(state))
        return al.events.MemberLeft(
            **self.base(self.pick(sorted({leaving, *self.clinicians(state)}))),
            member_id=leaving,
            reason=self.maybe_text(),
        )

    def settings_changed(self, state: al.PartnershipState) -> al.Event:
        settings = self.draw(_SETTING_SETS)
        if settings == state.settings:
            flipped = self.pick(list(al.model.Setting))
            settings = state.settings ^ {flipped} or frozenset(al.model.Setting) - {flipped}
        return al.events.SettingsChanged(
            **self.base(self.pick(self.clinicians(state))), settings=settings
        )

    def plan_agreed(self, state: al.PartnershipState) -> al.Event:
        participants = {
            self.pick(sorted(state.carers)),
            self.pick(sorted(state.professionals)),
        } | set(self.some(state.current_members()))
        return al.events.CommunicationPlanAgreed(
            **self.base(self.pick(self.carers_or_clinicians(state))),
            cadence=self.draw(_PLAN_CADENCES),
            channels=self.draw(_CHANNEL_SETS),
            participants=frozenset(participants),
        )

    def status_changed(self, state: al.PartnershipState) -> al.Event:
        status = {
            al.model.PartnershipStatus.FORMING: al.model.PartnershipStatus.ACTIVE,
            al.model.PartnershipStatus.ACTIVE: al.model.PartnershipStatus.PAUSED,
            al.model.PartnershipStatus.PAUSED: al.model.PartnershipStatus.ACTIVE,
        }[state.status]
        return al.events.PartnershipStatusChanged(
            **self.base(self.pick(self.clinicians(state))), status=status, reason=self.maybe_text()
        )

    def consent_granted(self, state: al.PartnershipState) -> al.Event:
        # The school, a current educator (else any current member), or another party
        # ("clinic:northside"): educators observe goals shared with the school or them.
        party_kind = self.draw(st.integers(0, 2))
        party = (
            al.model.SCHOOL
            if party_kind == 0
            else self.pick(self.educators(state) or sorted(state.current_members()))
            if party_kind == 1
            else self.draw(_SHORT_IDS)
        )
        some_goals: bool = bool(state.goals) and self.draw(st.booleans())
        goal_ids = self.some(state.goals) if some_goals else None
        return al.events.ConsentGranted(
            **self.base(self.pick(sorted(state.carers))),
            consent_id=self.fresh("consent"),
            party=party,
            goal_ids=goal_ids,
            note=self.maybe_text(),
        )

    def consent_withdrawn(self, state: al.PartnershipState) -> al.Event:
        in_force = sorted(c.consent_id for c in state.consents.values() if c.in_force)
        return al.events.ConsentWithdrawn(
            **self.base(self.pick(sorted(state.carers))),
            consent_id=self.pick(in_force),
            reason=self.maybe_text(),
        )

    # --- goals ----------------------------------------------------------------------------

    def positions(
        self, state: al.PartnershipState, position: al.model.Position
    ) -> list[tuple[str, str]]:
        """(goal_id, member) pairs where the member may take *position* on the goal (a
        carer, therapist or supervisor: educators take no position on goals)."""
        members = self.carers_or_clinicians(state)
        return [
            (goal.goal_id, member)
            for goal in state.goals.values()
            if not goal.status.is_closed
            for member in members
            if (current := goal.positions.get(member)) is None or current.position is not position
        ]

    def would_share(self, state: al.PartnershipState, goal_id: str, member: str) -> bool:
        """Whether *member* agreeing would make the proposed goal *goal_id* shared."""
        goal = state.goals[goal_id]
        if goal.status is not al.model.GoalStatus.PROPOSED:
            return False
        agreed = {state.role_of(m) for m in goal.members_with(al.model.Position.AGREED)}
        return state.role_of(member) not in agreed

    def goal_proposed(self, state: al.PartnershipState) -> al.Event:
        return al.events.GoalProposed(
            **self.base(self.pick(self.carers_or_clinicians(state))),
            goal_id=self.fresh("goal"),
            domain=self.pick(list(al.model.GoalDomain)),
            statement=self.draw(self.text),
            why_it_matters=self.draw(self.text),
            target=self.target(state),
            gas_scale=self.draw(_MAYBE_GAS_SCALES),
            mastery=self.draw(_MAYBE_MASTERY),
        )

    def goal_agreed(self, state: al.PartnershipState) -> al.Event:
        pairs = self.positions(state, al.model.Position.AGREED)
        # Mostly, someone from the side whose agreement the goal still lacks.
        sharing = [pair for pair in pairs if self.would_share(state, *pair)]
        prefer: bool = self.draw(st.booleans()) if sharing else False
        goal_id, member = self.pick(sharing if prefer else pairs)
        return al.events.GoalAgreed(**self.base(member), goal_id=goal_id, comment=self.maybe_text())

    def goal_concern(self, state: al.PartnershipState) -> al.Event:
        goal_id, member = self.pick(self.positions(state, al.model.Position.CONCERNED))
        return al.events.GoalConcernNoted(
            **self.base(member), goal_id=goal_id, reason=self.draw(self.text)
        )

    def goal_objected(self, state: al.PartnershipState) -> al.Event:
        goal_id, member = self.pick(self.positions(state, al.model.Position.OBJECTED))
        return al.events.GoalObjected(
            **self.base(member), goal_id=goal_id, reason=self.draw(self.text)
        )

    def goal_with(
        self, state: al.PartnershipState, *statuses: al.model.GoalStatus
    ) -> al.model.Goal:
        return self.pick(state.goals_with(*statuses))

    def goal_revised(self, state: al.PartnershipState) -> al.Event:
        goal = self.goal_with(state, *_OPEN)
        return al.events.GoalRevised(
            **self.base(self.pick(self.clinicians(state))),
            goal_id=goal.goal_id,
            statement=self.draw(self.text),
            why_it_matters=self.draw(self.text),
            target=self.target(state),
            reason=self.pick(list(al.model.RevisionReason)),
            explanation=self.draw(self.text),
            gas_scale=self.draw(_MAYBE_GAS_SCALES),
            mastery=self.draw(_MAYBE_MASTERY),
        )

    def goal_on_hold(self, state: al.PartnershipState) -> al.Event:
        goal = self.goal_with(state, al.model.GoalStatus.ACTIVE)
        return al.events.GoalPutOnHold(
            **self.base(self.pick(self.clinicians(state))),
            goal_id=goal.goal_id,
            reason=self.draw(self.text),
        )

    def goal_resumed(self, state: al.PartnershipState) -> al.Event:
        goal = self.goal_with(state, al.model.GoalStatus.ON_HOLD)
        return al.events.GoalResumed(
            **self.base(self.pick(self.clinicians(state))), goal_id=goal.goal_id
        )

    def goal_achieved(self, state: al.PartnershipState) -> al.Event:
        goal = self.goal_with(state, al.model.GoalStatus.ACTIVE)
        return al.events.GoalAchieved(
            **self.base(self.pick(self.clinicians(state))),
            goal_id=goal.goal_id,
            note=self.maybe_text(),
        )

    def goal_discontinued(self, state: al.PartnershipState) -> al.Event:
        goal = self.goal_with(state, *_OPEN)
        return al.events.GoalDiscontinued(
            **self.base(self.pick(self.clinicians(state))),
            goal_id=goal.goal_id,
            reason=self.draw(self.text),
        )

    # --- progress ----------------------------------------------------------------------------

    def observing(
        self, state: al.PartnershipState
    ) -> list[tuple[str, list[al.model.Goal], list[al.model.Setting]]]:
        """(member, open goals, settings) for each member who may record an observation
        now, in one of the partnership's settings: therapists and supervisors on any open
        goal anywhere; carers (everyday observations) at home or in the community; educators
        at school, on goals a carer's consent in force shares with the school or them."""
        goals = state.goals_with(*_OPEN)
        if not goals:
            return []
        settings = sorted(state.settings)
        everyday: list[al.model.Setting] = [x for x in settings if x in _EVERYDAY_SETTINGS]
        school: list[al.model.Setting] = [x for x in settings if x == al.model.Setting.SCHOOL]
        found = [(m, goals, settings) for m in self.clinicians(state)]
        if everyday:
            found += [(m, goals, everyday) for m in sorted(state.carers)]
        if school:
            for m in self.educators(state):
                shared = [
                    g for g in goals if al.model.shared_with_school(state, g.goal_id, m, self.now)
                ]
                if shared:
                    found.append((m, shared, school))
        return found

    def progress_recorded(self, state: al.PartnershipState) -> al.Event:
        actor, goals, settings = self.pick(self.observing(state))
        goal = self.pick(goals)
        kinds = (
            list(al.model.ObservationKind)
            if state.role_of(actor) is al.MemberRole.PROFESSIONAL
            else [al.model.ObservationKind.EVERYDAY]
        )
        return al.events.ProgressRecorded(
            **self.base(actor),
            observation_id=self.fresh("observation"),
            goal_id=goal.goal_id,
            setting=self.pick(settings),
            kind=self.pick(kinds),
            note=self.maybe_text(),
            audience=self.audience(state),
            **self.value_and_gas(goal),
        )

    def sees(
        self, state: al.PartnershipState, member: str, audience: al.model.Audience, author: str
    ) -> bool:
        """Whether the current *member* may see a record for *audience* by *author*."""
        side = side_of(state, member)
        return side is not None and can_see(side, member, audience, author)

    def correcting(self, state: al.PartnershipState) -> list[tuple[al.model.Observation, str]]:
        """(observation, member) pairs: therapists and supervisors who can see the
        observation, and its observer while a member (an educator while its goal is
        still shared with them)."""
        clinicians = self.clinicians(state)
        educators = self.educators(state)
        pairs: list[tuple[al.model.Observation, str]] = []
        for observation in state.observations.values():
            observer = observation.observer
            mine = observer in state.current_members() and (
                observer not in educators
                or al.model.shared_with_school(state, observation.goal_id, observer, self.now)
            )
            pairs += [
                (observation, m)
                for m in clinicians
                if m != observer and self.sees(state, m, observation.audience, observer)
            ]
            if mine:
                pairs.append((observation, observer))
        return pairs

    def progress_corrected(self, state: al.PartnershipState) -> al.Event:
        observation, actor = self.pick(self.correcting(state))
        return al.events.ProgressCorrected(
            **self.base(actor),
            observation_id=observation.observation_id,
            reason=self.draw(self.text),
            **self.value_and_gas(state.goals[observation.goal_id]),
        )

    def measure_completed(self, state: al.PartnershipState) -> al.Event:
        # A shipped instrument answered by the child or a current member it is meant for;
        # a member's answers are recorded by that member or entered by a professional.
        respondents: dict[al.measures.RespondentRole, list[str]] = {
            al.measures.RespondentRole.CHILD: [state.child_id],
            al.measures.RespondentRole.CARER: sorted(state.carers),
            al.measures.RespondentRole.PROFESSIONAL: sorted(state.professionals),
        }
        choices = [
            (instrument, respondent, role)
            for instrument in al.measures.SHIPPED_INSTRUMENTS
            for role in sorted(instrument.respondents)
            for respondent in respondents[role]
        ]
        instrument, respondent, role = self.pick(choices)
        # Educators record only their own answers (RolePolicy), so the child's answers
        # are recorded by a carer, therapist or supervisor.
        if role is al.measures.RespondentRole.CHILD:
            actor = self.pick(self.carers_or_clinicians(state))
        else:
            actor = self.pick(sorted({respondent, *self.clinicians(state)}))
        return al.events.MeasureCompleted(
            **self.base(actor),
            response_id=self.fresh("response"),
            instrument=instrument,
            respondent=respondent,
            answers=_measure_answers(self.draw, instrument),
            note=self.maybe_text(),
        )

    # --- check-ins and feedback -----------------------------------------------------------

    def check_in(self, state: al.PartnershipState) -> al.Event:
        members = sorted(state.current_members())
        items = tuple(
            al.model.ActionItem(
                description=self.draw(self.text),
                owner=self.pick(members),
                due=self.due(state, days=90),
                action_item_id=self.fresh("action item"),
            )
            for _ in range(self.draw(st.integers(0, 2)))
        )
        return al.events.CheckInHeld(
            **self.base(self.pick(self.clinicians(state))),
            check_in_id=self.fresh("check-in"),
            kind=self.pick(list(al.model.CheckInKind)),
            purpose=self.pick(list(al.model.CheckInPurpose)),
            channel=self.pick(list(al.model.Channel)),
            participants=self.some(members),
            topics=self.texts(),
            good_news=self.texts(),
            concerns=self.texts(),
            decisions=self.texts(),
            action_items=items,
            audience=self.audience(state),
        )

    def completing(self, state: al.PartnershipState) -> list[tuple[al.model.ActionItemStatus, str]]:
        """(open action item, member) pairs: its owner while a member, or a therapist or
        supervisor, who can see the check-in it came from."""
        clinicians = self.clinicians(state)
        pairs: list[tuple[al.model.ActionItemStatus, str]] = []
        for item in state.action_items.values():
            if item.completed_at is not None:
                continue
            check_in = state.check_ins[item.check_in_id]
            pairs += [
                (item, m)
                for m in sorted({item.item.owner, *clinicians} & state.current_members())
                if self.sees(state, m, check_in.audience, check_in.recorded_by)
            ]
        return pairs

    def action_done(self, state: al.PartnershipState) -> al.Event:
        item, actor = self.pick(self.completing(state))
        return al.events.ActionItemCompleted(
            **self.base(actor),
            action_item_id=item.item.action_item_id,
            note=self.maybe_text(),
        )

    def feedback_given(self, state: al.PartnershipState) -> al.Event:
        # Progress updates from therapists and supervisors, home reports from carers.
        clinicians = self.clinicians(state)
        kinds = list(al.model.FeedbackKind) if clinicians else [al.model.FeedbackKind.HOME_REPORT]
        kind = self.pick(kinds)
        side = clinicians if kind is al.model.FeedbackKind.PROGRESS_UPDATE else sorted(state.carers)
        goal_ids = list(state.goals)
        strategy_ids = list(state.strategies)
        return al.events.FeedbackGiven(
            **self.base(self.pick(side)),
            feedback_id=self.fresh("feedback"),
            kind=kind,
            message=self.draw(self.text),
            goal_id=self.maybe(goal_ids),
            strategy_id=self.maybe(strategy_ids),
            audience=self.audience(state),
        )

    def answering(self, state: al.PartnershipState) -> list[tuple[al.model.FeedbackItem, str]]:
        """(open feedback, member) pairs: a carer answers a progress update, a therapist
        or supervisor a home report, when they can see it."""
        clinicians = self.clinicians(state)
        carers = sorted(state.carers)
        return [
            (item, m)
            for item in state.open_feedback()
            for m in (carers if item.kind is al.model.FeedbackKind.PROGRESS_UPDATE else clinicians)
            if self.sees(state, m, item.audience, item.given_by)
        ]

    def feedback_answered(self, state: al.PartnershipState) -> al.Event:
        item, actor = self.pick(self.answering(state))
        return al.events.FeedbackAnswered(
            **self.base(actor),
            feedback_id=item.feedback_id,
            response=self.pick(list(al.model.FeedbackResponse)),
            message=self.maybe_text(),
        )

    # --- home practice ---------------------------------------------------------------------

    def active_strategy(self, state: al.PartnershipState) -> al.model.HomePracticeStrategy:
        return self.pick([s for s in state.strategies.values() if s.is_active])

    def practice_planned(self, state: al.PartnershipState) -> al.Event:
        goal = self.goal_with(state, *_OPEN)
        return al.events.HomePracticePlanned(
            **self.base(self.pick(self.clinicians(state))),
            strategy_id=self.fresh("strategy"),
            goal_id=goal.goal_id,
            description=self.draw(self.text),
            times_per_week=self.draw(st.integers(1, 70)),
            setting=self.pick(list(al.model.Setting)),
            carers=self.some(state.carers),
        )

    def practice_adapted(self, state: al.PartnershipState) -> al.Event:
        return al.events.HomePracticeAdapted(
            **self.base(self.pick(self.clinicians(state))),
            strategy_id=self.active_strategy(state).strategy_id,
            description=self.draw(self.text),
            times_per_week=self.draw(st.integers(1, 70)),
            reason=self.draw(self.text),
        )

    def practice_stopped(self, state: al.PartnershipState) -> al.Event:
        return al.events.HomePracticeStopped(
            **self.base(self.pick(self.clinicians(state))),
            strategy_id=self.active_strategy(state).strategy_id,
            reason=self.draw(self.text),
        )

    def practice_logged(self, state: al.PartnershipState) -> al.Event:
        return al.events.PracticeLogged(
            **self.base(self.pick(sorted(state.carers))),
            entry_id=self.fresh("practice"),
            strategy_id=self.active_strategy(state).strategy_id,
            done=self.draw(st.booleans()),
            difficulty=self.draw(_MAYBE_DIFFICULTY),
            confidence=self.draw(_MAYBE_CONFIDENCE),
            note=self.maybe_text(),
        )

    # --- setbacks ----------------------------------------------------------------------------

    def setback_reported(self, state: al.PartnershipState) -> al.Event:
        goal_ids = list(state.goals)
        affected = (
            frozenset(self.draw(st.sets(st.sampled_from(goal_ids), max_size=2)))
            if goal_ids
            else frozenset[str]()
        )
        return al.events.SetbackReported(
            **self.base(self.pick(self.carers_or_clinicians(state))),
            setback_id=self.fresh("setback"),
            kind=self.pick(list(al.model.SetbackKind)),
            severity=self.pick(list(al.model.Severity)),
            description=self.draw(self.text),
            affected_goals=affected,
            audience=self.audience(state),
        )

    def handling(
        self, state: al.PartnershipState, records: Iterable[al.model.Setback | al.model.Concern]
    ) -> list[tuple[str, str]]:
        """(id, member) pairs for *records* (setbacks or concerns): the therapists and
        supervisors who can see each (only they plan, review, resolve or escalate)."""
        pairs: list[tuple[str, str]] = []
        for record in records:
            if isinstance(record, al.model.Setback):
                record_id, author = record.setback_id, record.reported_by
            else:
                record_id, author = record.concern_id, record.raised_by
            pairs += [
                (record_id, m)
                for m in self.clinicians(state)
                if self.sees(state, m, record.audience, author)
            ]
        return pairs

    def setback_planned(self, state: al.PartnershipState) -> al.Event:
        members = sorted(state.current_members())
        setback_id, actor = self.pick(self.handling(state, state.open_setbacks()))
        steps = tuple(
            al.model.PlanStep(
                description=self.draw(self.text),
                owner=self.pick(members),
                due=self.due(state, days=90),
            )
            for _ in range(self.draw(st.integers(0, 2)))
        )
        return al.events.SetbackResponsePlanned(
            **self.base(actor),
            setback_id=setback_id,
            changes=self.draw(self.text),
            steps=steps,
        )

    def setback_reviewed(self, state: al.PartnershipState) -> al.Event:
        planned = [s for s in state.open_setbacks() if s.response_plan is not None]
        setback_id, actor = self.pick(self.handling(state, planned))
        return al.events.SetbackReviewed(
            **self.base(actor),
            setback_id=setback_id,
            note=self.draw(self.text),
        )

    def setback_resolved(self, state: al.PartnershipState) -> al.Event:
        setback_id, actor = self.pick(self.handling(state, state.open_setbacks()))
        return al.events.SetbackResolved(
            **self.base(actor),
            setback_id=setback_id,
            resolution=self.draw(self.text),
        )

    # --- concerns and resources ------------------------------------------------------------

    def concern_raised(self, state: al.PartnershipState) -> al.Event:
        goal_ids = list(state.goals)
        return al.events.ConcernRaised(
            **self.base(self.pick(self.carers_or_clinicians(state))),
            concern_id=self.fresh("concern"),
            kind=self.pick(list(al.model.ConcernKind)),
            description=self.draw(self.text),
            goal_id=self.maybe(goal_ids),
            audience=self.audience(state),
        )

    def concern_resolved(self, state: al.PartnershipState) -> al.Event:
        concern_id, actor = self.pick(self.handling(state, state.open_concerns()))
        return al.events.ConcernResolved(
            **self.base(actor),
            concern_id=concern_id,
            options_considered=self.texts(),
            agreed=self.draw(self.text),
        )

    def concern_escalated(self, state: al.PartnershipState) -> al.Event:
        unescalated = [c for c in state.open_concerns() if c.escalation is None]
        concern_id, actor = self.pick(self.handling(state, unescalated))
        return al.events.ConcernEscalated(
            **self.base(actor),
            concern_id=concern_id,
            escalated_to=self.draw(self.text),
            reason=self.draw(self.text),
        )

    def resource_shared(self, state: al.PartnershipState) -> al.Event:
        goal_ids = list(state.goals)
        return al.events.ResourceShared(
            **self.base(self.pick(self.clinicians(state))),
            resource_id=self.fresh("resource"),
            kind=self.pick(list(al.model.ResourceKind)),
            title=self.draw(self.text),
            language=self.draw(language_tags()),
            shared_with=self.some(state.current_members()),
            url=self.maybe_text(),
            goal_id=self.maybe(goal_ids),
        )

    # --- the family's side: who may act ------------------------------------------------

    def clinicians(self, state: al.PartnershipState) -> list[str]:
        """Current therapists and supervisors (professionals who are not educators): the
        side :class:`alliance.RolePolicy` lets set checklists, coach, agree transition
        plans, offer support and issue the agreement."""
        return sorted(
            m
            for m in state.professionals
            if state.members[m].professional_role is not al.ProfessionalRole.EDUCATOR
        )

    def educators(self, state: al.PartnershipState) -> list[str]:
        """Current educators (teachers, early-childhood educators)."""
        return sorted(set(state.professionals) - set(self.clinicians(state)))

    def carers_or_clinicians(self, state: al.PartnershipState) -> list[str]:
        """The members RolePolicy lets do what carers and professionals both may."""
        return sorted(state.carers | set(self.clinicians(state)))

    def few(self, items: Iterable[str]) -> frozenset[str]:
        """None, or some of *items*."""
        pool = sorted(items)
        chosen: bool = bool(pool) and self.draw(st.booleans())
        return self.some(pool) if chosen else frozenset()

    def audience(self, state: al.PartnershipState) -> al.model.Audience:
        """Mostly everyone; else the clinical team, or some current members by name."""
        kind = self.draw(st.integers(0, 3))
        if kind <= 1:
            return al.model.EVERYONE
        if kind == 2:
            return al.model.Audience.professionals()
        return al.model.Audience(
            scope=al.model.AudienceScope.NAMED, members=self.some(state.current_members())
        )

    # --- coaching and education ----------------------------------------------------------

    def coachable(self, state: al.PartnershipState) -> list[al.model.HomePracticeStrategy]:
        """Active strategies with a fidelity checklist."""
        return [
            s
            for s in state.strategies.values()
            if s.is_active and s.strategy_id in state.checklists
        ]

    def checklist(self) -> al.model.FidelityChecklist:
        step_ids = self.draw(_STEP_ID_LISTS)
        return al.model.FidelityChecklist(
            steps=tuple(
                al.model.FidelityStep(step_id=step_id, description=self.draw(self.text))
                for step_id in step_ids
            ),
            scale=self.pick(list(al.model.FidelityScale)),
            partly_credit=self.draw(_PARTLY_CREDITS),
            independent_at=self.draw(_INDEPENDENT_AT),
            sessions_needed=self.draw(_HISTORY_SESSIONS_NEEDED),
        )

    def checklist_set(self, state: al.PartnershipState) -> al.Event:
        return al.events.FidelityChecklistSet(
            **self.base(self.pick(self.clinicians(state))),
            strategy_id=self.active_strategy(state).strategy_id,
            checklist=self.checklist(),
        )

    def coaching_held(self, state: al.PartnershipState) -> al.Event:
        strategy = self.pick(self.coachable(state))
        # Mostly one of the strategy's own carers (so that trends build up), else any.
        theirs = sorted(strategy.carers & state.carers)
        carer = self.pick(theirs or sorted(state.carers))
        checklist = state.checklists[strategy.strategy_id].checklist
        # Half the time every step as coached (so that carers reach independence).
        faithful: bool = self.draw(st.booleans())
        steps = (
            tuple(
                al.model.StepFidelity(step_id=step_id, rating=5)
                if checklist.scale is al.model.FidelityScale.RATING
                else al.model.StepFidelity(step_id=step_id, observed=al.model.StepObserved.DONE)
                for step_id in checklist.step_ids
            )
            if faithful
            else _score_steps(self.draw, checklist)
        )
        return al.events.CoachingSessionHeld(
            **self.base(self.pick(self.clinicians(state))),
            session_id=self.fresh("coaching session"),
            strategy_id=strategy.strategy_id,
            carer=carer,
            steps=steps,
            carer_confidence=self.draw(_MAYBE_CONFIDENCE),
            approaches=self.draw(_APPROACH_SETS),
            note=self.maybe_text(),
            audience=self.audience(state),
        )

    def education_attended(self, state: al.PartnershipState) -> al.Event:
        return al.events.EducationAttended(
            **self.base(self.pick(self.carers_or_clinicians(state))),
            education_id=self.fresh("education"),
            kind=self.pick(list(al.model.EducationKind)),
            title=self.draw(self.text),
            attendees=self.some(state.carers),
            language=self.draw(language_tags()),
            goal_id=self.maybe(list(state.goals)),
        )

    # --- transitions ---------------------------------------------------------------------

    def open_transitions(self, state: al.PartnershipState) -> list[al.model.Transition]:
        return [t for t in state.transitions.values() if not t.is_reviewed]

    def transition_announced(self, state: al.PartnershipState) -> al.Event:
        return al.events.TransitionAnnounced(
            **self.base(self.member(state)),
            transition_id=self.fresh("transition"),
            kind=self.pick(list(al.model.TransitionKind)),
            description=self.draw(self.text),
            date=self.due(state, days=90),
            people=self.some(state.current_members()),
            affected_goals=self.few(state.goals),
            affected_strategies=self.few(state.strategies),
        )

    def transition_plan(self, state: al.PartnershipState) -> al.Event:
        members = sorted(state.current_members())
        steps = tuple(
            al.model.PlanStep(
                description=self.draw(self.text),
                owner=self.pick(members),
                due=self.due(state, days=90),
            )
            for _ in range(self.draw(st.integers(1, 2)))
        )
        return al.events.TransitionPlanAgreed(
            **self.base(self.pick(self.clinicians(state))),
            transition_id=self.pick(self.open_transitions(state)).transition_id,
            steps=steps,
            agreed_with=self.some(state.carers),
        )

    def transition_information(self, state: al.PartnershipState) -> al.Event:
        return al.events.TransitionInformationShared(
            **self.base(self.member(state)),
            transition_id=self.pick(self.open_transitions(state)).transition_id,
            shared_with=self.some(state.current_members()),
            summary=self.draw(self.text),
        )

    def transition_rescheduled(self, state: al.PartnershipState) -> al.Event:
        transition = self.pick(self.open_transitions(state))
        date = self.due(state, days=90)
        if date == transition.date:
            date = date.add(days=1)
        return al.events.TransitionRescheduled(
            **self.base(self.member(state)),
            transition_id=transition.transition_id,
            date=date,
            reason=self.draw(self.text),
        )

    def until(self, state: al.PartnershipState, day: pendulum.Date) -> None:
        """Move :attr:`now` on to the start of *day* in the partnership's time zone,
        unless that day has come already."""
        if state.local_date(self.now) >= day:
            return
        moment = pendulum.datetime(day.year, day.month, day.day, tz=state.time_zone)
        moment = moment.in_timezone("UTC")
        while state.local_date(moment) < day:  # (a day that starts inside a DST gap)
            moment = moment.add(hours=1)
        self.now = max(self.now, moment)

    def transition_reviewed(self, state: al.PartnershipState) -> al.Event:
        transition = self.pick(self.open_transitions(state))
        self.until(state, transition.date)  # reviewed once its day has come
        return al.events.TransitionReviewed(
            **self.base(self.pick(self.carers_or_clinicians(state))),
            transition_id=transition.transition_id,
            how_it_went=self.draw(self.text),
            next_steps=self.maybe_text(),
        )

    # --- celebrations, wellbeing and support --------------------------------------------

    def celebrated(self, state: al.PartnershipState) -> al.Event:
        # Linked to an observation (then to its goal, or to no goal), or to a goal, and
        # to a strategy of the same goal, or to none of them.
        observation = self.maybe(list(state.observations.values()))
        about: str | None
        if observation is not None:
            about = observation.goal_id
            goal_id = about if self.draw(st.booleans()) else None
        else:
            goal_id = about = self.maybe(list(state.goals))
        strategy = self.maybe(
            [s for s in state.strategies.values() if about is None or s.goal_id == about]
        )
        if about is None and strategy is not None:
            about = strategy.goal_id
        # As RolePolicy has it: educators celebrate only what is about no goal or a goal
        # shared with the school, and nobody celebrates an observation they cannot see.
        clinicians = self.clinicians(state)
        educators = self.educators(state)

        def may(member: str) -> bool:
            if member in educators and not (
                about is None or al.model.shared_with_school(state, about, member, self.now)
            ):
                return False
            if observation is None:
                return True
            seen = observation.audience
            return (
                member == observation.observer
                or seen.scope is al.model.AudienceScope.EVERYONE
                or (seen.scope is al.model.AudienceScope.PROFESSIONALS and member in clinicians)
                or member in seen.members
            )

        actors = [m for m in sorted(state.current_members()) if may(m)]
        if not actors:  # an observation nobody who may celebrate can see: not linked
            observation = None
            actors = [m for m in sorted(state.current_members()) if may(m)]
        return al.events.SuccessCelebrated(
            **self.base(self.pick(actors)),
            celebration_id=self.fresh("celebration"),
            kind=self.pick(list(al.model.CelebrationKind)),
            description=self.draw(self.text),
            goal_id=goal_id,
            observation_id=None if observation is None else observation.observation_id,
            strategy_id=None if strategy is None else strategy.strategy_id,
            audience=self.audience(state),
        )

    def wellbeing_noted(self, state: al.PartnershipState) -> al.Event:
        return al.events.WellbeingNoted(
            **self.base(self.pick(sorted(state.carers))),
            note_id=self.fresh("wellbeing note"),
            coping=self.draw(_MAYBE_COPING),
            support=self.draw(_SUPPORT_SETS),
            would_like=self.maybe_text(),
            note=self.maybe_text(),
            shared_with=self.few(state.professionals),
        )

    def replies(self, state: al.PartnershipState) -> list[tuple[al.model.WellbeingNote, str]]:
        """(note, clinician) pairs: a current carer's wellbeing note, shared with a
        current therapist or supervisor who may answer it."""
        return [
            (note, clinician)
            for note in state.wellbeing.values()
            if note.carer in state.carers
            for clinician in self.clinicians(state)
            if note.visible_to(clinician)
        ]

    def support_offered(self, state: al.PartnershipState) -> al.Event:
        replies = self.replies(state)
        reply: bool = bool(replies) and self.draw(st.booleans())
        if reply:
            note, actor = self.pick(replies)
            carer, in_reply_to = note.carer, note.note_id
        else:
            actor = self.pick(self.clinicians(state))
            carer, in_reply_to = self.pick(sorted(state.carers)), None
        return al.events.SupportOffered(
            **self.base(actor),
            offer_id=self.fresh("support offer"),
            carer=carer,
            kind=self.pick(list(al.model.SupportKind)),
            description=self.draw(self.text),
            in_reply_to=in_reply_to,
            shared_with=self.few(state.professionals),
        )

    # --- the partnership agreement --------------------------------------------------------

    def agreement(self, state: al.PartnershipState) -> al.model.PartnershipAgreement:
        members = sorted(state.current_members())
        return al.model.PartnershipAgreement(
            family_can_expect=(self.draw(self.text), *self.texts()),
            service_asks=self.texts(),
            response_times=tuple(
                al.model.ResponseTime(channel=channel, within=self.draw(_RESPONSE_WITHIN))
                for channel in self.draw(_UNIQUE_CHANNELS)
            ),
            contacts=tuple(
                al.model.ContactRoute(
                    purpose=self.draw(self.text),
                    member_id=self.pick(members),
                    channel=self.pick(list(al.model.Channel)),
                )
                for _ in range(self.draw(st.integers(0, 2)))
            ),
            disagreements=self.draw(self.text),
            bottom_lines=self.texts(),
        )

    def agreement_issued(self, state: al.PartnershipState) -> al.Event:
        current = state.agreement
        return al.events.AgreementIssued(
            **self.base(self.pick(self.clinicians(state))),
            version=1 if current is None else current.version + 1,
            agreement=self.agreement(state),
            changes=self.maybe_text(),
        )

    def unacknowledged(self, state: al.PartnershipState) -> list[str]:
        """Current carers who have not acknowledged the agreement in force."""
        current = state.agreement
        if current is None:
            return []
        return sorted(c for c in state.carers if not current.acknowledged_by(c))

    def agreement_acknowledged(self, state: al.PartnershipState) -> al.Event:
        current = state.agreement
        assert current is not None
        return al.events.AgreementAcknowledged(
            **self.base(self.pick(self.unacknowledged(state))),
            version=current.version,
            comment=self.maybe_text(),
        )


_OPEN = (al.model.GoalStatus.PROPOSED, al.model.GoalStatus.ACTIVE, al.model.GoalStatus.ON_HOLD)
_EVERYDAY_SETTINGS = frozenset({al.model.Setting.HOME, al.model.Setting.COMMUNITY})


@st.composite
def partnership_histories(
    draw: st.DrawFn,
    *,
    min_events: int = 0,
    max_events: int = 60,
    start: st.SearchStrategy[pendulum.DateTime] | None = None,
    allow_closing: bool = True,
) -> list[al.Event]:
    """A valid timeline: a list of events that :meth:`alliance.Partnership.record` accepts
    one after the other (check with :func:`replay`).

    It begins with :class:`alliance.events.PartnershipFormed`, then a professional (mostly a
    therapist or supervisor, sometimes an educator) and a carer joining, then between
    *min_events* and *max_events* more events. Each is chosen among every kind of event
    the state so far allows (all 50 types are reachable).

    **Every actor is one** :class:`alliance.RolePolicy` **allows**, so every history
    also replays under it (``Partnership.form(first, policy=RolePolicy())``; it is
    recorded under it as it is drawn). A kind of event is offered only when some current
    member may record it: the founder adds members while the partnership forms, and
    therapists and supervisors add them after; goals are proposed, agreed, objected to
    (and concerns noted) by carers, therapists and supervisors, and revised, put on
    hold, resumed, achieved and discontinued by therapists and supervisors; progress is
    recorded by therapists and supervisors (any setting, any kind), by carers (everyday
    observations at home or in the community) and by educators (at school, on goals a
    carer's consent in force shares with the school or with them), GAS levels only for
    goals with a scale, and corrected by its observer or by a therapist or supervisor
    who can see it; shipped measures are answered by the child or a member they are
    meant for (the child's answers recorded by a carer, therapist or supervisor, a
    member's by that member or a therapist or supervisor); check-ins, with action items,
    are held by therapists and supervisors, and an item completed by its owner or a
    therapist or supervisor who can see the check-in; progress updates come from
    therapists and supervisors and home reports from carers, each answered by the other
    side when they can see it; home practice is planned, adapted and stopped by
    therapists and supervisors and logged by carers; setbacks and concerns are reported
    and raised by carers, therapists and supervisors, and planned, reviewed, resolved
    and escalated by a therapist or supervisor who can see them; resources, settings
    and status changes (closing included) are for therapists and supervisors,
    communication plans for carers, therapists and supervisors; members leave
    themselves or are recorded leaving by a therapist or supervisor (each side keeps at
    least one member, and the last therapist or supervisor stays); consent to sharing
    is granted and withdrawn by carers. Observations, check-ins, feedback, setbacks and
    concerns are mostly for everyone, else for the clinical team or named members.

    The family's side, each act by a member of a side RolePolicy allows it (therapists
    and supervisors for the professionals' acts, carers for the carers'): fidelity
    checklists set on active strategies and coaching sessions that
    score every step of the checklist on its scale; education attended by carers;
    transitions announced (involving some members, affecting goals and strategies or
    not), plans agreed with carers, information shared, rescheduling, and reviews (the
    clock moves on to the transition's local date first when it has not come yet);
    celebrations linked to an observation, a goal and a strategy of the same goal, or
    to none, some with an audience; carers' wellbeing notes shared with some
    professionals or none, and support offered by professionals, some in reply to a
    note the carer shared with them; agreement versions issued in order (contacts name
    current members) and acknowledged by carers who have not acknowledged the version
    in force. With *allow_closing*, the last event may close the partnership (when a
    therapist or supervisor is there to close it).

    Times never go backwards: each event comes none, minutes, hours, days or weeks after
    the one before (a transition's review waits for its local date to come), from a
    start drawn from *start* (default: 1990 to 2090, shown in any of
    :data:`TIME_ZONE_NAMES`). Due dates, and transitions' dates, are never before the
    local date they are set.

    Every event is recorded as it is drawn, so the history is valid by construction, and
    each is reported with :func:`hypothesis.event` under its type name: run with
    ``--hypothesis-show-statistics`` to see which types a test saw.

    Returns:
        The events, in order. ``replay(events)`` gives the :class:`alliance.Partnership`.
    """
    if not 0 <= min_events <= max_events:
        raise InvalidArgument(
            f"need 0 <= min_events <= max_events, got min_events={min_events}, "
            f"max_events={max_events}"
        )
    history = _History(draw, allow_closing=allow_closing)
    partnership = history.start(
        start
        if start is not None
        else aware_datetimes(
            min_value=_HISTORY_START_MIN,
            max_value=_HISTORY_START_MAX,
            time_zones=time_zone_names(),
        )
    )
    count = draw(st.integers(min_events, max_events))
    for index in range(count):
        if not history.step(last=index == count - 1):
            break
    return list(partnership.events)


def replay(events: Iterable[al.Event]) -> al.Partnership:
    """Record *events* one by one into a new :class:`alliance.Partnership` and return it.

    Unlike :meth:`alliance.Partnership.from_events`, which folds without checking, every
    event is checked, so this raises (an :class:`alliance.AllianceError`) at the first
    event the model refuses.
    """
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, al.events.PartnershipFormed):
        raise al.ValidationError("events", "a timeline starts with a PartnershipFormed event")
    partnership = al.Partnership.form(first)
    for event in iterator:
        partnership.record(event)
    return partnership


def partnerships(
    *,
    min_events: int = 0,
    max_events: int = 60,
    start: st.SearchStrategy[pendulum.DateTime] | None = None,
    allow_closing: bool = True,
) -> st.SearchStrategy[al.Partnership]:
    """A fresh :class:`alliance.Partnership` holding a :func:`partnership_histories`
    timeline (same arguments)."""
    return partnership_histories(
        min_events=min_events, max_events=max_events, start=start, allow_closing=allow_closing
    ).map(replay)


@st.composite
def invalid_next_events(draw: st.DrawFn, *, state: al.PartnershipState) -> al.Event:
    """An event, valid on its own, that :meth:`alliance.Partnership.record` must refuse on
    top of *state* (for any state folded from a valid timeline).

    One of: agreeing to, recording progress on, or answering feedback / reviewing a
    setback / completing an action item / correcting an observation with an unknown id;
    an actor who is not a current member; a moment before the partnership was formed; a
    second ``PartnershipFormed``; a current member or the child joining again; a goal id
    that is already used; coaching on an unknown strategy, a plan for an unknown
    transition, support in reply to an unknown wellbeing note, or acknowledging a
    version of the agreement that is not in force.
    """
    later = state.last_event_at + draw(_GAPS)
    members = sorted(state.current_members())
    actor = draw(st.sampled_from(members)) if members else draw(ids(max_size=10))
    carer = min(state.carers, default=actor)

    def unknown(existing: Iterable[str]) -> str:
        taken = set(existing)
        return draw(ids(max_size=12).filter(lambda i: i not in taken))

    def at(moment: pendulum.DateTime, who: str = actor) -> dict[str, Any]:
        return {"actor": who, "occurred_at": moment}

    choices: list[Callable[[], al.Event]] = [
        lambda: al.events.GoalAgreed(**at(later), goal_id=unknown(state.goals)),
        lambda: al.events.ProgressRecorded(
            **at(later),
            goal_id=unknown(state.goals),
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=draw(_finite_floats),
        ),
        lambda: al.events.ProgressCorrected(
            **at(later), observation_id=unknown(state.observations), reason="typo", value=1.0
        ),
        lambda: al.events.FeedbackAnswered(
            **at(later),
            feedback_id=unknown(state.feedback),
            response=al.model.FeedbackResponse.ACKNOWLEDGED,
        ),
        lambda: al.events.SetbackReviewed(
            **at(later), setback_id=unknown(state.setbacks), note="ok"
        ),
        lambda: al.events.ActionItemCompleted(
            **at(later), action_item_id=unknown(state.action_items)
        ),
        lambda: draw(
            concern_raised_events(
                actors=st.just(unknown(state.current_members())), times=st.just(later)
            )
        ),
        lambda: draw(
            resource_shared_events(
                actors=st.just(actor),
                times=st.just(state.formed_at - draw(_BEFORE)),
            )
        ),
        lambda: draw(partnership_formed_events(times=st.just(later))),
        lambda: al.events.CarerJoined(
            **at(later, state.formed_by),
            member_id=draw(st.sampled_from([state.child_id, *members])),
            relationship=al.CarerRelationship.PARENT,
        ),
        lambda: al.events.CoachingSessionHeld(
            **at(later),
            session_id=unknown(state.coaching),
            strategy_id=unknown(state.strategies),
            carer=carer,
            steps=(al.model.StepFidelity(step_id="s1", observed=al.model.StepObserved.DONE),),
        ),
        lambda: attrs.evolve(
            draw(transition_plan_agreed_events(actors=st.just(actor), times=st.just(later))),
            transition_id=unknown(state.transitions),
        ),
        lambda: al.events.SupportOffered(
            **at(later),
            offer_id=unknown(state.support_offers),
            carer=carer,
            kind=al.model.SupportKind.PEER_GROUP,
            description="a parents' group",
            in_reply_to=unknown(state.wellbeing),
        ),
        lambda: al.events.AgreementAcknowledged(
            **at(later),
            version=1 if state.agreement is None else state.agreement.version + 1,
        ),
    ]
    if state.goals:
        choices.append(
            lambda: attrs.evolve(
                draw(goal_proposed_events(actors=st.just(actor), times=st.just(later))),
                goal_id=draw(st.sampled_from(list(state.goals))),
            )
        )
    return draw(st.sampled_from(choices))()
