"""Four months of one partnership, read back at several dates.

The story is :func:`alliance.demo.sample_partnership`: Sam (5), his speech and language
therapist Ana, his parents Maria and David in two households, and later his teacher.
They form the partnership in January, agree goals together, record weekly
observations, give feedback both ways, practise at home, weather an illness and a
house move (a setback with a response plan), revise one goal and achieve the other.
"""

from __future__ import annotations

import pendulum
import pytest

import alliance as al
from alliance.demo import sample_partnership

LONDON = "Europe/London"


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2025, month, day, hour, minute, tz=LONDON)


@pytest.fixture(scope="module")
def sam() -> al.Partnership:
    return sample_partnership()


def test_forming_the_partnership(sam: al.Partnership) -> None:
    state = sam.as_of(at(1, 10))
    assert state.status is al.model.PartnershipStatus.ACTIVE
    assert state.carers == {"maria", "david"}
    assert state.professionals == {"ana"}
    assert state.members["maria"].relationship is al.CarerRelationship.PARENT
    assert state.communication_plan is not None
    assert state.communication_plan.cadence == pendulum.duration(weeks=2)
    intake = state.check_ins["intake"]
    assert intake.purpose is al.model.CheckInPurpose.INTAKE
    assert {"maria", "david"} <= intake.participants
    assert state.goals == {}


def test_goals_become_shared_only_when_a_carer_and_a_professional_agree(
    sam: al.Partnership,
) -> None:
    state = sam.as_of(at(1, 14, 12))
    requests = state.goals["g-requests"]
    assert requests.status is al.model.GoalStatus.ACTIVE
    assert requests.proposed_by == "maria"
    assert requests.members_with(al.model.Position.AGREED) == {"maria", "ana"}

    dressing = state.goals["g-dressing"]
    assert dressing.status is al.model.GoalStatus.PROPOSED
    assert dressing.positions["david"].position is al.model.Position.CONCERNED
    assert dressing.positions["david"].reason == "Ten minutes feels too fast for my mornings"

    later = sam.as_of(at(1, 14, 19))
    assert later.goals["g-dressing"].status is al.model.GoalStatus.ACTIVE
    assert later.goals["g-dressing"].shared_at == at(1, 14, 18)


def test_feedback_flows_both_ways_and_loops_close(sam: al.Partnership) -> None:
    state = sam.as_of(at(2, 13))
    update = state.feedback["fb-update-1"]
    assert update.kind is al.model.FeedbackKind.PROGRESS_UPDATE
    assert update.answer is not None
    assert update.answer.answered_by == "maria"
    assert update.open_for(at(2, 13)) == pendulum.duration(hours=3)

    (home_report,) = state.open_feedback()
    assert home_report.feedback_id == "fb-home-1"
    assert home_report.given_by == "david"
    assert home_report.open_for(at(2, 13, 20)) == pendulum.duration(days=1)
    assert state.strategies["s-choices"].adaptations == ()

    after = sam.as_of(at(2, 15))
    assert after.open_feedback() == []
    assert after.feedback["fb-home-1"].answer is not None
    assert after.feedback["fb-home-1"].answer.response is al.model.FeedbackResponse.STRATEGY_ADAPTED
    (adaptation,) = after.strategies["s-choices"].adaptations
    assert "three seconds" in after.strategies["s-choices"].description
    assert adaptation.adapted_by == "ana"


def test_a_setback_is_answered_with_a_plan(sam: al.Partnership) -> None:
    state = sam.as_of(at(3, 10))
    (setback,) = state.open_setbacks()
    assert setback.kind is al.model.SetbackKind.ILLNESS
    assert setback.affected_goals == {"g-requests", "g-dressing"}
    assert setback.response_plan is not None
    assert [step.owner for step in setback.response_plan.steps] == ["ana", "maria"]
    assert setback.reviews == ()
    # Progress is not linear: the latest clinic sessions dipped after the illness.
    values = [
        o.value
        for o in state.observations_for("g-requests")
        if o.setting is al.model.Setting.CLINIC
    ]
    assert values[-1] is not None
    assert values[-3] is not None
    assert values[-1] < values[-3]


def test_a_goal_revised_after_the_setback_keeps_its_earlier_version(sam: al.Partnership) -> None:
    awaiting = sam.as_of(at(3, 17, 17, 30)).goals["g-dressing"]
    assert awaiting.status is al.model.GoalStatus.PROPOSED
    assert [v.number for v in awaiting.versions] == [1, 2]
    assert awaiting.versions[0].target.target == 10
    assert awaiting.current.target.target == 12
    assert awaiting.current.revision_reason is al.model.RevisionReason.SETBACK
    assert awaiting.members_with(al.model.Position.AGREED) == {"ana"}

    agreed = sam.as_of(at(3, 18, 12)).goals["g-dressing"]
    assert agreed.status is al.model.GoalStatus.ACTIVE
    assert agreed.shared_at == at(1, 14, 18), "first shared in January"
    assert agreed.status_changed_at.date() == pendulum.date(2025, 3, 18)


def test_where_everything_stands_at_the_end(sam: al.Partnership) -> None:
    state = sam.as_of(at(5, 1))
    assert state == sam.state
    requests = state.goals["g-requests"]
    assert requests.status is al.model.GoalStatus.ACHIEVED
    assert requests.status.fhir_lifecycle_status == "completed"
    assert state.goals["g-dressing"].status is al.model.GoalStatus.ACTIVE
    assert state.open_setbacks() == []
    assert state.setbacks["sb-illness"].resolution is not None
    assert state.professionals == {"ana", "okafor"}
    settings = {o.setting for o in state.observations_for("g-requests")}
    assert settings == {al.model.Setting.CLINIC, al.model.Setting.SCHOOL}
    assert len(state.observations_for("g-dressing")) == 15
    skipped = [e for e in state.practice_log.values() if not e.done]
    assert len(skipped) == 2
    assert state.action_items["ai-photos"].completed_at is not None
    assert [f.feedback_id for f in state.open_feedback()] == ["fb-update-2"]


def test_the_timeline_survives_serialization(sam: al.Partnership) -> None:
    stored = [al.dumps(event) for event in sam.events]
    again = al.Partnership.from_events(al.loads(text, al.Event) for text in stored)
    assert again.events == sam.events
    assert again.state == sam.state
    assert again.as_of(at(3, 10)) == sam.as_of(at(3, 10))
