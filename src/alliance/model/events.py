"""The timeline's events: immutable facts about a partnership, in the order they happened.

Every event says who did it (``actor``, a member id) and when it happened
(``occurred_at``, an aware datetime kept in UTC). Events refer to people by id only.

Each event class has a stable ``type_name`` (its class name unless set) and a
``schema_version``; both are stored with the event's data so that old payloads can be
upgraded by upcasters when an event's shape changes (see :mod:`alliance.serialization`).
A subclass of :class:`Event` defined anywhere, a plugin included, is registered by
defining it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience
from alliance.model.check_ins import ActionItem, CheckInKind, CheckInPurpose
from alliance.model.concerns import ConcernKind
from alliance.model.feedback import FeedbackKind, FeedbackResponse
from alliance.model.goals import (
    GasScale,
    GoalDomain,
    MasteryCriterion,
    MeasurableTarget,
    RevisionReason,
)
from alliance.model.home_practice import Difficulty
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.people import (
    CarerRelationship,
    Channel,
    Discipline,
    ProfessionalRole,
)
from alliance.model.progress import ObservationKind
from alliance.model.resources import ResourceKind
from alliance.model.setbacks import PlanStep, SetbackKind, Severity

_EVENT_TYPES: dict[str, type[Event]] = {}

# An optional field left out of the stored data when it holds its default (an audience of
# everyone), so events without one serialize exactly as they did before it existed.
_OMIT = {"omit_if_default": True}


def event_types() -> dict[str, type[Event]]:
    """Every registered event class by its stored type name (a copy)."""
    return dict(_EVENT_TYPES)


@attrs.frozen(kw_only=True)
class Event:
    """Base class of every timeline event.

    Attributes:
        actor: id of the member who did it (or, for the first event, who formed the
            partnership).
        occurred_at: when it happened: an aware datetime, converted to UTC.
    """

    type_name: ClassVar[str]
    schema_version: ClassVar[int] = 1

    actor: str = attrs.field(validator=c.identifier)
    occurred_at: pendulum.DateTime = attrs.field(converter=c.occurred_at)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("type_name", cls.__name__)
        cls.type_name = name
        existing = _EVENT_TYPES.get(name)
        if existing is not None and (existing.__module__, existing.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise TypeError(
                f"event type name {name!r} is already used by "
                f"{existing.__module__}.{existing.__qualname__}; set type_name to a unique name"
            )
        _EVENT_TYPES[name] = cls


# --- the partnership and its members ------------------------------------------------------


@attrs.frozen(kw_only=True)
class PartnershipFormed(Event):
    """A partnership around a child was formed. Always the first event of a timeline.

    Attributes:
        partnership_id: the partnership's id.
        clinic_id: the clinic (tenant) it belongs to.
        child_id: the child at its centre.
        time_zone: IANA name of the zone its local dates ("this week") are reckoned in.
        settings: where the child is supported.
    """

    partnership_id: str = attrs.field(validator=c.identifier)
    clinic_id: str = attrs.field(validator=c.identifier)
    child_id: str = attrs.field(validator=c.identifier)
    time_zone: str = attrs.field(validator=c.time_zone)
    settings: frozenset[Setting] = attrs.field(
        default=frozenset({Setting.CLINIC, Setting.HOME}),
        validator=c.set_of(Setting, non_empty=True),
    )


@attrs.frozen(kw_only=True)
class CarerJoined(Event):
    """A carer joined the partnership, in their own right."""

    member_id: str = attrs.field(validator=c.identifier)
    relationship: CarerRelationship = attrs.field(validator=c.one_of(CarerRelationship))


@attrs.frozen(kw_only=True)
class ProfessionalJoined(Event):
    """A professional joined the care team."""

    member_id: str = attrs.field(validator=c.identifier)
    discipline: Discipline = attrs.field(validator=c.one_of(Discipline))
    role: ProfessionalRole = attrs.field(
        default=ProfessionalRole.THERAPIST, validator=c.one_of(ProfessionalRole)
    )


@attrs.frozen(kw_only=True)
class MemberLeft(Event):
    """A member left the partnership. What they recorded stays in the timeline."""

    member_id: str = attrs.field(validator=c.identifier)
    reason: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class SettingsChanged(Event):
    """The places where the child is supported changed (a new school, say)."""

    settings: frozenset[Setting] = attrs.field(validator=c.set_of(Setting, non_empty=True))


@attrs.frozen(kw_only=True)
class CommunicationPlanAgreed(Event):
    """The members agreed how often and how they keep each other informed."""

    cadence: pendulum.Duration = attrs.field(validator=c.positive_duration)
    channels: frozenset[Channel] = attrs.field(validator=c.set_of(Channel, non_empty=True))
    participants: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)


@attrs.frozen(kw_only=True)
class PartnershipStatusChanged(Event):
    """The partnership became active, paused, resumed or closed."""

    status: PartnershipStatus = attrs.field(validator=c.one_of(PartnershipStatus))
    reason: str | None = attrs.field(default=None, validator=c.optional_text)


# --- shared goals -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class GoalProposed(Event):
    """A member proposed a goal. Proposing it counts as the proposer's agreement.

    Attributes:
        goal_id: the new goal's id (generated when not given).
        domain: the area of life it is about.
        statement: the goal in plain language.
        why_it_matters: why it matters to the family, in their words.
        target: the measurable target.
        gas_scale: an optional Goal Attainment Scaling scale.
        mastery: an optional mastery criterion.
    """

    goal_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    domain: GoalDomain = attrs.field(validator=c.one_of(GoalDomain))
    statement: str = attrs.field(validator=c.text)
    why_it_matters: str = attrs.field(validator=c.text)
    target: MeasurableTarget = attrs.field(validator=c.instance_of(MeasurableTarget))
    gas_scale: GasScale | None = attrs.field(
        default=None, validator=c.optional_instance_of(GasScale)
    )
    mastery: MasteryCriterion | None = attrs.field(
        default=None, validator=c.optional_instance_of(MasteryCriterion)
    )


@attrs.frozen(kw_only=True)
class GoalAgreed(Event):
    """The actor agreed to the current version of a goal."""

    goal_id: str = attrs.field(validator=c.identifier)
    comment: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class GoalConcernNoted(Event):
    """The actor has a concern about the current version of a goal and does not agree yet."""

    goal_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class GoalObjected(Event):
    """The actor objects to the current version of a goal."""

    goal_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class GoalRevised(Event):
    """A goal was revised. The earlier version is kept; everyone's agreement is asked again
    (the reviser's counts as given)."""

    goal_id: str = attrs.field(validator=c.identifier)
    statement: str = attrs.field(validator=c.text)
    why_it_matters: str = attrs.field(validator=c.text)
    target: MeasurableTarget = attrs.field(validator=c.instance_of(MeasurableTarget))
    reason: RevisionReason = attrs.field(validator=c.one_of(RevisionReason))
    explanation: str = attrs.field(validator=c.text)
    gas_scale: GasScale | None = attrs.field(
        default=None, validator=c.optional_instance_of(GasScale)
    )
    mastery: MasteryCriterion | None = attrs.field(
        default=None, validator=c.optional_instance_of(MasteryCriterion)
    )


@attrs.frozen(kw_only=True)
class GoalPutOnHold(Event):
    """Work on a goal was paused (illness, a transition...)."""

    goal_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class GoalResumed(Event):
    """Work on a goal on hold resumed."""

    goal_id: str = attrs.field(validator=c.identifier)


@attrs.frozen(kw_only=True)
class GoalAchieved(Event):
    """A goal was achieved. Worth celebrating."""

    goal_id: str = attrs.field(validator=c.identifier)
    note: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class GoalDiscontinued(Event):
    """A goal was stopped without being achieved."""

    goal_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)


# --- progress -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ProgressRecorded(Event):
    """The actor observed the child working on a goal and recorded how it went.

    Give ``value`` (in the goal's unit), ``gas_level`` (-2..2, for goals with a GAS
    scale), or both. ``trials`` (how many trials the value was measured over) and
    ``first_trial_independent`` (whether the first trial was done without a prompt) are
    optional; mastery criteria with a minimum number of trials or a first-trial
    condition use them.
    """

    observation_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    goal_id: str = attrs.field(validator=c.identifier)
    setting: Setting = attrs.field(validator=c.one_of(Setting))
    kind: ObservationKind = attrs.field(validator=c.one_of(ObservationKind))
    value: float | None = attrs.field(default=None, validator=c.optional_finite)
    gas_level: int | None = attrs.field(default=None)
    note: str | None = attrs.field(default=None, validator=c.optional_text)
    trials: int | None = attrs.field(default=None)
    first_trial_independent: bool | None = attrs.field(
        default=None, validator=c.optional_instance_of(bool)
    )
    audience: Audience = attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata=_OMIT
    )

    @gas_level.validator
    def _gas_level(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            c.whole_number(-2, 2)(self, attribute, value)

    @trials.validator
    def _trials(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            c.whole_number(1)(self, attribute, value)

    def __attrs_post_init__(self) -> None:
        if self.value is None and self.gas_level is None:
            raise ValidationError("value", "give a measured value, a GAS level, or both")


@attrs.frozen(kw_only=True)
class ProgressCorrected(Event):
    """An observation was corrected. The original stays in the timeline.

    The correction replaces both the value and the GAS level: give every one the
    observation should have (a GAS level left out is removed).
    """

    observation_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)
    value: float | None = attrs.field(default=None, validator=c.optional_finite)
    gas_level: int | None = attrs.field(default=None)

    @gas_level.validator
    def _gas_level(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            c.whole_number(-2, 2)(self, attribute, value)

    def __attrs_post_init__(self) -> None:
        if self.value is None and self.gas_level is None:
            raise ValidationError("value", "give a corrected value, a GAS level, or both")


# --- check-ins --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CheckInHeld(Event):
    """A meeting, call, message or drop-off chat took place."""

    check_in_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: CheckInKind = attrs.field(validator=c.one_of(CheckInKind))
    purpose: CheckInPurpose = attrs.field(
        default=CheckInPurpose.ROUTINE, validator=c.one_of(CheckInPurpose)
    )
    channel: Channel = attrs.field(default=Channel.IN_PERSON, validator=c.one_of(Channel))
    participants: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    topics: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    good_news: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    concerns: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    decisions: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    action_items: tuple[ActionItem, ...] = attrs.field(default=(), validator=c.tuple_of(ActionItem))
    audience: Audience = attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata=_OMIT
    )


@attrs.frozen(kw_only=True)
class ActionItemCompleted(Event):
    """An action item from a check-in was done."""

    action_item_id: str = attrs.field(validator=c.identifier)
    note: str | None = attrs.field(default=None, validator=c.optional_text)


# --- feedback ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FeedbackGiven(Event):
    """Feedback was given: a progress update to carers, or a carer's report from home."""

    feedback_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: FeedbackKind = attrs.field(validator=c.one_of(FeedbackKind))
    message: str = attrs.field(validator=c.text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    strategy_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    audience: Audience = attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata=_OMIT
    )


@attrs.frozen(kw_only=True)
class FeedbackAnswered(Event):
    """The other side answered open feedback, closing the loop."""

    feedback_id: str = attrs.field(validator=c.identifier)
    response: FeedbackResponse = attrs.field(validator=c.one_of(FeedbackResponse))
    message: str | None = attrs.field(default=None, validator=c.optional_text)


# --- home practice ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class HomePracticePlanned(Event):
    """A strategy for carers to practise outside the clinic was planned."""

    strategy_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    goal_id: str = attrs.field(validator=c.identifier)
    description: str = attrs.field(validator=c.text)
    times_per_week: int = attrs.field(validator=c.whole_number(1, 70))
    setting: Setting = attrs.field(default=Setting.HOME, validator=c.one_of(Setting))
    carers: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)


@attrs.frozen(kw_only=True)
class HomePracticeAdapted(Event):
    """A home-practice strategy was adapted, usually after carers' feedback."""

    strategy_id: str = attrs.field(validator=c.identifier)
    description: str = attrs.field(validator=c.text)
    times_per_week: int = attrs.field(validator=c.whole_number(1, 70))
    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class HomePracticeStopped(Event):
    """A home-practice strategy is no longer used."""

    strategy_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class PracticeLogged(Event):
    """A carer logged a planned practice: done or not, how hard, how confident."""

    entry_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    strategy_id: str = attrs.field(validator=c.identifier)
    done: bool = attrs.field(validator=c.instance_of(bool))
    difficulty: Difficulty | None = attrs.field(
        default=None, validator=c.optional_one_of(Difficulty)
    )
    confidence: int | None = attrs.field(default=None)
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    @confidence.validator
    def _confidence(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            c.whole_number(1, 5)(self, attribute, value)


# --- setbacks ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SetbackReported(Event):
    """Someone reported a setback. Setbacks are expected; say what happened, not who is to
    blame."""

    setback_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: SetbackKind = attrs.field(validator=c.one_of(SetbackKind))
    severity: Severity = attrs.field(validator=c.one_of(Severity))
    description: str = attrs.field(validator=c.text)
    affected_goals: frozenset[str] = attrs.field(default=frozenset(), validator=c.identifiers)
    audience: Audience = attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata=_OMIT
    )


@attrs.frozen(kw_only=True)
class SetbackResponsePlanned(Event):
    """The team planned its response to a setback: what will change, who does what."""

    setback_id: str = attrs.field(validator=c.identifier)
    changes: str = attrs.field(validator=c.text)
    steps: tuple[PlanStep, ...] = attrs.field(default=(), validator=c.tuple_of(PlanStep))


@attrs.frozen(kw_only=True)
class SetbackReviewed(Event):
    """The team looked back at a setback and its plan."""

    setback_id: str = attrs.field(validator=c.identifier)
    note: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class SetbackResolved(Event):
    """A setback was worked through."""

    setback_id: str = attrs.field(validator=c.identifier)
    resolution: str = attrs.field(validator=c.text)


# --- concerns and disagreements ---------------------------------------------------------


@attrs.frozen(kw_only=True)
class ConcernRaised(Event):
    """A member raised a concern or a disagreement (a safeguarding concern, say, for the
    professionals only: ``audience=Audience.professionals()``)."""

    concern_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: ConcernKind = attrs.field(default=ConcernKind.CONCERN, validator=c.one_of(ConcernKind))
    description: str = attrs.field(validator=c.text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    audience: Audience = attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata=_OMIT
    )


@attrs.frozen(kw_only=True)
class ConcernResolved(Event):
    """A concern was resolved together: the options considered and what was agreed."""

    concern_id: str = attrs.field(validator=c.identifier)
    options_considered: tuple[str, ...] = attrs.field(default=(), validator=c.texts)
    agreed: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class ConcernEscalated(Event):
    """A concern the members could not solve together was taken further."""

    concern_id: str = attrs.field(validator=c.identifier)
    escalated_to: str = attrs.field(validator=c.text)
    reason: str = attrs.field(validator=c.text)


# --- resources --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ResourceShared(Event):
    """A resource was shared with members, in a language they read."""

    resource_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: ResourceKind = attrs.field(validator=c.one_of(ResourceKind))
    title: str = attrs.field(validator=c.text)
    language: str = attrs.field(validator=c.language)
    shared_with: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    url: str | None = attrs.field(default=None, validator=c.optional_text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
