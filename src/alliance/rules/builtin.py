"""The built-in rules, each drawn from the practice of parent-professional partnership.

Every rule is an attrs class whose fields are its thresholds (pendulum durations and
numbers) and the severity of its findings; :class:`alliance.rules.RuleSet` builds them
from plain configuration. Rules look at active partnerships only, unless said otherwise:
a paused or closed partnership owes nobody a check-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.measures.monitoring import DueStatus, MeasureSchedule, alliance_flags, measures_due
from alliance.model import _checks as c
from alliance.model._time import local_start
from alliance.model.concerns import ConcernKind
from alliance.model.feedback import FeedbackKind
from alliance.model.goals import GoalStatus, Position
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import MemberRole
from alliance.rules.base import BuiltInRule, RuleContext, _Deadline, period, severity_field
from alliance.rules.findings import Finding, FindingSeverity, SubjectKind

__all__ = [
    "BUILT_IN_RULES",
    "AgreementAcknowledgedByCarers",
    "AllianceFlagged",
    "CarersHearAboutProgress",
    "CheckInCadence",
    "ConcernsResolvedOrEscalated",
    "FeedbackAnsweredInTime",
    "FidelityReviewed",
    "GoalDataRecent",
    "GoalsPastDue",
    "GoalsShared",
    "GoodNewsShared",
    "HomePracticeForGoals",
    "MeasuresDue",
    "SetbackResponse",
    "TransitionsPlannedAhead",
    "TransitionsReviewedInTime",
]


def _fraction(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_finite(attribute.name, value)
    assert isinstance(value, int | float)
    if not 0 <= value <= 1:
        raise ValidationError(attribute.name, f"must be between 0 and 1, not {value}")


@attrs.frozen(kw_only=True)
class GoalsShared(BuiltInRule):
    """A goal is active only while a carer and a professional stand behind it, and a
    proposed goal does not wait long for the family's and team's decision."""

    rule_id = "goals-shared"
    description = "Goals are agreed by carers and professionals together."
    _subject_kind = SubjectKind.GOAL

    decision_within: pendulum.Duration = period(weeks=2)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _findings(self, context: RuleContext) -> Iterator[Finding]:
        """Active goals no current carer or professional agrees to; proposals left waiting."""
        lang = context.language
        _ = lang.gettext
        state = context.state
        for goal in state.goals.values():
            if goal.status is GoalStatus.ACTIVE:
                current = state.current_members()
                roles = {
                    p.role
                    for p in goal.positions.values()
                    if p.position is Position.AGREED and p.member_id in current
                }
                missing = [
                    r.value for r in (MemberRole.CARER, MemberRole.PROFESSIONAL) if r not in roles
                ]
                if missing:
                    yield self._finding(
                        context,
                        subject_id=goal.goal_id,
                        due_at=goal.status_changed_at,
                        message=_unshared(context, goal.statement, missing),
                    )
            elif goal.status is GoalStatus.PROPOSED:
                waiting = _Deadline(
                    subject_id=goal.goal_id,
                    due=goal.current.written_at + self.decision_within,
                    message=_(
                        "'%(goal)s' has waited more than %(period)s for carers and "
                        "professionals to agree to it together."
                    )
                    % {"goal": goal.statement, "period": lang.duration(self.decision_within)},
                    severity=FindingSeverity.INFO,
                )
                yield from self._when_due(context, waiting)


@attrs.frozen(kw_only=True)
class CheckInCadence(BuiltInRule):
    """Check-ins keep to the communication plan the members agreed."""

    rule_id = "check-in-cadence"
    description = "Regular check-ins keep everyone informed, as often as was agreed."
    _subject_kind = SubjectKind.PARTNERSHIP

    tolerance: pendulum.Duration = period(days=2)
    plan_within: pendulum.Duration = period(weeks=2)
    severity: FindingSeverity = severity_field(FindingSeverity.BREACH)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """A missing plan, or a check-in later than the agreed cadence allows."""
        lang = context.language
        state = context.state
        plan = state.communication_plan
        if plan is None or state.communication_plan_agreed_at is None:
            yield _Deadline(
                subject_id=state.partnership_id,
                due=state.formed_at + self.plan_within,
                message=context.language.gettext(
                    "No communication plan has been agreed: how often and how will we keep "
                    "each other informed?"
                ),
                severity=FindingSeverity.WARNING,
            )
            return
        last = max(
            (ci.held_at for ci in state.check_ins.values()),
            default=state.communication_plan_agreed_at,
        )
        last = max(last, state.communication_plan_agreed_at)
        yield _Deadline(
            subject_id=state.partnership_id,
            due=last + plan.cadence + self.tolerance,
            message=lang.gettext(
                "The last check-in was on %(day)s; we agreed to check in every %(period)s."
            )
            % {"day": lang.date(state.local_date(last)), "period": lang.duration(plan.cadence)},
        )


@attrs.frozen(kw_only=True)
class FeedbackAnsweredInTime(BuiltInRule):
    """Feedback is answered in time, whichever way it flowed."""

    rule_id = "feedback-answered"
    description = "Feedback goes both ways and every piece of it gets an answer."
    _subject_kind = SubjectKind.FEEDBACK

    within: pendulum.Duration = period(weeks=1)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """Feedback still open longer than ``within``."""
        lang = context.language
        _ = lang.gettext
        for item in context.state.open_feedback():
            if item.kind is FeedbackKind.PROGRESS_UPDATE:
                waiting = _("Feedback from %(day)s is still waiting for an answer from the carers.")
            else:
                waiting = _(
                    "Feedback from %(day)s is still waiting for an answer from the professionals."
                )
            yield _Deadline(
                subject_id=item.feedback_id,
                due=item.given_at + self.within,
                message=waiting % {"day": lang.date(context.state.local_date(item.given_at))},
            )


@attrs.frozen(kw_only=True)
class SetbackResponse(BuiltInRule):
    """Every setback gets a response plan in time and is reviewed until resolved."""

    rule_id = "setback-response"
    description = "Setbacks are answered with a plan, and reviewed until they are resolved."
    _subject_kind = SubjectKind.SETBACK

    plan_within: pendulum.Duration = period(weeks=1)
    review_every: pendulum.Duration = period(weeks=4)
    severity: FindingSeverity = severity_field(FindingSeverity.BREACH)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """Setbacks without a plan after ``plan_within``; plans not reviewed for a while."""
        lang = context.language
        _ = lang.gettext
        for setback in context.state.open_setbacks():
            if setback.response_plan is None:
                yield _Deadline(
                    subject_id=setback.setback_id,
                    due=setback.reported_at + self.plan_within,
                    message=_("A setback reported on %(day)s has no response plan yet.")
                    % {"day": lang.date(context.state.local_date(setback.reported_at))},
                )
                continue
            last = max(
                [setback.response_plan.planned_at, *(r.reviewed_at for r in setback.reviews)]
            )
            yield _Deadline(
                subject_id=setback.setback_id,
                due=last + self.review_every,
                message=_("The plan for a setback has not been reviewed for %(period)s.")
                % {"period": lang.duration(self.review_every)},
                severity=FindingSeverity.WARNING,
            )


@attrs.frozen(kw_only=True)
class GoalDataRecent(BuiltInRule):
    """Active goals have recent progress data."""

    rule_id = "goal-data-recent"
    description = "Progress is measured regularly, so nobody works from stale data."
    _subject_kind = SubjectKind.GOAL

    within: pendulum.Duration = period(weeks=3)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """Active goals whose latest observation is older than ``within``."""
        lang = context.language
        _ = lang.gettext
        latest: dict[str, pendulum.DateTime] = {}
        for observation in context.state.observations.values():
            seen = latest.get(observation.goal_id)
            if seen is None or observation.observed_at > seen:
                latest[observation.goal_id] = observation.observed_at
        for goal in context.state.goals_with(GoalStatus.ACTIVE):
            since = latest.get(goal.goal_id, goal.shared_at or goal.status_changed_at)
            yield _Deadline(
                subject_id=goal.goal_id,
                due=since + self.within,
                message=_("No progress has been recorded on '%(goal)s' for %(period)s or more.")
                % {"goal": goal.statement, "period": lang.duration(self.within)},
            )


@attrs.frozen(kw_only=True)
class GoalsPastDue(BuiltInRule):
    """Goals past their due date are achieved, revised or discontinued."""

    rule_id = "goals-past-due"
    description = "Goals are realistic: past their date, they are revisited together."
    _subject_kind = SubjectKind.GOAL

    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """Open goals whose (local) due date has passed."""
        lang = context.language
        _ = lang.gettext
        for goal in context.state.goals.values():
            if goal.status.is_closed:
                continue
            yield _Deadline(
                subject_id=goal.goal_id,
                due=context.local_start_of_day_after(goal.target.due),
                message=_("'%(goal)s' was due on %(day)s: achieved, revised, or time to stop?")
                % {"goal": goal.statement, "day": lang.date(goal.target.due)},
            )


@attrs.frozen(kw_only=True)
class HomePracticeForGoals(BuiltInRule):
    """Each active goal has a strategy practised outside the clinic."""

    rule_id = "home-practice"
    description = "Practice at home, school and in the community lets skills generalise."
    _subject_kind = SubjectKind.GOAL

    within: pendulum.Duration = period(weeks=2)
    severity: FindingSeverity = severity_field(FindingSeverity.INFO)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """Goals shared longer than ``within`` with no active home-practice strategy."""
        lang = context.language
        _ = lang.gettext
        practised = {s.goal_id for s in context.state.strategies.values() if s.is_active}
        for goal in context.state.goals_with(GoalStatus.ACTIVE):
            if goal.goal_id in practised:
                continue
            yield _Deadline(
                subject_id=goal.goal_id,
                due=(goal.shared_at or goal.status_changed_at) + self.within,
                message=_("'%(goal)s' has no strategy to practise at home or at school.")
                % {"goal": goal.statement},
            )


@attrs.frozen(kw_only=True)
class ConcernsResolvedOrEscalated(BuiltInRule):
    """Concerns and disagreements are resolved together, or escalated, in time."""

    rule_id = "concerns-resolved"
    description = "Disagreements are talked through and solved together or escalated."
    _subject_kind = SubjectKind.CONCERN

    within: pendulum.Duration = period(weeks=2)
    severity: FindingSeverity = severity_field(FindingSeverity.BREACH)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """Open, unescalated concerns older than ``within``."""
        lang = context.language
        _ = lang.gettext
        for concern in context.state.open_concerns():
            if concern.escalation is not None:
                continue
            yield _Deadline(
                subject_id=concern.concern_id,
                due=concern.raised_at + self.within,
                message=(
                    _("A concern raised on %(day)s is neither resolved nor escalated.")
                    if concern.kind is ConcernKind.CONCERN
                    else _("A disagreement raised on %(day)s is neither resolved nor escalated.")
                )
                % {"day": lang.date(context.state.local_date(concern.raised_at))},
            )


@attrs.frozen(kw_only=True)
class CarersHearAboutProgress(BuiltInRule):
    """Carers receive a progress update at least every so often."""

    rule_id = "carer-progress-updates"
    description = "Professionals keep carers informed about their child's progress."
    _subject_kind = SubjectKind.PARTNERSHIP

    every: pendulum.Duration = period(weeks=4)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """No progress update to carers for longer than ``every``."""
        state = context.state
        updates = [
            f.given_at for f in state.feedback.values() if f.kind is FeedbackKind.PROGRESS_UPDATE
        ]
        since = max(updates, default=state.formed_at)
        yield _Deadline(
            subject_id=state.partnership_id,
            due=since + self.every,
            message=context.language.gettext(
                "Carers have not had a progress update for %(period)s or more."
            )
            % {"period": context.language.duration(self.every)},
        )


@attrs.frozen(kw_only=True)
class GoodNewsShared(BuiltInRule):
    """Good news is shared, not only concerns.

    The contacts counted are the check-ins of the last ``window`` and the successes
    professionals celebrated with the family in it (a celebration is good news shared);
    a finding when fewer than ``minimum_share`` of them carried good news, once there
    are at least ``minimum_check_ins`` contacts.
    """

    rule_id = "good-news"
    description = "Professionals share all the good news there is about the child."
    _subject_kind = SubjectKind.PARTNERSHIP

    window: pendulum.Duration = period(weeks=8)
    minimum_share: float = attrs.field(default=0.25, validator=_fraction)
    minimum_check_ins: int = attrs.field(default=3, validator=c.whole_number(1))
    severity: FindingSeverity = severity_field(FindingSeverity.INFO)

    def _findings(self, context: RuleContext) -> Iterator[Finding]:
        """Too few recent contacts (check-ins and celebrations) shared good news."""
        state = context.state
        start = context.moment - self.window
        recent = [ci for ci in state.check_ins.values() if ci.held_at > start]
        celebrated = [x for x in state.celebrations_shared_with_family() if x.celebrated_at > start]
        contacts = len(recent) + len(celebrated)
        if contacts < self.minimum_check_ins:
            return
        with_news = sum(1 for ci in recent if ci.good_news) + len(celebrated)
        if with_news / contacts < self.minimum_share:
            yield self._finding(
                context,
                subject_id=state.partnership_id,
                due_at=max([ci.held_at for ci in recent] + [x.celebrated_at for x in celebrated]),
                message=context.language.ngettext(
                    "Only %(with_news)s of the last %(contacts)s contact with the family shared "
                    "good news about the child.",
                    "Only %(with_news)s of the last %(contacts)s contacts with the family shared "
                    "good news about the child.",
                    contacts,
                )
                % {
                    "with_news": context.language.number(with_news),
                    "contacts": context.language.number(contacts),
                },
            )


@attrs.frozen(kw_only=True)
class AllianceFlagged(BuiltInRule):
    """A session (alliance) rating below its cutoff is talked about: the partnership may
    need repair. Each respondent's latest rating on each alliance instrument counts; a
    later rating at or above the cutoff clears the finding."""

    rule_id = "alliance-flag"
    description = "Session ratings below their cutoff are heard: the partnership may need repair."
    _subject_kind = SubjectKind.MEASURE

    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _findings(self, context: RuleContext) -> Iterator[Finding]:
        """A finding for each respondent whose latest session rating is below its cutoff,
        due when the rating was given."""
        for flag in alliance_flags(
            context.state, context.moment, language=context.language.requested
        ):
            yield self._finding(
                context,
                subject_id=flag.response.response_id,
                due_at=flag.response.completed_at,
                message=flag.message,
            )


def _schedules(values: Any) -> tuple[MeasureSchedule, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class MeasuresDue(BuiltInRule):
    """Outcome and session ratings are taken as often as the clinic's schedules say.

    No schedule is set by default (the rule then finds nothing): configure them, e.g.
    ``{"measures-due": {"schedules": [{"instrument_id": "session-rating"}]}}`` for a
    session rating at every session. See :mod:`alliance.measures.monitoring` for what a
    session is and when a measure becomes overdue."""

    rule_id = "measures-due"
    description = "Routine outcome and session measures are taken on schedule."
    _subject_kind = SubjectKind.MEASURE

    schedules: tuple[MeasureSchedule, ...] = attrs.field(
        default=(), converter=_schedules, validator=c.tuple_of(MeasureSchedule)
    )
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _findings(self, context: RuleContext) -> Iterator[Finding]:
        """A finding for each scheduled measure that is overdue, due when it became so."""
        for due in measures_due(
            context.state, self.schedules, context.moment, language=context.language.requested
        ):
            if due.status is not DueStatus.OVERDUE or due.overdue_from is None:
                continue
            yield self._finding(
                context,
                subject_id=due.schedule.instrument_id,
                due_at=due.overdue_from,
                message=due.reason,
            )


# --- the family's side: coaching, transitions, the agreement ---------------------------------


@attrs.frozen(kw_only=True)
class FidelityReviewed(BuiltInRule):
    """While a coached strategy is in use, each of its carers' fidelity is observed in a
    coaching session at least every ``every`` (from when its checklist was set)."""

    rule_id = "fidelity-reviewed"
    description = "Carers coached in a strategy get regular coaching and feedback on it."
    _subject_kind = SubjectKind.STRATEGY

    every: pendulum.Duration = period(weeks=4)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """A finding per (strategy, carer) not coached for ``every``, due when it fell due."""
        lang = context.language
        _ = lang.gettext
        state = context.state
        for strategy_id, checklist in state.checklists.items():
            strategy = state.strategies[strategy_id]
            if not strategy.is_active:
                continue
            sessions = state.coaching_for(strategy_id)
            carers = (strategy.carers | {s.carer for s in sessions}) & state.carers
            for carer in sorted(carers):
                last = max([checklist.set_at, *(s.held_at for s in sessions if s.carer == carer)])
                yield _Deadline(
                    subject_id=strategy_id,
                    due=last + self.every,
                    message=_(
                        "Nobody has coached %(carer)s in '%(strategy)s' for %(period)s: how is "
                        "it going at home?"
                    )
                    % {
                        "carer": carer,
                        "strategy": strategy.description,
                        "period": lang.duration(self.every),
                    },
                )


@attrs.frozen(kw_only=True)
class TransitionsPlannedAhead(BuiltInRule):
    """A transition has a plan agreed with the carers at least ``agreed_before`` its
    date: from the start of the day ``agreed_before`` before it (local time), a
    transition with no plan is a finding (until a plan is agreed, or it is reviewed)."""

    rule_id = "transition-plan"
    description = "Transitions are planned with the family, in good time."
    _subject_kind = SubjectKind.TRANSITION

    agreed_before: pendulum.Duration = period(days=14)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)
    applies_to = frozenset({PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED})

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """A finding per transition without a plan once its plan is due."""
        lang = context.language
        _ = lang.gettext
        for transition in context.state.upcoming_transitions():
            if transition.plan is not None:
                continue
            yield _Deadline(
                subject_id=transition.transition_id,
                due=_local_start(context, transition.date, self.agreed_before, -1),
                message=_(
                    "'%(transition)s' is on %(day)s and has no plan agreed with the family "
                    "yet; plan it together at least %(period)s ahead."
                )
                % {
                    "transition": transition.description,
                    "day": lang.date(transition.date),
                    "period": lang.duration(self.agreed_before),
                },
            )


@attrs.frozen(kw_only=True)
class TransitionsReviewedInTime(BuiltInRule):
    """Each transition is reviewed with the family within ``within`` of its date (from
    the start of that day, local time)."""

    rule_id = "transition-review"
    description = "After a transition, the team and the family look back on it together."
    _subject_kind = SubjectKind.TRANSITION

    within: pendulum.Duration = period(weeks=4)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)
    applies_to = frozenset({PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED})

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """A finding per transition not reviewed ``within`` after its date."""
        lang = context.language
        _ = lang.gettext
        for transition in context.state.upcoming_transitions():
            yield _Deadline(
                subject_id=transition.transition_id,
                due=_local_start(context, transition.date, self.within, 1),
                message=_(
                    "'%(transition)s' was on %(day)s; look back on how it went with the family."
                )
                % {"transition": transition.description, "day": lang.date(transition.date)},
            )


@attrs.frozen(kw_only=True)
class AgreementAcknowledgedByCarers(BuiltInRule):
    """Every current carer acknowledges the partnership agreement in force within
    ``within`` of its issue (or of joining, for a carer who joined later)."""

    rule_id = "agreement-acknowledged"
    description = "Each side knows what to expect: carers acknowledge the agreement as it changes."
    _subject_kind = SubjectKind.MEMBER

    within: pendulum.Duration = period(weeks=2)
    severity: FindingSeverity = severity_field(FindingSeverity.WARNING)

    def _deadlines(self, context: RuleContext) -> Iterator[_Deadline]:
        """A finding per current carer who has not acknowledged the agreement in force."""
        lang = context.language
        _ = lang.gettext
        state = context.state
        agreement = state.agreement
        if agreement is None:
            return
        for carer in sorted(state.carers):
            if agreement.acknowledged_by(carer):
                continue
            if agreement.version == 1:
                text = _(
                    "The partnership agreement was issued on %(day)s (version %(version)s); "
                    "%(carer)s has not acknowledged it yet."
                )
            else:
                text = _(
                    "The partnership agreement changed on %(day)s (version %(version)s); "
                    "%(carer)s has not acknowledged it yet."
                )
            yield _Deadline(
                subject_id=carer,
                due=max(agreement.issued_at, state.members[carer].joined_at) + self.within,
                message=text
                % {
                    "day": lang.date(state.local_date(agreement.issued_at)),
                    "version": lang.number(agreement.version),
                    "carer": carer,
                },
            )


def _unshared(context: RuleContext, goal: str, missing: list[str]) -> str:
    """Why an active goal is not shared: which side has no current member agreeing."""
    _ = context.language.gettext
    if missing == [MemberRole.CARER.value]:
        text = _("'%(goal)s' is being worked on, but no current carer has agreed to it.")
    elif missing == [MemberRole.PROFESSIONAL.value]:
        text = _("'%(goal)s' is being worked on, but no current professional has agreed to it.")
    else:
        text = _(
            "'%(goal)s' is being worked on, but no current carer or professional has agreed to it."
        )
    return text % {"goal": goal}


def _local_start(
    context: RuleContext, day: pendulum.Date, shift: pendulum.Duration, sign: int
) -> pendulum.DateTime:
    """The first moment of *day* in the partnership's time zone, moved by *shift* forward
    (*sign* 1) or back (-1) on the local calendar (days are calendar days, so a change
    of clocks in between does not move the deadline off midnight), in UTC."""
    moved = local_start(day, context.state.time_zone).add(
        years=sign * shift.years,
        months=sign * shift.months,
        weeks=sign * shift.weeks,
        days=sign * shift.remaining_days,
        hours=sign * shift.hours,
        minutes=sign * shift.minutes,
        seconds=sign * shift.remaining_seconds,
        microseconds=sign * shift.microseconds,
    )
    return moved.in_timezone("UTC")


BUILT_IN_RULES: tuple[type[BuiltInRule], ...] = (
    GoalsShared,
    CheckInCadence,
    FeedbackAnsweredInTime,
    SetbackResponse,
    GoalDataRecent,
    GoalsPastDue,
    HomePracticeForGoals,
    ConcernsResolvedOrEscalated,
    CarersHearAboutProgress,
    GoodNewsShared,
    AllianceFlagged,
    MeasuresDue,
    FidelityReviewed,
    TransitionsPlannedAhead,
    TransitionsReviewedInTime,
    AgreementAcknowledgedByCarers,
)
"""Every built-in rule class, in the order a rule set lists them."""
