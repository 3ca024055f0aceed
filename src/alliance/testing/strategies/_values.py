"""Strategies for the model's values, each valid on its own (private; import them from
:mod:`alliance.testing.strategies`).

Values with rules across their fields (a target that differs from its baseline, a GAS
scale with one level each, a checklist's distinct step ids...) are drawn by hand here;
every other public attrs type of the model is derived from its fields
(:func:`alliance.testing.strategies.values_of`).
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.model._checks import MAX_MAGNITUDE
from alliance.testing.strategies._derive import built, derived
from alliance.testing.strategies._scalars import (
    CHANNEL_SETS,
    dates,
    durations,
    finite_floats,
    ids,
    language_tags,
    non_empty_set,
    optional,
    text_tuple,
    texts,
)

__all__ = [
    "action_items",
    "audiences",
    "carers",
    "children",
    "communication_plans",
    "communication_preferences",
    "contact_details",
    "contact_routes",
    "fidelity_checklists",
    "fidelity_steps",
    "gas_levels",
    "gas_scales",
    "mastery_criteria",
    "measurable_targets",
    "partnership_agreements",
    "person_identifiers",
    "plan_steps",
    "professionals",
    "response_times",
    "step_fidelities",
    "values_of",
]

T = TypeVar("T")

# --- people and values ---------------------------------------------------------------------


@st.composite
def communication_preferences(draw: st.DrawFn) -> al.model.CommunicationPreferences:
    """:class:`alliance.model.CommunicationPreferences`: a language, channels, interpreter."""
    return al.model.CommunicationPreferences(
        language=draw(language_tags()),
        channels=draw(CHANNEL_SETS),
        needs_interpreter=draw(st.booleans()),
    )


@st.composite
def contact_details(draw: st.DrawFn) -> al.model.ContactDetails:
    """:class:`alliance.model.ContactDetails`, each part present or not."""
    return al.model.ContactDetails(
        email=draw(optional(texts(max_size=30))), phone=draw(optional(texts(max_size=20)))
    )


_IDENTIFIER_SYSTEMS = st.sampled_from(
    ("https://clinic.example/mrn", "urn:oid:2.16.840.1.113883.2.4.6.3")
) | st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9/]{1,12}", fullmatch=True)


@st.composite
def person_identifiers(draw: st.DrawFn) -> al.model.PersonIdentifier:
    """:class:`alliance.model.PersonIdentifier`: a URI system (an MRN's, an OID) and a
    value."""
    return al.model.PersonIdentifier(
        system=draw(_IDENTIFIER_SYSTEMS), value=draw(texts(max_size=20)).strip()
    )


@st.composite
def children(draw: st.DrawFn) -> al.Child:
    """:class:`alliance.Child` records, with or without a date of birth, with up to two
    identifiers."""
    return al.Child(
        id=draw(ids()),
        name=draw(texts()),
        date_of_birth=draw(optional(dates())),
        preferred_language=draw(language_tags()),
        identifiers=tuple(draw(st.lists(person_identifiers(), max_size=2, unique=True))),
    )


def _member_details(draw: st.DrawFn) -> dict[str, Any]:
    """What a carer's and a professional's records both hold: an id, a name, how they
    like to be reached and their contact details."""
    return {
        "id": draw(ids()),
        "name": draw(texts()),
        "preferences": draw(communication_preferences()),
        "contact": draw(contact_details()),
    }


@st.composite
def carers(draw: st.DrawFn) -> al.Carer:
    """:class:`alliance.Carer` records."""
    return al.Carer(**_member_details(draw), household=draw(optional(texts())))


@st.composite
def professionals(draw: st.DrawFn) -> al.Professional:
    """:class:`alliance.Professional` records."""
    return al.Professional(**_member_details(draw))


@st.composite
def communication_plans(
    draw: st.DrawFn, *, participants: st.SearchStrategy[str] | None = None
) -> al.model.CommunicationPlan:
    """:class:`alliance.model.CommunicationPlan`: a cadence (see :func:`durations`), channels
    and one or more participants drawn from *participants* (default :func:`ids`)."""
    return al.model.CommunicationPlan(
        cadence=draw(durations()),
        channels=draw(CHANNEL_SETS),
        participants=draw(non_empty_set(participants if participants is not None else ids())),
    )


@st.composite
def measurable_targets(
    draw: st.DrawFn,
    *,
    due: st.SearchStrategy[pendulum.Date] | None = None,
    direction: al.model.Direction | None = None,
    values: st.SearchStrategy[float] = finite_floats,
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
    values: st.SearchStrategy[float] = finite_floats,
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
                st.floats(min_value=0, max_value=MAX_MAGNITUDE, exclude_min=True, allow_nan=False),
            )
        ),
    )


@st.composite
def mastery_criteria(draw: st.DrawFn) -> al.model.MasteryCriterion:
    """:class:`alliance.model.MasteryCriterion`: a threshold, a run length, a comparison and a
    frame."""
    return al.model.MasteryCriterion(
        threshold=draw(finite_floats),
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
_MAYBE_COPING = optional(st.sampled_from(al.model.Coping))
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


def score_steps(
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
    return score_steps(draw, checklist if checklist is not None else draw(fidelity_checklists()))


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
        service_asks=draw(text_tuple()),
        response_times=tuple(
            al.model.ResponseTime(channel=channel, within=draw(_RESPONSE_WITHIN))
            for channel in draw(_UNIQUE_CHANNELS)
        ),
        contacts=tuple(draw(st.lists(contact_routes(members=members), max_size=3))),
        disagreements=draw(texts()),
        bottom_lines=draw(text_tuple()),
    )


def measure_answers(draw: st.DrawFn, instrument: al.measures.Instrument) -> dict[str, float]:
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


def _first_step(steps: tuple[al.model.StepFidelity, ...]) -> al.model.StepFidelity:
    return steps[0]


_INSTRUMENTS = st.sampled_from(al.measures.SHIPPED_INSTRUMENTS)

HAND_MADE: dict[type[Any], Any] = {
    al.model.CommunicationPreferences: communication_preferences,
    al.model.ContactDetails: contact_details,
    al.model.PersonIdentifier: person_identifiers,
    al.Child: children,
    al.Carer: carers,
    al.Professional: professionals,
    al.model.CommunicationPlan: communication_plans,
    al.model.MeasurableTarget: measurable_targets,
    al.model.GasLevel: gas_levels,
    al.model.GasScale: gas_scales,
    al.model.MasteryCriterion: mastery_criteria,
    al.model.ActionItem: action_items,
    al.model.PlanStep: plan_steps,
    al.model.Audience: audiences,
    al.model.FidelityStep: fidelity_steps,
    al.model.FidelityChecklist: fidelity_checklists,
    al.model.StepFidelity: lambda: step_fidelities().map(_first_step),
    al.model.ResponseTime: response_times,
    al.model.ContactRoute: contact_routes,
    al.model.PartnershipAgreement: partnership_agreements,
    al.measures.Instrument: lambda: _INSTRUMENTS,
    al.measures.Item: lambda: _INSTRUMENTS.flatmap(lambda i: st.sampled_from(i.items)),
}
"""Value types drawn by hand (rules across their fields), by type."""


def values_of(cls: type[T]) -> st.SearchStrategy[T]:
    """Valid values of the attrs class *cls*: its hand-made strategy (for values with
    rules across their fields), or one derived from its fields (each drawn as its
    validator or its type says, the real constructor called)."""
    hand = HAND_MADE.get(cls)
    if hand is not None:
        strategy: st.SearchStrategy[T] = hand()
        return strategy
    if not (isinstance(cls, type) and attrs.has(cls)):
        raise InvalidArgument(f"{cls!r} is not an attrs class")
    found = _DERIVED.get(cls)
    if found is None:
        found = _DERIVED[cls] = st.deferred(lambda: built(cls, derived(cls, values_of)))
    made: st.SearchStrategy[T] = found
    return made


_DERIVED: dict[type[Any], st.SearchStrategy[Any]] = {}
