"""Shared goals: what the carers and professionals agreed to work towards together.

A goal is *proposed* by a member and becomes *shared* (active) only when at least one
carer and at least one professional have agreed to it. Goals are revised, never edited:
each revision is kept as a :class:`GoalVersion`, with the reason for it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import pendulum

from alliance.errors import DomainError, UnknownRecordError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "Comparison",
    "Direction",
    "GasLevel",
    "GasScale",
    "Goal",
    "GoalAchieved",
    "GoalAgreed",
    "GoalConcernNoted",
    "GoalDiscontinued",
    "GoalDomain",
    "GoalObjected",
    "GoalPosition",
    "GoalProposed",
    "GoalPutOnHold",
    "GoalResumed",
    "GoalRevised",
    "GoalStatus",
    "GoalVersion",
    "MasteryCriterion",
    "MasteryFrame",
    "MeasurableTarget",
    "MetricKind",
    "Position",
    "RevisionReason",
]


class GoalDomain(enum.StrEnum):
    """The area of the child's (or family's) life a goal is about."""

    COMMUNICATION = "communication"
    BEHAVIOUR = "behaviour"
    MOTOR = "motor"
    SELF_CARE = "self-care"
    SOCIAL_EMOTIONAL = "social-emotional"
    LEARNING = "learning-literacy"
    FAMILY_WELLBEING = "family-wellbeing"


class Direction(enum.StrEnum):
    """Whether progress means the measure goes up or down."""

    INCREASE = "increase"
    DECREASE = "decrease"


class Comparison(enum.StrEnum):
    """How an observed value is compared with a mastery threshold."""

    AT_LEAST = ">="
    AT_MOST = "<="


class MasteryFrame(enum.StrEnum):
    """What a run of successes is counted in."""

    SESSIONS = "sessions"
    DAYS = "days"


class MetricKind(enum.StrEnum):
    """What sort of number a target's metric is, which decides how the values observed on
    one day are combined into the day's value (see :mod:`alliance.measures.mastery`)."""

    LEVEL = "level"
    """A level, rating or score read as it is; a day's values are averaged (the default)."""
    PERCENTAGE = "percentage"
    """A percentage (of trials correct, of intervals...); a day's values are averaged."""
    COUNT = "count"
    """A count of occurrences; a day's counts are added up."""
    DURATION = "duration"
    """A length of time; a day's durations are added up."""
    RATE = "rate"
    """A rate (per hour, per minute); a day's rates are averaged."""

    @property
    def adds_up(self) -> bool:
        """Whether a day's values are added up (counts, durations) rather than averaged."""
        return self in (MetricKind.COUNT, MetricKind.DURATION)


class GoalStatus(enum.StrEnum):
    """A goal's lifecycle, each mapping onto an HL7 FHIR ``Goal.lifecycleStatus`` code."""

    PROPOSED = "proposed"
    """Proposed or revised, waiting for a carer's and a professional's agreement."""
    ACTIVE = "active"
    """Shared: agreed by at least one carer and one professional."""
    ON_HOLD = "on-hold"
    ACHIEVED = "achieved"
    DISCONTINUED = "discontinued"

    @property
    def is_closed(self) -> bool:
        """Whether the goal is over (achieved or discontinued)."""
        return self in (GoalStatus.ACHIEVED, GoalStatus.DISCONTINUED)

    @property
    def fhir_lifecycle_status(self) -> str:
        """The HL7 FHIR ``Goal.lifecycleStatus`` code for this status."""
        return _FHIR_LIFECYCLE[self]


_FHIR_LIFECYCLE = {
    GoalStatus.PROPOSED: "proposed",
    GoalStatus.ACTIVE: "active",
    GoalStatus.ON_HOLD: "on-hold",
    GoalStatus.ACHIEVED: "completed",
    GoalStatus.DISCONTINUED: "cancelled",
}


class Position(enum.StrEnum):
    """A member's position on a proposed or revised goal."""

    AGREED = "agreed"
    CONCERNED = "concerned"
    """Not (yet) agreeing: the member has a concern to talk through."""
    OBJECTED = "objected"


class RevisionReason(enum.StrEnum):
    """Why a goal was revised."""

    SETBACK = "setback"
    CHANGING_NEEDS = "changing-needs"
    FASTER_PROGRESS = "faster-progress"
    SLOWER_PROGRESS = "slower-progress"
    FAMILY_PRIORITIES = "family-priorities"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class MeasurableTarget:
    """What success looks like, in numbers.

    Attributes:
        metric: what is measured, in plain words ("words used to request").
        unit: its unit ("per session", "%", "minutes").
        baseline: where the child started.
        target: where the goal is reached. Must differ from the baseline and lie in the
            goal's ``direction`` from it.
        direction: whether progress means the value goes up or down.
        due: the local date by which the goal should be reached.
        metric_kind: what sort of number the metric is (a level, a percentage, a count, a
            duration, a rate), which decides how one day's values are combined when
            mastery is evaluated. Defaults to ``level`` (averaged), the cautious choice
            for targets recorded before metric kinds existed.
    """

    metric: str = attrs.field(validator=c.text)
    unit: str = attrs.field(validator=c.text)
    baseline: float = attrs.field(validator=c.finite)
    target: float = attrs.field(validator=c.finite)
    direction: Direction = attrs.field(validator=c.one_of(Direction))
    due: pendulum.Date = attrs.field(converter=c.due)
    metric_kind: MetricKind = attrs.field(default=MetricKind.LEVEL, validator=c.one_of(MetricKind))

    def __attrs_post_init__(self) -> None:
        if self.target == self.baseline:
            raise ValidationError(
                "target", "must differ from the baseline, or there is nothing to reach"
            )
        if self.direction is Direction.INCREASE and self.target < self.baseline:
            raise ValidationError(
                "target", "must be above the baseline when the direction is 'increase'"
            )
        if self.direction is Direction.DECREASE and self.target > self.baseline:
            raise ValidationError(
                "target", "must be below the baseline when the direction is 'decrease'"
            )

    def share_of_the_way(self, value: float) -> float:
        """How far *value* has come from the baseline to the target (0 = baseline, 1 = target)."""
        return (value - self.baseline) / (self.target - self.baseline)

    def is_reached_by(self, value: float) -> bool:
        """Whether *value* reaches the target, in the goal's direction."""
        if self.direction is Direction.INCREASE:
            return value >= self.target
        return value <= self.target


@attrs.frozen(kw_only=True)
class GasLevel:
    """One level of a Goal Attainment Scaling scale."""

    level: int = attrs.field(validator=c.whole_number(-2, 2))
    description: str = attrs.field(validator=c.text)


GAS_LEVELS = (-2, -1, 0, 1, 2)


@attrs.frozen(kw_only=True)
class GasScale:
    """A Goal Attainment Scaling scale: five described levels from -2 to +2.

    Level 0 is the expected outcome; -2 much less than expected, +2 much more.

    Attributes:
        levels: exactly one :class:`GasLevel` for each of -2, -1, 0, +1, +2.
        weight: the goal's weight in a combined T-score (1 unless the family and
            team decided otherwise).
    """

    levels: tuple[GasLevel, ...] = attrs.field(validator=c.tuple_of(GasLevel))
    weight: float = attrs.field(default=1.0, validator=c.finite)

    def __attrs_post_init__(self) -> None:
        found = sorted(level.level for level in self.levels)
        if found != list(GAS_LEVELS):
            raise ValidationError(
                "levels", f"must describe each level -2, -1, 0, 1, 2 exactly once, not {found}"
            )
        if self.weight <= 0:
            raise ValidationError("weight", "must be greater than zero")

    def description_of(self, level: int) -> str:
        """The description of *level* (-2..2)."""
        for gas_level in self.levels:
            if gas_level.level == level:
                return gas_level.description
        raise ValidationError("level", f"must be between -2 and 2, not {level}")


def _optional_count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        c.whole_number(1)(_instance, attribute, value)


@attrs.frozen(kw_only=True)
class MasteryCriterion:
    """When a goal counts as mastered, e.g. "at least 80% across 3 consecutive sessions".

    Only ``threshold`` and ``consecutive`` are required; every other condition has a
    default that leaves it out, so criteria stored before the conditions existed read
    back unchanged. :func:`alliance.measures.evaluate_mastery` applies it to a goal's
    observations and explains the result.

    Attributes:
        threshold: the value each session (or day) must reach.
        comparison: whether the value must be at least or at most the threshold.
        consecutive: how many sessions or days must meet it: in a row, or, with
            ``out_of_last``, among the last ``out_of_last``.
        frame: whether ``consecutive`` counts sessions (days with data, one after the
            other whatever the gaps between them) or calendar days (every day in the run
            must have counted data).
        out_of_last: when given, the criterion is "``consecutive`` of the last
            ``out_of_last``" (3 of the last 5) instead of a run in a row.
        min_trials: a session or day counts only with at least this many trials (the
            day's trials added up); fewer, and it neither meets nor breaks the run.
        min_observers: at least this many different people must have recorded the
            sessions or days that meet the criterion ("mastered with two different
            people").
        min_settings: at least this many different settings among them ("at home and at
            school").
        probes_only: only probe data count (``ObservationKind.PROBE``); other data are
            left out.
        first_trial_independent: a session or day meets the criterion only if every
            observation that day records that its first trial was independent.
    """

    threshold: float = attrs.field(validator=c.finite)
    consecutive: int = attrs.field(validator=c.whole_number(1))
    comparison: Comparison = attrs.field(
        default=Comparison.AT_LEAST, validator=c.one_of(Comparison)
    )
    frame: MasteryFrame = attrs.field(
        default=MasteryFrame.SESSIONS, validator=c.one_of(MasteryFrame)
    )
    out_of_last: int | None = attrs.field(default=None, validator=_optional_count)
    min_trials: int | None = attrs.field(default=None, validator=_optional_count)
    min_observers: int = attrs.field(default=1, validator=c.whole_number(1))
    min_settings: int = attrs.field(default=1, validator=c.whole_number(1))
    probes_only: bool = attrs.field(default=False, validator=c.instance_of(bool))
    first_trial_independent: bool = attrs.field(default=False, validator=c.instance_of(bool))

    def __attrs_post_init__(self) -> None:
        if self.out_of_last is not None and self.out_of_last < self.consecutive:
            raise ValidationError(
                "out_of_last",
                f"must be at least consecutive ({self.consecutive}): "
                f"{self.consecutive} of the last {self.out_of_last} cannot happen",
            )

    def is_met_by(self, value: float) -> bool:
        """Whether a single session's (or day's) *value* meets the threshold."""
        if self.comparison is Comparison.AT_LEAST:
            return value >= self.threshold
        return value <= self.threshold


@attrs.frozen(kw_only=True)
class GoalVersion:
    """One version of a goal's wording and target; the first is the proposal."""

    number: int
    statement: str
    why_it_matters: str
    target: MeasurableTarget
    gas_scale: GasScale | None
    mastery: MasteryCriterion | None
    written_by: str
    written_at: pendulum.DateTime
    revision_reason: RevisionReason | None = None
    explanation: str | None = None


@attrs.frozen(kw_only=True)
class GoalPosition:
    """A member's position on the current version of a goal, with when and why.

    ``role`` is the side the member stood on when they took the position: an agreement
    given as a professional stays a professional's agreement even if the person later
    rejoins the partnership as a carer.
    """

    member_id: str
    position: Position
    at: pendulum.DateTime
    reason: str | None = None
    role: MemberRole | None = None


@attrs.frozen(kw_only=True)
class Goal:
    """A goal as it stands, folded from the timeline.

    Attributes:
        goal_id: its id.
        domain: the area of life it is about.
        proposed_by: who proposed it.
        proposed_at: when.
        versions: every version, oldest first; the last one is current.
        positions: each member's position on the *current* version.
        status: its lifecycle status.
        status_changed_at: when ``status`` last changed.
        shared_at: when it first became shared (agreed by a carer and a professional).
        status_reason: why it was put on hold, achieved or discontinued, if given.
    """

    goal_id: str
    domain: GoalDomain
    proposed_by: str
    proposed_at: pendulum.DateTime
    versions: tuple[GoalVersion, ...]
    positions: Mapping[str, GoalPosition]
    status: GoalStatus
    status_changed_at: pendulum.DateTime
    shared_at: pendulum.DateTime | None = None
    status_reason: str | None = None

    @property
    def current(self) -> GoalVersion:
        """The current version."""
        return self.versions[-1]

    @property
    def statement(self) -> str:
        """The current plain-language statement."""
        return self.current.statement

    @property
    def target(self) -> MeasurableTarget:
        """The current measurable target."""
        return self.current.target

    @property
    def is_shared(self) -> bool:
        """Whether the goal stands agreed: a carer and a professional agreed to its current
        version, and it is active, on hold or achieved (not awaiting re-agreement after a
        revision, not discontinued)."""
        return self.shared_at is not None and self.status in (
            GoalStatus.ACTIVE,
            GoalStatus.ON_HOLD,
            GoalStatus.ACHIEVED,
        )

    def fhir_achievement_status(self, values: Sequence[float]) -> str:
        """The HL7 FHIR ``Goal.achievementStatus`` code, given the goal's measured values
        in the order observed.

        ``achieved`` / ``not-achieved`` for closed goals; otherwise ``in-progress`` until
        there are two values, then ``improving``, ``worsening`` or ``no-change`` from the
        last two, read in the goal's direction.
        """
        if self.status is GoalStatus.ACHIEVED:
            return "achieved"
        if self.status is GoalStatus.DISCONTINUED:
            return "not-achieved"
        if len(values) < 2:
            return "in-progress"
        change = values[-1] - values[-2]
        if self.target.direction is Direction.DECREASE:
            change = -change
        if change > 0:
            return "improving"
        if change < 0:
            return "worsening"
        return "no-change"

    def members_with(self, position: Position) -> frozenset[str]:
        """Ids of members whose position on the current version is *position*."""
        return frozenset(m for m, p in self.positions.items() if p.position is position)


# --- checks shared by the events about goals ------------------------------------------------


def goal_in(state: PartnershipState, goal_id: str, field: str = "goal_id") -> Goal:
    """The goal *goal_id* of *state* (``UnknownRecordError`` on *field* if there is none)."""
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError(field, f"no goal with id {goal_id!r} in this partnership")
    return goal


def goal_proposed_by(
    state: PartnershipState, goal_id: str, at: pendulum.DateTime, field: str = "goal_id"
) -> Goal:
    """The goal, which must have been proposed by *at*."""
    goal = goal_in(state, goal_id, field)
    c.not_before("occurred_at", at, goal.proposed_at, f"goal {goal_id!r} was proposed")
    return goal


def goals_proposed_by(
    state: PartnershipState, goal_ids: Iterable[str], at: pendulum.DateTime, field: str
) -> None:
    """Every one of *goal_ids* is a goal proposed by *at* (checked in id order, the
    errors on *field*)."""
    for goal_id in sorted(goal_ids):
        goal_proposed_by(state, goal_id, at, field)


def open_goal(
    state: PartnershipState,
    event: Event,
    goal_id: str,
    field: str = "goal_id",
    *,
    changes_goal: bool = False,
) -> Goal:
    """The goal, if it is open; an event that *changes_goal* (a position, a revision, a
    status) may not be dated before the goal's last change, or "as of" reads would see
    its effects out of order."""
    goal = goal_in(state, goal_id, field)
    if goal.status.is_closed:
        raise DomainError(field, f"goal {goal_id!r} is {goal.status.value}; it is closed")
    c.not_before(
        "occurred_at", event.occurred_at, goal.proposed_at, f"goal {goal_id!r} was proposed"
    )
    if changes_goal:
        last_change = max(goal.status_changed_at, goal.current.written_at)
        c.not_before(
            "occurred_at", event.occurred_at, last_change, f"goal {goal_id!r} last changed"
        )
    return goal


def _due_not_before(
    state: PartnershipState, target: MeasurableTarget, at: pendulum.DateTime
) -> None:
    today = state.local_date(at)
    if target.due < today:
        raise ValidationError(
            "target.due",
            f"{target.due.isoformat()} is before the goal was set ({today.isoformat()})",
        )


def _share_if_agreed(state: PartnershipState, goal: Goal, at: pendulum.DateTime) -> Goal:
    """Make a proposed goal active once a carer and a professional agree to it."""
    if goal.status is not GoalStatus.PROPOSED:
        return goal
    roles = {
        p.role if p.role is not None else state.role_of(p.member_id)
        for p in goal.positions.values()
        if p.position is Position.AGREED
    }
    if MemberRole.CARER in roles and MemberRole.PROFESSIONAL in roles:
        return attrs.evolve(
            goal,
            status=GoalStatus.ACTIVE,
            status_changed_at=at,
            shared_at=goal.shared_at or at,
            status_reason=None,
        )
    return goal


def _own_agreement(state: PartnershipState, event: Event) -> dict[str, GoalPosition]:
    """The positions of a goal just written by *event*'s actor: their agreement only."""
    return {
        event.actor: GoalPosition(
            member_id=event.actor,
            position=Position.AGREED,
            at=event.occurred_at,
            role=state.role_of(event.actor),
        )
    }


# --- events: proposing, agreeing, revising --------------------------------------------------


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

    permission = Permission(act="proposing a goal", carer=True, professional=True)

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

    def check(self, state: PartnershipState) -> None:
        """A new goal id; the due date is not before the day it is proposed."""
        c.unused_id("goal_id", self.goal_id, state.goals, "goal")
        _due_not_before(state, self.target, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """A proposed goal, agreed by its proposer (active at once if that is enough)."""
        version = GoalVersion(
            number=1,
            statement=self.statement,
            why_it_matters=self.why_it_matters,
            target=self.target,
            gas_scale=self.gas_scale,
            mastery=self.mastery,
            written_by=self.actor,
            written_at=self.occurred_at,
        )
        goal = Goal(
            goal_id=self.goal_id,
            domain=self.domain,
            proposed_by=self.actor,
            proposed_at=self.occurred_at,
            versions=(version,),
            positions=_own_agreement(state, self),
            status=GoalStatus.PROPOSED,
            status_changed_at=self.occurred_at,
        )
        state.goals[self.goal_id] = _share_if_agreed(state, goal, self.occurred_at)


@attrs.frozen(kw_only=True)
class _GoalPositionTaken(Event, abstract=True):
    """A member took a position on the current version of a goal (a base class)."""

    position: ClassVar[Position]
    _reason_field: ClassVar[str] = "reason"
    """The field that holds what the member said about their position."""

    goal_id: str = attrs.field(validator=c.identifier)

    @property
    def _reason(self) -> str | None:
        """What the member said about their position, if anything."""
        reason: str | None = getattr(self, self._reason_field)
        return reason

    def check(self, state: PartnershipState) -> None:
        """An open goal, not dated before its last change or the actor's last position,
        and a position the actor does not already hold."""
        goal = open_goal(state, self, self.goal_id, changes_goal=True)
        current = goal.positions.get(self.actor)
        if current is not None:
            c.not_before("occurred_at", self.occurred_at, current.at, "your last position on it")
        if current is not None and current.position is self.position:
            raise DomainError(
                "goal_id",
                f"{self.actor!r} has already {self.position.value} to goal {self.goal_id!r}"
                if self.position is Position.AGREED
                else f"{self.actor!r} has already {self.position.value} about goal "
                f"{self.goal_id!r}",
            )

    def apply(self, state: PartnershipState) -> None:
        """The actor's position on the current version; shared once both sides agree."""
        goal = state.goals[self.goal_id]
        positions = dict(goal.positions)
        positions[self.actor] = GoalPosition(
            member_id=self.actor,
            position=self.position,
            at=self.occurred_at,
            reason=self._reason,
            role=state.role_of(self.actor),
        )
        goal = attrs.evolve(goal, positions=positions)
        state.goals[self.goal_id] = _share_if_agreed(state, goal, self.occurred_at)


@attrs.frozen(kw_only=True)
class GoalAgreed(_GoalPositionTaken):
    """The actor agreed to the current version of a goal."""

    permission = Permission(act="agreeing to a goal", carer=True, professional=True)
    position = Position.AGREED
    _reason_field = "comment"

    comment: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class GoalConcernNoted(_GoalPositionTaken):
    """The actor has a concern about the current version of a goal and does not agree yet."""

    permission = Permission(act="noting a concern about a goal", carer=True, professional=True)
    position = Position.CONCERNED

    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class GoalObjected(_GoalPositionTaken):
    """The actor objects to the current version of a goal."""

    permission = Permission(act="objecting to a goal", carer=True, professional=True)
    position = Position.OBJECTED

    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class GoalRevised(Event):
    """A goal was revised. The earlier version is kept; everyone's agreement is asked again
    (the reviser's counts as given)."""

    permission = Permission(act="revising a goal and its target", professional=True)

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

    def check(self, state: PartnershipState) -> None:
        """An open goal, not before its last change; the due date not before today."""
        open_goal(state, self, self.goal_id, changes_goal=True)
        _due_not_before(state, self.target, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """A new current version, proposed again with only the reviser's agreement."""
        goal = state.goals[self.goal_id]
        version = GoalVersion(
            number=len(goal.versions) + 1,
            statement=self.statement,
            why_it_matters=self.why_it_matters,
            target=self.target,
            gas_scale=self.gas_scale,
            mastery=self.mastery,
            written_by=self.actor,
            written_at=self.occurred_at,
            revision_reason=self.reason,
            explanation=self.explanation,
        )
        goal = attrs.evolve(
            goal,
            versions=(*goal.versions, version),
            positions=_own_agreement(state, self),
            status=GoalStatus.PROPOSED,
            status_changed_at=self.occurred_at,
            status_reason=None,
        )
        state.goals[self.goal_id] = _share_if_agreed(state, goal, self.occurred_at)


# --- events: a goal's status ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _GoalStatusChanged(Event, abstract=True):
    """A goal's status changed (a base class): ``requires`` is the status it must have
    (any open status when ``None``), ``becomes`` the status it gets."""

    requires: ClassVar[GoalStatus | None] = None
    becomes: ClassVar[GoalStatus]
    _reason_field: ClassVar[str | None] = None
    """The field that holds why the status changed, if the event has one."""
    _refusal: ClassVar[str] = "goal {goal_id!r} is {status}"
    """What a refusal says when the goal does not have the status required (filled in
    with the goal's id and its status)."""

    goal_id: str = attrs.field(validator=c.identifier)

    @property
    def _reason(self) -> str | None:
        """Why the status changed, if said."""
        if self._reason_field is None:
            return None
        reason: str | None = getattr(self, self._reason_field)
        return reason

    def check(self, state: PartnershipState) -> None:
        """An open goal (with the status it requires), not before its last change."""
        goal = open_goal(state, self, self.goal_id, changes_goal=True)
        if self.requires is not None and goal.status is not self.requires:
            raise DomainError(
                "goal_id", self._refusal.format(goal_id=self.goal_id, status=goal.status.value)
            )

    def apply(self, state: PartnershipState) -> None:
        """The goal's new status, with the reason given."""
        state.goals[self.goal_id] = attrs.evolve(
            state.goals[self.goal_id],
            status=self.becomes,
            status_changed_at=self.occurred_at,
            status_reason=self._reason,
        )


@attrs.frozen(kw_only=True)
class GoalPutOnHold(_GoalStatusChanged):
    """Work on a goal was paused (illness, a transition...)."""

    permission = Permission(act="putting a goal on hold", professional=True)
    requires = GoalStatus.ACTIVE
    becomes = GoalStatus.ON_HOLD
    _refusal = "only an active goal can be put on hold; {goal_id!r} is {status}"
    _reason_field = "reason"

    reason: str = attrs.field(validator=c.text)


@attrs.frozen(kw_only=True)
class GoalResumed(_GoalStatusChanged):
    """Work on a goal on hold resumed."""

    permission = Permission(act="resuming a goal", professional=True)
    requires = GoalStatus.ON_HOLD
    becomes = GoalStatus.ACTIVE
    _refusal = "goal {goal_id!r} is not on hold"


@attrs.frozen(kw_only=True)
class GoalAchieved(_GoalStatusChanged):
    """A goal was achieved. Worth celebrating."""

    permission = Permission(act="marking a goal achieved", professional=True)
    requires = GoalStatus.ACTIVE
    becomes = GoalStatus.ACHIEVED
    _refusal = "only an active (shared) goal can be achieved; {goal_id!r} is {status}"
    _reason_field = "note"

    note: str | None = attrs.field(default=None, validator=c.optional_text)


@attrs.frozen(kw_only=True)
class GoalDiscontinued(_GoalStatusChanged):
    """A goal was stopped without being achieved."""

    permission = Permission(act="discontinuing a goal", professional=True)
    becomes = GoalStatus.DISCONTINUED
    _reason_field = "reason"

    reason: str = attrs.field(validator=c.text)
