"""The testing kit's vocabulary for drawing histories (private; used by :mod:`._histories`
and :mod:`alliance.testing.state_machine`): which fields refer to the state's records or
members, how often each topic and event class comes up, the gaps between events and the
texts events hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.testing.strategies._derive import fields_of
from alliance.testing.strategies._drafts import FREE_VALUES, STATE_VALUES
from alliance.testing.strategies._scalars import SETTING_SETS, readable_texts

__all__ = [
    "DEFAULT_TOPICS",
    "FIRST_PROFESSIONAL_ROLES",
    "FIRST_SETTINGS",
    "GAPS",
    "HISTORY_START_MAX",
    "HISTORY_START_MIN",
    "KIND_WEIGHTS",
    "MEMBERS",
    "REFERENCES",
    "TEXTS",
    "attrs_classes_in",
    "referred",
    "register_reference",
    "state_aware",
    "topic_of",
]

GAPS: st.SearchStrategy[pendulum.Duration] = st.one_of(
    st.just(pendulum.Duration()),
    st.integers(1, 59).map(lambda n: pendulum.Duration(minutes=n)),
    st.integers(1, 23).map(lambda n: pendulum.Duration(hours=n)),
    st.integers(1, 6).map(lambda n: pendulum.Duration(days=n)),
    st.integers(1, 4).map(lambda n: pendulum.Duration(weeks=n)),
)
"""Time between two events: none (same moment), minutes, hours, days or weeks."""

HISTORY_START_MIN = pendulum.datetime(1990, 1, 1, tz="UTC")
HISTORY_START_MAX = pendulum.datetime(2090, 1, 1, tz="UTC")

# Histories draw many texts: a small alphabet (ASCII, Latin-1 letters, Greek, Arabic,
# Devanagari, some CJK and emoji, a combining accent) of few code point intervals is much
# faster for hypothesis to check than every printable character.
_HISTORY_ALPHABET = st.characters(
    categories=(),
    include_characters="".join(
        chr(code)
        for low, high in (
            (0x20, 0x7E),
            (0xC0, 0xD6),
            (0xD8, 0xF6),
            (0x301, 0x301),
            (0x391, 0x3A1),
            (0x3A3, 0x3A9),
            (0x621, 0x63A),
            (0x905, 0x939),
            (0x4E00, 0x4E5F),
            (0x1F600, 0x1F64F),
        )
        for code in range(low, high + 1)
    ),
)
SHORT_TEXT = st.text(alphabet=_HISTORY_ALPHABET, min_size=1, max_size=12).filter(str.strip)
TEXTS: dict[str, st.SearchStrategy[str]] = {"unicode": SHORT_TEXT, "readable": readable_texts()}
"""The kinds of text a history's events hold: a few characters of many scripts
(``"unicode"``, the default) or short sentences in the practice's words
(``"readable"``)."""

FIRST_PROFESSIONAL_ROLES = st.one_of(
    st.sampled_from((al.ProfessionalRole.THERAPIST, al.ProfessionalRole.SUPERVISOR)),
    st.sampled_from(al.ProfessionalRole),
)
FIRST_SETTINGS = st.one_of(
    st.just(frozenset({al.model.Setting.CLINIC, al.model.Setting.HOME})), SETTING_SETS
)

REFERENCES: dict[str, str | Callable[[al.PartnershipState], Iterable[str]]] = {
    "goal_id": "goals",
    "observation_id": "observations",
    "check_in_id": "check_ins",
    "action_item_id": "action_items",
    "feedback_id": "feedback",
    "strategy_id": "strategies",
    "entry_id": "practice_log",
    "setback_id": "setbacks",
    "concern_id": "concerns",
    "resource_id": "resources",
    "response_id": "measures",
    "consent_id": "consents",
    "session_id": "coaching",
    "education_id": "education",
    "transition_id": "transitions",
    "celebration_id": "celebrations",
    "note_id": "wellbeing",
    "offer_id": "support_offers",
    "in_reply_to": "wellbeing",
    "affected_goals": "goals",
    "affected_strategies": "strategies",
    "goal_ids": "goals",
}
"""A field named so refers to records of the state's collection of that name (a
``frozenset`` field to several): the model's vocabulary, shared by hosts' events, who
add their own with :func:`register_reference`."""


def register_reference(field: str, records: Callable[[al.PartnershipState], Iterable[str]]) -> None:
    """Tell :func:`partnership_histories` (and the state machine) that an event field
    named *field* refers to one of the ids *records* gives for a state (several, for a
    ``frozenset`` field): a host's own records, for example
    ``register_reference("authorisation_id", lambda state:
    state.extension(Funding).authorisations)``.

    Raises:
        InvalidArgument: *field* is one of the model's own references.
    """
    current = REFERENCES.get(field)
    if isinstance(current, str):
        raise InvalidArgument(f"{field!r} already refers to the state's {current}")
    REFERENCES[field] = records


def referred(state: al.PartnershipState, field: str) -> list[str]:
    """The ids a field named *field* may refer to in *state*, sorted."""
    source = REFERENCES[field]
    return sorted(getattr(state, source) if isinstance(source, str) else source(state))


MEMBERS: dict[str, al.Side | None] = {
    "member_id": None,
    "owner": None,
    "participants": None,
    "people": None,
    "shared_with": None,
    "carer": al.Side.CARER,
    "carers": al.Side.CARER,
    "attendees": al.Side.CARER,
    "agreed_with": al.Side.CARER,
}
"""A field named so names current members (of one side, where given)."""

DEFAULT_TOPICS: dict[str, float] = {
    "goals": 6,
    "progress": 6,
    "membership": 1.5,
    "partnership": 1.5,
    "communication_plan": 1,
    "check_ins": 3,
    "feedback": 3,
    "home_practice": 3,
    "setbacks": 3,
    "concerns": 2,
    "resources": 1,
    "consent": 2,
    "measures": 2,
    "coaching": 3,
    "transitions": 3,
    "celebrations": 1.5,
    "wellbeing": 2,
    "agreement": 2,
}
"""How often each topic comes up in a default history (a topic not named, a host's own
module say, weighs 2)."""

KIND_WEIGHTS: dict[type[al.Event], float] = {
    al.events.GoalProposed: 2,
    al.events.GoalAgreed: 4,
    al.events.GoalRevised: 0.4,
    al.events.GoalPutOnHold: 0.8,
    al.events.GoalResumed: 4,
    al.events.GoalAchieved: 0.25,
    al.events.GoalDiscontinued: 0.15,
    al.events.TransitionPlanAgreed: 1.5,
    al.events.TransitionReviewed: 0.6,
    al.events.SetbackResponsePlanned: 2,
    al.events.SetbackReviewed: 2.5,
    al.events.SetbackResolved: 0.7,
    al.events.HomePracticePlanned: 1.5,
    al.events.HomePracticeStopped: 0.5,
    al.events.ProgressRecorded: 3,
    al.events.CoachingSessionHeld: 2.5,
    al.events.FidelityChecklistSet: 1.5,
    al.events.PracticeLogged: 2,
    al.events.MemberLeft: 0.5,
}
"""How often an event class comes up within its topic (1 unless named): goals are
agreed more often than they are closed, so most histories have goals under way."""


def topic_of(cls: type[al.Event]) -> str:
    """The topic of an event class: the last part of its module's name (``"goals"`` for
    :class:`alliance.events.GoalAgreed`)."""
    return cls.__module__.rsplit(".", 1)[-1]


_AWARE: dict[type[Any], bool] = {}


def state_aware(cls: type[Any]) -> bool:
    """Whether a value of *cls* names records or members of the state (then it is drawn
    from the state, field by field)."""
    if cls not in _AWARE:
        _AWARE[cls] = _names_the_state(cls)
    return _AWARE[cls]


def _names_the_state(cls: type[Any]) -> bool:
    if cls in STATE_VALUES:
        return True
    if not attrs.has(cls) or cls in FREE_VALUES:
        return False
    for field, hint in fields_of(cls):
        if field.name in REFERENCES or field.name in MEMBERS or field.name == "due":
            return True
        if any(state_aware(t) for t in attrs_classes_in(hint)):
            return True
    return False


def attrs_classes_in(hint: Any) -> list[type[Any]]:
    """The attrs classes in *hint* (``tuple[ActionItem, ...]`` gives ``ActionItem``)."""
    found: list[type[Any]] = []
    pending = [hint]
    while pending:
        t = pending.pop()
        if isinstance(t, type) and attrs.has(t):
            found.append(t)
        pending.extend(getattr(t, "__args__", ()))
    return found
