"""What one member may see of a partnership: :func:`as_seen_by`.

A record with an audience (an observation, a check-in, feedback, a setback, a concern)
is visible to a member when its author is that member, or its audience includes them:

- ``everyone``: every member, except that an educator (a teacher, an early-childhood
  educator) sees only what concerns goals a carer's consent in force shares with the
  school (party ``"school"``) or with them by name;
- ``professionals``: the clinical team, therapists and supervisors (not carers, not
  educators);
- ``named``: the members named.

Records without an audience of their own (goals, home practice...) follow the rules for
``everyone``, except completed measures (answers about the child and the alliance), which
the clinical team, the respondent and whoever recorded them see. Records that belong to a
hidden record go with it: the action items of a hidden check-in, the practice log, the
checklist and the coaching sessions of a hidden strategy, the observations, strategies
and celebrations of a hidden goal. An educator sees a transition they are involved in,
and otherwise one that affects no goal or a goal shared with them.

A carer's wellbeing notes are seen only by the carer and the professionals they chose
(``shared_with``), whatever anyone's role; support offered to a carer only by that carer,
the professional who offered it and the professionals named on it.
"""

from __future__ import annotations

from typing import Any

import attrs

from alliance.errors import NotAMemberError
from alliance.model.audience import Audience, AudienceScope
from alliance.model.consent import SCHOOL, shared_with_school
from alliance.model.event import Side
from alliance.model.state import PartnershipState

__all__ = ["as_seen_by", "can_see", "viewer_kind", "viewer_side"]


def viewer_kind(state: PartnershipState, member_id: str) -> Side:
    """The side *member_id* is (or was, for a former member) on.

    Raises:
        NotAMemberError: *member_id* was never a member.
    """
    membership = state.members.get(member_id)
    if membership is None:
        raise NotAMemberError("member_id", f"{member_id!r} was never a member of the partnership")
    return membership.side


def viewer_side(state: PartnershipState, member_id: str) -> Side:
    """The side of *member_id* as a viewer of the partnership: the one rule of who has a
    view, used by :func:`as_seen_by`, the reports and the FHIR export alike. Only a
    current member has one. A former member has none, of anything recorded before or
    after they left: what they saw while a member was shown to them then.

    Raises:
        NotAMemberError: *member_id* was never a member, or has left (naming when).
    """
    side = viewer_kind(state, member_id)
    left = state.members[member_id].left_at
    if left is not None:
        raise NotAMemberError(
            "member_id",
            f"{member_id!r} left the partnership on {left.date().isoformat()}: a former "
            "member has no view of it",
        )
    return side


def can_see(side: Side, member_id: str, audience: Audience, author: str) -> bool:
    """Whether a member on *side* may see a record for *audience* written by *author*
    (before an educator's goal rule)."""
    if author == member_id or audience.scope is AudienceScope.EVERYONE:
        return True
    if audience.scope is AudienceScope.PROFESSIONALS:
        return side is Side.PROFESSIONAL
    return member_id in audience.members


def as_seen_by(state: PartnershipState, member_id: str) -> PartnershipState:
    """A copy of *state* holding only what *member_id* may see (see the module's rules).

    Members, settings, the communication plan and the partnership's status stay as they
    are: who is in the partnership is known to all of it. Only a current member has a
    view (:func:`viewer_side`).

    Raises:
        NotAMemberError: *member_id* was never a member, or has left.
    """
    kind = viewer_side(state, member_id)

    def sees(audience: Audience, author: str) -> bool:
        return can_see(kind, member_id, audience, author)

    if kind is Side.EDUCATOR:
        shared = {
            goal_id
            for goal_id in state.goals
            if shared_with_school(state, goal_id, member_id, state.last_event_at)
        }
    else:
        shared = set(state.goals)

    def goal_ok(goal_id: str | None) -> bool:
        return goal_id is None or goal_id in shared

    strategies = {k: v for k, v in state.strategies.items() if goal_ok(v.goal_id)}
    check_ins = {k: v for k, v in state.check_ins.items() if sees(v.audience, v.recorded_by)}
    setbacks = {
        k: attrs.evolve(v, affected_goals=v.affected_goals & shared)
        for k, v in state.setbacks.items()
        if sees(v.audience, v.reported_by)
        and (not v.affected_goals or v.affected_goals & shared or kind is not Side.EDUCATOR)
    }
    coaching = {
        k: v
        for k, v in state.coaching.items()
        if v.strategy_id in strategies and sees(v.audience, v.coached_by)
    }
    celebrations = {
        k: v
        for k, v in state.celebrations.items()
        if goal_ok(v.goal_id)
        and (v.strategy_id is None or v.strategy_id in strategies)
        and sees(v.audience, v.celebrated_by)
    }
    transitions = {
        k: attrs.evolve(
            v,
            affected_goals=v.affected_goals & shared,
            affected_strategies=v.affected_strategies & strategies.keys(),
        )
        for k, v in state.transitions.items()
        if kind is not Side.EDUCATOR
        or member_id in v.people
        or v.announced_by == member_id
        or not v.affected_goals
        or v.affected_goals & shared
    }
    views: dict[str, Any] = {
        "goals": {k: v for k, v in state.goals.items() if k in shared},
        "observations": {
            k: v
            for k, v in state.observations.items()
            if goal_ok(v.goal_id) and sees(v.audience, v.observer)
        },
        "check_ins": check_ins,
        "action_items": {k: v for k, v in state.action_items.items() if v.check_in_id in check_ins},
        "feedback": {
            k: v
            for k, v in state.feedback.items()
            if goal_ok(v.goal_id)
            and (v.strategy_id is None or v.strategy_id in strategies)
            and sees(v.audience, v.given_by)
        },
        "strategies": strategies,
        "practice_log": {
            k: v for k, v in state.practice_log.items() if v.strategy_id in strategies
        },
        "setbacks": setbacks,
        "concerns": {
            k: v
            for k, v in state.concerns.items()
            if goal_ok(v.goal_id) and sees(v.audience, v.raised_by)
        },
        "resources": {
            k: v
            for k, v in state.resources.items()
            if goal_ok(v.goal_id)
            and (
                member_id in v.shared_with or v.shared_by == member_id or kind is Side.PROFESSIONAL
            )
        },
        "measures": {
            k: v
            for k, v in state.measures.items()
            if kind is Side.PROFESSIONAL or member_id in (v.respondent, v.recorded_by)
        },
        "consents": {
            k: v
            for k, v in state.consents.items()
            if kind is not Side.EDUCATOR or v.party in (SCHOOL, member_id)
        },
        "checklists": {k: v for k, v in state.checklists.items() if k in strategies},
        "coaching": coaching,
        "education": {k: v for k, v in state.education.items() if goal_ok(v.goal_id)},
        "transitions": transitions,
        "celebrations": celebrations,
        "wellbeing": {k: v for k, v in state.wellbeing.items() if v.visible_to(member_id)},
        "support_offers": {
            k: v for k, v in state.support_offers.items() if v.visible_to(member_id)
        },
    }
    return attrs.evolve(state, **views)
