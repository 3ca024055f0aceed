"""Measures and mastery: standardised instruments, routine outcome monitoring, mastery
criteria with explanations, phases, and summary figures.

Pure functions over a :class:`alliance.PartnershipState` (or over observations); nothing
here does I/O. The events and values they read (:class:`alliance.MeasureCompleted`,
:class:`alliance.Instrument`, :class:`alliance.MasteryCriterion`...) are part of the
model. Everything public is re-exported by :mod:`alliance`. See ``docs/measures.md``.
"""

from __future__ import annotations

from alliance.measures.instruments import (
    COPM_PERFORMANCE,
    COPM_SATISFACTION,
    EXAMPLE_CAREGIVER_ALLIANCE,
    OUTCOME_RATING,
    OUTCOME_RATING_ADOLESCENT,
    OUTCOME_RATING_CHILD,
    SESSION_RATING,
    SHIPPED_INSTRUMENTS,
    InstrumentRegistry,
)
from alliance.measures.mastery import (
    DayResult,
    DayVerdict,
    MaintenanceCheck,
    MasteryEvaluation,
    Phase,
    PhaseChange,
    PhasePlan,
    PhaseProgress,
    SkippedObservation,
    assess_mastery,
    describe_criterion,
    evaluate_mastery,
    track_phases,
    track_phases_of,
)
from alliance.measures.monitoring import (
    SESSION_CHECK_IN_KINDS,
    AllianceFlag,
    Cadence,
    DueStatus,
    MeasureDue,
    MeasureSchedule,
    Recovery,
    ReliableChange,
    ScoreChange,
    ScoredResponse,
    alliance_flags,
    classify_change,
    measure_due,
    measures_due,
    score_history,
    session_days,
)
from alliance.measures.summary import (
    MasteryFigures,
    MasterySummary,
    TargetOutcome,
    is_carers_goal,
    summarise_mastery,
)

__all__ = [
    # instruments
    "COPM_PERFORMANCE",
    "COPM_SATISFACTION",
    "EXAMPLE_CAREGIVER_ALLIANCE",
    "OUTCOME_RATING",
    "OUTCOME_RATING_ADOLESCENT",
    "OUTCOME_RATING_CHILD",
    "SESSION_RATING",
    "SHIPPED_INSTRUMENTS",
    "InstrumentRegistry",
    # routine outcome monitoring
    "SESSION_CHECK_IN_KINDS",
    "AllianceFlag",
    "Cadence",
    "DueStatus",
    "MeasureDue",
    "MeasureSchedule",
    "Recovery",
    "ReliableChange",
    "ScoreChange",
    "ScoredResponse",
    "alliance_flags",
    "classify_change",
    "measure_due",
    "measures_due",
    "score_history",
    "session_days",
    # mastery and phases
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
    # summary figures
    "MasteryFigures",
    "MasterySummary",
    "TargetOutcome",
    "is_carers_goal",
    "summarise_mastery",
]
