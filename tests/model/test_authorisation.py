"""Authorisation: each role records what fits it under RolePolicy; every refusal raises
PermissionDenied naming actor, action and reason, and writes nothing."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pendulum
import pytest
from hypothesis import given, settings

import alliance as al
from alliance.testing import strategies as s
from team import LATER, build, by, story, target


def school_observation(
    goal_id: str = "g1", actor: str = "tess", when: float = 10
) -> al.events.ProgressRecorded:
    return by(actor, when).build(
        al.events.ProgressRecorded,
        goal_id=goal_id,
        setting=al.model.Setting.SCHOOL,
        kind=al.model.ObservationKind.EVERYDAY,
        value=4,
    )


def denied(p: al.Partnership, event: al.Event) -> al.PermissionDenied:
    """Record *event*; it must raise PermissionDenied and change nothing (single and in
    a batch)."""
    events, state, version = p.events, p.state.copy(), p.version
    with pytest.raises(al.PermissionDenied) as caught:
        p.record(event)
    assert (p.events, p.state, p.version) == (events, state, version)
    with pytest.raises(al.PermissionDenied):
        p.record_all([event])
    assert (p.events, p.state, p.version) == (events, state, version)
    error = caught.value
    assert error.actor == event.actor
    assert error.action == type(event).type_name
    assert error.reason
    assert event.actor in str(error)
    assert error.action in str(error)
    return error


# --- what each role may not do ------------------------------------------------------------

# Events a carer (maria) may not record: professionals' work.
CARER_REFUSED: dict[str, Callable[[], al.Event]] = {
    "revise a goal": lambda: by("maria").build(
        al.events.GoalRevised,
        goal_id="g1",
        statement="New",
        why_it_matters="Still",
        target=target(),
        reason=al.model.RevisionReason.CHANGING_NEEDS,
        explanation="Because",
    ),
    "put a goal on hold": lambda: by("maria").build(
        al.events.GoalPutOnHold, goal_id="g1", reason="Ill"
    ),
    "achieve a goal": lambda: by("maria").build(al.events.GoalAchieved, goal_id="g1"),
    "discontinue a goal": lambda: by("maria").build(
        al.events.GoalDiscontinued, goal_id="g1", reason="x"
    ),
    "record a clinic observation": lambda: by("maria").build(
        al.events.ProgressRecorded,
        goal_id="g1",
        setting=al.model.Setting.CLINIC,
        kind=al.model.ObservationKind.EVERYDAY,
        value=1,
    ),
    "record a school observation": lambda: school_observation(actor="maria"),
    "correct someone else's observation": lambda: by("maria").build(
        al.events.ProgressCorrected, observation_id="o2", reason="typo", value=1
    ),
    "plan a setback response": lambda: by("maria").build(
        al.events.SetbackResponsePlanned, setback_id="s1", changes="Fewer sessions"
    ),
    "resolve a setback": lambda: by("maria").build(
        al.events.SetbackResolved, setback_id="s1", resolution="ok"
    ),
    "resolve a concern": lambda: by("maria").build(
        al.events.ConcernResolved, concern_id="c1", agreed="x"
    ),
    "escalate a concern": lambda: by("maria").build(
        al.events.ConcernEscalated, concern_id="c1", escalated_to="lead", reason="x"
    ),
    "close the partnership": lambda: by("maria").build(
        al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
    ),
    "pause the partnership": lambda: by("maria").build(
        al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.PAUSED
    ),
    "plan home practice": lambda: by("maria").build(
        al.events.HomePracticePlanned,
        goal_id="g1",
        description="x",
        times_per_week=2,
        carers=frozenset({"maria"}),
    ),
    "adapt home practice": lambda: by("maria").build(
        al.events.HomePracticeAdapted,
        strategy_id="hp1",
        description="x",
        times_per_week=2,
        reason="x",
    ),
    "add a member": lambda: by("maria").build(
        al.events.CarerJoined, member_id="david", relationship=al.CarerRelationship.PARENT
    ),
    "make someone else leave": lambda: by("maria").build(al.events.MemberLeft, member_id="tess"),
    "complete someone else's action item": lambda: by("maria").build(
        al.events.ActionItemCompleted, action_item_id="a2"
    ),
    "change the settings": lambda: by("maria").build(
        al.events.SettingsChanged, settings=frozenset({al.model.Setting.HOME})
    ),
    "share a resource": lambda: by("maria").build(
        al.events.ResourceShared,
        kind=al.model.ResourceKind.HANDOUT,
        title="x",
        language="en",
        shared_with=frozenset({"maria"}),
    ),
    "record a check-in": lambda: by("maria").build(
        al.events.CheckInHeld,
        kind=al.model.CheckInKind.MEETING,
        participants=frozenset({"ana", "maria"}),
    ),
}


@pytest.mark.parametrize("make", CARER_REFUSED.values(), ids=CARER_REFUSED.keys())
def test_a_carer_is_refused_professionals_work(make: Callable[[], al.Event]) -> None:
    p = build(al.RolePolicy())
    event = make()
    al.Partnership.from_events(p.events, policy=al.AllowAll()).record(event)  # the model accepts it
    denied(p, event)


# Events a teacher (tess, an educator) may not record.
EDUCATOR_REFUSED: dict[str, Callable[[], al.Event]] = {
    "propose a goal": lambda: by("tess").build(
        al.events.GoalProposed,
        domain=al.model.GoalDomain.COMMUNICATION,
        statement="x",
        why_it_matters="x",
        target=target(),
    ),
    "agree to a goal": lambda: by("tess").build(al.events.GoalAgreed, goal_id="g1"),
    "object to a goal": lambda: by("tess").build(al.events.GoalObjected, goal_id="g1", reason="x"),
    "give feedback": lambda: by("tess").build(
        al.events.FeedbackGiven, kind=al.model.FeedbackKind.PROGRESS_UPDATE, message="x"
    ),
    "report a setback": lambda: by("tess").build(
        al.events.SetbackReported,
        kind=al.model.SetbackKind.REGRESSION,
        severity=al.model.Severity.MINOR,
        description="x",
    ),
    "raise a concern": lambda: by("tess").build(al.events.ConcernRaised, description="x"),
    "revise a goal": lambda: by("tess").build(
        al.events.GoalRevised,
        goal_id="g1",
        statement="New",
        why_it_matters="Still",
        target=target(),
        reason=al.model.RevisionReason.CHANGING_NEEDS,
        explanation="Because",
    ),
    "close the partnership": lambda: by("tess").build(
        al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
    ),
    "record a clinic observation": lambda: by("tess").build(
        al.events.ProgressRecorded,
        goal_id="g1",
        setting=al.model.Setting.CLINIC,
        kind=al.model.ObservationKind.SESSION,
        value=1,
    ),
    "record a school observation without consent": school_observation,
    "correct someone else's observation": lambda: by("tess").build(
        al.events.ProgressCorrected, observation_id="o1", reason="typo", value=1
    ),
}


@pytest.mark.parametrize("make", EDUCATOR_REFUSED.values(), ids=EDUCATOR_REFUSED.keys())
def test_an_educator_is_refused_all_but_school_observations(make: Callable[[], al.Event]) -> None:
    p = build(al.RolePolicy())
    event = make()
    al.Partnership.from_events(p.events, policy=al.AllowAll()).record(event)  # the model accepts it
    denied(p, event)


def test_a_professional_may_not_grant_consent_for_the_family() -> None:
    # The model itself refuses it (consent is the family's), under any policy.
    p = build(al.RolePolicy())
    events = p.events
    with pytest.raises(al.DomainError, match="carer grants it"):
        p.record(by("ana").build(al.events.ConsentGranted, party=al.model.SCHOOL))
    assert p.events == events


def test_a_non_member_is_refused_before_the_policy() -> None:
    p = build(al.RolePolicy())
    events = p.events
    with pytest.raises(al.NotAMemberError):
        p.record(by("stranger").build(al.events.GoalAgreed, goal_id="g1"))
    assert p.events == events


def test_the_policy_refuses_a_former_member() -> None:
    # Called directly, the policy refuses someone who is no longer a member.
    p = build(al.RolePolicy())
    p.record(by("tess").build(al.events.MemberLeft, member_id="tess"))
    with pytest.raises(al.PermissionDenied, match="not a current member"):
        al.RolePolicy().authorise(p.state, school_observation())


# --- what each role may do -------------------------------------------------------------


def test_a_carer_does_the_carers_part() -> None:
    p = build(al.RolePolicy())
    p.record_all(
        [
            by("maria").build(
                al.events.GoalProposed,
                goal_id="g3",
                domain=al.model.GoalDomain.SELF_CARE,
                statement="Sam puts on shoes",
                why_it_matters="Mornings",
                target=target(),
            ),
            by("maria").build(al.events.GoalConcernNoted, goal_id="g2", reason="Too fast"),
            by("maria").build(al.events.GoalObjected, goal_id="g2", reason="Not now"),
            by("maria").build(al.events.GoalAgreed, goal_id="g2"),
            by("maria").build(
                al.events.ProgressRecorded,
                observation_id="o3",
                goal_id="g1",
                setting=al.model.Setting.COMMUNITY,
                kind=al.model.ObservationKind.EVERYDAY,
                value=1,
            ),
            by("maria").build(
                al.events.ProgressCorrected, observation_id="o1", reason="typo", value=3
            ),
            by("maria").build(al.events.PracticeLogged, strategy_id="hp1", done=True),
            by("maria").build(
                al.events.FeedbackAnswered,
                feedback_id="f1",
                response=al.model.FeedbackResponse.ACKNOWLEDGED,
            ),
            by("maria").build(
                al.events.FeedbackGiven, kind=al.model.FeedbackKind.HOME_REPORT, message="Good"
            ),
            by("maria").build(
                al.events.SetbackReported,
                kind=al.model.SetbackKind.REGRESSION,
                severity=al.model.Severity.MINOR,
                description="Ill",
            ),
            by("maria").build(al.events.ConcernRaised, description="Timing"),
            by("maria").build(al.events.ActionItemCompleted, action_item_id="a1"),
            by("maria").build(al.events.ConsentGranted, consent_id="k1", party=al.model.SCHOOL),
            by("maria").build(al.events.ConsentWithdrawn, consent_id="k1"),
        ]
    )
    assert p.state.last_event_at == LATER


def test_a_professional_does_the_professionals_part() -> None:
    p = build(al.RolePolicy())
    p.record_all(
        [
            by("ana").build(
                al.events.SetbackResponsePlanned, setback_id="s1", changes="Shorter sessions"
            ),
            by("ana").build(al.events.SetbackReviewed, setback_id="s1", note="Better"),
            by("ana").build(al.events.SetbackResolved, setback_id="s1", resolution="Done"),
            by("ana").build(
                al.events.GoalRevised,
                goal_id="g2",
                statement="New",
                why_it_matters="Still",
                target=target(),
                reason=al.model.RevisionReason.CHANGING_NEEDS,
                explanation="Because",
            ),
            by("ana").build(
                al.events.ProgressRecorded,
                goal_id="g1",
                setting=al.model.Setting.CLINIC,
                kind=al.model.ObservationKind.SESSION,
                value=5,
            ),
            by("ana").build(al.events.ActionItemCompleted, action_item_id="a1"),
            by("ana").build(al.events.ConcernResolved, concern_id="c1", agreed="Less homework"),
            by("ana").build(
                al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
            ),
        ]
    )
    assert p.state.status is al.model.PartnershipStatus.CLOSED


def test_a_teacher_records_at_school_only_while_a_carer_consents() -> None:
    p = build(al.RolePolicy())
    denied(p, school_observation())
    p.record(
        by("maria", 5).build(
            al.events.ConsentGranted,
            consent_id="k1",
            party=al.model.SCHOOL,
            goal_ids=frozenset({"g1"}),
        )
    )
    assert al.model.shared_with_school(p.state, "g1", "tess", LATER)
    observation = p.record(school_observation())
    error = denied(p, school_observation(goal_id="g2"))  # not covered by the consent
    assert "not shared with the school" in error.reason
    # The teacher corrects their own observation while the consent holds.
    p.record(
        by("tess").build(
            al.events.ProgressCorrected,
            observation_id=observation.observation_id,
            reason="typo",
            value=5,
        )
    )
    p.record(by("maria", 11).build(al.events.ConsentWithdrawn, consent_id="k1"))
    # Withdrawal stops further sharing from that moment...
    denied(p, school_observation(when=12))
    denied(
        p,
        by("tess", 12).build(
            al.events.ProgressCorrected,
            observation_id=observation.observation_id,
            reason="again",
            value=6,
        ),
    )
    # ... and the history shows both.
    consent = p.state.consents["k1"]
    assert (consent.granted_by, consent.withdrawn_by) == ("maria", "maria")
    assert [type(e).__name__ for e in p.events[-3:]] == [
        "ProgressRecorded",
        "ProgressCorrected",
        "ConsentWithdrawn",
    ]


def test_a_consent_naming_the_teacher_shares_with_that_teacher_only() -> None:
    p = build(al.RolePolicy())
    p.record(
        by("ana").build(
            al.events.ProfessionalJoined,
            member_id="tom",
            discipline=al.Discipline.TEACHING,
            role=al.ProfessionalRole.EDUCATOR,
        )
    )
    p.record(by("maria").build(al.events.ConsentGranted, party="tess"))
    p.record(school_observation(goal_id="g2"))
    denied(p, school_observation(goal_id="g2", actor="tom"))


def test_a_teacher_may_leave_and_complete_their_own_items() -> None:
    p = build(al.RolePolicy())
    p.record(by("tess").build(al.events.MemberLeft, member_id="tess"))
    assert "tess" not in p.state.current_members()


def test_the_founder_adds_members_while_forming_whatever_their_side() -> None:
    forming = story(
        founder="maria",
        partnership_id="p",
        clinic_id="c",
        time_zone="UTC",
        policy=al.RolePolicy(),
    )
    forming.record(
        al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT
    )
    forming.record(al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.ABA)
    p = forming.partnership
    assert p.state.current_members() == {"maria", "ana"}


# --- policies, defaults and storage ------------------------------------------------------


def test_the_default_policy_is_the_roles_and_allow_all_opts_out() -> None:
    p = build()
    assert isinstance(p.policy, al.RolePolicy)
    closing = by("maria").build(
        al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
    )
    denied(p, closing)
    formed = p.events[0]
    assert isinstance(formed, al.events.PartnershipFormed)
    assert isinstance(al.Partnership.form(formed).policy, al.RolePolicy)
    assert isinstance(al.Partnership.from_events(p.events).policy, al.RolePolicy)
    opted_out = al.Partnership.from_events(p.events, policy=al.AllowAll())
    opted_out.record(closing)
    assert opted_out.state.status is al.model.PartnershipStatus.CLOSED


def test_a_batch_with_one_refused_event_writes_none_of_it() -> None:
    p = build(al.RolePolicy())
    events, state = p.events, p.state.copy()
    with pytest.raises(al.PermissionDenied):
        p.record_all(
            [
                by("maria").build(
                    al.events.FeedbackGiven, kind=al.model.FeedbackKind.HOME_REPORT, message="ok"
                ),
                by("maria").build(al.events.GoalAchieved, goal_id="g1"),
            ]
        )
    assert (p.events, p.state) == (events, state)


def test_permission_denied_pickles_and_is_an_alliance_error() -> None:
    error = al.PermissionDenied("maria", "GoalRevised", "revising is for professionals")
    again = pickle.loads(pickle.dumps(error))
    assert (again.actor, again.action, again.reason) == ("maria", "GoalRevised", error.reason)
    assert isinstance(again, al.AllianceError)
    assert str(again) == str(error)


def test_a_refused_update_writes_nothing_to_the_store() -> None:
    store = al.open_store("memory://", clinic_id="c-1")
    p = build()
    store.append("p-1", p.events, expected_version=0)
    before = store.load("p-1")

    def close(partnership: al.Partnership) -> None:
        partnership.record(
            by("maria").build(
                al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
            )
        )

    with pytest.raises(al.PermissionDenied):
        al.update(store, "p-1", close, policy=al.RolePolicy())
    assert store.load("p-1") == before
    loaded = al.load_partnership(store, "p-1", policy=al.RolePolicy())
    assert isinstance(loaded.policy, al.RolePolicy)


def test_start_partnership_authorises_its_events() -> None:
    store = al.open_store("memory://", clinic_id="c-1")
    p = build()
    formed, *rest = p.events
    assert isinstance(formed, al.events.PartnershipFormed)
    closing = by("maria").build(
        al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
    )
    with pytest.raises(al.PermissionDenied):
        al.start_partnership(store, formed, [*rest, closing], policy=al.RolePolicy())
    assert store.load("p-1") == ()


@settings(max_examples=25)
@given(s.partnership_histories(max_events=30))
def test_a_policy_never_changes_how_stored_history_folds(events: list[al.Event]) -> None:
    # Loading folds without authorising: RolePolicy applies only to new events.
    assert al.Partnership.from_events(events, policy=al.RolePolicy()).state == (
        al.Partnership.from_events(events).state
    )


def test_a_professional_may_not_act_on_a_record_kept_from_them() -> None:
    p = build(al.RolePolicy())
    p.record(
        by("ana").build(al.events.ProfessionalJoined, member_id="bo", discipline=al.Discipline.ABA)
    )
    p.record(
        by("maria").build(
            al.events.ConcernRaised,
            concern_id="c9",
            description="For Ana only",
            audience=al.model.Audience.named("ana"),
        )
    )
    p.record(
        by("maria").build(
            al.events.SetbackReported,
            setback_id="s9",
            kind=al.model.SetbackKind.REGRESSION,
            severity=al.model.Severity.MINOR,
            description="For the team",
            audience=al.model.Audience.professionals(),
        )
    )
    for event in (
        by("bo").build(al.events.ConcernResolved, concern_id="c9", agreed="x"),
        by("bo").build(
            al.events.ConcernEscalated, concern_id="c9", escalated_to="lead", reason="x"
        ),
    ):
        assert "not shared with them" in denied(p, event).reason
    p.record(by("ana").build(al.events.ConcernResolved, concern_id="c9", agreed="Talked"))
    p.record(by("bo").build(al.events.SetbackResponsePlanned, setback_id="s9", changes="Shorter"))
    p.record(by("bo").build(al.events.SetbackReviewed, setback_id="s9", note="Better"))
    p.record(by("bo").build(al.events.SetbackResolved, setback_id="s9", resolution="Done"))


def test_nobody_acts_on_a_record_whose_audience_leaves_them_out() -> None:
    p = build(al.RolePolicy())
    p.record(
        by("ana").build(al.events.ProfessionalJoined, member_id="bo", discipline=al.Discipline.ABA)
    )
    p.record(
        by("ana").build(al.events.ProfessionalJoined, member_id="cy", discipline=al.Discipline.ABA)
    )
    p.record_all(
        [
            by("maria").build(
                al.events.FeedbackGiven,
                feedback_id="f9",
                kind=al.model.FeedbackKind.HOME_REPORT,
                message="For Ana only",
                audience=al.model.Audience.named("ana"),
            ),
            by("ana").build(
                al.events.ProgressRecorded,
                observation_id="o9",
                goal_id="g1",
                setting=al.model.Setting.CLINIC,
                kind=al.model.ObservationKind.SESSION,
                value=5,
                audience=al.model.Audience.named("ana"),
            ),
            by("ana").build(
                al.events.CheckInHeld,
                check_in_id="ci9",
                kind=al.model.CheckInKind.MEETING,
                participants=frozenset({"ana", "bo", "maria"}),
                action_items=(
                    al.model.ActionItem(
                        action_item_id="a9",
                        description="Bo's item",
                        owner="bo",
                        due=pendulum.date(2025, 3, 1),
                    ),
                    al.model.ActionItem(
                        action_item_id="a10",
                        description="Maria's item, in a note she cannot see",
                        owner="maria",
                        due=pendulum.date(2025, 3, 1),
                    ),
                ),
                audience=al.model.Audience.named("bo"),
            ),
        ]
    )
    refused = [
        (
            by("bo").build(
                al.events.FeedbackAnswered,
                feedback_id="f9",
                response=al.model.FeedbackResponse.ACKNOWLEDGED,
            ),
            "feedback",
        ),
        (
            by("bo").build(
                al.events.ProgressCorrected, observation_id="o9", value=4, reason="typo"
            ),
            "observation",
        ),
        (
            by("bo").build(al.events.SuccessCelebrated, description="Yay", observation_id="o9"),
            "observation",
        ),
        (by("cy").build(al.events.ActionItemCompleted, action_item_id="a10"), "check-in"),
    ]
    for event, what in refused:
        reason = denied(p, event).reason
        assert reason == f"the {what} is not shared with them (its audience leaves them out)"
    # Those the audience includes may act on it.
    p.record(
        by("ana").build(
            al.events.FeedbackAnswered,
            feedback_id="f9",
            response=al.model.FeedbackResponse.ACKNOWLEDGED,
        )
    )
    p.record(
        by("ana").build(al.events.ProgressCorrected, observation_id="o9", value=4, reason="typo")
    )
    p.record(by("ana").build(al.events.SuccessCelebrated, description="Yay", observation_id="o9"))
    p.record(by("bo").build(al.events.ActionItemCompleted, action_item_id="a9"))
    # An item's owner completes it even when the check-in's note is not shared with them.
    p.record(by("maria").build(al.events.ActionItemCompleted, action_item_id="a10"))


def test_the_sample_and_the_synthetic_clinic_follow_the_role_rules() -> None:
    """Both are built under RolePolicy: every event they record fits its actor's role
    (a carer shares the goals with the school before the teacher records)."""
    from alliance.demo import sample_partnership  # noqa: PLC0415
    from alliance.synthetic import synthetic_clinic  # noqa: PLC0415

    sample = sample_partnership()
    assert isinstance(sample.policy, al.RolePolicy)
    assert sample.state.coaching
    assert sample.state.transitions
    assert sample.state.celebrations
    clinic = list(synthetic_clinic(seed=3, partnerships=8))
    assert all(isinstance(p.policy, al.RolePolicy) for p in clinic)
    assert any(p.state.consents for p in clinic), "some children have a teacher"
