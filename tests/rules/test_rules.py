"""The built-in rules at their thresholds: just before, at, and just after."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

import alliance as al
from alliance import rules
from alliance.demo import sample_partnership
from alliance.rules import FindingSeverity, RuleSet
from team import T0_UTC as T0
from team import by, story, target

SECOND = pendulum.duration(seconds=1)


def partnership(*, plan: bool = True, active: bool = True) -> al.Partnership:
    """Ana (therapist) and Maria (parent), formed and (by default) active at T0."""
    s = story(start=T0)
    s.record(al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.ABA)
    s.record(al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
    if plan:
        s.by("maria").record(
            al.events.CommunicationPlanAgreed,
            cadence=pendulum.duration(weeks=2),
            channels=frozenset({al.model.Channel.PHONE}),
            participants=frozenset({"ana", "maria"}),
        )
    if active:
        s.by("ana").record(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.ACTIVE
        )
    return s.partnership


def shared_goal(p: al.Partnership, at: pendulum.DateTime, **target_fields: Any) -> str:
    p.record(
        by("maria", at).build(
            al.events.GoalProposed,
            goal_id="g1",
            domain=al.model.GoalDomain.COMMUNICATION,
            statement="Sam asks with two words",
            why_it_matters="Fewer tears",
            target=target(**target_fields),
        )
    )
    p.record(by("ana", at).build(al.events.GoalAgreed, goal_id="g1"))
    return "g1"


def found(rule: Any, p: al.Partnership, moment: pendulum.DateTime) -> list[rules.Finding]:
    return list(rule.evaluate(rules.context_for(p, moment)))


def assert_threshold(rule: Any, p: al.Partnership, due: pendulum.DateTime) -> rules.Finding:
    """No finding a second before *due*; a finding at *due* and after, due at *due*."""
    assert found(rule, p, due - SECOND) == []
    (at_due,) = found(rule, p, due)
    (later,) = found(rule, p, due.add(days=30))
    assert at_due == later
    assert at_due.due_at == due
    assert at_due.rule_id == rule.rule_id
    assert at_due.partnership_id == "p-1"
    return at_due


# --- each rule at its threshold ---------------------------------------------------------


def test_check_ins_keep_to_the_agreed_cadence() -> None:
    p = partnership()
    p.record(
        by("ana", T0.add(days=3)).build(
            al.events.CheckInHeld,
            kind=al.model.CheckInKind.CALL,
            participants=frozenset({"ana", "maria"}),
        )
    )
    rule = rules.CheckInCadence()
    finding = assert_threshold(rule, p, T0.add(days=3 + 14 + 2))
    assert finding.severity is FindingSeverity.BREACH
    assert finding.message == (
        "The last check-in was on January 9, 2025; we agreed to check in every 2 weeks."
    )


def test_a_missing_communication_plan_is_flagged() -> None:
    p = partnership(plan=False)
    finding = assert_threshold(rules.CheckInCadence(), p, T0.add(weeks=2))
    assert finding.severity is FindingSeverity.WARNING
    assert finding.subject == rules.Subject(kind=rules.SubjectKind.PARTNERSHIP, id="p-1")


def test_feedback_is_answered_in_time() -> None:
    p = partnership()
    p.record(
        by("maria", T0.add(days=1)).build(
            al.events.FeedbackGiven,
            feedback_id="f1",
            kind=al.model.FeedbackKind.HOME_REPORT,
            message="Bedtime is hard",
        )
    )
    rule = rules.FeedbackAnsweredInTime(within=pendulum.duration(days=5))
    finding = assert_threshold(rule, p, T0.add(days=6))
    assert finding.subject.id == "f1"
    assert "waiting for an answer from the professionals" in finding.message
    p.record(
        by("ana", T0.add(days=7)).build(
            al.events.FeedbackAnswered,
            feedback_id="f1",
            response=al.model.FeedbackResponse.STRATEGY_ADAPTED,
        )
    )
    assert found(rule, p, T0.add(days=30)) == []
    assert len(found(rule, p, T0.add(days=6, hours=12))) == 1, "still open as of then"


def test_setbacks_get_a_plan_in_time_and_are_reviewed() -> None:
    p = partnership()
    p.record(
        by("maria", T0.add(days=2)).build(
            al.events.SetbackReported,
            setback_id="s1",
            kind=al.model.SetbackKind.ILLNESS,
            severity=al.model.Severity.MODERATE,
            description="A week of flu",
        )
    )
    rule = rules.SetbackResponse()
    planless = assert_threshold(rule, p, T0.add(days=9))
    assert planless.severity is FindingSeverity.BREACH
    p.record(
        by("ana", T0.add(days=8)).build(
            al.events.SetbackResponsePlanned, setback_id="s1", changes="Lighter sessions"
        )
    )
    review = assert_threshold(rule, p, T0.add(days=8, weeks=4))
    assert review.severity is FindingSeverity.WARNING
    p.record(
        by("ana", T0.add(days=20)).build(
            al.events.SetbackResolved, setback_id="s1", resolution="Back"
        )
    )
    assert found(rule, p, T0.add(days=200)) == []


def test_active_goals_have_recent_data() -> None:
    p = partnership()
    shared_goal(p, T0.add(days=1))
    p.record(
        by("maria", T0.add(days=4)).build(
            al.events.ProgressRecorded,
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=2,
        )
    )
    finding = assert_threshold(rules.GoalDataRecent(), p, T0.add(days=4, weeks=3))
    assert finding.subject == rules.Subject(kind=rules.SubjectKind.GOAL, id="g1")


def test_goals_past_their_local_due_date_are_flagged() -> None:
    p = partnership()
    shared_goal(p, T0.add(days=1), due=pendulum.date(2025, 6, 30))
    # Midnight after the due date in London is 23:00 UTC (summer time).
    finding = assert_threshold(rules.GoalsPastDue(), p, pendulum.datetime(2025, 6, 30, 23))
    assert "was due on June 30, 2025" in finding.message
    p.record(by("ana", T0.add(days=30)).build(al.events.GoalAchieved, goal_id="g1"))
    assert found(rules.GoalsPastDue(), p, pendulum.datetime(2025, 8, 1)) == []


def test_goals_have_a_home_practice_strategy() -> None:
    p = partnership()
    shared_goal(p, T0.add(days=1))
    rule = rules.HomePracticeForGoals()
    finding = assert_threshold(rule, p, T0.add(days=1, weeks=2))
    assert finding.severity is FindingSeverity.INFO
    p.record(
        by("ana", T0.add(days=20)).build(
            al.events.HomePracticePlanned,
            goal_id="g1",
            description="Offer two snacks",
            times_per_week=5,
            carers=frozenset({"maria"}),
        )
    )
    assert found(rule, p, T0.add(days=40)) == []


def test_concerns_are_resolved_or_escalated_in_time() -> None:
    p = partnership()
    p.record(
        by("maria", T0.add(days=1)).build(
            al.events.ConcernRaised,
            concern_id="c1",
            kind=al.model.ConcernKind.DISAGREEMENT,
            description="We disagree about time-outs",
        )
    )
    rule = rules.ConcernsResolvedOrEscalated()
    finding = assert_threshold(rule, p, T0.add(days=15))
    assert finding.message.startswith("A disagreement raised on January 7, 2025")
    p.record(
        by("ana", T0.add(days=16)).build(
            al.events.ConcernEscalated,
            concern_id="c1",
            escalated_to="clinical lead",
            reason="No agreement",
        )
    )
    assert found(rule, p, T0.add(days=40)) == []


def test_carers_hear_about_progress_every_few_weeks() -> None:
    p = partnership()
    p.record(
        by("ana", T0.add(days=10)).build(
            al.events.FeedbackGiven,
            kind=al.model.FeedbackKind.PROGRESS_UPDATE,
            message="Two new words",
        )
    )
    assert_threshold(rules.CarersHearAboutProgress(), p, T0.add(days=10, weeks=4))


def test_good_news_is_shared_not_only_concerns() -> None:
    p = partnership()
    for day, news in ((1, ()), (8, ()), (15, ()), (22, ("Sam waved hello",))):
        p.record(
            by("ana", T0.add(days=day)).build(
                al.events.CheckInHeld,
                kind=al.model.CheckInKind.DROP_OFF_PICK_UP,
                participants=frozenset({"ana", "maria"}),
                good_news=news,
                concerns=("Tired",),
            )
        )
    rule = rules.GoodNewsShared(minimum_share=0.3)
    (finding,) = found(rule, p, T0.add(days=16))
    assert finding.message == (
        "Only 0 of the last 3 contacts with the family shared good news about the child."
    )
    assert len(found(rule, p, T0.add(days=23))) == 1, "1 of 4 is still below 0.3"
    assert found(rules.GoodNewsShared(minimum_share=0.25), p, T0.add(days=23)) == []
    assert len(found(rules.GoodNewsShared(minimum_share=0.26), p, T0.add(days=23))) == 1


def test_goals_need_a_current_carer_and_professional_behind_them() -> None:
    p = partnership()
    shared_goal(p, T0.add(days=1))
    rule = rules.GoalsShared()
    assert found(rule, p, T0.add(days=2)) == []
    p.record(by("ana", T0.add(days=3)).build(al.events.MemberLeft, member_id="maria"))
    (finding,) = found(rule, p, T0.add(days=3))
    assert "no current carer has agreed" in finding.message


def test_proposed_goals_do_not_wait_long_for_a_decision() -> None:
    p = partnership()
    p.record(
        by("ana", T0.add(days=1)).build(
            al.events.GoalProposed,
            goal_id="g2",
            domain=al.model.GoalDomain.MOTOR,
            statement="Climbs stairs",
            why_it_matters="Bedroom upstairs",
            target=target(),
        )
    )
    finding = assert_threshold(rules.GoalsShared(), p, T0.add(days=15))
    assert finding.severity is FindingSeverity.INFO


def test_paused_partnerships_owe_no_check_ins() -> None:
    p = partnership()
    p.record(
        by("ana", T0.add(days=1)).build(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.PAUSED
        )
    )
    assert RuleSet.default().evaluate(p, T0.add(days=100)) == []


# --- the rule set ---------------------------------------------------------------------------


def test_findings_are_sorted_by_severity_then_due_date() -> None:
    p = partnership()
    p.record(
        by("maria", T0).build(
            al.events.FeedbackGiven, kind=al.model.FeedbackKind.HOME_REPORT, message="Hmm"
        )
    )
    findings = RuleSet.default().evaluate(p, T0.add(days=60))
    ranks = [(-f.severity.rank, f.due_at) for f in findings]
    assert ranks == sorted(ranks)
    assert findings[0].severity is FindingSeverity.BREACH
    assert {f.rule_id for f in findings} >= {
        "check-in-cadence",
        "feedback-answered",
        "carer-progress-updates",
    }


def test_configuration_sets_thresholds_and_disables_rules() -> None:
    rule_set = RuleSet.from_toml(
        """
        [feedback-answered]
        within = "P3D"
        severity = "breach"

        [good-news]
        enabled = false
        """
    )
    assert "good-news" not in rule_set.rule_ids
    (feedback_rule,) = [r for r in rule_set.rules if r.rule_id == "feedback-answered"]
    assert feedback_rule == rules.FeedbackAnsweredInTime(
        within=pendulum.duration(days=3), severity=FindingSeverity.BREACH
    )
    assert len(rule_set.rules) == len(rules.BUILT_IN_RULES) - 1
    assert RuleSet.from_config({}) == RuleSet.default()


def test_bad_configuration_names_every_problem_with_its_path() -> None:
    with pytest.raises(al.MalformedDataError) as info:
        RuleSet.from_config(
            {
                "feedback-answered": {"within": "three days", "colour": "red"},
                "good-news": {"minimum_share": 2, "enabled": "no"},
                "check-in-cadence": {"tolerance": "PT0S"},
                "be-nice": {},
            }
        )
    paths = sorted(p.rsplit(" @ ", 1)[1] for p in info.value.problems)
    assert paths == [
        "$.be-nice",
        "$.check-in-cadence",
        "$.feedback-answered",
        "$.feedback-answered.within",
        "$.good-news.enabled",
    ]
    assert any("tolerance: must be longer than zero" in p for p in info.value.problems)


def test_not_toml_is_a_malformed_data_error() -> None:
    with pytest.raises(al.MalformedDataError):
        RuleSet.from_toml("[feedback-answered\nwithin = ")


def test_a_clinics_own_rule_joins_the_set() -> None:
    class EveryoneNeedsAnInterpreterCheck:
        rule_id = "interpreter-check"

        def evaluate(self, context: rules.RuleContext) -> list[rules.Finding]:
            return [
                rules.Finding(
                    rule_id=self.rule_id,
                    severity=FindingSeverity.INFO,
                    message="Ask whether an interpreter is needed.",
                    partnership_id=context.state.partnership_id,
                    subject=rules.Subject(kind=rules.SubjectKind.PARTNERSHIP, id="p-1"),
                    due_at=context.state.formed_at,
                )
            ]

    rule_set = RuleSet.default().with_rules(EveryoneNeedsAnInterpreterCheck())
    assert rule_set.rule_ids[-1] == "interpreter-check"
    assert any(f.rule_id == "interpreter-check" for f in rule_set.evaluate(partnership(), T0))
    with pytest.raises(al.ValidationError):
        rule_set.with_rules(EveryoneNeedsAnInterpreterCheck())
    assert "good-news" not in rule_set.without("good-news").rule_ids


def test_evaluation_over_a_clinics_store() -> None:
    store = al.open_store("memory://", clinic_id="c-1")
    p = partnership()
    store.append("p-1", p.events, expected_version=0)
    quiet = al.Partnership.form(
        by("ana", T0.add(days=100)).build(
            al.events.PartnershipFormed,
            partnership_id="p-2",
            clinic_id="c-1",
            child_id="kim",
            time_zone="Europe/London",
        )
    )
    store.append("p-2", quiet.events, expected_version=0)
    findings = rules.evaluate_clinic(store, RuleSet.default(), T0.add(days=60))
    assert findings == RuleSet.default().evaluate(p, T0.add(days=60))
    batches = list(rules.iter_clinic_findings(store, RuleSet.default(), T0.add(days=60)))
    assert len(batches) == 1, "p-2 was not formed yet"


def test_findings_are_written_in_the_language_asked_for() -> None:
    p = sample_partnership()
    late = p.state.formed_at.add(months=9)
    english = al.rules.RuleSet.default().evaluate(p, late)
    spanish = al.rules.RuleSet.default().evaluate(p, late, language="es")
    arabic = al.rules.RuleSet.default().evaluate(p, late, language="ar")
    assert english, "the sample has findings nine months on"
    assert [f.rule_id for f in spanish] == [f.rule_id for f in english]
    assert [f.subject for f in arabic] == [f.subject for f in english]
    for en, es in zip(english, spanish, strict=True):
        assert en.message != es.message, en.message
    assert any("de 2025" in f.message for f in spanish), "Spanish dates"
    assert all(
        f.message == e.message
        for f, e in zip(
            al.rules.RuleSet.default().evaluate(p, late, language="pt"), english, strict=True
        )
    ), "a language without a catalog gives English"
