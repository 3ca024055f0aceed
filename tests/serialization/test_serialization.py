"""Examples for the converter: the exact shapes stored data takes, and upcasting."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
import pytest

import alliance as al
from alliance import serialization
from alliance.model import event as events_module

T0 = pendulum.datetime(2025, 3, 30, 0, 30, tz="Europe/London")

# Stored data names event types: renaming one would orphan every stored event of it.
STORED_TYPE_NAMES = {
    "ActionItemCompleted", "CarerJoined", "CheckInHeld", "CommunicationPlanAgreed",
    "ConcernEscalated", "ConcernRaised", "ConcernResolved", "ConsentGranted", "ConsentWithdrawn",
    "TransitionCancelled",
    "FeedbackAnswered",
    "FeedbackGiven", "GoalAchieved", "GoalAgreed", "GoalConcernNoted", "GoalDiscontinued",
    "GoalObjected", "GoalProposed", "GoalPutOnHold", "GoalResumed", "GoalRevised",
    "HomePracticeAdapted", "HomePracticePlanned", "HomePracticeStopped", "MeasureCompleted",
    "MemberLeft",
    "PartnershipFormed", "PartnershipStatusChanged", "PracticeLogged", "ProfessionalJoined",
    "ProgressCorrected", "ProgressRecorded", "ResourceShared", "SettingsChanged",
    "SetbackReported", "SetbackResolved", "SetbackResponsePlanned", "SetbackReviewed",
    # the family's side (issue 10)
    "AgreementAcknowledged", "AgreementIssued", "CoachingSessionHeld", "EducationAttended",
    "FidelityChecklistSet", "SuccessCelebrated", "SupportOffered", "TransitionAnnounced",
    "TransitionInformationShared", "TransitionPlanAgreed", "TransitionRescheduled",
    "TransitionReviewed", "WellbeingNoted",
}  # fmt: skip


def test_event_type_names_are_stable() -> None:
    built_in = {n for n, c in al.event_types().items() if c.__module__.startswith("alliance.")}
    assert built_in == STORED_TYPE_NAMES


def test_an_event_is_a_tagged_versioned_object() -> None:
    event = al.events.CommunicationPlanAgreed(
        cadence=pendulum.duration(weeks=2),
        channels=frozenset(
            {al.model.Channel.VIDEO, al.model.Channel.MESSAGE, al.model.Channel.EMAIL}
        ),
        participants=frozenset({"maria", "ana", "david"}),
        actor="ana",
        occurred_at=T0,
    )
    assert al.to_data(event) == {
        "type": "CommunicationPlanAgreed",
        "schema_version": 1,
        "actor": "ana",
        "occurred_at": "2025-03-30T00:30:00+00:00",
        "cadence": "P14D",
        "channels": ["email", "message", "video"],
        "participants": ["ana", "david", "maria"],
    }


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (pendulum.duration(weeks=1), "P7D"),
        (pendulum.duration(months=1), "P1M"),
        (pendulum.duration(years=1, months=2, days=3), "P1Y2M3D"),
        (pendulum.duration(hours=36), "P1DT12H"),
        (pendulum.duration(minutes=90, seconds=1.25), "PT1H30M1.25S"),
        (pendulum.duration(), "PT0S"),
    ],
)
def test_durations_are_iso_8601(duration: pendulum.Duration, text: str) -> None:
    assert al.to_data(duration) == text
    back = al.from_data(text, pendulum.Duration)
    assert al.to_data(back) == text
    assert (back.years, back.months) == (duration.years, duration.months)


@pytest.mark.parametrize("text", ["P", "PT", "P1DT", "1D", "P-1D", "P1.5D", 14])
def test_bad_durations_are_refused(text: object) -> None:
    with pytest.raises(al.MalformedDataError):
        al.from_data(text, pendulum.Duration)


def test_weeks_in_stored_durations_are_read() -> None:
    assert al.from_data("P2W", pendulum.Duration) == pendulum.duration(weeks=2)


def test_pendulum_types_come_back_as_pendulum_types() -> None:
    child = al.Child(id="sam", name="Sam", date_of_birth=pendulum.date(2019, 9, 14))
    back = al.from_data(al.to_data(child), al.Child)
    assert type(back.date_of_birth) is pendulum.Date
    event = al.from_data(
        al.to_data(al.events.GoalResumed(goal_id="g1", actor="ana", occurred_at=T0)), al.Event
    )
    assert type(event.occurred_at) is pendulum.DateTime
    assert event.occurred_at == T0


def test_equal_objects_give_identical_json() -> None:
    a = al.events.ResourceShared(
        resource_id="r1",
        kind=al.model.ResourceKind.HANDOUT,
        title="Waiting games",
        language="es",
        shared_with=frozenset({"maria", "david", "ana"}),
        actor="ana",
        occurred_at=T0,
    )
    b = attrs.evolve(a, shared_with=frozenset(["ana", "maria", "david"]))
    assert al.dumps(a) == al.dumps(b)


def test_upcasters_upgrade_old_payloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend GoalAgreed's ``comment`` was once called ``note`` (schema version 1)."""
    monkeypatch.setattr(al.events.GoalAgreed, "schema_version", 2)
    monkeypatch.setattr(serialization, "_UPCASTERS", dict(serialization._UPCASTERS))

    @al.upcaster("GoalAgreed", from_version=1)
    def rename_note(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["comment"] = data.pop("note")
        return data

    stored_v1 = {
        "type": "GoalAgreed",
        "schema_version": 1,
        "actor": "maria",
        "occurred_at": "2025-01-08T09:00:00+00:00",
        "goal_id": "g1",
        "note": "Happy to try",
    }
    event = al.from_data(stored_v1, al.Event)
    assert event == al.events.GoalAgreed(
        goal_id="g1",
        comment="Happy to try",
        actor="maria",
        occurred_at=pendulum.datetime(2025, 1, 8, 9),
    )
    assert al.to_data(event)["schema_version"] == 2


def test_a_missing_upcaster_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(al.events.GoalAgreed, "schema_version", 3)
    stored_v1 = {
        "type": "GoalAgreed",
        "schema_version": 1,
        "actor": "maria",
        "occurred_at": "2025-01-08T09:00:00+00:00",
        "goal_id": "g1",
    }
    with pytest.raises(al.MalformedDataError) as info:
        al.from_data(stored_v1, al.Event)
    assert "no upcaster for GoalAgreed from schema_version 1" in str(info.value)


def test_a_plugin_event_type_is_registered_by_defining_it() -> None:
    @attrs.frozen(kw_only=True)
    class TransitionPlanned(al.Event):
        type_name = "example.TransitionPlanned"
        permission = al.events.Permission(act="planning a transition", professional=True)
        setting: al.model.Setting = attrs.field()

        def check(self, state: al.PartnershipState) -> None:
            pass

        def apply(self, state: al.PartnershipState) -> None:
            pass

    try:
        event = TransitionPlanned(setting=al.model.Setting.SCHOOL, actor="ana", occurred_at=T0)
        data = al.to_data(event)
        assert data["type"] == "example.TransitionPlanned"
        assert al.from_data(data, al.Event) == event
    finally:
        del events_module._EVENT_TYPES["example.TransitionPlanned"]


def test_two_event_types_cannot_share_a_name() -> None:
    with pytest.raises(TypeError, match="already used"):

        @attrs.frozen(kw_only=True)
        class GoalAgreed(al.Event):  # a plugin's class that clashes with ours
            pass

    assert al.event_types()["GoalAgreed"] is al.events.GoalAgreed


def test_a_child_stored_before_identifiers_existed_still_reads() -> None:
    old = {"id": "sam", "name": "Sam", "date_of_birth": "2019-09-14", "preferred_language": "en"}
    child = al.from_data(old, al.Child)
    assert child.identifiers == ()
    mrn = al.model.PersonIdentifier(system="https://clinic.example/mrn", value="MRN-0042")
    with_mrn = attrs.evolve(child, identifiers=(mrn,))
    assert al.to_data(with_mrn)["identifiers"] == [
        {"system": "https://clinic.example/mrn", "value": "MRN-0042"}
    ]
    assert al.from_data(al.to_data(with_mrn), al.Child) == with_mrn
