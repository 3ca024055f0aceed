"""Who may record what: authorisation policies consulted by :meth:`Partnership.record`.

A policy is any object with ``authorise(state, event)`` that raises
:class:`alliance.PermissionDenied` to refuse. :meth:`Partnership.record` consults the
partnership's policy after the model's own checks passed and before anything is
written, so a refusal leaves the timeline exactly as it was.

- :class:`RolePolicy` (the default) gives each role what fits it (see its docstring;
  the table is in ``docs/privacy.md``).
- :class:`AllowAll` allows every event the model accepts: for hosts that authorise in
  their own layer. Opt out of the roles with ``Partnership.form(formed,
  policy=AllowAll())``, ``load_partnership(store, id, policy=AllowAll())`` or
  ``update(..., policy=...)``.

Stored timelines are folded without any policy, so history recorded under another
policy always reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import attrs

from alliance.errors import PermissionDenied
from alliance.model import events as ev
from alliance.model.agreement import AgreementAcknowledged, AgreementIssued
from alliance.model.audience import Audience
from alliance.model.celebrations import SuccessCelebrated
from alliance.model.coaching import CoachingSessionHeld, EducationAttended, FidelityChecklistSet
from alliance.model.consent import SCHOOL, ConsentGranted, ConsentWithdrawn
from alliance.model.measures import MeasureCompleted
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.people import MemberRole, ProfessionalRole
from alliance.model.state import PartnershipState, celebrated_goal
from alliance.model.transitions import (
    TransitionAnnounced,
    TransitionInformationShared,
    TransitionPlanAgreed,
    TransitionRescheduled,
    TransitionReviewed,
)
from alliance.model.visibility import can_see
from alliance.model.wellbeing import SupportOffered, WellbeingNoted

__all__ = ["AllowAll", "Policy", "RolePolicy", "shared_with_school", "side_of"]


@runtime_checkable
class Policy(Protocol):
    """Decides whether an event's actor may record it."""

    def authorise(self, state: PartnershipState, event: ev.Event) -> None:
        """Return if *event*'s actor may record it on top of *state*; otherwise raise
        :class:`alliance.PermissionDenied`. Must change nothing."""
        ...


@attrs.frozen
class AllowAll:
    """Allows every event the model's own rules accept (authorise in the host instead)."""

    def authorise(self, state: PartnershipState, event: ev.Event) -> None:
        """Allow."""


CARER = "carer"
PROFESSIONAL = "professional"
EDUCATOR = "educator"


def side_of(state: PartnershipState, member_id: str) -> str | None:
    """``"carer"``, ``"professional"`` (a therapist or supervisor), ``"educator"`` (a
    teacher or early-childhood educator), or ``None`` for someone not a current member."""
    membership = state.members.get(member_id)
    if membership is None or not membership.is_current:
        return None
    if membership.role is MemberRole.CARER:
        return CARER
    if membership.professional_role is ProfessionalRole.EDUCATOR:
        return EDUCATOR
    return PROFESSIONAL


def shared_with_school(
    state: PartnershipState, goal_id: str, member_id: str, at: dt.datetime
) -> bool:
    """Whether a carer's consent in force at *at* shares *goal_id* with the school (party
    ``"school"``) or with *member_id* by name."""
    return any(
        consent.in_force_at(at) and consent.covers(goal_id)
        for party in (SCHOOL, member_id)
        for consent in state.consents.values()
        if consent.party == party
    )


_Rule = Callable[[PartnershipState, ev.Event, str], str | None]
"""(state, event, side) -> None to allow, or the reason for refusing."""

_BOTH = frozenset({CARER, PROFESSIONAL})
_PROFESSIONALS = frozenset({PROFESSIONAL})
_EVERYONE = frozenset({CARER, PROFESSIONAL, EDUCATOR})
_CARER_SETTINGS = frozenset({Setting.HOME, Setting.COMMUNITY})


def _sides(allowed: frozenset[str], what: str) -> _Rule:
    def rule(state: PartnershipState, event: ev.Event, side: str) -> str | None:
        if side in allowed:
            return None
        who = " and ".join(sorted(f"{s}s" for s in allowed))
        return f"{what} is for {who}, not for a member who is a {side}"

    return rule


def _progress(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, ev.ProgressRecorded)
    if side == PROFESSIONAL:
        return None
    if side == CARER:
        if event.setting in _CARER_SETTINGS:
            return None
        return (
            f"carers record observations at home or in the community, not at {event.setting.value}"
        )
    if event.setting is not Setting.SCHOOL:
        return f"educators record observations at school, not at {event.setting.value}"
    if not shared_with_school(state, event.goal_id, event.actor, event.occurred_at):
        return f"goal {event.goal_id!r} is not shared with the school: no carer's consent covers it"
    return None


def _correction(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, ev.ProgressCorrected)
    if side == PROFESSIONAL:
        return None
    observation = state.observations[event.observation_id]
    if observation.observer != event.actor:
        return "only professionals correct someone else's observation"
    if side == EDUCATOR and not shared_with_school(
        state, observation.goal_id, event.actor, event.occurred_at
    ):
        return f"goal {observation.goal_id!r} is no longer shared with the school"
    return None


def _leaving(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, ev.MemberLeft)
    if side == PROFESSIONAL or event.member_id == event.actor:
        return None
    return "members may leave themselves; only professionals record someone else leaving"


def _action_item(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, ev.ActionItemCompleted)
    if side == PROFESSIONAL or state.action_items[event.action_item_id].item.owner == event.actor:
        return None
    return "members complete their own action items; only professionals complete others'"


def _measure(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, MeasureCompleted)
    if side in _BOTH or event.respondent == event.actor:
        return None
    return "educators record only their own answers to a measure"


def _status(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, ev.PartnershipStatusChanged)
    if side == PROFESSIONAL:
        return None
    return f"making the partnership {event.status.value} is for professionals"


def _celebration(state: PartnershipState, event: ev.Event, side: str) -> str | None:
    assert isinstance(event, SuccessCelebrated)
    if side != EDUCATOR:
        return None
    goal_id = celebrated_goal(state, event)
    if goal_id is None or shared_with_school(state, goal_id, event.actor, event.occurred_at):
        return None
    return f"goal {goal_id!r} is not shared with the school: no carer's consent covers it"


def _record_seen(state: PartnershipState, event: ev.Event) -> tuple[str, Audience, str] | None:
    """(what, audience, author) of the record with an audience that *event* acts on, if
    any: the feedback answered, the observation corrected or celebrated, the check-in
    whose action item is completed (unless the item is the actor's own), the setback
    planned, reviewed or resolved, the concern resolved or escalated."""
    if isinstance(event, ev.SetbackResponsePlanned | ev.SetbackReviewed | ev.SetbackResolved):
        setback = state.setbacks[event.setback_id]
        return "setback", setback.audience, setback.reported_by
    if isinstance(event, ev.ConcernResolved | ev.ConcernEscalated):
        concern = state.concerns[event.concern_id]
        return "concern", concern.audience, concern.raised_by
    if isinstance(event, ev.FeedbackAnswered):
        item = state.feedback[event.feedback_id]
        return "feedback", item.audience, item.given_by
    if isinstance(event, ev.ProgressCorrected):
        observation = state.observations[event.observation_id]
        return "observation", observation.audience, observation.observer
    if isinstance(event, SuccessCelebrated) and event.observation_id is not None:
        observation = state.observations[event.observation_id]
        return "observation", observation.audience, observation.observer
    if isinstance(event, ev.ActionItemCompleted):
        status = state.action_items[event.action_item_id]
        if status.item.owner == event.actor:
            return None  # the owner was given the item, whoever may read the check-in
        check_in = state.check_ins[status.check_in_id]
        return "check-in", check_in.audience, check_in.recorded_by
    return None


def _seeing(rule: _Rule) -> _Rule:
    """*rule*, and the actor must be able to see the record the event acts on."""

    def seeing(state: PartnershipState, event: ev.Event, side: str) -> str | None:
        reason = rule(state, event, side)
        if reason is not None:
            return reason
        found = _record_seen(state, event)
        if found is not None:
            what, audience, author = found
            if not can_see(side, event.actor, audience, author):
                return f"the {what} is not shared with them (its audience leaves them out)"
        return None

    return seeing


_RULES: dict[type[ev.Event], _Rule] = {
    # carers and professionals
    ev.GoalProposed: _sides(_BOTH, "proposing a goal"),
    ev.GoalAgreed: _sides(_BOTH, "agreeing to a goal"),
    ev.GoalConcernNoted: _sides(_BOTH, "noting a concern about a goal"),
    ev.GoalObjected: _sides(_BOTH, "objecting to a goal"),
    ev.ProgressRecorded: _progress,
    ev.ProgressCorrected: _seeing(_correction),
    ev.PracticeLogged: _sides(_BOTH, "logging home practice"),
    ev.FeedbackGiven: _sides(_BOTH, "giving feedback"),
    ev.FeedbackAnswered: _seeing(_sides(_BOTH, "answering feedback")),
    ev.SetbackReported: _sides(_BOTH, "reporting a setback"),
    # agreed together: either side records it
    ev.CommunicationPlanAgreed: _sides(_BOTH, "recording the communication plan"),
    ev.ConcernRaised: _sides(_BOTH, "raising a concern"),
    MeasureCompleted: _measure,
    # anyone, for their own business
    ev.MemberLeft: _leaving,
    ev.ActionItemCompleted: _seeing(_action_item),
    # the family's own decisions
    ConsentGranted: _sides(frozenset({CARER}), "granting consent"),
    ConsentWithdrawn: _sides(frozenset({CARER}), "withdrawing consent"),
    # professionals
    ev.CarerJoined: _sides(_PROFESSIONALS, "adding a member"),
    ev.ProfessionalJoined: _sides(_PROFESSIONALS, "adding a member"),
    ev.SettingsChanged: _sides(_PROFESSIONALS, "changing the settings"),
    ev.PartnershipStatusChanged: _status,
    ev.GoalRevised: _sides(_PROFESSIONALS, "revising a goal and its target"),
    ev.GoalPutOnHold: _sides(_PROFESSIONALS, "putting a goal on hold"),
    ev.GoalResumed: _sides(_PROFESSIONALS, "resuming a goal"),
    ev.GoalAchieved: _sides(_PROFESSIONALS, "marking a goal achieved"),
    ev.GoalDiscontinued: _sides(_PROFESSIONALS, "discontinuing a goal"),
    ev.CheckInHeld: _sides(_PROFESSIONALS, "recording a check-in"),
    ev.HomePracticePlanned: _sides(_PROFESSIONALS, "planning home practice"),
    ev.HomePracticeAdapted: _sides(_PROFESSIONALS, "adapting home practice"),
    ev.HomePracticeStopped: _sides(_PROFESSIONALS, "stopping home practice"),
    ev.SetbackResponsePlanned: _seeing(_sides(_PROFESSIONALS, "planning a setback response")),
    ev.SetbackReviewed: _seeing(_sides(_PROFESSIONALS, "reviewing a setback")),
    ev.SetbackResolved: _seeing(_sides(_PROFESSIONALS, "resolving a setback")),
    ev.ConcernResolved: _seeing(_sides(_PROFESSIONALS, "resolving a concern")),
    ev.ConcernEscalated: _seeing(_sides(_PROFESSIONALS, "escalating a concern")),
    ev.ResourceShared: _sides(_PROFESSIONALS, "sharing a resource"),
    # the family's side: coaching, transitions, celebrations, wellbeing, the agreement
    FidelityChecklistSet: _sides(_PROFESSIONALS, "setting a fidelity checklist"),
    CoachingSessionHeld: _sides(_PROFESSIONALS, "recording a coaching session"),
    EducationAttended: _sides(_BOTH, "recording education attended"),
    TransitionAnnounced: _sides(_EVERYONE, "announcing a transition"),
    TransitionPlanAgreed: _sides(
        _PROFESSIONALS, "recording a transition plan agreed with the carers"
    ),
    TransitionInformationShared: _sides(_EVERYONE, "sharing information about a transition"),
    TransitionRescheduled: _sides(_EVERYONE, "rescheduling a transition"),
    TransitionReviewed: _sides(_BOTH, "reviewing a transition"),
    SuccessCelebrated: _seeing(_celebration),
    WellbeingNoted: _sides(frozenset({CARER}), "noting a carer's wellbeing"),
    SupportOffered: _sides(_PROFESSIONALS, "offering support"),
    AgreementIssued: _sides(_PROFESSIONALS, "issuing the partnership agreement"),
    AgreementAcknowledged: _sides(frozenset({CARER}), "acknowledging the partnership agreement"),
}


@attrs.frozen
class RolePolicy:
    """Each role may record what fits it (issue 6's rules):

    - **carers**: propose goals, agree, note concerns about or object to them; record
      everyday observations at home or in the community and correct their own; log
      home practice; give and answer feedback; report setbacks; raise concerns; record
      the communication plan agreed together; answer measures; grant and withdraw
      consent; complete their own action items; leave; record education attended;
      announce, reschedule and review transitions, and share information about them;
      celebrate successes; note their own wellbeing; acknowledge the partnership
      agreement.
    - **professionals** (therapists, supervisors): all of that (any setting, session
      data), and add members, revise goals and set targets, put goals on hold, resume,
      achieve or discontinue them, record check-ins, plan, adapt and stop home practice,
      plan, review and resolve setback responses, resolve and escalate concerns, share
      resources, change settings, record the communication plan, activate, pause and
      close the partnership; set fidelity checklists and record coaching sessions, agree
      transition plans with the carers, offer carers support and issue the partnership
      agreement. Consent, wellbeing notes and acknowledging the agreement stay the
      family's.
    - **educators** (``ProfessionalRole.EDUCATOR``: teachers, early-childhood
      educators): record observations at school only on goals a carer's consent in force
      shares with the school (party ``"school"``, or the educator by id), and correct
      their own; answer their own measures; complete their own action items; leave;
      announce and reschedule transitions and share information about them; celebrate
      successes on shared goals.

    A professional plans, reviews or resolves a setback, and resolves or escalates a
    concern, only when its audience includes them; and nobody answers feedback,
    corrects or celebrates an observation, or completes someone else's action item of a
    check-in whose audience leaves them out (they could not have seen it). The founder may add
    members while the partnership is forming, as the model allows.
    The model's own rules still apply on top (only a carer logs practice, a progress
    update comes from a professional...).
    """

    def authorise(self, state: PartnershipState, event: ev.Event) -> None:
        """Raise :class:`PermissionDenied` unless the actor's role allows *event*."""
        action = type(event).type_name
        if (
            event.actor == state.formed_by
            and state.status is PartnershipStatus.FORMING
            and isinstance(event, ev.CarerJoined | ev.ProfessionalJoined)
        ):
            return  # the founder adding the first members, as the model allows
        side = side_of(state, event.actor)
        if side is None:
            raise PermissionDenied(event.actor, action, "not a current member")
        rule = _RULES.get(type(event))
        if rule is None:
            raise PermissionDenied(event.actor, action, "no role may record it under this policy")
        reason = rule(state, event, side)
        if reason is not None:
            raise PermissionDenied(event.actor, action, reason)
