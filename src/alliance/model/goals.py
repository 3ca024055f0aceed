"""Shared goals: what the carers and professionals agreed to work towards together.

A goal is *proposed* by a member and becomes *shared* (active) only when at least one
carer and at least one professional have agreed to it. Goals are revised, never edited:
each revision is kept as a :class:`GoalVersion`, with the reason for it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.people import MemberRole


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
