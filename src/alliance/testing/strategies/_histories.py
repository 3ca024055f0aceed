"""Whole valid timelines, drawn by asking the model (private; import from
:mod:`alliance.testing.strategies`).

A :class:`History` writes a partnership's timeline one event at a time. For each step it
picks a topic (the model module an event class lives in: goals, progress, coaching...,
a host's own modules too), then an event class of that topic, drafts the event's fields
from the state so far, and asks the model which members may record it: every current
member (and the founder, for the events the founder may record while the partnership
forms) is tried against :func:`alliance.model.timeline.check` and the partnership's
policy, and the actor is drawn among those accepted. Nothing here restates who may do
what: the events' own declarations decide.

A draft is derived from the class's fields, by what they are named in the model's
vocabulary: ``goal_id`` names one of the state's goals, ``strategy_id`` a strategy, a
field whose default is a new id gets a fresh one, ``owner`` and ``participants`` name
members, ``carer`` and ``attendees`` carers, ``due`` is a date from the partnership's
today... (:data:`REFERENCES`, :data:`MEMBERS`). A few events have a rule across their
fields that their fields cannot say (a progress value or GAS level for a goal with or
without a GAS scale, a coaching session scored on its strategy's checklist, the next
version of the agreement): :data:`DRAFTS` writes those fields together.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import hypothesis
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.model import _checks as c
from alliance.model import timeline
from alliance.model.membership import side_of
from alliance.testing.strategies._derive import construct, field_strategy, fields_of, is_new_id
from alliance.testing.strategies._drafts import (
    ACTIVE,
    ALWAYS,
    CARER_SETTINGS,
    DRAFTS,
    MAYBE_VALUES,
    NEEDS,
    PREFER,
    SHORT_IDS,
    STATE_VALUES,
    sharing,
)
from alliance.testing.strategies._events import event_classes
from alliance.testing.strategies._scalars import (
    aware_datetimes,
    ids,
    time_zone_names,
)
from alliance.testing.strategies._values import (
    values_of,
)
from alliance.testing.strategies._vocabulary import (
    DEFAULT_TOPICS,
    FIRST_PROFESSIONAL_ROLES,
    FIRST_SETTINGS,
    GAPS,
    HISTORY_START_MAX,
    HISTORY_START_MIN,
    KIND_WEIGHTS,
    MEMBERS,
    REFERENCES,
    TEXTS,
    attrs_classes_in,
    referred,
    register_reference,
    state_aware,
    topic_of,
)

__all__ = [
    "DEFAULT_TOPICS",
    "register_reference",
    "partnership_histories",
    "partnerships",
    "records_of",
    "replay",
    "topic_of",
]

T = TypeVar("T")

_CANNOT = object()


def _note(event_type: type[al.Event]) -> None:
    if hypothesis.currently_in_test_context():
        hypothesis.event(event_type.type_name)


class History:
    """Draws a timeline: the next event from what the state allows, the actor from whom
    the model and the policy accept."""

    def __init__(
        self,
        draw: st.DrawFn,
        *,
        allow_closing: bool = True,
        policy: al.Policy | None = None,
        recording_policy: al.Policy | None = None,
        topics: Mapping[str, float] | None = None,
        text: str = "unicode",
    ) -> None:
        self.draw: st.DrawFn = draw
        self.allow_closing = allow_closing
        # Who may act is asked of *policy* (RolePolicy unless given); the partnership
        # records under *recording_policy* (the same unless given).
        self.policy: al.Policy = al.RolePolicy() if policy is None else policy
        self.recording_policy = self.policy if recording_policy is None else recording_policy
        weights = dict(DEFAULT_TOPICS)
        weights.update(topics or {})
        self.topics = _topics(weights)
        if text not in TEXTS:
            raise InvalidArgument(f"text={text!r}: choose one of {', '.join(map(repr, TEXTS))}")
        self.text = TEXTS[text]
        self.maybe_text = st.none() | self.text
        self.text_lists = st.lists(self.text, max_size=2)
        self._topics_now: tuple[int, list[tuple[str, int, list[tuple[type[al.Event], int]]]]] = (
            -1,
            [],
        )
        self.used: dict[str, set[str]] = {}
        self.now = pendulum.DateTime.min  # set by start()
        self.founder = ""
        self.partnership: al.Partnership | None = None

    # --- drawing helpers ---------------------------------------------------------------

    @property
    def state(self) -> al.PartnershipState:
        assert self.partnership is not None
        return self.partnership.state

    def pick(self, items: Sequence[T]) -> T:
        # An index rather than sampled_from(items): integers() strategies are cached,
        # a new sampled_from for every draw is slow to validate.
        return items[self.draw(st.integers(0, len(items) - 1))]

    def chance(self) -> bool:
        chosen: bool = self.draw(st.booleans())
        return chosen

    def some(self, items: Iterable[str], *, min_size: int = 1, max_size: int = 3) -> frozenset[str]:
        pool = sorted(items)  # sorted: set order varies between runs, draws must not
        if len(pool) < min_size:
            return frozenset()
        indexes = st.lists(
            st.integers(0, len(pool) - 1), min_size=min_size, max_size=max_size, unique=True
        )
        return frozenset(pool[i] for i in self.draw(indexes))

    def fresh(self, kind: str) -> str:
        """A drawn id not yet used for *kind* (suffixed with a counter if it was)."""
        used = self.used.setdefault(kind, set())
        base = self.draw(SHORT_IDS)
        candidate, counter = base, 0
        while candidate in used:
            counter += 1
            candidate = f"{base}-{counter}"
        used.add(candidate)
        return candidate

    def members(self, side: al.Side | None = None) -> list[str]:
        state = self.state
        return sorted(
            m for m in state.current_members() if side is None or side_of(state, m) is side
        )

    def today(self) -> pendulum.Date:
        return self.state.local_date(self.now)

    def due(self, *, days: int = 730) -> pendulum.Date:
        """A local date from today to *days* after it."""
        return self.today().add(days=self.draw(st.integers(0, days)))

    def until(self, day: pendulum.Date) -> None:
        """Move the clock on to the start of *day* (local), if it has not come yet."""
        if self.today() >= day:
            return
        local = pendulum.datetime(day.year, day.month, day.day, tz=self.state.time_zone)
        self.now = max(self.now, local.in_timezone("UTC").add(hours=self.draw(st.integers(0, 8))))

    # --- drafting an event from the state --------------------------------------------------

    def audience(self) -> al.model.Audience:
        """Mostly everyone; else the clinical team, or some current members by name."""
        kind = self.draw(st.integers(0, 3))
        if kind <= 1:
            return al.model.EVERYONE
        if kind == 2:
            return al.model.Audience.professionals()
        return al.model.Audience(
            scope=al.model.AudienceScope.NAMED, members=self.some(self.members())
        )

    def value(self, field: attrs.Attribute[Any], hint: Any) -> Any:
        """A value for *field* drawn from the state: a reference, members, a fresh id, a
        date from today...; else one drawn as its validator or type says."""
        name = field.name
        optional = type(None) in typing.get_args(hint)
        several = _is_set(hint)
        if is_new_id(field):
            return self.fresh(name)
        if name in REFERENCES:
            keys = referred(self.state, name)
            if not several:  # one record
                if optional and (not keys or self.chance()):
                    return None
                return self.pick(keys) if keys else _CANNOT
            if optional and self.chance():  # several records, or (None) all of them
                return None
            if field.validator is c.identifiers and (not keys or self.chance()):
                return frozenset()
            return self.some(keys) if keys else _CANNOT
        if name in MEMBERS:
            side = MEMBERS[name]
            if side is None and several:
                side = self.pick((None, al.Side.CARER, al.Side.PROFESSIONAL))
            pool = self.members(side) or self.members()
            if not several:
                return self.pick(pool) if pool else _CANNOT
            if field.validator is c.identifiers and self.chance():
                return frozenset()
            return self.some(pool) if pool else _CANNOT
        if name == "setting" and hint is al.model.Setting:
            return self.pick(sorted(self.state.settings))
        if hint is pendulum.Date and name in ("due", "date"):
            return self.due(days=730 if name == "due" else 90)
        if name == "value" and optional:
            return self.draw(MAYBE_VALUES)
        for nested in attrs_classes_in(hint):
            if state_aware(nested):
                return self.nested(hint, nested, has_default=field.default is not attrs.NOTHING)
        if field.validator is c.text:
            return self.draw(self.text)
        if field.validator is c.optional_text:
            return self.draw(self.maybe_text)
        if field.validator is c.texts:
            return tuple(self.draw(self.text_lists))
        return self.draw(_field_strategy(field, hint))

    def nested(self, hint: Any, cls: type[Any], *, has_default: bool = True) -> Any:
        """A value (or a few, for a tuple) of the state-aware class *cls*."""
        origin = getattr(hint, "__origin__", None)
        if origin is tuple:
            least = 0 if has_default else 1  # a tuple the event must be given holds one
            return tuple(self.instance(cls) for _ in range(self.draw(st.integers(least, 2))))
        if type(None) in getattr(hint, "__args__", ()) and self.chance():
            return None
        return self.instance(cls)

    def instance(self, cls: type[T]) -> T:
        """A value of *cls* drawn from the state."""
        hand = STATE_VALUES.get(cls)
        if hand is not None:
            made: T = hand(self)
            return made
        for _ in range(10):
            kwargs = {}
            for field, hint in fields_of(cls):
                value = self.value(field, hint)
                if value is _CANNOT:
                    break
                kwargs[field.name] = value
            else:
                found = construct(cls, kwargs)
                if found is not None:
                    return found
        hypothesis.reject()
        raise AssertionError("unreachable")  # pragma: no cover (reject() raises)

    def draft(
        self, cls: type[al.Event], fixed: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The fields of an event of *cls* (all but ``actor`` and ``occurred_at``), or
        ``None`` when the state has nothing it could be about."""
        kwargs: dict[str, Any] = dict(fixed or {})
        together = DRAFTS.get(cls)
        if together is not None:
            more = together(self, kwargs)
            if more is None:
                return None
            kwargs = {**more, **kwargs}  # what the caller fixed stands
        for field, hint in fields_of(cls):
            if field.name in ("actor", "occurred_at") or field.name in kwargs:
                continue
            value = self.value(field, hint)
            if value is _CANNOT:
                return None
            kwargs[field.name] = value
        return kwargs

    # --- asking the model ---------------------------------------------------------------------

    def candidates(self, cls: type[al.Event]) -> list[str]:
        """Who might record an event of *cls* now: every current member, and the founder
        for what the founder may record while the partnership forms."""
        found = set(self.state.current_members())
        if cls.founder_may_record and self.state.status is al.model.PartnershipStatus.FORMING:
            found.add(self.founder)
        return sorted(found)

    def accepted(self, cls: type[al.Event], kwargs: Mapping[str, Any]) -> list[al.Event]:
        """The event as each candidate would record it, for the candidates the model's
        checks and the policy accept."""
        state = self.state
        found: list[al.Event] = []
        for actor in self.candidates(cls):
            event = construct(cls, {**kwargs, "actor": actor, "occurred_at": self.now})
            if event is None:
                return []  # the draft itself is malformed
            try:
                timeline.check(state, event)
                self.policy.authorise(state, event)
            except al.AllianceError:
                continue
            found.append(event)
        return found

    def propose(
        self,
        cls: type[al.Event],
        *,
        fixed: Mapping[str, Any] | None = None,
        prefer: Callable[[al.Event], bool] | None = None,
        attempts: int = 3,
    ) -> al.Event | None:
        """An event of *cls* the model accepts now, by an actor it accepts (one *prefer*
        likes, if a draft finds one), not recorded; ``None`` if no draft was accepted."""
        fallback: list[al.Event] = []
        for _ in range(attempts if prefer is None else 2 * attempts):
            kwargs = self.draft(cls, fixed)
            if kwargs is None:
                return None
            accepted = self.accepted(cls, kwargs)
            if prefer is not None:
                fallback = fallback or accepted
                accepted = [e for e in accepted if prefer(e)]
            if accepted:
                return self.pick(accepted)
        return self.pick(fallback) if fallback else None

    def record(
        self,
        cls: type[al.Event],
        *,
        fixed: Mapping[str, Any] | None = None,
        prefer: Callable[[al.Event], bool] | None = None,
    ) -> al.Event | None:
        """:meth:`propose` an event of *cls* and record it; ``None`` if none was
        accepted."""
        event = self.propose(cls, fixed=fixed, prefer=prefer)
        if event is not None:
            assert self.partnership is not None
            self.partnership.record(event)
            _note(cls)
        return event

    def anything(self, topic: str | None = None) -> al.Event | None:
        """An event of *topic* (default: of a topic drawn by its weight, or, where
        little is possible, one of those always possible), accepted now and not
        recorded."""
        for _ in range(8):
            cls = self.next_kind(topic)
            if cls is None:
                break
            liked = PREFER.get(cls)
            event = self.propose(cls, prefer=None if liked is None else liked(self))
            if event is not None:
                return event
        if topic is not None:
            return None
        enabled = {name for name, _, _ in self.topics}
        for always in ALWAYS:
            if topic_of(always) not in enabled:
                continue
            event = self.propose(always)
            if event is not None:
                return event
        return None

    def record_anything(self, *, room: int = 1, topic: str | None = None) -> int:
        """Record :meth:`anything` (and, with *room* for two, a goal proposed may be
        agreed at once by the other side, as at a planning meeting); return how many
        events were recorded."""
        event = self.anything(topic)
        if event is None:
            return 0
        assert self.partnership is not None
        self.partnership.record(event)
        _note(type(event))
        if room > 1 and isinstance(event, al.events.GoalProposed) and self.chance():
            agreed = self.record(
                al.events.GoalAgreed, fixed={"goal_id": event.goal_id}, prefer=sharing(self)
            )
            return 1 if agreed is None else 2
        return 1

    def agree_together(self) -> None:
        """A goal proposed, and agreed at once by someone from the other side."""
        goal = self.record(al.events.GoalProposed)
        if goal is None:
            return
        assert isinstance(goal, al.events.GoalProposed)
        proposer = side_of(self.state, goal.actor)
        other = al.Side.PROFESSIONAL if proposer is al.Side.CARER else al.Side.CARER
        self.record(
            al.events.GoalAgreed,
            fixed={"goal_id": goal.goal_id},
            prefer=lambda event: side_of(self.state, event.actor) is other,
        )

    def close(self) -> bool:
        """Close the partnership, if someone may; whether it was closed."""
        closed = self.record(
            al.events.PartnershipStatusChanged,
            fixed={"status": al.model.PartnershipStatus.CLOSED},
        )
        return closed is not None

    # --- the timeline ---------------------------------------------------------------------------

    def start(self, start: st.SearchStrategy[pendulum.DateTime]) -> al.Partnership:
        """Form the partnership; a professional (mostly a therapist or supervisor) and a
        carer join, added by the founder."""
        draw = self.draw
        self.founder = self.fresh("member")
        formed = al.events.PartnershipFormed(
            actor=self.founder,
            occurred_at=draw(start),
            partnership_id=draw(ids(max_size=10)),
            clinic_id=draw(ids(max_size=10)),
            child_id=self.fresh("member"),
            time_zone=draw(time_zone_names()),
            settings=draw(FIRST_SETTINGS),
        )
        self.partnership = al.Partnership.form(formed, policy=self.recording_policy)
        _note(al.events.PartnershipFormed)
        self.now = formed.occurred_at + draw(GAPS)
        professional = self.founder if self.chance() else self.fresh("member")
        self.record(
            al.events.ProfessionalJoined,
            fixed={"member_id": professional, "role": draw(FIRST_PROFESSIONAL_ROLES)},
        )
        self.now += draw(GAPS)
        self.record(al.events.CarerJoined, fixed={"member_id": self.fresh("member")})
        return self.partnership

    def opening(self, budget: int, *, active_goals: int, observations: int) -> int:
        """Work toward *active_goals* goals a carer and a professional agreed, and
        *observations* observations of them, alternately by a carer and a professional,
        then an active partnership, in at most *budget* events; return how many were
        recorded."""
        start = self.state.version

        def used() -> int:
            return self.state.version - start

        def by(side: al.Side) -> Callable[[al.Event], bool]:
            return lambda event: side_of(self.state, event.actor) is side

        def step() -> None:
            self.now += self.draw(GAPS)

        if active_goals and used() < budget and not self.members(al.Side.PROFESSIONAL):
            step()  # the first professional is an educator: a therapist joins the team
            self.record(
                al.events.ProfessionalJoined,
                fixed={"member_id": self.fresh("member"), "role": al.ProfessionalRole.THERAPIST},
            )
        while used() + 1 < budget and len(self.state.shared_goals) < active_goals:
            step()
            before = used()
            self.agree_together()
            if used() - before < 2:
                return used()
        sides = (al.Side.CARER, al.Side.PROFESSIONAL)
        observed = 0
        while used() < budget and observed < observations and self.state.shared_goals:
            step()
            side = sides[observed % 2]
            if side is al.Side.CARER and not self.state.settings & CARER_SETTINGS:
                # carers observe at home or in the community: the child is supported there
                settings = self.state.settings | {al.model.Setting.HOME}
                self.record(al.events.SettingsChanged, fixed={"settings": settings})
                if used() >= budget:
                    return used()
            goal_id = self.state.shared_goals[0].goal_id  # both sides observe one goal
            fixed: dict[str, Any] = {"goal_id": goal_id}
            if side is al.Side.CARER:  # an everyday observation where carers see the child
                fixed["kind"] = al.model.ObservationKind.EVERYDAY
                fixed["setting"] = self.pick(sorted(self.state.settings & CARER_SETTINGS))
            recorded = self.record(al.events.ProgressRecorded, fixed=fixed, prefer=by(side))
            if recorded is None:
                return used()
            observed += 1
        if (
            active_goals
            and used() < budget
            and self.state.status is al.model.PartnershipStatus.FORMING
        ):
            step()  # most partnerships are active for most of their life
            self.record(al.events.PartnershipStatusChanged, fixed=ACTIVE)
        return used()

    def step(self, *, room: int) -> int:
        """Record one more event (two at most, with *room* for them; the last may close
        the partnership); return how many were recorded (0 once it is closed)."""
        self.now += self.draw(GAPS)
        if room == 1 and self.allow_closing and self.chance() and self.close():
            return 0
        return self.record_anything(room=room) or 1

    def next_kind(self, topic: str | None = None) -> type[al.Event] | None:
        """An event class that could be about something in the state now: a topic by its
        weight (or *topic*), then a class of it by its weight."""
        topics = [
            (classes, weight)
            for name, weight, classes in self.possible_topics()
            if topic in (None, name)
        ]
        if not topics:
            return None
        classes, _ = self.weighted(topics)
        return self.weighted(classes)[0]

    def possible_topics(self) -> list[tuple[str, int, list[tuple[type[al.Event], int]]]]:
        """The topics with a class :meth:`possible` now, with those classes (once per
        state version)."""
        version = self.state.version
        if self._topics_now[0] != version:
            found = []
            for name, weight, classes in self.topics:
                possible = [(cls, w) for cls, w in classes if self._possible_now(cls)]
                if possible:
                    found.append((name, weight, possible))
            self._topics_now = (version, found)
        return self._topics_now[1]

    def _possible_now(self, cls: type[al.Event]) -> bool:
        """Whether the state holds what an event of *cls* must refer to (a setback to
        review, an agreement to acknowledge...): a draft could be about something."""
        state = self.state
        for field, hint in fields_of(cls):
            if (
                field.name in REFERENCES
                and field.default is attrs.NOTHING
                and not _is_set(hint)
                and not referred(state, field.name)
            ):
                return False
        needs = NEEDS.get(cls)
        return needs is None or needs(state)

    def weighted(self, items: Sequence[tuple[T, int]]) -> tuple[T, int]:
        """One of *items*, each as likely as its (whole) weight."""
        total = sum(weight for _, weight in items)
        roll = self.draw(st.integers(0, total - 1))
        for item, weight in items:
            if roll < weight:
                return item, weight
            roll -= weight
        return items[-1]


def _topics(
    weights: Mapping[str, float],
) -> list[tuple[str, int, list[tuple[type[al.Event], int]]]]:
    """(topic, weight in tenths, its classes with their weights in tenths) of every
    registered event class but the forming one, in the order the topics are named (then
    by name)."""
    by_topic: dict[str, list[type[al.Event]]] = {}
    for cls in event_classes():
        if cls is not al.events.PartnershipFormed:
            by_topic.setdefault(topic_of(cls), []).append(cls)
    order = [t for t in DEFAULT_TOPICS if t in by_topic] + sorted(
        set(by_topic) - set(DEFAULT_TOPICS)
    )
    found = []
    for topic in order:
        weight = round(10 * weights.get(topic, 2))
        if weight > 0:
            classes = [(cls, round(10 * KIND_WEIGHTS.get(cls, 1))) for cls in by_topic[topic]]
            found.append((topic, weight, classes))
    if not found:
        raise InvalidArgument("topics leave no event type with a weight")
    return found


_FIELD_STRATEGIES: dict[tuple[int, str], st.SearchStrategy[Any]] = {}


def _field_strategy(field: attrs.Attribute[Any], hint: Any) -> st.SearchStrategy[Any]:
    """The field's context-free strategy, made once."""
    key = (id(field), field.name)
    found = _FIELD_STRATEGIES.get(key)
    if found is None:
        found = _FIELD_STRATEGIES[key] = field_strategy(field, hint, values_of)
    return found


def _is_set(hint: Any) -> bool:
    """Whether *hint* is a frozenset (or an optional one)."""
    return typing.get_origin(hint) is frozenset or any(
        typing.get_origin(a) is frozenset for a in typing.get_args(hint)
    )


# --- the public strategies ------------------------------------------------------------------------


@st.composite
def partnership_histories(
    draw: st.DrawFn,
    *,
    min_events: int = 0,
    max_events: int = 60,
    start: st.SearchStrategy[pendulum.DateTime] | None = None,
    allow_closing: bool = True,
    topics: Mapping[str, float] | None = None,
    min_active_goals: int = 2,
    min_observations: int = 2,
    text: str = "unicode",
    policy: al.Policy | None = None,
) -> list[al.Event]:
    """A valid timeline: events :meth:`alliance.Partnership.record` accepted one after
    the other, each recorded as it was drawn (check it with :func:`replay`).

    It begins with :class:`alliance.events.PartnershipFormed`, a professional (mostly a
    therapist or supervisor, sometimes an educator) and a carer joining; then between
    *min_events* and *max_events* more events. The first of them work toward
    *min_active_goals* goals a carer and a professional agreed, and *min_observations*
    observations of them, by a carer and a professional in turn (as far as the count
    allows); every later one is of a topic drawn by its weight in *topics* (the model
    module an event class lives in, ``"goals"``, ``"progress"``, ``"coaching"``..., or a
    host's own module: :data:`DEFAULT_TOPICS`, updated by *topics*; a weight of 0 leaves
    a topic out), then of a class of that topic, its fields drafted from the state so
    far. Every registered event type is reachable, a host's own included.

    **The model decides who acts**: each draft is offered to every current member (and,
    for the members it adds while the partnership forms, to its founder), and the actor
    is drawn among those :func:`alliance.model.timeline.check` and *policy*
    (:class:`alliance.RolePolicy` unless given) accept; the partnership records under
    *policy*, so the history also replays under it. Members leave only from a side with
    another member, and the last professional stays, so that the history can go on.
    With *allow_closing*, the last event may close the partnership.

    Times never go backwards: each event comes none, minutes, hours, days or weeks after
    the one before (a transition's review waits for its local date), from a start drawn
    from *start* (default: 1990 to 2090, shown in any of :data:`TIME_ZONE_NAMES`; for
    dates near today, pass for example ``aware_datetimes(min_value=..., max_value=...)``).
    Due dates and transitions' dates are never before the local date they are set.
    *text* is ``"unicode"`` (short texts of many scripts, the default) or
    ``"readable"`` (short sentences in the practice's words).

    Each event is reported with :func:`hypothesis.event` under its type name: run with
    ``--hypothesis-show-statistics`` to see which types a test saw.
    """
    if not 0 <= min_events <= max_events:
        raise InvalidArgument(
            f"need 0 <= min_events <= max_events, got min_events={min_events}, "
            f"max_events={max_events}"
        )
    if min_active_goals < 0 or min_observations < 0:
        raise InvalidArgument("min_active_goals and min_observations must not be negative")
    history = History(draw, allow_closing=allow_closing, policy=policy, topics=topics, text=text)
    partnership = history.start(
        start
        if start is not None
        else aware_datetimes(
            min_value=HISTORY_START_MIN,
            max_value=HISTORY_START_MAX,
            time_zones=time_zone_names(),
        )
    )
    # Mostly a count leaving room for the opening and more, else any count from
    # min_events (which is what shrinking goes for): hypothesis draws small counts often,
    # and a history of a few events says little.
    roomy = min(max(min_events, 10), max_events)
    low = roomy if draw(st.integers(0, 3)) else min_events
    count = draw(st.integers(low, max_events))
    done = history.opening(count, active_goals=min_active_goals, observations=min_observations)
    while done < count:
        recorded = history.step(room=count - done)
        if not recorded:  # closed
            break
        done += recorded
    return list(partnership.events)


def replay(events: Iterable[al.Event]) -> al.Partnership:
    """Record *events* one by one into a new :class:`alliance.Partnership` and return it.

    Unlike :meth:`alliance.Partnership.from_events`, which folds without checking, every
    event is checked, so this raises (an :class:`alliance.AllianceError`) at the first
    event the model refuses.
    """
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, al.events.PartnershipFormed):
        raise al.ValidationError("events", "a timeline starts with a PartnershipFormed event")
    partnership = al.Partnership.form(first)
    for event in iterator:
        partnership.record(event)
    return partnership


def partnerships(
    *,
    min_events: int = 0,
    max_events: int = 60,
    start: st.SearchStrategy[pendulum.DateTime] | None = None,
    allow_closing: bool = True,
) -> st.SearchStrategy[al.Partnership]:
    """A fresh :class:`alliance.Partnership` holding a :func:`partnership_histories`
    timeline (same arguments)."""
    return partnership_histories(
        min_events=min_events, max_events=max_events, start=start, allow_closing=allow_closing
    ).map(replay)


def _found_in(value: Any, cls: type[T], found: list[T]) -> None:
    """Every instance of *cls* inside *value* (a state, a record, a collection)."""
    if isinstance(value, cls):
        found.append(value)
    if isinstance(value, dict):
        for item in value.values():
            _found_in(item, cls, found)
    elif isinstance(value, tuple | list):
        for item in value:
            _found_in(item, cls, found)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _found_in(getattr(value, field.name), cls, found)


@st.composite
def records_of(draw: st.DrawFn, cls: type[T]) -> T:
    """A record of *cls* (a :class:`alliance.model.Goal`, a :class:`alliance.model.Setback`,
    a :class:`alliance.model.GoalVersion`...) as a real fold makes it: from a history
    whose topics lean to the module *cls* lives in. A record such a history does not hold
    is built from its fields' types instead."""
    topic = cls.__module__.rsplit(".", 1)[-1]
    events = draw(partnership_histories(min_events=6, max_events=30, topics={topic: 12}))
    found: list[T] = []
    _found_in(al.fold(events), cls, found)
    if found:
        return found[draw(st.integers(0, len(found) - 1))]
    return draw(values_of(cls))
