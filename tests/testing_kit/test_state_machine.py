"""The partnership state machine (:mod:`alliance.testing.state_machine`).

- it runs, finds no invariant violation, and records every event type;
- under ``policy = RolePolicy()`` every step is authorised by it, every event type is
  still recorded, and invalid events are still refused;
- a subclass with a rule set and invariants of its own runs too (the way users use it);
- each built-in invariant catches the fault it is there for: the model is broken on
  purpose (monkeypatched) and the machine must fail.
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidDefinition
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test

import alliance as al
import alliance.testing
from alliance.model import goals as goals_module
from alliance.model import timeline as timeline_module
from alliance.rules import Finding, FindingSeverity, RuleContext, RuleSet, Subject, SubjectKind
from alliance.testing.state_machine import PartnershipStateMachine

# Every registered event type, not only alliance.model.events' (MeasureCompleted and the
# consent events too).
EVENT_TYPES = set(al.event_types())

# The machine as CI runs it: modest, and derandomized by the ci profile (random under the
# dev profile, so local runs explore).
RUN = settings(
    max_examples=40,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Tests that need a given fault found, or every event type recorded, use a fixed sample
# under every profile (hypothesis still mixes constants from the loaded modules into
# generation, so the sample shifts when the code does).
FIXED = settings(RUN, derandomize=True, database=None)

TestPartnership = PartnershipStateMachine.TestCase
TestPartnership.settings = RUN


class ClinicPartnership(PartnershipStateMachine):
    """What a clinic writes: the machine with its rule set and invariants of its own."""

    rule_set = RuleSet.default()

    @invariant()
    def findings_are_never_early(self) -> None:
        for finding in self.findings():
            assert finding.due_at <= self.now, finding

    @invariant()
    def only_rules_that_apply_to_the_status_have_findings(self) -> None:
        # Most rules apply to an active partnership only; the transition rules during a
        # pause too (a child changes setting whether or not therapy is paused).
        assert self.rule_set is not None
        applies = {
            rule.rule_id: getattr(
                rule, "applies_to", frozenset({al.model.PartnershipStatus.ACTIVE})
            )
            for rule in self.rule_set.rules
        }
        for finding in self.findings():
            assert self.state.status in applies[finding.rule_id], (self.state.status, finding)


TestClinicPartnership = ClinicPartnership.TestCase
TestClinicPartnership.settings = settings(RUN, max_examples=25)


class RolePolicyPartnership(PartnershipStateMachine):
    """The machine with every step authorised by RolePolicy: its actors are drawn by role,
    so nothing it records is refused (a refusal fails the run with PermissionDenied)."""

    policy = al.RolePolicy()

    @invariant()
    def the_partnership_is_under_the_role_policy(self) -> None:
        assert isinstance(self.partnership.policy, al.RolePolicy)


TestRolePolicyPartnership = RolePolicyPartnership.TestCase
TestRolePolicyPartnership.settings = settings(RUN, max_examples=25)


def run_quickly(machine: type[PartnershipStateMachine], *, examples: int = 30) -> None:
    """Run *machine* on a fixed sample, without shrinking (for machines meant to fail)."""
    run_state_machine_as_test(
        machine,
        settings=settings(
            FIXED,
            max_examples=examples,
            stateful_step_count=40,
            database=None,
            phases=[Phase.generate],
            print_blob=False,
        ),
    )


# --- the machine does what it says ----------------------------------------------------------


def test_every_event_type_is_recorded_and_invalid_events_are_offered() -> None:
    """Under RolePolicy: the machine draws the same steps whatever its policy, and under
    this one every step it records is authorised as well."""
    seen: collections.Counter[str] = collections.Counter()
    steps: collections.Counter[str] = collections.Counter()

    def started(machine: RolePolicyPartnership) -> bool:
        return machine._history is not None

    class Watched(RolePolicyPartnership):
        def teardown(self) -> None:
            if self._history is not None:
                seen.update(type(e).type_name for e in self.partnership.events)

        @precondition(started)
        @rule(data=st.data())
        def refuse_invalid_event(self, data: st.DataObject) -> None:
            steps["refused"] += 1
            super().refuse_invalid_event(data)

        @invariant()
        def count_checks(self) -> None:
            steps["checked"] += 1

    # Rare kinds (resuming a goal put on hold, discontinuing one) need a long enough run:
    # fixed, seeded samples are drawn until every type has been recorded. Which sample
    # first records the rarest kinds depends on what else the test session imported (in
    # a whole-suite run, 10 samples once missed GoalDiscontinued), so up to 20 are drawn.
    for sample in range(20):
        run_state_machine_as_test(
            seed(sample)(Watched),
            settings=settings(FIXED, max_examples=20, phases=[Phase.generate]),
        )
        if set(seen) >= EVENT_TYPES:
            break
    samples = sample + 1
    missing = EVENT_TYPES - set(seen)
    assert not missing, f"never recorded in {samples} samples of 20 runs: {sorted(missing)}"
    assert steps["refused"] > 0
    assert steps["checked"] > 0


def test_it_is_reexported_by_the_testing_kit() -> None:
    assert alliance.testing.PartnershipStateMachine is PartnershipStateMachine


def test_its_default_policy_allows_all() -> None:
    # so that rules of a user's own may record any member's events, as before
    assert isinstance(PartnershipStateMachine.policy, al.AllowAll)


def test_its_helpers_refuse_to_be_used_before_the_first_step() -> None:
    machine = PartnershipStateMachine()
    with pytest.raises(InvalidDefinition, match="first step"):
        _ = machine.partnership
    with pytest.raises(InvalidDefinition, match="first step"):
        _ = machine.now
    with pytest.raises(InvalidDefinition, match="rule_set"):
        machine.findings()
    with pytest.raises(InvalidDefinition, match="forward"):
        machine.advance(pendulum.Duration(seconds=-1))


def test_closing_can_be_turned_off() -> None:
    statuses: set[al.model.PartnershipStatus] = set()

    class NeverClosed(PartnershipStateMachine):
        allow_closing = False
        close_after = 0

        def teardown(self) -> None:
            if self._history is not None:
                statuses.add(self.state.status)

    run_quickly(NeverClosed, examples=10)
    assert al.model.PartnershipStatus.CLOSED not in statuses
    assert statuses  # it ran

    class SoonClosed(NeverClosed):
        allow_closing = True

    statuses.clear()
    run_quickly(SoonClosed, examples=10)
    assert al.model.PartnershipStatus.CLOSED in statuses


def test_start_times_choose_when_partnerships_are_formed() -> None:
    formed: list[pendulum.DateTime] = []
    moment = pendulum.datetime(2025, 3, 3, 9, tz="Europe/London")

    class Spring(PartnershipStateMachine):
        start_times = st.just(moment)

        def teardown(self) -> None:
            if self._history is not None:
                formed.append(self.state.formed_at)

    run_quickly(Spring, examples=5)
    assert formed
    assert set(formed) == {moment}


# --- each invariant catches its fault -------------------------------------------------------


def test_a_goal_shared_without_both_sides_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def share_at_once(
        state: al.PartnershipState, goal: al.model.Goal, at: pendulum.DateTime
    ) -> al.model.Goal:
        if goal.status is not al.model.GoalStatus.PROPOSED:
            return goal
        return attrs.evolve(
            goal, status=al.model.GoalStatus.ACTIVE, status_changed_at=at, shared_at=at
        )

    monkeypatch.setattr(goals_module, "_share_if_agreed", share_at_once)
    with pytest.raises(AssertionError, match="is active, but only"):
        run_quickly(PartnershipStateMachine)


def test_an_accepted_invalid_event_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real_check = timeline_module.check

    def lenient(state: al.PartnershipState, event: al.Event) -> None:
        with contextlib.suppress(al.NotAMemberError):  # the bug: anyone may record
            real_check(state, event)

    monkeypatch.setattr(timeline_module, "check", lenient)
    # Only one kind of invalid event in fifteen names a non-member, and a step draws
    # many choices: thirty examples found it on some hypothesis releases only.
    with pytest.raises(AssertionError, match="accepted an event it must refuse"):
        run_quickly(PartnershipStateMachine, examples=100)


def test_a_state_that_drifts_from_its_events_is_caught() -> None:
    class Drifting(PartnershipStateMachine):
        @rule()
        def change_the_state_behind_the_timelines_back(self) -> None:
            self.partnership.state.settings = frozenset(
                {al.model.Setting.COMMUNITY, al.model.Setting.HOME}
            )

    with pytest.raises(AssertionError):
        run_quickly(Drifting)


def test_an_as_of_that_drops_the_last_event_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def as_of(self: al.Partnership, moment: Any) -> al.PartnershipState:
        return al.fold(self.events[:-1] if self.version > 3 else self.events)

    monkeypatch.setattr(al.Partnership, "as_of", as_of)

    class OnlyAsOf(PartnershipStateMachine):
        pass

    with pytest.raises(AssertionError):
        run_quickly(OnlyAsOf)


def test_an_event_changed_by_json_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real_loads = al.loads

    def lossy(text: str, cls: Any) -> Any:
        event = real_loads(text, cls)
        if isinstance(event, al.events.GoalProposed):
            return attrs.evolve(event, statement=event.statement + "!")
        return event

    monkeypatch.setattr(al, "loads", lossy)
    with pytest.raises(AssertionError, match="changed on its way through JSON"):
        run_quickly(PartnershipStateMachine)


@attrs.frozen
class Raising:
    rule_id: ClassVar[str] = "raising"

    def evaluate(self, context: RuleContext) -> Iterable[Finding]:
        if context.state.goals:
            raise ZeroDivisionError("a rule that cannot cope with goals")
        return []


@attrs.frozen
class Elsewhere:
    rule_id: ClassVar[str] = "elsewhere"

    def evaluate(self, context: RuleContext) -> Iterable[Finding]:
        return [
            Finding(
                rule_id=self.rule_id,
                severity=FindingSeverity.INFO,
                message="About some other partnership.",
                partnership_id="some-other-partnership",
                subject=Subject(kind=SubjectKind.PARTNERSHIP, id="some-other-partnership"),
                due_at=context.moment,
            )
        ]


class Unsorted(RuleSet):
    def evaluate(self, partnership: al.Partnership, moment: Any) -> list[Finding]:
        return list(reversed(super().evaluate(partnership, moment)))


def test_a_rule_that_raises_is_caught_and_named() -> None:
    class WithRaising(PartnershipStateMachine):
        rule_set = RuleSet([Raising()])

    with pytest.raises(ZeroDivisionError) as info:
        run_quickly(WithRaising)
    assert any("while evaluating the rule set" in note for note in info.value.__notes__)


def test_findings_about_another_partnership_are_caught() -> None:
    class WithElsewhere(PartnershipStateMachine):
        rule_set = RuleSet([Elsewhere()])

    with pytest.raises(AssertionError):
        run_quickly(WithElsewhere)


def test_unsorted_findings_are_caught() -> None:
    class WithUnsorted(PartnershipStateMachine):
        rule_set = Unsorted(RuleSet.default().rules)

    with pytest.raises(AssertionError, match="not sorted"):
        run_quickly(WithUnsorted, examples=60)


# --- what the machine found -------------------------------------------------------------------


T0 = pendulum.datetime(2025, 3, 3, 9, tz="UTC")


def test_an_agreement_keeps_the_role_it_was_given_in() -> None:
    """Found by the machine's goal invariant: a professional who agreed, left and rejoined
    as a carer made the goal shared once another professional agreed."""
    p = al.Partnership.form(
        al.events.PartnershipFormed(
            partnership_id="p", clinic_id="c", child_id="sam", time_zone="UTC", actor="ana",
            occurred_at=T0,
        )
    )  # fmt: skip
    p.record_all(
        [
            al.events.ProfessionalJoined(
                member_id="ana", discipline=al.Discipline.ABA, actor="ana", occurred_at=T0
            ),
            al.events.ProfessionalJoined(
                member_id="bob", discipline=al.Discipline.ABA, actor="ana", occurred_at=T0
            ),
            al.events.CarerJoined(
                member_id="maria",
                relationship=al.CarerRelationship.PARENT,
                actor="ana",
                occurred_at=T0,
            ),
        ]
    )
    goal = p.record(
        al.events.GoalProposed(  # agreed by ana, a professional, by proposing it
            domain=al.model.GoalDomain.COMMUNICATION,
            statement="Sam asks with two words",
            why_it_matters="Fewer tears",
            actor="ana",
            occurred_at=T0,
            target=al.model.MeasurableTarget(
                metric="requests",
                unit="per day",
                baseline=1,
                target=8,
                direction=al.model.Direction.INCREASE,
                due=pendulum.date(2025, 6, 30),
            ),
        )
    )
    p.record(al.events.MemberLeft(member_id="ana", actor="bob", occurred_at=T0.add(days=1)))
    p.record(
        al.events.CarerJoined(
            member_id="ana",
            relationship=al.CarerRelationship.OTHER,
            actor="bob",
            occurred_at=T0.add(days=2),
        )
    )
    p.record(al.events.GoalAgreed(goal_id=goal.goal_id, actor="bob", occurred_at=T0.add(days=3)))
    # only professionals (ana then, bob now) have agreed: the goal is not shared yet
    assert p.state.goals[goal.goal_id].status is al.model.GoalStatus.PROPOSED
