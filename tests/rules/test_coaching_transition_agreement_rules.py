"""The family's side rules at their thresholds (coaching fidelity reviewed, transitions
planned and reviewed, the agreement acknowledged) and celebrations as good news."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

import alliance as al
from alliance import rules
from team import T0_UTC as T0
from team import by, story, target

SECOND = pendulum.duration(seconds=1)
LONDON = "Europe/London"


def partnership(
    *, status: al.model.PartnershipStatus = al.model.PartnershipStatus.ACTIVE
) -> al.Partnership:
    """Ana (therapist), Maria (parent) and Ola (grandmother), active at T0, with a goal
    and a home-practice strategy Maria practises."""
    s = story(start=T0, policy=al.RolePolicy())
    with s.all_or_nothing():
        s.record(
            al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
        )
        s.record(al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
        s.record(
            al.events.CarerJoined, member_id="ola", relationship=al.CarerRelationship.GRANDPARENT
        )
        s.record(al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.ACTIVE)
        s.record(
            al.events.GoalProposed,
            goal_id="g1",
            domain=al.model.GoalDomain.COMMUNICATION,
            statement="Sam asks with two words",
            why_it_matters="Fewer tears at snack time",
            target=target(metric="two-word requests"),
        )
        s.record(
            al.events.HomePracticePlanned,
            strategy_id="s1",
            goal_id="g1",
            description="Wait five seconds before offering the snack",
            times_per_week=7,
            carers=frozenset({"maria"}),
        )
    if status is not al.model.PartnershipStatus.ACTIVE:
        s.record(al.events.PartnershipStatusChanged, status=status)
    return s.partnership


CHECKLIST = al.model.FidelityChecklist(
    steps=(
        al.model.FidelityStep(step_id="wait", description="Wait five seconds"),
        al.model.FidelityStep(step_id="model", description="Model the two words"),
    )
)


def found(rule: Any, p: al.Partnership, moment: pendulum.DateTime) -> list[rules.Finding]:
    return list(rule.evaluate(rules.context_for(p, moment)))


def assert_threshold(
    rule: Any, p: al.Partnership, due: pendulum.DateTime, *, count: int = 1
) -> list[rules.Finding]:
    """No finding a second before *due*; *count* findings at *due* and after, due then."""
    assert found(rule, p, due - SECOND) == []
    at_due = found(rule, p, due)
    assert len(at_due) == count
    assert found(rule, p, due.add(days=30)) == at_due
    assert all(f.due_at == due and f.rule_id == rule.rule_id for f in at_due)
    return at_due


def coach(p: al.Partnership, at: pendulum.DateTime, carer: str = "maria", **kw: Any) -> None:
    p.record(
        by("ana", at).build(
            al.events.CoachingSessionHeld,
            strategy_id="s1",
            carer=carer,
            steps=(
                al.model.StepFidelity(step_id="wait", observed=al.model.StepObserved.DONE),
                al.model.StepFidelity(step_id="model", observed=al.model.StepObserved.PARTLY),
            ),
            **kw,
        )
    )


# --- fidelity reviewed -------------------------------------------------------------------


def test_fidelity_is_reviewed_every_few_weeks_from_the_checklist() -> None:
    p = partnership()
    rule = rules.FidelityReviewed()
    assert found(rule, p, T0.add(weeks=20)) == [], "no checklist: not a coached strategy"
    set_at = T0.add(days=1)
    p.record(
        by("ana", set_at).build(
            al.events.FidelityChecklistSet, strategy_id="s1", checklist=CHECKLIST
        )
    )
    (finding,) = assert_threshold(rule, p, set_at.add(weeks=4))
    assert finding.subject == rules.Subject(kind=rules.SubjectKind.STRATEGY, id="s1")
    assert "maria" in finding.message
    assert "4 weeks" in finding.message
    coach(p, T0.add(days=10))
    assert_threshold(rule, p, T0.add(days=10, weeks=4))
    assert_threshold(rules.FidelityReviewed(every=pendulum.duration(days=5)), p, T0.add(days=15))


def test_fidelity_review_covers_every_carer_coached_and_stops_with_the_strategy() -> None:
    p = partnership()
    p.record(
        by("ana", T0).build(al.events.FidelityChecklistSet, strategy_id="s1", checklist=CHECKLIST)
    )
    coach(p, T0.add(days=3), carer="ola")  # Ola is coached though not on the strategy
    rule = rules.FidelityReviewed()
    (maria,) = found(rule, p, T0.add(weeks=4))
    assert "maria" in maria.message
    assert found(rule, p, T0.add(weeks=4) - SECOND) == []
    both = found(rule, p, T0.add(days=3, weeks=4))
    assert [f.message for f in both] == [
        maria.message,
        "Nobody has coached ola in 'Wait five seconds before offering the snack' for 4 weeks: "
        "how is it going at home?",
    ]
    p.record(by("ana", T0.add(days=4)).build(al.events.MemberLeft, member_id="ola"))
    assert len(found(rule, p, T0.add(weeks=10))) == 1, "former carers are not coached"
    p.record(
        by("ana", T0.add(days=5)).build(
            al.events.HomePracticeStopped, strategy_id="s1", reason="Sam asks now"
        )
    )
    assert found(rule, p, T0.add(weeks=10)) == []


def test_fidelity_review_only_for_active_partnerships() -> None:
    p = partnership()
    p.record(
        by("ana", T0).build(al.events.FidelityChecklistSet, strategy_id="s1", checklist=CHECKLIST)
    )
    p.record(
        by("ana", T0.add(days=1)).build(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.PAUSED
        )
    )
    assert found(rules.FidelityReviewed(), p, T0.add(weeks=10)) == []


# --- transitions ---------------------------------------------------------------------------


def announce(p: al.Partnership, date: pendulum.Date, at: pendulum.DateTime = T0) -> None:
    p.record(
        by("maria", at).build(
            al.events.TransitionAnnounced,
            transition_id="t1",
            kind=al.model.TransitionKind.NEW_SCHOOL,
            description="Sam starts at Oak Primary",
            date=date,
            people=frozenset({"ana", "maria"}),
            affected_goals=frozenset({"g1"}),
            affected_strategies=frozenset({"s1"}),
        )
    )


def agree_plan(p: al.Partnership, at: pendulum.DateTime) -> None:
    p.record(
        by("ana", at).build(
            al.events.TransitionPlanAgreed,
            transition_id="t1",
            steps=(
                al.model.PlanStep(
                    description="Visit the new class together",
                    owner="maria",
                    due=pendulum.date(2025, 8, 28),
                ),
            ),
            agreed_with=frozenset({"maria"}),
        )
    )


def test_a_transition_plan_is_due_days_before_its_date_in_local_time() -> None:
    p = partnership()
    # 1 September 2025: London is on summer time (UTC+1), so local midnight is 23:00 UTC.
    announce(p, pendulum.date(2025, 9, 1))
    rule = rules.TransitionsPlannedAhead()
    due = pendulum.datetime(2025, 8, 18, tz=LONDON).in_timezone("UTC")
    assert due == pendulum.datetime(2025, 8, 17, 23, tz="UTC")
    (finding,) = assert_threshold(rule, p, due)
    assert finding.subject == rules.Subject(kind=rules.SubjectKind.TRANSITION, id="t1")
    assert "September 1, 2025" in finding.message
    assert_threshold(
        rules.TransitionsPlannedAhead(agreed_before=pendulum.duration(days=7)),
        p,
        pendulum.datetime(2025, 8, 25, tz=LONDON).in_timezone("UTC"),
    )
    agree_plan(p, due.add(days=2))
    assert found(rule, p, due.add(days=3)) == [], "a late plan clears the finding"
    assert len(found(rule, p, due.add(days=1))) == 1, "it was missing until then"


def test_a_plan_agreed_in_time_gives_no_finding_and_rescheduling_moves_the_deadline() -> None:
    # The clocks go forward on 30 March 2025: the deadline is still local midnight.
    p = partnership()
    announce(p, pendulum.date(2025, 3, 3))
    rule = rules.TransitionsPlannedAhead()
    p.record(
        by("ana", T0.add(days=1)).build(
            al.events.TransitionRescheduled,
            transition_id="t1",
            date=pendulum.date(2025, 4, 7),
            reason="The school asked to wait until after Easter",
        )
    )
    assert_threshold(rule, p, pendulum.datetime(2025, 3, 24, tz=LONDON).in_timezone("UTC"))
    agree_plan(p, pendulum.datetime(2025, 3, 20, tz="UTC"))
    assert found(rule, p, pendulum.datetime(2025, 4, 30, tz="UTC")) == []


def test_transition_rules_look_at_paused_partnerships_too() -> None:
    p = partnership(status=al.model.PartnershipStatus.PAUSED)
    announce(p, pendulum.date(2025, 2, 3))
    assert len(found(rules.TransitionsPlannedAhead(), p, T0.add(weeks=5))) == 1
    assert len(found(rules.TransitionsReviewedInTime(), p, T0.add(weeks=10))) == 1


def test_a_transition_is_reviewed_within_weeks_of_its_date() -> None:
    p = partnership()
    announce(p, pendulum.date(2025, 2, 3))
    agree_plan(p, T0.add(days=1))
    rule = rules.TransitionsReviewedInTime()
    day_start = pendulum.datetime(2025, 2, 3, tz=LONDON).in_timezone("UTC")
    (finding,) = assert_threshold(rule, p, day_start.add(weeks=4))
    assert "look back" in finding.message
    with pytest.raises(al.DomainError) as refused:
        p.record(
            by("ana", day_start - SECOND).build(
                al.events.TransitionReviewed, transition_id="t1", how_it_went="Too early to say"
            )
        )
    assert refused.value.field == "occurred_at"
    p.record(
        by("maria", day_start.add(days=9)).build(
            al.events.TransitionReviewed,
            transition_id="t1",
            how_it_went="Sam settled in his second week",
            next_steps="Share the visual timetable with his teacher",
        )
    )
    assert found(rule, p, day_start.add(weeks=10)) == []
    assert found(rules.TransitionsPlannedAhead(), p, day_start.add(weeks=10)) == []


# --- the agreement -----------------------------------------------------------------------------

AGREEMENT = al.model.PartnershipAgreement(
    family_can_expect=("A reply to messages within two working days",),
    service_asks=("Tell us when a session cannot happen",),
    response_times=(
        al.model.ResponseTime(channel=al.model.Channel.MESSAGE, within=pendulum.duration(days=2)),
    ),
    contacts=(
        al.model.ContactRoute(
            purpose="Anything about sessions", member_id="ana", channel=al.model.Channel.PHONE
        ),
    ),
    disagreements="We talk it through at the next meeting; if we cannot agree, the clinic lead "
    "joins us.",
    bottom_lines=("We always act on a concern about a child's safety.",),
)


def test_carers_acknowledge_the_agreement_and_again_after_it_changes() -> None:
    p = partnership()
    rule = rules.AgreementAcknowledgedByCarers()
    assert found(rule, p, T0.add(weeks=20)) == [], "no agreement issued, nothing to acknowledge"
    issued = T0.add(days=1)
    p.record(by("ana", issued).build(al.events.AgreementIssued, version=1, agreement=AGREEMENT))
    maria, ola = assert_threshold(rule, p, issued.add(weeks=2), count=2)
    assert maria.subject.id == "maria"
    assert ola.subject.id == "ola"
    assert "version 1" in maria.message
    p.record(by("maria", issued.add(days=3)).build(al.events.AgreementAcknowledged, version=1))
    (only,) = found(rule, p, issued.add(weeks=3))
    assert only.subject.id == "ola"
    p.record(by("ola", issued.add(days=20)).build(al.events.AgreementAcknowledged, version=1))
    assert found(rule, p, issued.add(weeks=5)) == []
    changed = issued.add(weeks=6)
    p.record(
        by("ana", changed).build(
            al.events.AgreementIssued,
            version=2,
            agreement=AGREEMENT,
            changes="Ana is on leave in August; Ben covers",
        )
    )
    findings = assert_threshold(rule, p, changed.add(weeks=2), count=2)
    assert all("changed" in f.message and "version 2" in f.message for f in findings)


def test_a_carer_who_joins_later_has_weeks_from_joining() -> None:
    p = partnership()
    p.record(by("ana", T0).build(al.events.AgreementIssued, version=1, agreement=AGREEMENT))
    for carer in ("maria", "ola"):
        p.record(by(carer, T0.add(days=1)).build(al.events.AgreementAcknowledged, version=1))
    joined = T0.add(days=30)
    p.record(
        by("ana", joined).build(
            al.events.CarerJoined, member_id="joe", relationship=al.CarerRelationship.PARENT
        )
    )
    (finding,) = assert_threshold(rules.AgreementAcknowledgedByCarers(), p, joined.add(weeks=2))
    assert finding.subject.id == "joe"


# --- celebrations are good news --------------------------------------------------------------


def check_in(p: al.Partnership, day: int, news: tuple[str, ...] = ()) -> None:
    p.record(
        by("ana", T0.add(days=day)).build(
            al.events.CheckInHeld,
            kind=al.model.CheckInKind.DROP_OFF_PICK_UP,
            participants=frozenset({"ana", "maria"}),
            good_news=news,
            concerns=("Tired",),
        )
    )


def celebrate(p: al.Partnership, day: int, actor: str = "ana", **kw: Any) -> None:
    p.record(
        by(actor, T0.add(days=day)).build(
            al.events.SuccessCelebrated,
            description="Sam said 'more juice' at breakfast",
            goal_id="g1",
            **kw,
        )
    )


def test_celebrations_shared_with_the_family_count_as_good_news() -> None:
    p = partnership()
    for day in (1, 8, 15):
        check_in(p, day)
    rule = rules.GoodNewsShared(minimum_share=0.3)
    assert len(found(rule, p, T0.add(days=16))) == 1
    celebrate(p, 16, actor="maria")  # a carer's celebration is not the professionals' news
    celebrate(p, 16, audience=al.model.Audience.professionals())  # not shared with the family
    (finding,) = found(rule, p, T0.add(days=17))
    assert finding.message == (
        "Only 0 of the last 3 contacts with the family shared good news about the child."
    )
    celebrate(p, 17)  # 1 of 4 contacts: still below 0.3
    assert len(found(rule, p, T0.add(days=18))) == 1
    celebrate(p, 18, audience=al.model.Audience.named("maria"))  # 2 of 5
    assert found(rule, p, T0.add(days=19)) == []


def test_celebrations_alone_make_enough_contacts() -> None:
    p = partnership()
    for day in (1, 2, 3):
        celebrate(p, day)
    assert found(rules.GoodNewsShared(minimum_share=1.0), p, T0.add(days=4)) == []


def test_the_new_rules_are_built_in_and_configurable() -> None:
    rule_set = rules.RuleSet.from_config(
        {
            "fidelity-reviewed": {"every": "P2W"},
            "transition-plan": {"agreed_before": "P21D", "severity": "breach"},
            "transition-review": {"within": "P1W"},
            "agreement-acknowledged": {"within": "P5D"},
        }
    )
    by_id = {r.rule_id: r for r in rule_set.rules}
    assert by_id["fidelity-reviewed"] == rules.FidelityReviewed(every=pendulum.duration(weeks=2))
    assert by_id["transition-plan"] == rules.TransitionsPlannedAhead(
        agreed_before=pendulum.duration(days=21), severity=rules.FindingSeverity.BREACH
    )
    assert by_id["transition-review"] == rules.TransitionsReviewedInTime(
        within=pendulum.duration(weeks=1)
    )
    assert by_id["agreement-acknowledged"] == rules.AgreementAcknowledgedByCarers(
        within=pendulum.duration(days=5)
    )
    with pytest.raises(al.MalformedDataError) as bad:
        rules.RuleSet.from_config({"transition-plan": {"agreed_before": "P0D"}})
    assert "agreed_before" in str(bad.value)
