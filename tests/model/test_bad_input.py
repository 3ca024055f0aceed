"""Bad input is refused with a clear error naming the field and the reason, and a refused
command changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import alliance as al
from team import T0, by, goal_shared, story, target


@pytest.fixture
def p() -> al.Partnership:
    """Ana (SLT) and Maria (parent); goal g1 shared; a progress update from Ana open."""
    s = goal_shared(story(), target())
    s.on_day(3).by("ana").record(
        al.events.FeedbackGiven,
        feedback_id="f1",
        kind=al.model.FeedbackKind.PROGRESS_UPDATE,
        message="Two new words today",
    )
    return s.partnership


def refused(p: al.Partnership, event: al.Event, error: type[al.AllianceError], field: str) -> str:
    """Record *event*, expect *error* about *field*, and check nothing was written."""
    before_events, before_state = p.events, p.state.copy()
    with pytest.raises(error) as info:
        p.record(event)
    assert info.value.field == field  # type: ignore[attr-defined]
    assert p.events == before_events
    assert p.state == before_state
    return str(info.value)


# --- constructors ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_empty_names_are_refused(name: str) -> None:
    for cls in (al.Carer, al.Professional, al.Child):
        with pytest.raises(al.ValidationError) as info:
            cls(id="x1", name=name)
        assert info.value.field == "name"
        assert info.value.reason == "must not be empty"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.events.GoalAgreed(goal_id="g1", actor="ana", occurred_at=dt.datetime(2025, 1, 6, 9))
    assert info.value.field == "occurred_at"
    assert "timezone-aware" in info.value.reason


def test_naive_moment_for_as_of_is_refused(p: al.Partnership) -> None:
    with pytest.raises(al.ValidationError) as info:
        p.as_of(dt.datetime(2025, 2, 1))
    assert info.value.field == "moment"


def test_aware_stdlib_datetimes_are_accepted_and_kept_in_utc() -> None:
    event = al.events.GoalAgreed(
        goal_id="g1",
        actor="ana",
        occurred_at=dt.datetime(2025, 7, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )
    assert type(event.occurred_at) is pendulum.DateTime
    assert event.occurred_at == pendulum.datetime(2025, 7, 1, 8)
    assert event.occurred_at.utcoffset() == dt.timedelta(0)


def test_unknown_enum_values_are_refused() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.events.SetbackReported(
            kind="blame",  # type: ignore[arg-type]
            severity=al.model.Severity.MINOR,
            description="Sam was ill",
            actor="ana",
            occurred_at=T0,
        )
    assert info.value.field == "kind"
    assert "SetbackKind.REGRESSION" in info.value.reason


def test_unknown_enum_values_in_stored_data_are_refused() -> None:
    with pytest.raises(al.MalformedDataError) as info:
        al.from_data(
            {
                "type": "SetbackReported",
                "actor": "ana",
                "occurred_at": "2025-01-06T09:00:00+00:00",
                "setback_id": "s1",
                "kind": "blame",
                "severity": "minor",
                "description": "Sam was ill",
                "affected_goals": [],
            },
            al.Event,
        )
    (problem,) = info.value.problems
    assert problem.startswith("'blame' is not a SetbackKind")
    assert problem.endswith("@ $.kind")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"target": 1}, "must differ from the baseline"),
        ({"target": 0}, "must be above the baseline"),
        ({"direction": al.model.Direction.DECREASE}, "must be below the baseline"),
    ],
)
def test_a_target_must_lie_beyond_its_baseline(overrides: dict[str, Any], reason: str) -> None:
    with pytest.raises(al.ValidationError) as info:
        target(**overrides)
    assert info.value.field == "target"
    assert reason in info.value.reason


def test_gas_scale_needs_every_level_once() -> None:
    levels = tuple(al.model.GasLevel(level=n, description=f"level {n}") for n in (-2, -1, 0, 1, 1))
    with pytest.raises(al.ValidationError) as info:
        al.model.GasScale(levels=levels)
    assert info.value.field == "levels"


def test_an_id_with_spaces_is_refused() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.events.GoalAgreed(goal_id="goal one", actor="ana", occurred_at=T0)
    assert info.value.field == "goal_id"


def test_a_single_string_is_not_a_set_of_members() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.events.CommunicationPlanAgreed(
            cadence=pendulum.duration(weeks=1),
            channels=frozenset({al.model.Channel.PHONE}),
            participants="maria",  # type: ignore[arg-type]
            actor="ana",
            occurred_at=T0,
        )
    assert info.value.field == "participants"


def test_observation_needs_a_value_or_a_gas_level() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.events.ProgressRecorded(
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            actor="maria",
            occurred_at=T0,
        )
    assert info.value.field == "value"


# --- commands against the state -------------------------------------------------------


def test_a_due_date_before_the_goal_was_proposed_is_refused(p: al.Partnership) -> None:
    message = refused(
        p,
        by("maria", 4).build(
            al.events.GoalProposed,
            domain=al.model.GoalDomain.MOTOR,
            statement="Sam climbs the stairs with one hand on the rail",
            why_it_matters="Getting to his bedroom on his own",
            target=target(due=pendulum.date(2025, 1, 5)),
        ),
        al.ValidationError,
        "target.due",
    )
    assert "2025-01-05 is before the goal was set (2025-01-10)" in message


def test_progress_for_an_unknown_goal_is_refused(p: al.Partnership) -> None:
    refused(
        p,
        by("maria", 5).build(
            al.events.ProgressRecorded,
            goal_id="nope",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=3,
        ),
        al.UnknownRecordError,
        "goal_id",
    )


def test_progress_for_a_closed_goal_is_refused(p: al.Partnership) -> None:
    p.record(by("ana", 4).build(al.events.GoalAchieved, goal_id="g1"))
    message = refused(
        p,
        by("maria", 5).build(
            al.events.ProgressRecorded,
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=3,
        ),
        al.DomainError,
        "goal_id",
    )
    assert "achieved" in message


def test_agreeing_twice_is_refused(p: al.Partnership) -> None:
    message = refused(
        p,
        by("maria", 5).build(al.events.GoalAgreed, goal_id="g1"),
        al.DomainError,
        "goal_id",
    )
    assert message == "goal_id: 'maria' has already agreed to goal 'g1'"


def test_the_proposer_has_agreed_by_proposing(p: al.Partnership) -> None:
    refused(
        p,
        by("ana", 5).build(al.events.GoalAgreed, goal_id="g1"),
        al.DomainError,
        "goal_id",
    )


def test_responding_to_feedback_that_is_not_open_is_refused(p: al.Partnership) -> None:
    p.record(
        by("maria", 4).build(
            al.events.FeedbackAnswered,
            feedback_id="f1",
            response=al.model.FeedbackResponse.ACKNOWLEDGED,
        )
    )
    message = refused(
        p,
        by("maria", 5).build(
            al.events.FeedbackAnswered,
            feedback_id="f1",
            response=al.model.FeedbackResponse.EXPLAINED,
        ),
        al.DomainError,
        "feedback_id",
    )
    assert "not open" in message


def test_responding_to_unknown_feedback_is_refused(p: al.Partnership) -> None:
    refused(
        p,
        by("maria", 5).build(
            al.events.FeedbackAnswered,
            feedback_id="f9",
            response=al.model.FeedbackResponse.ACKNOWLEDGED,
        ),
        al.UnknownRecordError,
        "feedback_id",
    )


def test_feedback_is_answered_by_the_other_side(p: al.Partnership) -> None:
    refused(
        p,
        by("ana", 5).build(
            al.events.FeedbackAnswered,
            feedback_id="f1",
            response=al.model.FeedbackResponse.ACKNOWLEDGED,
        ),
        al.DomainError,
        "actor",
    )


@pytest.mark.parametrize("kind", [al.model.ObservationKind.SESSION, al.model.ObservationKind.PROBE])
def test_a_carer_cannot_record_session_data(
    p: al.Partnership, kind: al.model.ObservationKind
) -> None:
    message = refused(
        p,
        by("maria", 5).build(
            al.events.ProgressRecorded,
            goal_id="g1",
            setting=al.model.Setting.CLINIC,
            kind=kind,
            value=3,
        ),
        al.DomainError,
        "kind",
    )
    assert "recorded as 'everyday'" in message


def test_someone_outside_the_partnership_cannot_record(p: al.Partnership) -> None:
    refused(
        p,
        by("stranger", 5).build(al.events.ConcernRaised, description="Who is this?"),
        al.NotAMemberError,
        "actor",
    )


def test_nothing_is_recorded_before_the_partnership_was_formed(p: al.Partnership) -> None:
    refused(
        p,
        by("maria", T0.subtract(days=1)).build(al.events.ConcernRaised, description="Too early"),
        al.ValidationError,
        "occurred_at",
    )


def test_nothing_is_recorded_after_closing(p: al.Partnership) -> None:
    p.record(
        by("ana", 4).build(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
        )
    )
    refused(
        p,
        by("maria", 5).build(al.events.ConcernRaised, description="Too late"),
        al.DomainError,
        "event",
    )


def test_record_all_is_all_or_nothing(p: al.Partnership) -> None:
    before_events, before_state = p.events, p.state.copy()
    good = by("maria", 5).build(al.events.ConcernRaised, description="Bedtime")
    bad = by("maria", 5).build(al.events.GoalAgreed, goal_id="nope")
    with pytest.raises(al.UnknownRecordError):
        p.record_all([good, bad])
    assert p.events == before_events
    assert p.state == before_state


# --- malformed and foreign data -------------------------------------------------------

GOOD_EVENT: dict[str, Any] = {
    "type": "GoalAgreed",
    "schema_version": 1,
    "actor": "maria",
    "occurred_at": "2025-01-08T09:00:00+00:00",
    "goal_id": "g1",
    "comment": None,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"goal_id": 7}, "expected a string, got int @ $.goal_id"),
        ({"occurred_at": "2025-01-08T09:00:00"}, "naive datetimes are refused @ $.occurred_at"),
        ({"occurred_at": "yesterday"}, "@ $.occurred_at"),
        ({"colour": "blue"}, "extra fields found (colour) @ $"),
        ({"type": "GoalLiked"}, "unknown event type 'GoalLiked' @ $"),
        ({"schema_version": 2}, "newer than this alliance knows (1); upgrade alliance"),
        ({"goal_id": ""}, "goal_id: must not be empty @ $"),
    ],
)
def test_malformed_events_name_the_path(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(al.MalformedDataError) as info:
        al.from_data({**GOOD_EVENT, **change}, al.Event)
    assert any(problem in p for p in info.value.problems), info.value.problems


def test_a_missing_field_is_named() -> None:
    data = {k: v for k, v in GOOD_EVENT.items() if k != "goal_id"}
    with pytest.raises(al.MalformedDataError) as info:
        al.from_data(data, al.Event)
    assert info.value.problems == ("required field missing @ $.goal_id",)


def test_every_problem_is_listed_with_its_path() -> None:
    data = {
        "type": "GoalProposed",
        "actor": "ana",
        "occurred_at": "2025-01-08T09:00:00+00:00",
        "goal_id": "g2",
        "domain": "hobbies",
        "statement": 5,
        "why_it_matters": "w",
        "target": {
            "metric": "m",
            "unit": "u",
            "baseline": "one",
            "target": 2,
            "direction": "increase",
            "due": "2025-13-01",
        },
    }
    with pytest.raises(al.MalformedDataError) as info:
        al.from_data(data, al.Event)
    paths = sorted(p.rsplit(" @ ", 1)[1] for p in info.value.problems)
    assert paths == ["$.domain", "$.statement", "$.target.baseline", "$.target.due"]


def test_not_json_is_a_malformed_data_error() -> None:
    with pytest.raises(al.MalformedDataError) as info:
        al.loads("{not json", al.Event)
    assert info.value.problems[0].startswith("not valid JSON")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(
    st.one_of(
        JSON,
        st.fixed_dictionaries(
            {"type": st.sampled_from(sorted(al.event_types()))},
            optional=dict.fromkeys(("actor", "occurred_at", "goal_id", "value", "kind"), JSON),
        ),
    )
)
def test_foreign_data_only_ever_raises_malformed_data_error(data: object) -> None:
    with pytest.raises(al.MalformedDataError) as info:
        al.from_data(json.loads(json.dumps(data)), al.Event)
    assert info.value.problems
    assert all(" @ $" in p for p in info.value.problems)


# --- backdating: an event may not be dated before what it depends on --------------------
# Otherwise the events dated up to some moment would not replay, and "as of" reads would
# show states that could never have been recorded.


def test_feedback_about_a_goal_cannot_predate_the_goal(p: al.Partnership) -> None:
    refused(
        p,
        by("maria", T0.add(hours=12)).build(
            al.events.FeedbackGiven,
            kind=al.model.FeedbackKind.HOME_REPORT,
            message="Going well",
            goal_id="g1",
        ),
        al.ValidationError,
        "occurred_at",
    )


def test_a_strategy_cannot_name_a_carer_before_they_joined(p: al.Partnership) -> None:
    p.record(
        by("ana", 5).build(
            al.events.CarerJoined, member_id="david", relationship=al.CarerRelationship.PARENT
        )
    )
    refused(
        p,
        by("ana", 4).build(
            al.events.HomePracticePlanned,
            goal_id="g1",
            description="Snack choices",
            times_per_week=3,
            carers=frozenset({"david"}),
        ),
        al.NotAMemberError,
        "carers",
    )


def test_a_status_change_cannot_predate_the_last_one(p: al.Partnership) -> None:
    p.record(
        by("ana", 4).build(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.ACTIVE
        )
    )
    refused(
        p,
        by("ana", T0.add(days=3, hours=23)).build(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.PAUSED
        ),
        al.ValidationError,
        "occurred_at",
    )


def test_a_position_on_a_goal_cannot_predate_your_last_one(p: al.Partnership) -> None:
    p.record(by("maria", 5).build(al.events.GoalObjected, goal_id="g1", reason="Too soon"))
    refused(
        p,
        by("maria", 4).build(al.events.GoalConcernNoted, goal_id="g1", reason="Unsure"),
        al.ValidationError,
        "occurred_at",
    )
