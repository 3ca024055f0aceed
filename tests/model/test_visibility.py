"""Visibility: records carry an audience, and as_seen_by gives a member only what they may
see; consent shares goals with the school until it is withdrawn."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.reports.family import family_report
from alliance.testing import strategies as s
from team import LATER, at, build, by

PROFESSIONALS = al.model.Audience.professionals()


def concern(
    actor: str, audience: al.model.Audience, concern_id: str = "c9"
) -> al.events.ConcernRaised:
    return by(actor).build(
        al.events.ConcernRaised, concern_id=concern_id, description="Worried", audience=audience
    )


def test_a_professionals_only_concern_is_hidden_from_carers_and_teachers() -> None:
    p = build()
    p.record(concern("ana", PROFESSIONALS))
    assert "c9" in al.as_seen_by(p.state, "ana").concerns
    assert "c9" not in al.as_seen_by(p.state, "maria").concerns
    assert "c9" not in al.as_seen_by(p.state, "tess").concerns
    assert "c9" in p.state.concerns  # the state itself holds everything


def test_the_author_always_sees_their_own_record() -> None:
    p = build()
    p.record(concern("maria", PROFESSIONALS))
    assert "c9" in al.as_seen_by(p.state, "maria").concerns


def test_a_named_audience_reaches_only_the_named() -> None:
    p = build()
    p.record(
        by("ana").build(
            al.events.CarerJoined, member_id="david", relationship=al.CarerRelationship.PARENT
        )
    )
    p.record(
        by("ana").build(
            al.events.SetbackReported,
            setback_id="s9",
            kind=al.model.SetbackKind.LIFE_EVENT,
            severity=al.model.Severity.MODERATE,
            description="Told to Maria only",
            audience=al.model.Audience.named("maria"),
        )
    )
    assert "s9" in al.as_seen_by(p.state, "maria").setbacks
    assert "s9" not in al.as_seen_by(p.state, "david").setbacks
    assert "s9" not in al.as_seen_by(p.state, "tess").setbacks


def test_a_named_audience_must_name_members_and_nothing_is_written_otherwise() -> None:
    p = build()
    events = p.events
    with pytest.raises(al.NotAMemberError) as caught:
        p.record(concern("ana", al.model.Audience.named("stranger")))
    assert caught.value.field == "audience.members"
    assert p.events == events


def test_an_audience_is_validated_when_built() -> None:
    with pytest.raises(al.ValidationError, match="at least one member"):
        al.model.Audience(scope=al.model.AudienceScope.NAMED)
    with pytest.raises(al.ValidationError, match="names no members"):
        al.model.Audience(scope=al.model.AudienceScope.PROFESSIONALS, members=frozenset({"ana"}))


def test_a_teacher_sees_only_goals_shared_with_the_school_while_consent_holds() -> None:
    p = build()
    assert al.as_seen_by(p.state, "tess").goals == {}
    assert al.as_seen_by(p.state, "tess").observations == {}
    p.record(
        by("maria").build(
            al.events.ConsentGranted,
            consent_id="k1",
            party=al.model.SCHOOL,
            goal_ids=frozenset({"g1"}),
        )
    )
    view = al.as_seen_by(p.state, "tess")
    assert set(view.goals) == {"g1"}
    assert set(view.observations) == {"o1", "o2"}  # both about g1, for everyone
    assert set(view.strategies) == {"hp1"}
    p.record(by("maria", 11).build(al.events.ConsentWithdrawn, consent_id="k1"))
    assert al.as_seen_by(p.state, "tess").goals == {}
    # The history shows both, to the family and the team.
    consent = al.as_seen_by(p.state, "maria").consents["k1"]
    assert consent.granted_at == LATER
    assert consent.withdrawn_at == at(11)


def test_consent_rules_refuse_and_write_nothing() -> None:
    p = build()
    p.record(by("maria").build(al.events.ConsentGranted, consent_id="k1", party=al.model.SCHOOL))
    cases: list[tuple[al.Event, type[al.AllianceError]]] = [
        (
            by("maria").build(al.events.ConsentGranted, consent_id="k1", party=al.model.SCHOOL),
            al.DomainError,
        ),
        (
            by("maria").build(
                al.events.ConsentGranted, party=al.model.SCHOOL, goal_ids=frozenset({"nope"})
            ),
            al.UnknownRecordError,
        ),
        (by("ana").build(al.events.ConsentWithdrawn, consent_id="k1"), al.DomainError),
        (by("maria").build(al.events.ConsentWithdrawn, consent_id="nope"), al.UnknownRecordError),
        (
            by("maria", 9).build(al.events.ConsentWithdrawn, consent_id="k1"),
            al.ValidationError,
        ),
    ]
    for event, error in cases:
        events = p.events
        with pytest.raises(error):
            p.record(event)
        assert p.events == events
    p.record(by("maria").build(al.events.ConsentWithdrawn, consent_id="k1"))
    events = p.events
    with pytest.raises(al.DomainError, match="already withdrawn"):
        p.record(by("maria").build(al.events.ConsentWithdrawn, consent_id="k1"))
    assert p.events == events


def test_a_viewer_who_was_never_a_member_is_refused() -> None:
    with pytest.raises(al.NotAMemberError):
        al.as_seen_by(build().state, "stranger")


def test_an_event_without_an_audience_serializes_as_before() -> None:
    event = concern("ana", al.model.EVERYONE)
    data = al.to_data(event)
    assert "audience" not in data
    assert al.from_data(data, al.Event) == event
    named = attrs.evolve(event, audience=al.model.Audience.named("ana"))
    assert al.to_data(named)["audience"] == {"members": ["ana"], "scope": "named"}
    assert al.from_data(al.to_data(named), al.Event) == named


def _observation(actor: str, audience: al.model.Audience) -> al.events.ProgressRecorded:
    return by(actor).build(
        al.events.ProgressRecorded,
        observation_id="o9",
        goal_id="g1",
        setting=al.model.Setting.CLINIC,
        kind=al.model.ObservationKind.SESSION,
        value=3,
        audience=audience,
    )


def _check_in(actor: str, audience: al.model.Audience) -> al.events.CheckInHeld:
    return by(actor).build(
        al.events.CheckInHeld,
        check_in_id="ci9",
        kind=al.model.CheckInKind.MEETING,
        participants=frozenset({"ana"}),
        action_items=(
            al.model.ActionItem(
                action_item_id="a9", description="Call", owner="ana", due=LATER.date()
            ),
        ),
        audience=audience,
    )


def _feedback(actor: str, audience: al.model.Audience) -> al.events.FeedbackGiven:
    return by(actor).build(
        al.events.FeedbackGiven,
        feedback_id="f9",
        kind=al.model.FeedbackKind.PROGRESS_UPDATE,
        message="Going well",
        audience=audience,
    )


def test_observations_check_ins_and_feedback_carry_an_audience() -> None:
    p = build()
    p.record(by("maria").build(al.events.ConsentGranted, consent_id="k1", party=al.model.SCHOOL))
    p.record(_observation("ana", PROFESSIONALS))
    p.record(_check_in("ana", PROFESSIONALS))
    p.record(_feedback("ana", al.model.Audience.named("maria")))
    assert p.state.observations["o9"].audience == PROFESSIONALS
    assert p.state.check_ins["ci9"].audience == PROFESSIONALS
    assert p.state.feedback["f9"].audience == al.model.Audience.named("maria")
    ana, maria, tess = (al.as_seen_by(p.state, m) for m in ("ana", "maria", "tess"))
    assert "o9" in ana.observations
    assert "ci9" in ana.check_ins
    assert "a9" in ana.action_items
    assert "f9" in ana.feedback  # its author
    assert "o9" not in maria.observations
    assert "o1" in maria.observations
    assert "ci9" not in maria.check_ins
    assert "a9" not in maria.action_items
    assert "f9" in maria.feedback
    assert "o9" not in tess.observations
    assert "o1" in tess.observations
    assert "ci9" not in tess.check_ins
    assert "a9" not in tess.action_items
    assert "f9" not in tess.feedback


@pytest.mark.parametrize("make", [_observation, _check_in, _feedback])
def test_their_named_audience_must_name_members_and_nothing_is_written_otherwise(
    make: Any,
) -> None:
    p = build()
    events = p.events
    with pytest.raises(al.NotAMemberError) as caught:
        p.record(make("ana", al.model.Audience.named("stranger")))
    assert caught.value.field == "audience.members"
    assert p.events == events


@pytest.mark.parametrize("make", [_observation, _check_in, _feedback])
def test_their_audience_of_everyone_is_stored_exactly_as_before(make: Any) -> None:
    event = make("ana", al.model.EVERYONE)
    data = al.to_data(event)
    assert "audience" not in data
    assert al.from_data(data, al.Event) == event
    fields = {k: v for k, v in attrs.asdict(event, recurse=False).items() if k != "audience"}
    assert al.dumps(event) == al.dumps(type(event)(**fields))  # byte-identical
    named = attrs.evolve(event, audience=al.model.Audience.named("ana"))
    assert al.to_data(named)["audience"] == {"members": ["ana"], "scope": "named"}
    assert al.loads(al.dumps(named), al.Event) == named


# --- the property -----------------------------------------------------------------------

_WITH_AUDIENCE = (
    al.events.ProgressRecorded,
    al.events.CheckInHeld,
    al.events.FeedbackGiven,
    al.events.SetbackReported,
    al.events.ConcernRaised,
)


@st.composite
def histories_with_audiences(draw: st.DrawFn) -> list[al.Event]:
    """A generated history whose records were given drawn audiences, with consents to
    share with the school (or a member) granted and withdrawn along the way. Folded, not
    replayed: the audiences may name anyone who was ever a member."""
    events = draw(s.partnership_histories(max_events=40))
    members = sorted(al.Partnership.from_events(events).state.members)
    goal_ids = sorted({e.goal_id for e in events if isinstance(e, al.events.GoalProposed)})
    audiences = st.one_of(
        st.just(al.model.EVERYONE),
        st.just(PROFESSIONALS),
        st.frozensets(st.sampled_from(members), min_size=1, max_size=3).map(
            lambda named: al.model.Audience(scope=al.model.AudienceScope.NAMED, members=named)
        ),
    )
    out: list[al.Event] = []
    consents: list[str] = []
    for index, original in enumerate(events):
        event = (
            attrs.evolve(original, audience=draw(audiences))
            if isinstance(original, _WITH_AUDIENCE)
            else original
        )
        out.append(event)
        if index >= 2 and draw(st.integers(0, 5)) == 0:
            moment = event.occurred_at
            if consents and draw(st.booleans()):
                out.append(
                    by(members[0], moment).build(
                        al.events.ConsentWithdrawn,
                        consent_id=consents.pop(draw(st.integers(0, len(consents) - 1))),
                    )
                )
            else:
                scope = (
                    None
                    if not goal_ids or draw(st.booleans())
                    else frozenset(draw(st.lists(st.sampled_from(goal_ids), min_size=1)))
                )
                consent = by(members[0], moment).build(
                    al.events.ConsentGranted,
                    party=draw(st.sampled_from([al.model.SCHOOL, *members])),
                    goal_ids=scope,
                )
                consents.append(consent.consent_id)
                out.append(consent)
    return out


def _oracle(
    events: list[al.Event],
) -> tuple[dict[tuple[str, str], tuple[Any, str]], dict[str, str]]:
    """From the events alone: (collection, record id) -> (audience, author), and each
    member's side as last joined."""
    records: dict[tuple[str, str], tuple[Any, str]] = {}
    sides: dict[str, str] = {}
    for e in events:
        if isinstance(e, al.events.ProgressRecorded):
            records["observations", e.observation_id] = (e.audience, e.actor)
        elif isinstance(e, al.events.CheckInHeld):
            records["check_ins", e.check_in_id] = (e.audience, e.actor)
        elif isinstance(e, al.events.FeedbackGiven):
            records["feedback", e.feedback_id] = (e.audience, e.actor)
        elif isinstance(e, al.events.SetbackReported):
            records["setbacks", e.setback_id] = (e.audience, e.actor)
        elif isinstance(e, al.events.ConcernRaised):
            records["concerns", e.concern_id] = (e.audience, e.actor)
        elif isinstance(e, al.events.CarerJoined):
            sides[e.member_id] = "carer"
        elif isinstance(e, al.events.ProfessionalJoined):
            sides[e.member_id] = (
                "educator" if e.role is al.ProfessionalRole.EDUCATOR else "professional"
            )
    return records, sides


def _shared_goals(events: list[al.Event], member_id: str) -> set[str]:
    """Goals a consent in force at the end shares with the school or *member_id*."""
    granted: dict[str, al.events.ConsentGranted] = {}
    for e in events:
        if isinstance(e, al.events.ConsentGranted):
            granted[e.consent_id] = e
        elif isinstance(e, al.events.ConsentWithdrawn):
            granted.pop(e.consent_id, None)
    goals = {e.goal_id for e in events if isinstance(e, al.events.GoalProposed)}
    return {
        g
        for g in goals
        for c in granted.values()
        if c.party in (al.model.SCHOOL, member_id) and (c.goal_ids is None or g in c.goal_ids)
    }


@settings(max_examples=60)
@given(histories_with_audiences())
def test_a_members_view_holds_no_record_outside_its_audience(events: list[al.Event]) -> None:
    state = al.Partnership.from_events(events).state
    records, sides = _oracle(events)
    for member_id, membership in state.members.items():
        if not membership.is_current:  # a former member has no view (tested below)
            with pytest.raises(al.NotAMemberError, match="a former member has no view"):
                al.as_seen_by(state, member_id)
            continue
        view = al.as_seen_by(state, member_id)
        side = sides[member_id]
        for collection in ("observations", "check_ins", "feedback", "setbacks", "concerns"):
            shown = getattr(view, collection)
            assert set(shown) <= set(getattr(state, collection))
            for record_id in shown:
                audience, author = records[collection, record_id]
                assert (
                    author == member_id
                    or audience.scope is al.model.AudienceScope.EVERYONE
                    or (
                        audience.scope is al.model.AudienceScope.PROFESSIONALS
                        and side == "professional"
                    )
                    or member_id in audience.members
                ), (member_id, side, collection, record_id, audience, author)
        if side == "educator":
            allowed = _shared_goals(events, member_id)
            assert set(view.goals) <= allowed
            assert {o.goal_id for o in view.observations.values()} <= allowed
            assert {x.goal_id for x in view.strategies.values()} <= allowed
        else:
            # Nothing for everyone is hidden from a carer or a professional.
            for (collection, record_id), (audience, _) in records.items():
                if audience.scope is al.model.AudienceScope.EVERYONE:
                    assert record_id in getattr(view, collection)
        for item in view.action_items.values():
            assert item.check_in_id in view.check_ins


def test_views_are_built_from_the_state_without_changing_it() -> None:
    p = build()
    p.record(concern("ana", PROFESSIONALS))
    before = p.state.copy()
    al.as_seen_by(p.state, "maria")
    assert p.state == before
    assert pendulum.instance(p.state.last_event_at) == LATER


# --- one rule for former members: as_seen_by, the reports and FHIR ----------------------


def _after_maria_left() -> al.Partnership:
    """Maria leaves on day 10; a concern for everyone is raised on day 11."""
    p = build()
    p.record(al.events.MemberLeft(member_id="maria", actor="maria", occurred_at=LATER))
    p.record(
        by("ana", 11).build(
            al.events.ConcernRaised,
            concern_id="c9",
            description="Worried",
            audience=al.model.Audience.everyone(),
        )
    )
    return p


def test_a_former_member_has_no_view_of_what_came_after_or_before() -> None:
    p = _after_maria_left()
    with pytest.raises(al.NotAMemberError) as caught:
        al.as_seen_by(p.state, "maria")
    assert caught.value.field == "member_id"
    assert caught.value.reason == (
        f"'maria' left the partnership on {LATER.in_tz('UTC').date().isoformat()}: a former "
        "member has no view of it"
    )
    assert "c9" in al.as_seen_by(p.state, "ana").concerns  # a current member sees it


def test_the_fhir_export_and_the_family_report_give_a_former_member_the_same_answer() -> None:
    p = _after_maria_left()
    with pytest.raises(al.NotAMemberError) as exported:
        al.fhir.export_bundle(p.state, {}, viewer="maria")
    assert exported.value.field == "viewer"
    assert exported.value.reason.endswith("a former member has no view of it")
    with pytest.raises(al.NotAMemberError, match="a former member has no view of it"):
        family_report([p.state], viewer="maria", charts=False)


def test_reports_for_a_former_member_leave_the_partnership_out() -> None:
    store = al.open_store("memory://", clinic_id=build().state.clinic_id)
    p = _after_maria_left()
    store.append(p.state.partnership_id, p.events, expected_version=0)
    assert list(al.reports.progress_report(store, viewer="maria")) == []
    assert list(al.reports.progress_report(store, viewer="ana")) != []
