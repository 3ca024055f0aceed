"""A hypothesis state machine that drives a partnership through random, valid commands.

:class:`PartnershipStateMachine` forms a partnership, adds its first members, and then,
step after step, records events the model accepts (goals proposed, agreed, revised,
achieved; progress and standardised measures; check-ins; feedback both ways; home
practice; setbacks; concerns; members joining and leaving; settings, plans, status
changes and consent to sharing; coaching and education; transitions planned together;
celebrations, carers' wellbeing and support, and the partnership agreement; at last,
perhaps, closing), lets quiet weeks pass,
and offers events the model must refuse. After every step it checks its invariants:

- folding the recorded events gives the partnership's state;
- ``as_of`` the last event (and as of now) gives the state;
- every active goal had a carer and a professional agree to its current version;
- every event survives :func:`alliance.dumps` / :func:`alliance.loads`, and the events
  read back fold to the same state;
- with a :attr:`~PartnershipStateMachine.rule_set`, evaluating it never raises, returns
  findings sorted most urgent first, about this partnership and from its rules, the same
  twice in a row, and changes nothing.

Every step draws its event and its actor as :func:`alliance.testing.partnership_histories`
does, asking the model which events the state allows and which members
:class:`alliance.RolePolicy` lets record them (every registered event type, a host's own
included); set ``policy = alliance.RolePolicy()`` on a subclass to have the partnership
authorise every step with it too (the default, :class:`alliance.AllowAll`, leaves rules
of your own free to record any member's events).

Subclass it to add the clinic's own ``@invariant()`` checks (and rules, if you like) and
run its ``TestCase`` with pytest::

    from hypothesis import settings
    from hypothesis.stateful import invariant

    from alliance.rules import RuleSet
    from alliance.testing.state_machine import PartnershipStateMachine

    class ClinicPartnership(PartnershipStateMachine):
        rule_set = RuleSet.default()

        @invariant()
        def findings_are_never_early(self) -> None:
            for finding in self.findings():
                assert finding.due_at <= self.now

    TestClinicPartnership = ClinicPartnership.TestCase
    TestClinicPartnership.settings = settings(max_examples=25, stateful_step_count=40)

Needs the ``testing`` extra (hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, cast

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidDefinition
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import alliance as al
from alliance.rules import Finding, RuleSet
from alliance.testing.strategies import (
    aware_datetimes,
    invalid_next_events,
    time_zone_names,
    topic_of,
)
from alliance.testing.strategies._histories import History
from alliance.testing.strategies._vocabulary import GAPS, HISTORY_START_MAX, HISTORY_START_MIN

__all__ = ["PartnershipStateMachine"]

_QUIET_SPELLS: st.SearchStrategy[pendulum.Duration] = st.one_of(
    st.integers(1, 6).map(lambda n: pendulum.Duration(days=n)),
    st.integers(1, 8).map(lambda n: pendulum.Duration(weeks=n)),
)
"""How long a quiet spell with nothing recorded lasts: days or weeks."""


# Preconditions are named functions, not lambdas: hypothesis describes each precondition
# every time it checks one, and before 6.1xx it re-read a lambda's source to do so, which
# made a run of the machine many times slower.
def _while_open(machine: PartnershipStateMachine) -> bool:
    """The partnership has started and is not closed."""
    return machine._is_open()


def _once_started(machine: PartnershipStateMachine) -> bool:
    """The partnership has started (its founding event is recorded)."""
    return machine._history is not None


class PartnershipStateMachine(RuleBasedStateMachine):
    """One partnership, driven by random commands the model accepts, checked after every
    step.

    Its first step forms a partnership (from a moment drawn from :attr:`start_times`)
    and adds a professional and a carer. Every later step is one of:

    - ``record_event``: an event of a topic drawn by its weight (goals, progress,
      check-ins, feedback, home practice, setbacks, concerns, members, coaching,
      transitions, celebrations, wellbeing, the agreement..., a host's own modules too),
      of any kind the state allows, valid by construction (drawn like
      :func:`alliance.testing.partnership_histories` draws them), a realistic gap after
      the one before (none, minutes, hours, days or weeks);
    - ``agree_a_goal_together``: a goal proposed and agreed by the other side at once,
      so that shared goals (and what follows them) are common;
    - ``let_time_pass``: days or weeks go by with nothing recorded;
    - ``refuse_invalid_event``: an event drawn from
      :func:`alliance.testing.invalid_next_events` must be refused with an
      :class:`alliance.AllianceError`, leaving the events and the state unchanged;
    - ``refuse_batch_with_invalid_event``: :meth:`alliance.Partnership.record_all` of a
      valid event followed by an invalid one records neither;
    - ``close_partnership`` (with :attr:`allow_closing`, once the timeline holds
      :attr:`close_after` events): after it, only ``let_time_pass`` and
      ``refuse_invalid_event`` run.

    The built-in invariants are listed in :mod:`alliance.testing.state_machine`. Add
    your own with ``@invariant()``; in them, read :attr:`partnership`, :attr:`state`,
    :attr:`now` and :meth:`findings` (with :attr:`rule_set` set). Rules of your own
    may record events with ``self.partnership.record(...)`` at :attr:`now` (ids left
    to the events' constructors) and move the clock with :meth:`advance`.

    Run it with ``TestSomething = YourMachine.TestCase`` in a test module; set
    ``TestSomething.settings = hypothesis.settings(max_examples=...,
    stateful_step_count=...)`` to size the run.

    Example::

        from hypothesis.stateful import invariant
        from alliance.rules import RuleSet
        from alliance.testing.state_machine import PartnershipStateMachine

        class ClinicPartnership(PartnershipStateMachine):
            rule_set = RuleSet.default().with_rules(MyClinicsRule())

            @invariant()
            def my_findings_name_current_carers(self) -> None:
                for finding in self.findings():
                    if finding.rule_id == "my-clinics-rule":
                        assert finding.subject.id in self.state.carers

        TestClinicPartnership = ClinicPartnership.TestCase
    """

    rule_set: ClassVar[RuleSet | None] = None
    """The clinic's rules. When set, they are evaluated as of :attr:`now` after every
    step (see :meth:`rule_set_holds_up`) and :meth:`findings` returns their findings."""

    start_times: ClassVar[st.SearchStrategy[pendulum.DateTime] | None] = None
    """When partnerships are formed; by default any moment from 1990 to 2090, shown in
    any of :data:`alliance.testing.TIME_ZONE_NAMES`."""

    allow_closing: ClassVar[bool] = True
    """Whether a run may close its partnership (a closed one refuses every event)."""

    close_after: ClassVar[int] = 30
    """How many events the timeline holds before closing becomes possible."""

    policy: ClassVar[al.Policy] = al.AllowAll()
    """The authorisation policy the partnership is formed with. The machine's own steps
    draw actors whose role allows each event, so they pass :class:`alliance.RolePolicy`
    too: set ``policy = alliance.RolePolicy()`` to have every step authorised by it
    (then rules of your own must record events their actors may record)."""

    def __init__(self) -> None:
        super().__init__()
        self._history: History | None = None
        self._read_back: list[al.Event] = []
        self._findings: tuple[int, pendulum.DateTime, list[Finding]] | None = None

    # --- what invariants read ------------------------------------------------------------

    @property
    def partnership(self) -> al.Partnership:
        """The partnership under test (there is one once the first step has run)."""
        if self._history is None or self._history.partnership is None:
            raise InvalidDefinition(
                "the partnership is formed by the first step; an invariant that reads it "
                "must not use check_during_init=True"
            )
        return self._history.partnership

    @property
    def state(self) -> al.PartnershipState:
        """The partnership's current state."""
        return self.partnership.state

    @property
    def now(self) -> pendulum.DateTime:
        """The machine's clock: never before the latest event, and it only moves forward."""
        if self._history is None:
            raise InvalidDefinition("the clock starts with the first step")
        return self._history.now

    def advance(self, by: pendulum.Duration) -> pendulum.DateTime:
        """Move :attr:`now` forward by *by* (zero or more) and return the new time."""
        if by < pendulum.Duration():
            raise InvalidDefinition(f"time only moves forward, not by {by!r}")
        if self._history is None:
            raise InvalidDefinition("the clock starts with the first step")
        self._history.now += by
        return self._history.now

    def findings(self) -> list[Finding]:
        """:attr:`rule_set`'s findings for the partnership as of :attr:`now`, most urgent
        first (evaluated once per step and moment, then reused).

        Raises:
            InvalidDefinition: if :attr:`rule_set` is not set.
        """
        if self.rule_set is None:
            raise InvalidDefinition(f"set {type(self).__name__}.rule_set to use findings()")
        version, now = self.partnership.version, self.now
        if self._findings is None or self._findings[:2] != (version, now):
            self._findings = (version, now, self.rule_set.evaluate(self.partnership, now))
        return list(self._findings[2])

    # --- steps -----------------------------------------------------------------------------

    def _drawing(self, data: st.DataObject) -> History:
        """The history drawer, drawing from this step's *data*."""
        assert self._history is not None
        self._history.draw = _draw_fn(data)
        return self._history

    def _is_open(self) -> bool:
        return (
            self._history is not None
            and self.partnership.state.status is not al.model.PartnershipStatus.CLOSED
        )

    @initialize(data=st.data())
    def form_partnership(self, data: st.DataObject) -> None:
        """Form the partnership; a professional and a carer join."""
        self._history = History(
            _draw_fn(data), allow_closing=self.allow_closing, recording_policy=self.policy
        )
        self._history.start(
            self.start_times
            if self.start_times is not None
            else aware_datetimes(
                min_value=HISTORY_START_MIN,
                max_value=HISTORY_START_MAX,
                time_zones=time_zone_names(),
            )
        )

    @precondition(_while_open)
    @rule(data=st.data())
    def record_event(self, data: st.DataObject) -> None:
        """Record an event of a topic drawn by its weight, of a kind the state allows,
        by a member the model accepts."""
        self._record(data, None)

    def _record(self, data: st.DataObject, topic: str | None) -> None:
        history = self._drawing(data)
        history.now += data.draw(GAPS, label="time since the last step")
        history.record_anything(topic=topic)

    @precondition(_while_open)
    @rule(data=st.data())
    def agree_a_goal_together(self, data: st.DataObject) -> None:
        """A member proposes a goal and someone from the other side agrees at once (as
        at a planning meeting), so that shared goals are common enough to work on."""
        history = self._drawing(data)
        history.now += data.draw(GAPS, label="time since the last step")
        history.agree_together()

    @precondition(
        lambda self: (
            self.allow_closing and self._is_open() and self.partnership.version >= self.close_after
        )
    )
    @rule(data=st.data())
    def close_partnership(self, data: st.DataObject) -> None:
        """A professional closes the partnership; nothing can be recorded after this."""
        history = self._drawing(data)
        history.now += data.draw(GAPS, label="time since the last step")
        history.close()

    @precondition(_once_started)
    @rule(spell=_QUIET_SPELLS)
    def let_time_pass(self, spell: pendulum.Duration) -> None:
        """Days or weeks go by and nothing is recorded."""
        self.advance(spell)

    @precondition(_once_started)
    @rule(data=st.data())
    def refuse_invalid_event(self, data: st.DataObject) -> None:
        """An event the model must refuse is refused, and nothing changes."""
        partnership = self.partnership
        events, state = partnership.events, partnership.state.copy()
        bad = data.draw(invalid_next_events(state=partnership.state), label="invalid event")
        try:
            partnership.record(bad)
        except al.AllianceError:
            pass
        else:
            raise AssertionError(f"the model accepted an event it must refuse: {bad!r}")
        _assert_unchanged(partnership, events, state)

    @precondition(_while_open)
    @rule(data=st.data())
    def refuse_batch_with_invalid_event(self, data: st.DataObject) -> None:
        """``record_all`` of a valid event then an invalid one records neither."""
        history = self._drawing(data)
        partnership = self.partnership
        events, state = partnership.events, partnership.state.copy()
        history.now += data.draw(GAPS, label="time since the last step")
        valid = history.anything()
        if valid is None:
            return
        after = al.fold([*events, valid])
        bad = data.draw(invalid_next_events(state=after), label="invalid event")
        try:
            partnership.record_all([valid, bad])
        except al.AllianceError:
            pass
        else:
            raise AssertionError(f"record_all accepted an event it must refuse: {bad!r}")
        _assert_unchanged(partnership, events, state)

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def state_is_the_fold_of_the_events(self) -> None:
        """Folding the recorded events gives the incrementally built state."""
        partnership = self.partnership
        assert partnership.version == len(partnership.events)
        assert al.fold(partnership.events) == partnership.state

    @invariant()
    def as_of_the_last_event_is_the_state(self) -> None:
        """The state as of the latest event, or as of now, is the current state."""
        partnership = self.partnership
        latest = max(e.occurred_at for e in partnership.events)
        assert partnership.as_of(latest) == partnership.state
        assert partnership.as_of(self.now) == partnership.state

    @invariant()
    def active_goals_were_agreed_by_both_sides(self) -> None:
        """Every active goal had a carer and a professional agree to its current version
        (by proposing or revising it, or agreeing to it), in the roles they held then."""
        agreed = _agreement_roles(self.partnership.events)
        for goal in self.partnership.state.goals_with(al.model.GoalStatus.ACTIVE):
            roles = agreed.get(goal.goal_id, set())
            assert {al.MemberRole.CARER, al.MemberRole.PROFESSIONAL} <= roles, (
                f"goal {goal.goal_id!r} is active, but only "
                f"{sorted(r.value for r in roles) or 'nobody'} agreed to it"
            )

    @invariant()
    def timeline_round_trips(self) -> None:
        """Each event reads back from JSON as itself, and the events read back fold to
        the same state."""
        events = self.partnership.events
        for event in events[len(self._read_back) :]:
            back = al.loads(al.dumps(event), al.Event)
            assert back == event, f"{type(event).__name__} changed on its way through JSON"
            assert type(back) is type(event)
            self._read_back.append(back)
        assert al.fold(self._read_back) == self.partnership.state

    @invariant()
    def rule_set_holds_up(self) -> None:
        """With :attr:`rule_set` set: evaluating it as of now never raises; its findings
        are sorted most urgent first, are about this partnership, come from its rules,
        are the same when evaluated again, and evaluating changes nothing."""
        if self.rule_set is None:
            return
        partnership, now = self.partnership, self.now
        events = partnership.events
        try:
            findings = self.rule_set.evaluate(partnership, now)
            again = self.rule_set.evaluate(partnership, now)
        except Exception as exc:
            exc.add_note(f"while evaluating the rule set as of {now.isoformat()}")
            raise
        assert findings == sorted(findings, key=Finding.sort_key), "findings are not sorted"
        assert again == findings, "evaluating twice gave different findings"
        assert partnership.events == events, "evaluating the rules changed the timeline"
        rule_ids = set(self.rule_set.rule_ids)
        for finding in findings:
            assert isinstance(finding, Finding), f"not a Finding: {finding!r}"
            assert finding.partnership_id == partnership.id, finding
            assert finding.rule_id in rule_ids, f"{finding.rule_id!r} is not in the rule set"
        self._findings = (partnership.version, now, findings)


def _topic_rule(topic: str) -> Callable[[PartnershipStateMachine, st.DataObject], None]:
    def record(self: PartnershipStateMachine, data: st.DataObject) -> None:
        self._record(data, topic)

    record.__name__ = record.__qualname__ = f"record_{topic}"
    record.__doc__ = f"Record an event of the topic {topic!r}, of a kind the state allows."
    return record


# One rule per topic of the event types registered now (goals, progress, coaching...),
# so that every topic comes up often; ``record_event`` draws a topic by its weight, a
# host's own included.
for _topic in sorted({topic_of(cls) for cls in al.event_types().values()}):
    setattr(
        PartnershipStateMachine,
        f"record_{_topic}",
        precondition(_while_open)(rule(data=st.data())(_topic_rule(_topic))),
    )


def _draw_fn(data: st.DataObject) -> st.DrawFn:
    """*data*'s ``draw``, as the draw function of a composite strategy (the same call)."""
    return cast("st.DrawFn", data.draw)


def _assert_unchanged(
    partnership: al.Partnership, events: Sequence[al.Event], state: al.PartnershipState
) -> None:
    assert partnership.events == tuple(events), "a refused event changed the timeline"
    assert partnership.version == len(events)
    assert partnership.state == state, "a refused event changed the state"


def _agreement_roles(events: Sequence[al.Event]) -> dict[str, set[al.MemberRole]]:
    """For each goal, the roles (as held at the time) of the members who agreed to its
    current version, worked out from the events alone (independently of the fold)."""
    roles: dict[str, al.MemberRole] = {}
    agreed: dict[str, set[al.MemberRole]] = {}
    for event in events:
        match event:
            case al.events.CarerJoined(member_id=member):
                roles[member] = al.MemberRole.CARER
            case al.events.ProfessionalJoined(member_id=member):
                roles[member] = al.MemberRole.PROFESSIONAL
            case al.events.GoalProposed(goal_id=goal_id) | al.events.GoalRevised(goal_id=goal_id):
                agreed[goal_id] = {roles[event.actor]}
            case al.events.GoalAgreed(goal_id=goal_id):
                agreed[goal_id].add(roles[event.actor])
            case _:
                pass
    return agreed
