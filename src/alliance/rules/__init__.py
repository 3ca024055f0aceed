"""Partnership rules: what a clinic holds its partnerships to, checked as of any moment.

A rule looks at a partnership as of a moment and returns :class:`Finding` objects. The
built-in rules come from the practice this library models; a clinic configures their
thresholds (:class:`RuleSet`) and adds its own rules (anything with a ``rule_id`` and an
``evaluate(context)`` method).
"""

from __future__ import annotations

from alliance.rules.base import BuiltInRule, Rule, RuleContext, context_for
from alliance.rules.builtin import (
    BUILT_IN_RULES,
    AgreementAcknowledgedByCarers,
    AllianceFlagged,
    CarersHearAboutProgress,
    CheckInCadence,
    ConcernsResolvedOrEscalated,
    FeedbackAnsweredInTime,
    FidelityReviewed,
    GoalDataRecent,
    GoalsPastDue,
    GoalsShared,
    GoodNewsShared,
    HomePracticeForGoals,
    MeasuresDue,
    SetbackResponse,
    TransitionsPlannedAhead,
    TransitionsReviewedInTime,
)
from alliance.rules.findings import Finding, FindingSeverity, Subject, SubjectKind
from alliance.rules.rule_set import RuleSet, evaluate_clinic, iter_clinic_findings

__all__ = [
    "BUILT_IN_RULES",
    "AllianceFlagged",
    "BuiltInRule",
    "CarersHearAboutProgress",
    "CheckInCadence",
    "ConcernsResolvedOrEscalated",
    "FeedbackAnsweredInTime",
    "Finding",
    "FindingSeverity",
    "GoalDataRecent",
    "GoalsPastDue",
    "GoalsShared",
    "GoodNewsShared",
    "TransitionsReviewedInTime",
    "TransitionsPlannedAhead",
    "FidelityReviewed",
    "AgreementAcknowledgedByCarers",
    "HomePracticeForGoals",
    "MeasuresDue",
    "Rule",
    "RuleContext",
    "RuleSet",
    "SetbackResponse",
    "Subject",
    "SubjectKind",
    "context_for",
    "evaluate_clinic",
    "iter_clinic_findings",
]
