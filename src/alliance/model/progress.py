"""Progress toward a goal: observations (a measured value, a GAS level, or both) and
their corrections.

Observations come from every setting: session and probe data from a professional in the
clinic, everyday observations from carers at home and in the community and from
educators at school. A correction keeps the original in the timeline.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError, ValidationError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.consent import shared_with_school
from alliance.model.event import ActedOn, Event, Permission, Side
from alliance.model.goals import open_goal
from alliance.model.partnership import Setting
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = ["Observation", "ObservationKind", "ProgressCorrected", "ProgressRecorded"]

_CARER_SETTINGS = frozenset({Setting.HOME, Setting.COMMUNITY})


def observation_acted_on(state: PartnershipState, observation_id: str) -> ActedOn:
    """The observation *observation_id*, as a record an event acts on."""
    observation = state.observations[observation_id]
    return ActedOn(what="observation", audience=observation.audience, author=observation.observer)


class ObservationKind(enum.StrEnum):
    """How an observation came about.

    Session and probe data come from a professional running a session; everyday
    observations come from whoever saw the skill used: a carer at home, a teacher at
    school, a therapist on a community outing.
    """

    SESSION = "session"
    PROBE = "probe"
    EVERYDAY = "everyday"


@attrs.frozen(kw_only=True)
class Observation:
    """A progress observation as it stands (after any corrections).

    Attributes:
        observation_id: its id.
        goal_id: the goal it measures.
        observed_at: when the child was observed.
        observer: who observed (and recorded) it.
        setting: where.
        kind: session, probe or everyday observation.
        value: the measured value in the goal's unit, if measured.
        gas_level: the Goal Attainment Scaling level (-2..2), if rated.
        note: what the observer wants the team to know.
        correction_reason: why it was last corrected, or ``None`` if never.
        corrected_by: who last corrected it.
        corrected_at: when.
        trials: how many trials the value was measured over, if recorded.
        first_trial_independent: whether the first trial was done independently
            (without a prompt), if recorded.
        audience: who may see it (everyone unless the observer chose otherwise).
    """

    observation_id: str
    goal_id: str
    observed_at: pendulum.DateTime
    observer: str
    setting: Setting
    kind: ObservationKind
    value: float | None = None
    gas_level: int | None = None
    note: str | None = None
    correction_reason: str | None = None
    corrected_by: str | None = None
    corrected_at: pendulum.DateTime | None = None
    trials: int | None = None
    first_trial_independent: bool | None = None
    audience: Audience = EVERYONE


_gas_level = attrs.validators.optional(c.whole_number(-2, 2))
_trials = attrs.validators.optional(c.whole_number(1))


@attrs.frozen(kw_only=True)
class ProgressRecorded(Event):
    """The actor observed the child working on a goal and recorded how it went.

    Give ``value`` (in the goal's unit), ``gas_level`` (-2..2, for goals with a GAS
    scale), or both. ``trials`` (how many trials the value was measured over) and
    ``first_trial_independent`` (whether the first trial was done without a prompt) are
    optional; mastery criteria with a minimum number of trials or a first-trial
    condition use them.
    """

    permission = Permission(
        act="recording an observation",
        carer="at home or in the community (everyday data)",
        professional="any setting, any kind",
        educator="at school, on a goal shared with the school",
    )

    observation_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    goal_id: str = attrs.field(validator=c.identifier)
    setting: Setting = attrs.field(validator=c.one_of(Setting))
    kind: ObservationKind = attrs.field(validator=c.one_of(ObservationKind))
    value: float | None = attrs.field(default=None, validator=c.optional_finite)
    gas_level: int | None = attrs.field(default=None, validator=_gas_level)
    note: str | None = attrs.field(default=None, validator=c.optional_text)
    trials: int | None = attrs.field(default=None, validator=_trials)
    first_trial_independent: bool | None = attrs.field(
        default=None, validator=c.optional_instance_of(bool)
    )
    audience: Audience = audience_field()

    def __attrs_post_init__(self) -> None:
        if self.value is None and self.gas_level is None:
            raise ValidationError("value", "give a measured value, a GAS level, or both")

    def check(self, state: PartnershipState) -> None:
        """An open goal; a new id; session and probe data from a professional; a GAS
        level only for a goal with a GAS scale."""
        c.audience_members(state, self.audience, self.occurred_at)
        goal = open_goal(state, self, self.goal_id)
        c.unused_id("observation_id", self.observation_id, state.observations, "observation")
        if (
            self.kind is not ObservationKind.EVERYDAY
            and state.role_of(self.actor) is not MemberRole.PROFESSIONAL
        ):
            raise DomainError(
                "kind",
                f"only a professional records {self.kind.value} data; "
                f"a carer's observation is recorded as '{ObservationKind.EVERYDAY.value}'",
            )
        if self.gas_level is not None and goal.current.gas_scale is None:
            raise ValidationError(
                "gas_level", f"goal {self.goal_id!r} has no Goal Attainment Scaling scale"
            )

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Carers record at home or in the community; educators at school, on goals a
        carer's consent shares with the school."""
        if side is Side.PROFESSIONAL:
            return None
        if side is Side.CARER:
            if self.setting in _CARER_SETTINGS:
                return None
            return (
                "carers record observations at home or in the community, "
                f"not at {self.setting.value}"
            )
        if self.setting is not Setting.SCHOOL:
            return f"educators record observations at school, not at {self.setting.value}"
        if not shared_with_school(state, self.goal_id, self.actor, self.occurred_at):
            return (
                f"goal {self.goal_id!r} is not shared with the school: no carer's consent covers it"
            )
        return None

    def apply(self, state: PartnershipState) -> None:
        """A new observation of the goal."""
        state.observations[self.observation_id] = Observation(
            observation_id=self.observation_id,
            goal_id=self.goal_id,
            observed_at=self.occurred_at,
            observer=self.actor,
            setting=self.setting,
            kind=self.kind,
            value=self.value,
            gas_level=self.gas_level,
            note=self.note,
            trials=self.trials,
            first_trial_independent=self.first_trial_independent,
            audience=self.audience,
        )


@attrs.frozen(kw_only=True)
class ProgressCorrected(Event):
    """An observation was corrected. The original stays in the timeline.

    The correction replaces both the value and the GAS level: give every one the
    observation should have (a GAS level left out is removed).
    """

    permission = Permission(
        act="correcting an observation",
        carer="their own observations",
        professional=True,
        educator="their own, while the goal is shared with the school",
    )

    observation_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)
    value: float | None = attrs.field(default=None, validator=c.optional_finite)
    gas_level: int | None = attrs.field(default=None, validator=_gas_level)

    def __attrs_post_init__(self) -> None:
        if self.value is None and self.gas_level is None:
            raise ValidationError("value", "give a corrected value, a GAS level, or both")

    def check(self, state: PartnershipState) -> None:
        """A known observation, not corrected before it was made; a GAS level only for a
        goal with a GAS scale."""
        observation = c.known(
            state.observations, self.observation_id, "observation_id", "observation"
        )
        c.not_before("occurred_at", self.occurred_at, observation.observed_at, "the observation")
        gas_scale = state.goals[observation.goal_id].current.gas_scale
        if self.gas_level is not None and gas_scale is None:
            raise ValidationError(
                "gas_level", f"goal {observation.goal_id!r} has no Goal Attainment Scaling scale"
            )

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Professionals correct any observation; others their own (educators while the
        goal is still shared with the school)."""
        if side is Side.PROFESSIONAL:
            return None
        observation = state.observations[self.observation_id]
        if observation.observer != self.actor:
            return "only professionals correct someone else's observation"
        if side is Side.EDUCATOR and not shared_with_school(
            state, observation.goal_id, self.actor, self.occurred_at
        ):
            return f"goal {observation.goal_id!r} is no longer shared with the school"
        return None

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The observation corrected."""
        observation = state.observations[self.observation_id]
        return ActedOn(
            what="observation", audience=observation.audience, author=observation.observer
        )

    def apply(self, state: PartnershipState) -> None:
        """The observation's value and GAS level are the corrected ones."""
        state.observations[self.observation_id] = attrs.evolve(
            state.observations[self.observation_id],
            value=self.value,
            gas_level=self.gas_level,
            correction_reason=self.reason,
            corrected_by=self.actor,
            corrected_at=self.occurred_at,
        )
