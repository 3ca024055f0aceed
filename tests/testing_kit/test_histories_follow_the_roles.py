"""The testing kit draws actors :class:`alliance.RolePolicy` allows.

- every generated history replays under ``RolePolicy`` (each event accepted);
- histories still reach what only some sides may record, and acts on records whose
  audience is the clinical team or named members: the drawing is by role, not just
  narrowed to the professionals (facts read from the events, over fixed samples).

The state machine under ``RolePolicy`` is in ``test_state_machine.py``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, seed, settings

import alliance as al
from alliance.model.membership import side_of
from alliance.testing import strategies as s


@given(events=s.partnership_histories())
def test_generated_histories_are_allowed_by_the_role_policy(events: list[al.Event]) -> None:
    first, *rest = events
    assert isinstance(first, al.events.PartnershipFormed)
    partnership = al.Partnership.form(first, policy=al.RolePolicy())
    for event in rest:
        partnership.record(event)  # raises PermissionDenied if the actor's role may not
    assert partnership.events == tuple(events)
    assert partnership.state == al.fold(events)


@settings(max_examples=min(settings.default.max_examples, 25))
@given(partnership=s.partnerships(max_events=20))
def test_generated_partnerships_are_allowed_by_the_role_policy(
    partnership: al.Partnership,
) -> None:
    first, *rest = partnership.events
    assert isinstance(first, al.events.PartnershipFormed)
    again = al.Partnership.form(first, policy=al.RolePolicy())
    again.record_all(rest)
    assert again.state == partnership.state


def _audience_of(state: al.PartnershipState, event: al.Event) -> al.model.Audience | None:
    """The audience of the record with one that *event* acts on, if any."""
    match event:
        case al.events.FeedbackAnswered(feedback_id=feedback_id):
            return state.feedback[feedback_id].audience
        case al.events.ProgressCorrected(observation_id=observation_id):
            return state.observations[observation_id].audience
        case al.events.ActionItemCompleted(action_item_id=item_id):
            return state.check_ins[state.action_items[item_id].check_in_id].audience
        case (
            al.events.SetbackResponsePlanned(setback_id=setback_id)
            | al.events.SetbackReviewed(setback_id=setback_id)
            | al.events.SetbackResolved(setback_id=setback_id)
        ):
            return state.setbacks[setback_id].audience
        case (
            al.events.ConcernResolved(concern_id=concern_id)
            | al.events.ConcernEscalated(concern_id=concern_id)
        ):
            return state.concerns[concern_id].audience
        case _:
            return None


def facts(events: list[al.Event]) -> set[str]:
    """What the history shows about who recorded what, each event read against the state
    just before it."""
    first, *rest = events
    assert isinstance(first, al.events.PartnershipFormed)
    partnership = al.Partnership.form(first)
    found: set[str] = set()
    for event in rest:
        state = partnership.state
        side = side_of(state, event.actor)
        forming = state.status is al.model.PartnershipStatus.FORMING
        match event:
            case al.events.ProgressRecorded(setting=setting):
                found.add(f"{side} observes at {setting.value}")
            case al.events.ProgressCorrected(observation_id=observation_id):
                mine = state.observations[observation_id].observer == event.actor
                found.add(f"{side} corrects {'their own' if mine else 'another'} observation")
            case al.events.ActionItemCompleted(action_item_id=item_id):
                mine = state.action_items[item_id].item.owner == event.actor
                found.add(f"{side} completes {'their own' if mine else 'another'} action item")
            case al.events.MemberLeft(member_id=member_id):
                found.add(f"{side} records {'leaving' if member_id == event.actor else 'a leaver'}")
            case al.events.CarerJoined() | al.events.ProfessionalJoined():
                if event.actor == first.actor and forming and side != "professional":
                    found.add("the founder adds a member while forming")
                elif not forming:
                    found.add(f"{side} adds a member after forming")
            case al.events.MeasureCompleted(respondent=respondent) if side == "educator":
                # (no shipped instrument is answered by professionals, so none yet)
                assert respondent == event.actor, "educators record only their own answers"
            case al.events.FeedbackAnswered(feedback_id=feedback_id):
                found.add(f"{side} answers a {state.feedback[feedback_id].kind.value}")
            case _:
                pass
        audience = _audience_of(state, event)
        if audience is not None:
            found.add(f"acts on a record for {audience.scope.value}")
        partnership.record(event)
    return found


EXPECTED = {
    "professional observes at clinic",
    "carer observes at home",
    "carer observes at community",
    "educator observes at school",
    "carer corrects their own observation",
    "professional corrects another observation",
    "carer completes their own action item",
    "professional completes another action item",
    "carer records leaving",
    "professional records a leaver",
    "the founder adds a member while forming",
    "professional adds a member after forming",
    "carer answers a progress-update",
    "professional answers a home-report",
    "acts on a record for everyone",
    "acts on a record for professionals",
    "acts on a record for named",
}


def test_every_side_is_drawn_for_what_it_may_record() -> None:
    """Across fixed, seeded samples of histories (as ``test_every_event_type_is_generated``
    draws them), each side records what RolePolicy lets it, records with a narrower
    audience are acted on, and no act falls to a side RolePolicy refuses it."""
    seen: set[str] = set()

    @settings(
        max_examples=100,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(events=s.partnership_histories())
    def collect(events: list[al.Event]) -> None:
        seen.update(facts(events))

    # Up to 20 seeded samples: with the host-defined events of tests/host_events in the
    # registry (when the whole suite is collected) the mix is thinner, and on Python 3.13
    # "educator observes at school" took more than 8 (CI, 2026-12-04).
    for sample in range(20):
        seed(sample)(collect)()
        if seen >= EXPECTED:
            break
    missing = EXPECTED - seen
    assert not missing, f"never generated: {sorted(missing)}"
    refused = {
        "carer observes at clinic",
        "carer observes at school",
        "educator observes at home",
        "carer corrects another observation",
        "educator corrects another observation",
        "carer completes another action item",
        "educator completes another action item",
        "carer records a leaver",
        "educator records a leaver",
        "carer adds a member after forming",
        "educator adds a member after forming",
        "educator answers a home-report",
        "professional answers a progress-update",
    }
    assert not seen & refused, sorted(seen & refused)
