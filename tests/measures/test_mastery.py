"""Mastery criteria at their edges, by properties, with their explanations; phases; summary
figures; and the worked example in docs/measures.md, run as written."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import alliance as al
from alliance.scenario import Scenario
from team import MARCH as T0
from team import by, story

DOCS = Path(__file__).resolve().parents[2] / "docs" / "measures.md"
CLINIC, HOME, SCHOOL = al.model.Setting.CLINIC, al.model.Setting.HOME, al.model.Setting.SCHOOL
SESSION, PROBE = al.model.ObservationKind.SESSION, al.model.ObservationKind.PROBE


def day(n: int) -> pendulum.Date:
    return T0.add(days=n).date()


def obs(
    n: int,
    value: float | None,
    *,
    hour: int = 10,
    observer: str = "ana",
    setting: al.model.Setting = CLINIC,
    kind: al.model.ObservationKind = SESSION,
    trials: int | None = None,
    first: bool | None = None,
    id_: str | None = None,
) -> al.model.Observation:
    """An observation on day *n* after T0 (Europe/London)."""
    return al.model.Observation(
        observation_id=id_ or f"o{n}-{hour}-{observer}",
        goal_id="g1",
        observed_at=pendulum.datetime(2025, 3, 3, hour, tz="Europe/London").add(days=n),
        observer=observer,
        setting=setting,
        kind=kind,
        value=value,
        gas_level=None if value is not None else 1,
        trials=trials,
        first_trial_independent=first,
    )


def assess(
    observations: Sequence[al.model.Observation],
    criterion: al.model.MasteryCriterion,
    kind: al.model.MetricKind = al.model.MetricKind.PERCENTAGE,
    unit: str = "%",
) -> al.measures.MasteryEvaluation:
    return al.measures.assess_mastery(
        observations, criterion, time_zone="Europe/London", metric_kind=kind, unit=unit
    )


def verdicts(evaluation: al.measures.MasteryEvaluation) -> list[str]:
    return [d.verdict.value for d in evaluation.days]


EIGHTY_THREE_SESSIONS = al.model.MasteryCriterion(threshold=80, consecutive=3)


# --- the edges ------------------------------------------------------------------------------


def test_a_streak_broken_by_one_session() -> None:
    data = [obs(0, 85), obs(1, 90), obs(2, 70), obs(3, 85), obs(4, 90)]
    evaluation = assess(data, EIGHTY_THREE_SESSIONS)
    assert not evaluation.mastered
    assert evaluation.mastered_on is None
    assert verdicts(evaluation) == ["met", "met", "not-met", "met", "met"]
    assert evaluation.current_run == 2
    assert evaluation.broken_on == day(2)
    assert evaluation.run == (day(3), day(4))
    assert evaluation.shortfall == (
        "2 of 3 consecutive sessions so far; the run broke on 2025-03-05 (70%: below 80%)"
    )
    assert evaluation.day(day(2)).reason == "70%: below 80%"
    # one more good session completes the run
    mastered = assess([*data, obs(7, 88)], EIGHTY_THREE_SESSIONS)
    assert mastered.mastered
    assert mastered.mastered_on == day(7)
    assert mastered.run == (day(3), day(4), day(7))
    assert mastered.shortfall is None
    assert mastered.summary == (
        "Mastered on 2025-03-10: 3 sessions met the criterion "
        "(2025-03-06, 2025-03-07, 2025-03-10), recorded by ana in clinic."
    )
    # without the bad session, it would have been mastered on the third day
    assert assess([obs(0, 85), obs(1, 90), obs(3, 85)], EIGHTY_THREE_SESSIONS).mastered_on == day(3)


def test_a_day_under_the_minimum_trials_does_not_count() -> None:
    criterion = al.model.MasteryCriterion(threshold=80, consecutive=3, min_trials=10)
    data = [
        obs(0, 85, trials=12),
        obs(1, 95, trials=6),  # too few trials
        obs(2, 85, trials=5),
        obs(2, 90, trials=5, hour=15),  # two sittings make 10: counts
        obs(3, 90, trials=10),
    ]
    evaluation = assess(data, criterion)
    assert verdicts(evaluation) == ["met", "not-counted", "met", "met"]
    assert evaluation.day(day(1)).reason == (
        "95%, 6 trials: fewer than the 10 trials a session needs to count"
    )
    assert evaluation.day(day(2)).trials == 10
    # sessions: the uncounted day is passed over, neither meeting nor breaking the run
    assert evaluation.mastered_on == day(3)
    assert evaluation.run == (day(0), day(2), day(3))
    # calendar days: a day that does not count breaks the run
    in_days = assess(data, attrs.evolve(criterion, frame=al.model.MasteryFrame.DAYS))
    assert not in_days.mastered
    assert in_days.broken_on == day(1)
    assert in_days.current_run == 2
    assert in_days.shortfall is not None
    assert in_days.shortfall.startswith("2 of 3 consecutive days so far; the run broke on")
    # a session without a trial count does not count either
    unknown = assess([obs(0, 85)], attrs.evolve(criterion, consecutive=1))
    assert unknown.days[0].verdict is al.measures.DayVerdict.NOT_COUNTED
    assert unknown.days[0].reason == (
        "85%: trials not recorded; a session needs at least 10 to count"
    )


def test_two_days_by_the_same_observer_are_not_enough_with_two_observers_needed() -> None:
    criterion = al.model.MasteryCriterion(
        threshold=80, consecutive=2, frame=al.model.MasteryFrame.DAYS, min_observers=2
    )
    same = assess([obs(0, 85, observer="ana"), obs(1, 90, observer="ana")], criterion)
    assert not same.mastered
    assert same.current_run == 2
    assert same.shortfall == (
        "the days that met the threshold were recorded by 1 person (ana); "
        "2 different people are needed"
    )
    other = assess(
        [obs(0, 85, observer="ana"), obs(1, 90, observer="ana"), obs(2, 88, observer="ben")],
        criterion,
    )
    assert other.mastered_on == day(2)
    assert other.run == (day(1), day(2))
    assert "recorded by ana and ben" in other.summary


def test_generalisation_across_settings() -> None:
    criterion = al.model.MasteryCriterion(threshold=80, consecutive=3, min_settings=2)
    home_only = [obs(n, 85, setting=HOME, observer="maria") for n in range(3)]
    evaluation = assess(home_only, criterion)
    assert not evaluation.mastered
    assert evaluation.shortfall == (
        "the sessions that met the threshold were all in 1 setting (home); "
        "2 different settings are needed"
    )
    mixed = assess([*home_only, obs(3, 90, setting=SCHOOL, observer="tess")], criterion)
    assert mixed.mastered_on == day(3)
    assert "in home and school" in mixed.summary


def test_same_day_data_aggregate_by_the_metric_kind() -> None:
    one_day = [obs(0, 70, hour=9), obs(0, 90, hour=14)]
    at_least_80 = al.model.MasteryCriterion(threshold=80, consecutive=1)
    percentage = assess(one_day, at_least_80, al.model.MetricKind.PERCENTAGE)
    assert percentage.days[0].value == 80
    assert percentage.days[0].reason == "80% (mean of 2): meets at least 80%"
    assert percentage.mastered

    counts = [obs(0, 3, hour=9), obs(0, 4, hour=14)]
    at_least_7 = al.model.MasteryCriterion(threshold=7, consecutive=1)
    counted = assess(counts, at_least_7, al.model.MetricKind.COUNT, "requests")
    assert counted.days[0].value == 7
    assert counted.days[0].reason == "7 requests (sum of 2): meets at least 7 requests"
    assert counted.mastered
    assert not assess(
        counts, at_least_7, al.model.MetricKind.LEVEL, "requests"
    ).mastered  # mean 3.5

    minutes = [obs(0, 12, hour=9), obs(0, 10, hour=14)]
    at_most_20 = al.model.MasteryCriterion(
        threshold=20, consecutive=1, comparison=al.model.Comparison.AT_MOST
    )
    tantrums = assess(minutes, at_most_20, al.model.MetricKind.DURATION, "minutes")
    assert tantrums.days[0].value == 22
    assert tantrums.days[0].reason == "22 minutes (sum of 2): above 20 minutes"
    assert assess(minutes, at_most_20, al.model.MetricKind.RATE, "minutes").mastered  # mean 11


def test_x_of_the_last_y() -> None:
    three_of_five = al.model.MasteryCriterion(threshold=80, consecutive=3, out_of_last=5)
    assert (
        al.measures.describe_criterion(three_of_five, "%")
        == "at least 80% in 3 of the last 5 sessions"
    )
    data = [obs(0, 85), obs(1, 60), obs(2, 85), obs(3, 60)]
    evaluation = assess(data, three_of_five)
    assert not evaluation.mastered
    assert evaluation.shortfall is not None
    assert evaluation.shortfall.startswith(
        "2 of the last 4 sessions met the threshold; 3 are needed"
    )
    mastered = assess([*data, obs(4, 85)], three_of_five)
    assert mastered.mastered_on == day(4)
    assert mastered.run == (day(0), day(2), day(4))
    # the window moves on: old sessions fall out of it
    late = assess(
        [obs(0, 85), obs(1, 85), obs(2, 60), obs(3, 60), obs(4, 60), obs(5, 85)], three_of_five
    )
    assert not late.mastered
    with pytest.raises(al.ValidationError) as info:
        al.model.MasteryCriterion(threshold=80, consecutive=4, out_of_last=3)
    assert info.value.field == "out_of_last"


def test_probe_data_only() -> None:
    criterion = al.model.MasteryCriterion(threshold=80, consecutive=2, probes_only=True)
    data = [
        obs(0, 90, kind=PROBE),
        obs(1, 40, kind=SESSION),  # teaching data: left out
        obs(2, 85, kind=PROBE),
        obs(2, None, kind=PROBE, id_="gas-only"),
    ]
    evaluation = assess(data, criterion)
    assert evaluation.mastered_on == day(2)
    assert [(s.observation_id, s.reason) for s in evaluation.skipped] == [
        ("o1-10-ana", "not probe data (session)"),
        ("gas-only", "no measured value (a GAS level only)"),
    ]
    assert "Left out: o1-10-ana on 2025-03-04: not probe data (session)" in evaluation.explain()


def test_the_first_trial_must_be_independent() -> None:
    criterion = al.model.MasteryCriterion(threshold=80, consecutive=2, first_trial_independent=True)
    data = [obs(0, 90, first=True), obs(1, 95, first=True), obs(1, 90, first=False, hour=15)]
    evaluation = assess(data, criterion)
    assert verdicts(evaluation) == ["met", "not-met"]
    assert evaluation.day(day(1)).reason.endswith(": the first trial was not independent")
    unrecorded = assess([obs(0, 90)], attrs.evolve(criterion, consecutive=1))
    assert unrecorded.days[0].reason.endswith(
        ": whether the first trial was independent was not recorded"
    )
    assert assess([*data, obs(2, 85, first=True)], criterion).mastered is False
    assert assess([*data, obs(2, 85, first=True), obs(3, 85, first=True)], criterion).mastered


def test_calendar_days_need_data_every_day() -> None:
    criterion = al.model.MasteryCriterion(
        threshold=2,
        consecutive=3,
        frame=al.model.MasteryFrame.DAYS,
        comparison=al.model.Comparison.AT_MOST,
    )
    # Friday, then the weekend without data, then Monday and Tuesday
    data = [obs(4, 1), obs(7, 2), obs(8, 0)]
    evaluation = assess(data, criterion, al.model.MetricKind.RATE, "per hour")
    assert not evaluation.mastered
    assert evaluation.broken_on == day(6)
    assert evaluation.broken_because == "no data that day"
    explained = evaluation.explain()
    assert "2025-03-09  no data      no data that day  [the run broke here]" in explained
    assert evaluation.criterion_text == "at most 2 per hour in 3 consecutive days"
    assert assess(
        [*data, obs(9, 1)], criterion, al.model.MetricKind.RATE, "per hour"
    ).mastered_on == (day(9))
    # the same data as sessions: the weekend does not matter
    sessions = attrs.evolve(criterion, frame=al.model.MasteryFrame.SESSIONS)
    assert assess(data, sessions, al.model.MetricKind.RATE, "per hour").mastered_on == day(8)


def test_days_are_local_to_the_partnership() -> None:
    # 23:30 and 00:30 London time in summer are 22:30 and 23:30 UTC: two local days
    late = al.model.Observation(
        observation_id="late",
        goal_id="g1",
        observed_at=pendulum.datetime(2025, 7, 1, 23, 30, tz="Europe/London"),
        observer="ana",
        setting=CLINIC,
        kind=SESSION,
        value=90,
    )
    early = attrs.evolve(
        late,
        observation_id="early",
        observed_at=pendulum.datetime(2025, 7, 2, 0, 30, tz="Europe/London"),
    )
    criterion = al.model.MasteryCriterion(threshold=80, consecutive=2)
    in_london = al.measures.assess_mastery([late, early], criterion, time_zone="Europe/London")
    assert [d.day for d in in_london.days] == [pendulum.date(2025, 7, 1), pendulum.date(2025, 7, 2)]
    assert in_london.mastered
    in_utc = al.measures.assess_mastery([late, early], criterion, time_zone="UTC")
    assert len(in_utc.days) == 1
    assert not in_utc.mastered


# --- through the partnership -------------------------------------------------------------------


def partnership(
    criterion: al.model.MasteryCriterion | None = EIGHTY_THREE_SESSIONS,
) -> al.Partnership:
    s = story(start=T0, policy=al.AllowAll())  # mastery is tested here, not who may record
    with s.all_or_nothing():
        s.record(al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.ABA)
        s.record(al.events.ProfessionalJoined, member_id="ben", discipline=al.Discipline.ABA)
        s.record(al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
    goal(s.partnership, "g1", criterion=criterion)
    return s.partnership


def goal(
    p: al.Partnership,
    goal_id: str,
    *,
    criterion: al.model.MasteryCriterion | None = EIGHTY_THREE_SESSIONS,
    by: str = "ana",
    agreed_by: str = "maria",
    domain: al.model.GoalDomain = al.model.GoalDomain.COMMUNICATION,
    at: pendulum.DateTime = T0,
) -> None:
    story = Scenario(p, at=at, actor=by)
    story.record(
        al.events.GoalProposed,
        goal_id=goal_id,
        domain=domain,
        statement=f"Goal {goal_id}",
        why_it_matters="It matters",
        target=al.model.MeasurableTarget(
            metric="correct",
            unit="%",
            baseline=20,
            target=90,
            direction=al.model.Direction.INCREASE,
            due=pendulum.date(2025, 12, 31),
            metric_kind=al.model.MetricKind.PERCENTAGE,
        ),
        mastery=criterion,
    )
    story.by(agreed_by).record(al.events.GoalAgreed, goal_id=goal_id)


def progress(
    p: al.Partnership,
    n: int,
    value: float,
    *,
    goal_id: str = "g1",
    who: str = "ana",
    trials: int | None = None,
    hour: int = 10,
    kind: al.model.ObservationKind = SESSION,
) -> al.events.ProgressRecorded:
    return p.record(
        by(who, T0.add(days=n).replace(hour=hour)).build(
            al.events.ProgressRecorded,
            goal_id=goal_id,
            setting=CLINIC,
            kind=kind,
            value=value,
            trials=trials,
        )
    )


def test_a_goals_criterion_is_evaluated_from_its_observations_as_corrected() -> None:
    p = partnership()
    for n, value in enumerate([85, 90, 75]):
        recorded = progress(p, n, value, trials=10)
    assert p.state.observations[recorded.observation_id].trials == 10
    assert not al.measures.evaluate_mastery(p.state, "g1").mastered
    p.record(
        by("ana", T0.add(days=3)).build(
            al.events.ProgressCorrected,
            observation_id=recorded.observation_id,
            reason="Miscounted",
            value=82,
        )
    )
    evaluation = al.measures.evaluate_mastery(p.state, "g1")
    assert evaluation.mastered_on == day(2)
    assert evaluation.goal_id == "g1"
    assert evaluation.unit == "%"
    assert evaluation.metric_kind is al.model.MetricKind.PERCENTAGE
    assert not al.measures.evaluate_mastery(p.state, "g1", as_of=T0.add(days=2)).mastered  # 9:00
    assert not al.measures.evaluate_mastery(p.state, "g1", since=day(1)).mastered
    stricter = al.model.MasteryCriterion(threshold=90, consecutive=1)
    assert al.measures.evaluate_mastery(p.state, "g1", criterion=stricter).mastered_on == day(1)


def test_evaluating_needs_a_goal_and_a_criterion() -> None:
    p = partnership(criterion=None)
    with pytest.raises(al.DomainError) as info:
        al.measures.evaluate_mastery(p.state, "g1")
    assert info.value.field == "criterion"
    with pytest.raises(al.UnknownRecordError):
        al.measures.evaluate_mastery(p.state, "nope", criterion=EIGHTY_THREE_SESSIONS)
    with pytest.raises(al.ValidationError):
        al.measures.assess_mastery([], "80%")  # type: ignore[arg-type]


def test_trials_and_first_trial_independence_are_validated() -> None:
    fields: dict[str, Any] = {
        "goal_id": "g1",
        "setting": CLINIC,
        "kind": SESSION,
        "value": 80,
        "actor": "ana",
        "occurred_at": T0,
    }
    for bad in (0, -1, True, 2.5):
        with pytest.raises(al.ValidationError) as info:
            al.events.ProgressRecorded(**fields, trials=bad)
        assert info.value.field == "trials"
    with pytest.raises(al.ValidationError) as info:
        al.events.ProgressRecorded(**fields, first_trial_independent="yes")
    assert info.value.field == "first_trial_independent"
    for field, bad in (("min_trials", 0), ("min_observers", 0), ("probes_only", "no")):
        with pytest.raises(al.ValidationError) as info:
            al.model.MasteryCriterion(threshold=80, consecutive=1, **{field: bad})
        assert info.value.field == field


# --- properties --------------------------------------------------------------------------------

criteria = st.builds(
    al.model.MasteryCriterion,
    threshold=st.sampled_from([50.0, 80.0]),
    consecutive=st.integers(1, 3),
    comparison=st.sampled_from(al.model.Comparison),
    frame=st.sampled_from(al.model.MasteryFrame),
    out_of_last=st.one_of(st.none(), st.just(4)),
    min_trials=st.one_of(st.none(), st.just(5)),
    min_observers=st.integers(1, 2),
    min_settings=st.integers(1, 2),
    probes_only=st.booleans(),
    first_trial_independent=st.booleans(),
)

observation_fields = st.tuples(
    st.integers(0, 12),  # day
    st.integers(7, 20),  # hour
    st.sampled_from([0.0, 40.0, 50.0, 65.0, 80.0, 95.0]),
    st.one_of(st.none(), st.integers(1, 8)),  # trials
    st.sampled_from(["ana", "ben", "maria"]),
    st.sampled_from([CLINIC, HOME]),
    st.sampled_from([SESSION, PROBE, al.model.ObservationKind.EVERYDAY]),
    st.one_of(st.none(), st.booleans()),
)


def build(fields: Sequence[tuple[Any, ...]]) -> list[al.model.Observation]:
    return [
        obs(n, value, hour=hour, trials=trials, observer=who, setting=where, kind=kind,
            first=first, id_=f"o{index}")
        for index, (n, hour, value, trials, who, where, kind, first) in enumerate(fields)
    ]  # fmt: skip


@given(
    criterion=criteria,
    fields=st.lists(observation_fields, max_size=14),
    kind=st.sampled_from(al.model.MetricKind),
    new=observation_fields,
    data=st.data(),
)
def test_adding_a_failing_session_never_masters_a_goal_that_was_not(
    criterion: al.model.MasteryCriterion,
    fields: list[tuple[Any, ...]],
    kind: al.model.MetricKind,
    new: tuple[Any, ...],
    data: st.DataObject,
) -> None:
    observations = build(fields)
    before = assess(observations, criterion, kind)
    taken = {o.observed_at.in_timezone("Europe/London").date() for o in observations}
    free = [n for n in range(-3, 16) if day(n) not in taken]
    n = data.draw(st.sampled_from(free), label="new day")
    # values as people record them (to two decimals), on the failing side of the threshold
    margin = data.draw(st.integers(1, 10_000), label="margin") / 100
    failing = (
        criterion.threshold - margin
        if criterion.comparison is al.model.Comparison.AT_LEAST
        else criterion.threshold + margin
    )
    session = build([(n, *new[1:])])[0]
    session = attrs.evolve(session, observation_id="new", value=failing)
    after = assess([*observations, session], criterion, kind)
    if not before.mastered:
        assert not after.mastered
    if (
        after.days
        and after.days[-1].day == day(n)
        and after.days[-1].verdict.value != "not-counted"
    ):
        assert after.current_run == 0, "a failing session ends the current run"


@given(
    criterion=criteria,
    fields=st.lists(observation_fields, max_size=14),
    kind=st.sampled_from(al.model.MetricKind),
    data=st.data(),
)
def test_reordering_same_day_observations_changes_nothing(
    criterion: al.model.MasteryCriterion,
    fields: list[tuple[Any, ...]],
    kind: al.model.MetricKind,
    data: st.DataObject,
) -> None:
    observations = build(fields)
    shuffled = data.draw(st.permutations(observations), label="order")
    moved = [
        attrs.evolve(
            o,
            observed_at=o.observed_at.replace(
                hour=data.draw(st.integers(0, 23), label="hour"),
                minute=data.draw(st.integers(0, 59), label="minute"),
            ),
        )
        for o in shuffled
    ]
    assert assess(moved, criterion, kind) == assess(observations, criterion, kind)


# --- phases ------------------------------------------------------------------------------------


def test_a_target_moves_through_its_phases() -> None:
    plan = al.measures.PhasePlan(
        acquisition=al.model.MasteryCriterion(threshold=80, consecutive=2),
        baseline_sessions=2,
        generalisation=al.model.MasteryCriterion(threshold=80, consecutive=2, min_observers=2),
        maintenance_every=pendulum.duration(weeks=1),
    )
    data = [
        obs(0, 30), obs(1, 40),  # baseline
        obs(2, 85), obs(3, 90),  # intervention: mastered on day 3
        obs(4, 85, observer="ana"), obs(5, 90, observer="maria", setting=HOME),  # generalised
        obs(8, 85),  # between checks: not a check
        obs(13, 90),  # first check, due day 13
        obs(22, 60),  # second check, due day 20: failed
    ]  # fmt: skip
    progress = al.measures.track_phases(data, plan, time_zone="Europe/London")
    assert [(c.on, c.from_phase, c.to_phase) for c in progress.changes] == [
        (day(2), al.measures.Phase.BASELINE, al.measures.Phase.INTERVENTION),
        (day(4), al.measures.Phase.INTERVENTION, al.measures.Phase.GENERALISATION),
        (day(6), al.measures.Phase.GENERALISATION, al.measures.Phase.MAINTENANCE),
    ]
    assert progress.changes[0].reason == "baseline of 2 sessions taken (2025-03-03 to 2025-03-04)"
    assert progress.changes[1].reason.startswith("acquisition criterion met on 2025-03-06")
    assert not any(c.is_step_back for c in progress.changes)
    assert progress.phase is al.measures.Phase.MAINTENANCE
    assert progress.since == day(6)
    assert [(ch.due_on, ch.day, ch.passed) for ch in progress.maintenance_checks] == [
        (day(13), day(13), True),
        (day(20), day(22), False),
    ]
    assert progress.next_check_due == day(29)
    assert progress.summary == (
        "In maintenance since 2025-03-09; the next check is due on 2025-04-01."
    )
    late = al.measures.track_phases(data, plan, time_zone="Europe/London", as_of=T0.add(days=40))
    assert late.check_overdue
    assert late.summary.endswith("and is overdue.")
    # as of day 3 before its session, still in intervention; after it, generalisation from day 4
    early = al.measures.track_phases(data, plan, time_zone="Europe/London", as_of=T0.add(days=3))
    assert early.phase is al.measures.Phase.INTERVENTION
    assert early.since == day(2)
    assert early.evaluation is not None
    assert early.evaluation.current_run == 1
    assert early.summary == (
        "In intervention since 2025-03-05. Not mastered yet: 1 of 2 consecutive sessions so far."
    )
    after = al.measures.track_phases(
        data, plan, time_zone="Europe/London", as_of=T0.add(days=3, hours=5)
    )
    assert after.phase is al.measures.Phase.GENERALISATION
    assert after.since == day(4)


def test_failing_maintenance_checks_step_a_target_back() -> None:
    plan = al.measures.PhasePlan(
        acquisition=al.model.MasteryCriterion(threshold=80, consecutive=2),
        maintenance_every=pendulum.duration(weeks=1),
        step_back_after=2,
    )
    data = [obs(0, 85), obs(1, 90), obs(9, 60), obs(16, 70), obs(17, 85)]
    progress = al.measures.track_phases(data, plan, time_zone="Europe/London")
    assert [c.to_phase for c in progress.changes] == [
        al.measures.Phase.MAINTENANCE,
        al.measures.Phase.INTERVENTION,
    ]
    back = progress.changes[-1]
    assert back.is_step_back
    assert back.on == day(17)
    assert back.reason == "2 maintenance checks in a row failed (2025-03-12, 2025-03-19)"
    assert progress.phase is al.measures.Phase.INTERVENTION
    assert progress.evaluation is not None
    assert progress.evaluation.current_run == 1
    assert progress.summary.startswith("In intervention since 2025-03-20. Not mastered yet")


def test_failing_generalisation_steps_a_target_back_to_intervention() -> None:
    plan = al.measures.PhasePlan(
        acquisition=al.model.MasteryCriterion(threshold=80, consecutive=2),
        generalisation=al.model.MasteryCriterion(threshold=80, consecutive=2, min_settings=2),
        step_back_after=2,
    )
    data = [obs(0, 85), obs(1, 90), obs(2, 50, setting=HOME), obs(3, 60, setting=HOME)]
    progress = al.measures.track_phases(data, plan, time_zone="Europe/London")
    assert [(c.from_phase, c.to_phase, c.on) for c in progress.changes] == [
        (al.measures.Phase.INTERVENTION, al.measures.Phase.GENERALISATION, day(2)),
        (al.measures.Phase.GENERALISATION, al.measures.Phase.INTERVENTION, day(4)),
    ]
    assert progress.changes[-1].reason == (
        "2 sessions in a row did not meet the generalisation criterion (2025-03-05, 2025-03-06)"
    )


def test_a_goals_phases_default_to_its_mastery_criterion() -> None:
    p = partnership()
    for n in range(3):
        progress(p, n, 90)
    tracked = al.measures.track_phases_of(p.state, "g1")
    assert tracked.plan == al.measures.PhasePlan(acquisition=EIGHTY_THREE_SESSIONS)
    assert tracked.phase is al.measures.Phase.MAINTENANCE
    assert tracked.next_check_due == day(17)
    with pytest.raises(al.ValidationError) as info:
        al.measures.PhasePlan(
            acquisition=EIGHTY_THREE_SESSIONS, maintenance_every=pendulum.duration(hours=5)
        )
    assert info.value.field == "maintenance_every"


# --- summary figures ---------------------------------------------------------------------------


def test_share_mastered_and_time_to_mastery_for_all_goals_and_carers_goals() -> None:
    p = partnership()  # g1: proposed by Ana, mastered by its criterion on day 9
    for n in (7, 8, 9):
        progress(p, n, 90)
    goal(p, "g2", criterion=None, at=T0.add(days=1))  # achieved on day 21
    p.record(by("ana", T0.add(days=21)).build(al.events.GoalAchieved, goal_id="g2"))
    goal(p, "g3", by="maria", agreed_by="ana", at=T0.add(days=2))  # carer's goal, stopped
    p.record(
        by("maria", T0.add(days=5)).build(
            al.events.GoalDiscontinued, goal_id="g3", reason="Not a priority"
        )
    )
    goal(p, "g4", by="maria", agreed_by="ana", at=T0.add(days=2))  # carer's goal: mastered day 6
    for n in (4, 5, 6):
        progress(p, n, 85, goal_id="g4")
    goal(p, "g5", domain=al.model.GoalDomain.FAMILY_WELLBEING, at=T0.add(days=3))  # not mastered
    p.record(  # proposed, never shared: not a target yet
        by("ana", T0.add(days=3)).build(
            al.events.GoalProposed,
            goal_id="g6",
            domain=al.model.GoalDomain.MOTOR,
            statement="Climbs stairs",
            why_it_matters="Bedroom upstairs",
            target=p.state.goals["g1"].target,
        )
    )
    summary = al.measures.summarise_mastery(p.state)
    everything = summary.all_goals
    assert [o.goal_id for o in everything.outcomes] == ["g1", "g2", "g4", "g5"]
    assert (everything.targets, everything.mastered, everything.discontinued) == (4, 3, 1)
    assert everything.share_mastered == 0.75
    assert [o.days_to_mastery for o in everything.outcomes] == [9, 20, 4, None]
    assert [o.how for o in everything.outcomes] == [
        "mastery criterion met",
        "recorded as achieved",
        "mastery criterion met",
        None,
    ]
    assert everything.median_days_to_mastery == 9
    carers = summary.carers_goals
    assert [o.goal_id for o in carers.outcomes] == ["g4", "g5"]
    assert (carers.targets, carers.mastered, carers.discontinued) == (2, 1, 1)
    assert carers.share_mastered == 0.5
    assert carers.median_days_to_mastery == 4
    assert al.measures.is_carers_goal(p.state, p.state.goals["g5"])
    assert not al.measures.is_carers_goal(p.state, p.state.goals["g1"])
    earlier = al.measures.summarise_mastery(p.as_of(T0.add(days=8)), as_of=T0.add(days=8))
    assert earlier.all_goals.mastered == 1  # only g4 by then
    empty = al.measures.summarise_mastery(partnership().as_of(T0))
    assert empty.all_goals.share_mastered is not None  # g1 is shared from T0
    assert empty.all_goals.mastered == 0


def test_no_targets_no_share() -> None:
    p = partnership()
    p.record(by("ana", T0).build(al.events.GoalDiscontinued, goal_id="g1", reason="Moved"))
    figures = al.measures.summarise_mastery(p.state).all_goals
    assert (figures.targets, figures.discontinued) == (0, 1)
    assert figures.share_mastered is None
    assert figures.median_days_to_mastery is None


# --- round trips -------------------------------------------------------------------------------


def test_mastery_values_and_explanations_round_trip_through_the_converter() -> None:
    p = partnership(
        al.model.MasteryCriterion(
            threshold=80,
            consecutive=2,
            out_of_last=3,
            min_trials=5,
            min_observers=2,
            min_settings=1,
            probes_only=False,
            first_trial_independent=False,
        )
    )
    progress(p, 0, 85, trials=10)
    progress(p, 1, 90, trials=10, who="ben")
    progress(p, 2, 50, trials=2)
    plan = al.measures.PhasePlan(
        acquisition=EIGHTY_THREE_SESSIONS,
        generalisation=al.model.MasteryCriterion(threshold=80, consecutive=2, min_settings=2),
        maintenance_every=pendulum.duration(months=1),
    )
    values: list[tuple[object, type[Any]]] = [
        (p.state.goals["g1"].current.mastery, al.model.MasteryCriterion),
        (p.state.goals["g1"].target, al.model.MeasurableTarget),
        (al.measures.evaluate_mastery(p.state, "g1"), al.measures.MasteryEvaluation),
        (plan, al.measures.PhasePlan),
        (al.measures.track_phases_of(p.state, "g1", plan), al.measures.PhaseProgress),
        (
            al.measures.track_phases_of(p.state, "g1", attrs.evolve(plan, generalisation=None)),
            al.measures.PhaseProgress,
        ),
        (al.measures.summarise_mastery(p.state), al.measures.MasterySummary),
    ]
    for value, cls in values:
        assert al.from_data(al.to_data(value), cls) == value, cls
        assert al.loads(al.dumps(value), cls) == value, cls
    assert al.to_data(p.state.goals["g1"].target)["metric_kind"] == "percentage"
    assert al.from_data(al.to_data(p.state), al.PartnershipState) == p.state


# --- the docs' worked example ---------------------------------------------------------------


def test_the_worked_example_in_the_docs_runs_and_prints_what_it_says() -> None:
    text = DOCS.read_text(encoding="utf-8")
    (code,) = re.findall(r"<!-- worked-example -->\n```python\n(.*?)```", text, flags=re.DOTALL)
    (expected,) = re.findall(
        r"<!-- worked-example-output -->\n```text\n(.*?)```", text, flags=re.DOTALL
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/measures.md worked example", "exec"), {})
    assert out.getvalue() == expected


def test_the_run_shown_is_the_current_one() -> None:
    evaluation = assess([obs(0, 85), obs(1, 90), obs(2, 70)], EIGHTY_THREE_SESSIONS)
    assert evaluation.current_run == 0
    assert evaluation.run == ()
    assert "[in the run]" not in evaluation.explain()
    longer = assess(
        [obs(n, 90, observer="ana") for n in range(5)],
        attrs.evolve(EIGHTY_THREE_SESSIONS, min_observers=2),
    )
    assert longer.run == tuple(day(n) for n in range(5))
    assert longer.shortfall == (
        "the sessions that met the threshold were recorded by 1 person (ana); "
        "2 different people are needed"
    )
