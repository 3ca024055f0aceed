"""The SQL read model of goals and observations (private).

Two tables, kept by the SQL stores in the same transaction as the events they derive
from, so that reports can push their heavy lifting into SQL:

- ``alliance_goals``: one row per goal, as it stands now (status, current target,
  mastery criterion...), plus the folded :class:`~alliance.model.goals.Goal` record as
  JSON (``state``), from which the next goal event is folded;
- ``alliance_observations``: one row per observation, as corrected.

Each row is produced by the model's own fold (:func:`alliance.model.state.apply`),
applied to a *skeleton* state that holds only what these events read: the members (for
the side a member agreed from), the goals and the observations a batch touches. So the
read model cannot drift from the fold. Events that do not change goals or observations
(check-ins, feedback, event types added later...) are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from alliance import events as ev
from alliance.model._time import from_micros, to_micros
from alliance.model.audience import EVERYONE, Audience
from alliance.model.goals import Goal
from alliance.model.membership import Membership
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import MemberRole
from alliance.model.progress import Observation
from alliance.model.state import PartnershipState, apply, start
from alliance.serialization import dumps, loads, to_data

# Events that create or change a goal (GoalProposed creates it).
GOAL_EVENTS: tuple[type[ev.Event], ...] = (
    ev.GoalProposed,
    ev.GoalAgreed,
    ev.GoalConcernNoted,
    ev.GoalObjected,
    ev.GoalRevised,
    ev.GoalPutOnHold,
    ev.GoalResumed,
    ev.GoalAchieved,
    ev.GoalDiscontinued,
)
# Events whose fold reads the members' roles (the side an agreement was given from).
MEMBER_EVENTS: tuple[type[ev.Event], ...] = (ev.CarerJoined, ev.ProfessionalJoined, ev.MemberLeft)
OBSERVATION_EVENTS: tuple[type[ev.Event], ...] = (ev.ProgressRecorded, ev.ProgressCorrected)

READ_MODEL_EVENTS: frozenset[type[ev.Event]] = frozenset(
    (ev.PartnershipFormed, *GOAL_EVENTS, *MEMBER_EVENTS, *OBSERVATION_EVENTS)
)
"""Every event type the read model folds; the others are skipped."""

_ROLE_EVENTS = frozenset(
    (ev.GoalProposed, ev.GoalAgreed, ev.GoalConcernNoted, ev.GoalObjected, ev.GoalRevised)
)
_EPOCH = from_micros(0)

GOAL_COLUMNS = (
    "clinic_id, partnership_id, goal_id, seq, domain, status, status_changed_us, statement, "
    "metric, unit, metric_kind, baseline, target, direction, due, proposed_at_us, "
    "shared_at_us, gas_weight, mastery, state"
)
OBSERVATION_COLUMNS = (
    "clinic_id, partnership_id, goal_id, observed_at_us, seq, observation_id, observer, "
    "setting, kind, value, gas_level, trials, first_trial_independent, note, audience, "
    "correction_reason, corrected_by, corrected_at_us"
)


def schema_statements(float_type: str, without_rowid: str) -> list[str]:
    """The read model's tables. *float_type* is the column type of measured values
    (none in SQLite, whose REAL affinity would turn -0.0 into 0); *without_rowid* the
    table option that clusters observations by goal and time (SQLite)."""
    return [
        f"""CREATE TABLE IF NOT EXISTS alliance_goals (
            clinic_id TEXT NOT NULL,
            partnership_id TEXT NOT NULL,
            goal_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            domain TEXT NOT NULL,
            status TEXT NOT NULL,
            status_changed_us BIGINT NOT NULL,
            statement TEXT NOT NULL,
            metric TEXT NOT NULL,
            unit TEXT NOT NULL,
            metric_kind TEXT NOT NULL,
            baseline {float_type} NOT NULL,
            target {float_type} NOT NULL,
            direction TEXT NOT NULL,
            due TEXT NOT NULL,
            proposed_at_us BIGINT NOT NULL,
            shared_at_us BIGINT,
            gas_weight {float_type},
            mastery TEXT,
            state TEXT NOT NULL,
            PRIMARY KEY (clinic_id, partnership_id, goal_id)
        )""",
        f"""CREATE TABLE IF NOT EXISTS alliance_observations (
            clinic_id TEXT NOT NULL,
            partnership_id TEXT NOT NULL,
            goal_id TEXT NOT NULL,
            observed_at_us BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            observation_id TEXT NOT NULL,
            observer TEXT NOT NULL,
            setting TEXT NOT NULL,
            kind TEXT NOT NULL,
            value {float_type},
            gas_level INTEGER,
            trials BIGINT,
            first_trial_independent INTEGER,
            note TEXT,
            audience TEXT,
            correction_reason TEXT,
            corrected_by TEXT,
            corrected_at_us BIGINT,
            PRIMARY KEY (clinic_id, partnership_id, goal_id, observed_at_us, seq)
        ){without_rowid}""",
        """CREATE UNIQUE INDEX IF NOT EXISTS alliance_observations_by_id
            ON alliance_observations (clinic_id, partnership_id, observation_id)""",
    ]


def _float(value: float) -> float | None:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float: nothing can report on it either
        return None


def goal_row(clinic_id: str, partnership_id: str, seq: int, goal: Goal) -> tuple[Any, ...]:
    """The ``alliance_goals`` row of a folded goal."""
    version = goal.current
    t = version.target
    return (
        clinic_id,
        partnership_id,
        goal.goal_id,
        seq,
        goal.domain.value,
        goal.status.value,
        to_micros(goal.status_changed_at),
        version.statement,
        t.metric,
        t.unit,
        t.metric_kind.value,
        _float(t.baseline),
        _float(t.target),
        t.direction.value,
        t.due.isoformat(),
        to_micros(goal.proposed_at),
        None if goal.shared_at is None else to_micros(goal.shared_at),
        None if version.gas_scale is None else _float(version.gas_scale.weight),
        None if version.mastery is None else dumps(version.mastery),
        json.dumps(to_data(goal), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    )


def observation_row(
    clinic_id: str, partnership_id: str, seq: int, o: Observation
) -> tuple[Any, ...]:
    """The ``alliance_observations`` row of a folded observation."""
    return (
        clinic_id,
        partnership_id,
        o.goal_id,
        to_micros(o.observed_at),
        seq,
        o.observation_id,
        o.observer,
        o.setting.value,
        o.kind.value,
        None if o.value is None else _float(o.value),
        o.gas_level,
        o.trials,
        None if o.first_trial_independent is None else int(o.first_trial_independent),
        o.note,
        None if o.audience == EVERYONE else dumps(o.audience),
        o.correction_reason,
        o.corrected_by,
        None if o.corrected_at is None else to_micros(o.corrected_at),
    )


def observation_of(row: Sequence[Any]) -> tuple[int, Observation]:
    """``(seq, observation)`` from an ``alliance_observations`` row (its columns in
    :data:`OBSERVATION_COLUMNS` order, without the clinic and partnership)."""
    from alliance.model.partnership import Setting  # noqa: PLC0415
    from alliance.model.progress import ObservationKind  # noqa: PLC0415

    (goal_id, observed_us, seq, observation_id, observer, setting, kind, value, gas_level,
     trials, independent, note, audience, reason, corrected_by, corrected_us) = row  # fmt: skip
    return int(seq), Observation(
        observation_id=observation_id,
        goal_id=goal_id,
        observed_at=from_micros(int(observed_us)),
        observer=observer,
        setting=Setting(setting),
        kind=ObservationKind(kind),
        value=value,
        gas_level=gas_level,
        note=note,
        correction_reason=reason,
        corrected_by=corrected_by,
        corrected_at=None if corrected_us is None else from_micros(int(corrected_us)),
        trials=trials,
        first_trial_independent=None if independent is None else bool(independent),
        audience=EVERYONE if audience is None else loads(audience, Audience),
    )


def goal_of(state_json: str) -> Goal:
    """The folded goal kept in an ``alliance_goals.state`` column."""
    return loads(state_json, Goal)


def membership(member_id: str, role: str, is_current: bool) -> Membership:
    """A member as the read model needs them: their side, and whether they are current."""
    return Membership(
        member_id=member_id,
        role=MemberRole(role),
        joined_at=_EPOCH,
        left_at=None if is_current else _EPOCH,
    )


def skeleton(
    partnership_id: str, clinic_id: str, members: dict[str, Membership]
) -> PartnershipState:
    """A state holding only *members*, to fold goal and observation events into."""
    return PartnershipState(
        partnership_id=partnership_id,
        clinic_id=clinic_id,
        child_id="unknown",
        time_zone="UTC",
        settings=frozenset(),
        status=PartnershipStatus.FORMING,
        formed_at=_EPOCH,
        formed_by="unknown",
        status_changed_at=_EPOCH,
        version=0,
        last_event_at=_EPOCH,
        members=members,
    )


def needs_members(events: Iterable[ev.Event]) -> bool:
    """Whether folding *events* reads the members' roles."""
    return any(type(e) in _ROLE_EVENTS or type(e) in MEMBER_EVENTS for e in events)


@attrs.define
class Batch:
    """What one batch of events changes in the read model.

    Attributes:
        state: the skeleton state after the batch (members, touched goals and
            observations).
        goals: touched goals, by id: ``(seq, existed before the batch)``.
        observations: touched observations, by id: ``(seq, existed before the batch)``.
    """

    state: PartnershipState
    goals: dict[str, tuple[int, bool]] = attrs.field(factory=dict)
    observations: dict[str, tuple[int, bool]] = attrs.field(factory=dict)

    def goal_rows(self, clinic_id: str) -> list[tuple[Any, ...]]:
        """The rows of the touched goals."""
        pid = self.state.partnership_id
        return [
            goal_row(clinic_id, pid, seq, self.state.goals[gid])
            for gid, (seq, _existed) in self.goals.items()
        ]

    def observation_rows(self, clinic_id: str) -> list[tuple[Any, ...]]:
        """The rows of the touched observations."""
        pid = self.state.partnership_id
        return [
            observation_row(clinic_id, pid, seq, self.state.observations[oid])
            for oid, (seq, _existed) in self.observations.items()
        ]


def fold_batch(
    state: PartnershipState | None,
    events: Sequence[ev.Event],
    versions: Sequence[int],
    *,
    load_goal: Callable[[str], tuple[int, Goal] | None],
    load_observation: Callable[[str], tuple[int, Observation] | None],
) -> Batch:
    """Fold the read model's events of a batch (*versions*: each event's version).

    *state* is the skeleton before the batch (``None`` when the batch starts with the
    forming event); goals and observations the batch refers to but does not create are
    fetched with *load_goal* / *load_observation* (``(seq, record)``).
    """
    if state is None:
        first = events[0]
        state = start(first)
        events, versions = events[1:], versions[1:]
    batch = Batch(state=state)
    goals, observations = batch.goals, batch.observations
    for event, version in zip(events, versions, strict=True):
        kind = type(event)
        if kind not in READ_MODEL_EVENTS:
            continue
        if kind is ev.ProgressRecorded:
            assert isinstance(event, ev.ProgressRecorded)
            apply(state, event)
            observations[event.observation_id] = (version, False)
        elif kind is ev.ProgressCorrected:
            assert isinstance(event, ev.ProgressCorrected)
            oid = event.observation_id
            if oid not in observations:
                found = load_observation(oid)
                if found is None:  # not in the read model: nothing to correct
                    continue
                state.observations[oid] = found[1]
                observations[oid] = (found[0], True)
            apply(state, event)
        elif kind is ev.GoalProposed:
            assert isinstance(event, ev.GoalProposed)
            apply(state, event)
            goals[event.goal_id] = (version, False)
        elif kind in GOAL_EVENTS:
            gid: str = getattr(event, "goal_id")  # noqa: B009 (every goal event has one)
            if gid not in goals:
                found_goal = load_goal(gid)
                if found_goal is None:
                    continue
                state.goals[gid] = found_goal[1]
                goals[gid] = (found_goal[0], True)
            apply(state, event)
        elif kind in MEMBER_EVENTS:
            member_id: str = getattr(event, "member_id")  # noqa: B009
            if kind is ev.MemberLeft and member_id not in state.members:
                continue
            apply(state, event)
    return batch
