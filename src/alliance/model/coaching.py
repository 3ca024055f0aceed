"""Coaching carers in a strategy, and how faithfully they carry it out (parent *training*),
kept apart from parent *education* (information shared, a workshop attended).

A home-practice strategy a carer is coached in gets a :class:`FidelityChecklist`: its
steps, each observed as done, partly done or not done (``DONE_PARTLY_NOT``), or rated
1 to 5 (``RATING``). A :class:`CoachingSessionHeld` records, for one carer and one
strategy, the fidelity observed on every step, the carer's own confidence, and what was
modelled or practised. A session's **fidelity** is a percentage:

- done / partly / not done: ``100 * (done + partly_credit * partly) / steps``; partly
  counts half a step unless the checklist says otherwise (``partly_credit``), so with
  ``partly_credit=0`` it is the common "percentage of steps correct";
- ratings: ``100 * Σ(rating - 1) / (4 * steps)``: every step rated 1 is 0 %, every step
  rated 5 is 100 %.

A carer is **implementing independently** once their fidelity has reached the checklist's
``independent_at`` percentage (80 by default, a common convention) in its
``sessions_needed`` most recent sessions (2 by default), all scored on that checklist.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.event import Event, Permission
from alliance.model.goals import goal_proposed_by
from alliance.model.home_practice import active_strategy
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "CoachingApproach",
    "CoachingSession",
    "CoachingSessionHeld",
    "EducationAttended",
    "EducationKind",
    "EducationRecord",
    "FidelityChecklist",
    "FidelityChecklistSet",
    "FidelityScale",
    "FidelityStep",
    "FidelityTrend",
    "StepFidelity",
    "StepObserved",
    "StrategyChecklist",
    "fidelity_trend",
]


class FidelityScale(enum.StrEnum):
    """How each step of a fidelity checklist is scored."""

    DONE_PARTLY_NOT = "done-partly-not"
    """Each step observed as done, partly done or not done."""
    RATING = "rating"
    """Each step rated from 1 (not at all as planned) to 5 (fully as planned)."""


class StepObserved(enum.StrEnum):
    """How a step was carried out, on the done / partly / not-done scale."""

    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not-done"


class CoachingApproach(enum.StrEnum):
    """What happened in a coaching session."""

    MODELLED = "modelled"
    """The professional showed the strategy with the child."""
    PRACTISED = "practised"
    """The carer practised it with the child, coached as they went."""
    ROLE_PLAY = "role-play"
    """The carer practised it with the professional, without the child."""
    VIDEO_REVIEW = "video-review"
    """The carer and professional watched a recording of the carer using it."""
    FEEDBACK = "feedback"
    """The professional gave feedback on the carer's use of it."""
    PROBLEM_SOLVING = "problem-solving"
    """They worked out together what gets in the way at home."""


class EducationKind(enum.StrEnum):
    """Education a carer took part in (information, not coached practice)."""

    WORKSHOP = "workshop"
    INFORMATION_SESSION = "information-session"
    PARENT_GROUP = "parent-group"
    COURSE = "course"


@attrs.frozen(kw_only=True)
class FidelityStep:
    """One step of a strategy, as the carer is coached to carry it out.

    Attributes:
        step_id: the step's id within its checklist (``"wait"``, ``"model-word"``).
        description: the step in plain language.
    """

    step_id: str = attrs.field(validator=c.identifier)
    description: str = attrs.field(validator=c.text)


def _credit(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_finite(attribute.name, value)
    assert isinstance(value, int | float)
    if not 0 <= value <= 1:
        raise ValidationError(attribute.name, f"must be between 0 and 1, not {value}")


def _percentage(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_finite(attribute.name, value)
    assert isinstance(value, int | float)
    if not 0 < value <= 100:
        raise ValidationError(attribute.name, f"must be above 0 and at most 100, not {value}")


@attrs.frozen(kw_only=True)
class FidelityChecklist:
    """The steps of a strategy and how carrying them out is scored.

    Attributes:
        steps: the steps, at least one, with distinct ids.
        scale: done / partly / not done, or a 1-5 rating per step.
        partly_credit: what a step done partly counts for (0 to 1; half by default).
        independent_at: the fidelity percentage at which a carer implements the strategy
            independently (80 by default).
        sessions_needed: in how many most recent sessions in a row (2 by default).
    """

    steps: tuple[FidelityStep, ...] = attrs.field(validator=c.tuple_of(FidelityStep))
    scale: FidelityScale = attrs.field(
        default=FidelityScale.DONE_PARTLY_NOT, validator=c.one_of(FidelityScale)
    )
    partly_credit: float = attrs.field(default=0.5, validator=_credit)
    independent_at: float = attrs.field(default=80.0, validator=_percentage)
    sessions_needed: int = attrs.field(default=2, validator=c.whole_number(1, 20))

    def __attrs_post_init__(self) -> None:
        if not self.steps:
            raise ValidationError("steps", "a fidelity checklist has at least one step")
        seen: set[str] = set()
        for index, step in enumerate(self.steps):
            if step.step_id in seen:
                raise ValidationError(
                    f"steps[{index}].step_id", f"{step.step_id!r} appears more than once"
                )
            seen.add(step.step_id)

    @property
    def step_ids(self) -> tuple[str, ...]:
        """The steps' ids, in order."""
        return tuple(step.step_id for step in self.steps)

    def fidelity(self, observed: Sequence[StepFidelity]) -> float:
        """The fidelity percentage (0-100) of *observed*, one score per step (checked
        with :meth:`check`)."""
        self.check(observed)
        if self.scale is FidelityScale.RATING:
            total = sum((s.rating or 1) - 1 for s in observed)
            return 100.0 * total / (4 * len(self.steps))
        credit = {StepObserved.DONE: 1.0, StepObserved.PARTLY: self.partly_credit}
        points = sum(credit.get(s.observed or StepObserved.NOT_DONE, 0.0) for s in observed)
        return 100.0 * points / len(self.steps)

    def check(self, observed: Sequence[StepFidelity], field: str = "steps") -> None:
        """Raise :class:`ValidationError` unless *observed* scores every step of this
        checklist exactly once, on its scale."""
        expected = self.step_ids
        got = [s.step_id for s in observed]
        for index, score in enumerate(observed):
            if score.step_id not in expected:
                raise ValidationError(
                    f"{field}[{index}].step_id",
                    f"{score.step_id!r} is not a step of the checklist ({', '.join(expected)})",
                )
            if got.count(score.step_id) > 1:
                raise ValidationError(
                    f"{field}[{index}].step_id", f"{score.step_id!r} is scored more than once"
                )
            if self.scale is FidelityScale.RATING and score.rating is None:
                raise ValidationError(
                    f"{field}[{index}].rating", "the checklist rates each step from 1 to 5"
                )
            if self.scale is FidelityScale.DONE_PARTLY_NOT and score.observed is None:
                raise ValidationError(
                    f"{field}[{index}].observed",
                    "the checklist scores each step as done, partly or not done",
                )
        missing = [step for step in expected if step not in got]
        if missing:
            raise ValidationError(field, f"no score for step(s) {', '.join(missing)}")


@attrs.frozen(kw_only=True)
class StepFidelity:
    """How one step was carried out in a coaching session: ``observed`` (done / partly /
    not done) or ``rating`` (1-5), as the checklist's scale asks; exactly one of them."""

    step_id: str = attrs.field(validator=c.identifier)
    observed: StepObserved | None = attrs.field(
        default=None, validator=c.optional_one_of(StepObserved)
    )
    rating: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(c.whole_number(1, 5))
    )

    def __attrs_post_init__(self) -> None:
        if (self.observed is None) == (self.rating is None):
            raise ValidationError(
                "observed", "give either observed (done/partly/not done) or a rating, not both"
            )


@attrs.frozen(kw_only=True)
class FidelityChecklistSet(Event):
    """A professional set (or replaced) the fidelity checklist of a home-practice strategy
    carers are coached in. Sessions already held keep the checklist they were scored on.
    """

    permission = Permission(act="setting a fidelity checklist", professional=True)

    strategy_id: str = attrs.field(validator=c.identifier)
    checklist: FidelityChecklist = attrs.field(validator=c.instance_of(FidelityChecklist))

    def check(self, state: PartnershipState) -> None:
        """A strategy in use, not before its checklist was last set."""
        active_strategy(state, self, self.strategy_id)
        current = state.checklists.get(self.strategy_id)
        if current is not None:
            c.not_before(
                "occurred_at", self.occurred_at, current.set_at, "the strategy's checklist was set"
            )

    def apply(self, state: PartnershipState) -> None:
        """The strategy's checklist from now."""
        state.checklists[self.strategy_id] = StrategyChecklist(
            strategy_id=self.strategy_id,
            checklist=self.checklist,
            set_by=self.actor,
            set_at=self.occurred_at,
        )


@attrs.frozen(kw_only=True)
class CoachingSessionHeld(Event):
    """A professional coached a carer in a strategy and observed how they carried it out.

    Attributes:
        session_id: the session's id (generated when not given).
        strategy_id: the strategy coached (it has a fidelity checklist).
        carer: the carer coached.
        steps: a score for every step of the strategy's checklist.
        carer_confidence: how confident the carer says they feel using it, 1-5 (optional).
        approaches: what was done: modelled, practised, role play, video review...
        note: anything else worth keeping.
        audience: who may see it (everyone by default).
    """

    permission = Permission(act="recording a coaching session", professional=True)

    session_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    strategy_id: str = attrs.field(validator=c.identifier)
    carer: str = attrs.field(validator=c.identifier)
    steps: tuple[StepFidelity, ...] = attrs.field(validator=c.tuple_of(StepFidelity))
    carer_confidence: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(c.whole_number(1, 5))
    )
    approaches: frozenset[CoachingApproach] = attrs.field(
        default=frozenset(), validator=c.set_of(CoachingApproach)
    )
    note: str | None = attrs.field(default=None, validator=c.optional_text)
    audience: Audience = audience_field()

    def check(self, state: PartnershipState) -> None:
        """A new id; a strategy in use with a checklist set before; recorded by a
        professional, coaching a carer; a score for every step of the checklist."""
        c.audience_members(state, self.audience, self.occurred_at)
        c.unused_id("session_id", self.session_id, state.coaching, "coaching session")
        active_strategy(state, self, self.strategy_id)
        checklist = state.checklists.get(self.strategy_id)
        if checklist is None:
            raise DomainError(
                "strategy_id",
                f"strategy {self.strategy_id!r} has no fidelity checklist yet; set one first",
            )
        c.not_before(
            "occurred_at", self.occurred_at, checklist.set_at, "the strategy's checklist was set"
        )
        if state.role_of(self.actor) is not MemberRole.PROFESSIONAL:
            raise DomainError(
                "actor", "a coaching session is recorded by the professional coaching"
            )
        c.member_with_role(state, "carer", self.carer, self.occurred_at, MemberRole.CARER)
        checklist.checklist.check(self.steps)

    def apply(self, state: PartnershipState) -> None:
        """A coaching session, scored on the strategy's checklist in force."""
        checklist = state.checklists[self.strategy_id].checklist
        state.coaching[self.session_id] = CoachingSession(
            session_id=self.session_id,
            strategy_id=self.strategy_id,
            carer=self.carer,
            steps=self.steps,
            checklist=checklist,
            fidelity=checklist.fidelity(self.steps),
            coached_by=self.actor,
            held_at=self.occurred_at,
            carer_confidence=self.carer_confidence,
            approaches=self.approaches,
            note=self.note,
            audience=self.audience,
        )


@attrs.frozen(kw_only=True)
class EducationAttended(Event):
    """Carers took part in education: a workshop, an information session, a parent group,
    a course. Kept apart from coaching, so reports can tell education from training.

    Attributes:
        education_id: its id (generated when not given).
        kind: workshop, information session, parent group or course.
        title: what it was called or about.
        attendees: the carers who attended (at least one).
        language: BCP 47 tag of the language it was given in.
        goal_id: the goal it supports, if any.
    """

    education_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: EducationKind = attrs.field(validator=c.one_of(EducationKind))
    title: str = attrs.field(validator=c.text)
    attendees: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    language: str = attrs.field(validator=c.language)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)

    permission = Permission(act="recording education attended", carer=True, professional=True)

    def check(self, state: PartnershipState) -> None:
        """A new id; the attendees are current carers; the goal it supports exists."""
        c.unused_id("education_id", self.education_id, state.education, "education record")
        c.members_with_role(state, "attendees", self.attendees, self.occurred_at, MemberRole.CARER)
        if self.goal_id is not None:
            goal_proposed_by(state, self.goal_id, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """Education attended, on record."""
        state.education[self.education_id] = EducationRecord(
            education_id=self.education_id,
            kind=self.kind,
            title=self.title,
            attendees=self.attendees,
            language=self.language,
            recorded_by=self.actor,
            attended_at=self.occurred_at,
            goal_id=self.goal_id,
        )


@attrs.frozen(kw_only=True)
class StrategyChecklist:
    """The fidelity checklist a coached strategy has now, and who set it when."""

    strategy_id: str
    checklist: FidelityChecklist
    set_by: str
    set_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class CoachingSession:
    """A coaching session as recorded, with the checklist it was scored on.

    Attributes:
        session_id, strategy_id, carer, steps, carer_confidence, approaches, note,
        audience: as recorded.
        checklist: the strategy's checklist when the session was held.
        fidelity: the session's fidelity percentage (0-100).
        coached_by, held_at: who coached, and when.
    """

    session_id: str
    strategy_id: str
    carer: str
    steps: tuple[StepFidelity, ...]
    checklist: FidelityChecklist
    fidelity: float
    coached_by: str
    held_at: pendulum.DateTime
    carer_confidence: int | None = None
    approaches: frozenset[CoachingApproach] = frozenset()
    note: str | None = None
    audience: Audience = EVERYONE


@attrs.frozen(kw_only=True)
class EducationRecord:
    """Education carers attended, as recorded."""

    education_id: str
    kind: EducationKind
    title: str
    attendees: frozenset[str]
    language: str
    recorded_by: str
    attended_at: pendulum.DateTime
    goal_id: str | None = None


@attrs.frozen(kw_only=True)
class FidelityTrend:
    """One carer's fidelity in one strategy over time.

    Attributes:
        strategy_id, carer: whose and in what.
        sessions: the coaching sessions, oldest first.
        independent_since: the session from which the carer has implemented the strategy
            independently (see the module's rule), or ``None`` while they do not.
    """

    strategy_id: str
    carer: str
    sessions: tuple[CoachingSession, ...]
    independent_since: CoachingSession | None

    @property
    def latest(self) -> float | None:
        """The latest session's fidelity percentage, or ``None`` with no session."""
        return self.sessions[-1].fidelity if self.sessions else None

    @property
    def latest_confidence(self) -> int | None:
        """The carer's confidence (1-5) at the latest session that recorded it."""
        found = [s.carer_confidence for s in self.sessions if s.carer_confidence is not None]
        return found[-1] if found else None

    @property
    def implementing_independently(self) -> bool:
        """Whether the carer implements the strategy independently now."""
        return self.independent_since is not None

    @property
    def points(self) -> tuple[tuple[pendulum.DateTime, float], ...]:
        """(when, fidelity %) of every session, oldest first: for a chart."""
        return tuple((s.held_at, s.fidelity) for s in self.sessions)


def fidelity_trend(
    sessions: Sequence[CoachingSession], strategy_id: str, carer: str
) -> FidelityTrend:
    """The fidelity over time of *carer* in *strategy_id*, from *sessions* (any order,
    any strategy or carer: the others are ignored).

    Sessions are ordered by when they were held (then by id). The carer implements
    independently when the latest ``sessions_needed`` sessions all reach the latest
    session's checklist's ``independent_at`` and were all scored on that checklist (a
    session scored on a checklist since replaced measured other steps, so it does not
    count); ``independent_since`` is the first session of the run of such sessions at
    or above the threshold that ends with the latest.
    """
    mine = sorted(
        (s for s in sessions if s.strategy_id == strategy_id and s.carer == carer),
        key=lambda s: (s.held_at, s.session_id),
    )
    since: CoachingSession | None = None
    if mine:
        checklist = mine[-1].checklist
        run: list[CoachingSession] = []
        for session in reversed(mine):
            if session.checklist != checklist or session.fidelity + 1e-9 < checklist.independent_at:
                break
            run.append(session)
        if len(run) >= checklist.sessions_needed:
            since = run[-1]
    return FidelityTrend(
        strategy_id=strategy_id, carer=carer, sessions=tuple(mine), independent_since=since
    )
