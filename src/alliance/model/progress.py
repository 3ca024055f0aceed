"""Progress observations: a measured value (or GAS level) for a goal."""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model.audience import EVERYONE, Audience
from alliance.model.partnership import Setting


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
