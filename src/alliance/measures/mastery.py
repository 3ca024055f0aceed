"""Mastery criteria applied to a goal's observations, with an explanation of every result.

**Sessions and days.** Observations are grouped by their local day in the partnership's
time zone, and the data of one day make one *session*: they are combined by the target's
:class:`~alliance.model.MetricKind` (levels, percentages and rates are averaged; counts and
durations are added up), their trials are added up, and the day's observers and
settings are gathered. So the order in which a day's observations were recorded, or
the times they carry within the day, never matter.

Each day with data is then judged against the criterion:

- *not counted* when it has fewer trials than ``min_trials`` (observations without a
  trial count add none);
- *met* when its value meets the threshold (and, with ``first_trial_independent``, every
  observation that day records an independent first trial);
- *not met* otherwise.

Observations without a measured value, and (with ``probes_only``) data other than probes,
are left out before that, and listed with the reason.

**The frame.** With ``frame=sessions`` the criterion counts days with data one after
the other, whatever the gaps between them, and a day that is not counted is passed over.
With ``frame=days`` it counts calendar days: every day in a run must be a day that met
the criterion, so a day without counted data breaks it. ``consecutive`` days must meet
the criterion in a row, or, with ``out_of_last``, ``consecutive`` of the last
``out_of_last`` (fewer when there are not that many yet); ``min_observers`` and
``min_settings`` count the people and settings of the days that met it. A goal is
*mastered* on the first day the criterion is met, and stays mastered.

**Phases.** :func:`track_phases` moves a target through baseline, intervention,
generalisation and maintenance by a :class:`PhasePlan`, stepping it back to
intervention when generalisation or maintenance checks fail too often.

The criteria and their evaluation are implemented in ``alliance.measures._evaluation``,
the phases in ``alliance.measures._phases``; this module is where their public names
live.
"""

from __future__ import annotations

from alliance.measures._evaluation import (
    DayResult,
    DayVerdict,
    MasteryEvaluation,
    SkippedObservation,
    assess_mastery,
    describe_criterion,
    evaluate_mastery,
)
from alliance.measures._phases import (
    MaintenanceCheck,
    Phase,
    PhaseChange,
    PhasePlan,
    PhaseProgress,
    track_phases,
    track_phases_of,
)

__all__ = [
    "DayResult",
    "DayVerdict",
    "MaintenanceCheck",
    "MasteryEvaluation",
    "Phase",
    "PhaseChange",
    "PhasePlan",
    "PhaseProgress",
    "SkippedObservation",
    "assess_mastery",
    "describe_criterion",
    "evaluate_mastery",
    "track_phases",
    "track_phases_of",
]
