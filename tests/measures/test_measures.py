"""Standardised measures: each shipped instrument scored against worked examples, refusals
of bad answers and wrong respondents, the registry, routine outcome monitoring (reliable
change, cutoffs, schedules) and the two rules built on it, at their thresholds."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
import pytest

import alliance as al
from alliance import rules
from alliance.rules import FindingSeverity, RuleSet
from team import MARCH as T0
from team import by, story

SECOND = pendulum.duration(seconds=1)


def partnership() -> al.Partnership:
    """Ana and Ben (professionals), Maria and David (carers) around Sam; active at T0."""
    s = story(start=T0, policy=al.AllowAll())  # measures are tested here, not who may record
    for member in ("ana", "ben"):
        s.record(
            al.events.ProfessionalJoined, member_id=member, discipline=al.Discipline.PSYCHOLOGY
        )
    for member in ("maria", "david"):
        s.record(al.events.CarerJoined, member_id=member, relationship=al.CarerRelationship.PARENT)
    s.record(al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.ACTIVE)
    return s.partnership


def answered(
    p: al.Partnership,
    instrument: al.measures.Instrument,
    answers: dict[str, float],
    *,
    respondent: str = "maria",
    actor: str | None = None,
    at: pendulum.DateTime = T0,
) -> al.events.MeasureCompleted:
    return p.record(
        by(actor or respondent, at).build(
            al.events.MeasureCompleted,
            instrument=instrument,
            respondent=respondent,
            answers=answers,
        )
    )


def four(a: float, b: float, c: float, d: float, *, items: tuple[str, ...]) -> dict[str, float]:
    return dict(zip(items, (a, b, c, d), strict=True))


ORS_ITEMS = ("individual", "interpersonal", "social", "overall")
SRS_ITEMS = ("relationship", "goals-and-topics", "approach", "overall")


def ors(a: float, b: float, c: float, d: float) -> dict[str, float]:
    return four(a, b, c, d, items=ORS_ITEMS)


def srs(a: float, b: float, c: float, d: float) -> dict[str, float]:
    return four(a, b, c, d, items=SRS_ITEMS)


# --- the shipped instruments, scored against worked examples --------------------------------


def test_outcome_rating_sums_four_lines_and_reads_the_adult_cutoff_of_25() -> None:
    score = al.measures.OUTCOME_RATING.score(ors(4.2, 5.1, 6.3, 4.9))
    assert score.total == 20.5
    assert score.answered == 4
    assert score.item_scores == {
        "individual": 4.2,
        "interpersonal": 5.1,
        "social": 6.3,
        "overall": 4.9,
    }
    assert score.clinical is True
    # marks measured to the millimetre add up exactly: 24.9 is clinical, 25 is not
    assert al.measures.OUTCOME_RATING.score(ors(6.1, 6.2, 6.3, 6.3)).total == 24.9
    assert al.measures.OUTCOME_RATING.score(ors(6.1, 6.2, 6.3, 6.3)).clinical is True
    assert al.measures.OUTCOME_RATING.score(ors(6.1, 6.2, 6.3, 6.4)).total == 25
    assert al.measures.OUTCOME_RATING.score(ors(6.1, 6.2, 6.3, 6.4)).clinical is False
    assert al.measures.OUTCOME_RATING.score_range == (0, 40)


@pytest.mark.parametrize(
    ("earlier", "later", "reliable", "recovery"),
    [
        (20.5, 27.3, al.measures.ReliableChange.IMPROVEMENT, al.measures.Recovery.RECOVERED),
        (
            20,
            25,
            al.measures.ReliableChange.IMPROVEMENT,
            al.measures.Recovery.RECOVERED,
        ),  # exactly 5, at 25
        (
            14,
            19,
            al.measures.ReliableChange.IMPROVEMENT,
            al.measures.Recovery.IMPROVED_NOT_RECOVERED,
        ),
        (
            26,
            33,
            al.measures.ReliableChange.IMPROVEMENT,
            al.measures.Recovery.IMPROVED_NOT_RECOVERED,
        ),
        (20.5, 25.4, al.measures.ReliableChange.NO_RELIABLE_CHANGE, None),  # crossed, not reliably
        (20.5, 15.5, al.measures.ReliableChange.DETERIORATION, None),
        (30, 25.1, al.measures.ReliableChange.NO_RELIABLE_CHANGE, None),
    ],
)
def test_outcome_rating_reliable_change_is_5_points_and_recovery_crosses_25(
    earlier: float,
    later: float,
    reliable: al.measures.ReliableChange,
    recovery: al.measures.Recovery | None,
) -> None:
    change = al.measures.classify_change(al.measures.OUTCOME_RATING, earlier, later)
    assert change.reliable is reliable
    assert change.recovery is recovery
    assert change.change == pytest.approx(later - earlier)


def test_a_change_reads_in_words() -> None:
    change = al.measures.classify_change(al.measures.OUTCOME_RATING, 20.5, 27.3)
    assert change.summary == (
        "20.5 to 27.3 (+6.8); reliable improvement; recovered: crossed the cutoff of 25"
    )
    assert change.crossed_cutoff
    unreliable = al.measures.classify_change(al.measures.OUTCOME_RATING, 20.5, 25.4)
    assert unreliable.summary == (
        "20.5 to 25.4 (+4.9); no reliable change (less than 5); "
        "crossed out of the clinical range (cutoff 25)"
    )


def test_youth_outcome_ratings_read_their_own_cutoffs_and_ages() -> None:
    adolescent, child = al.measures.OUTCOME_RATING_ADOLESCENT, al.measures.OUTCOME_RATING_CHILD
    assert adolescent.score(ors(7, 7, 7, 6.9)).clinical is True  # 27.9 < 28
    assert adolescent.score(ors(7, 7, 7, 7)).clinical is False  # 28
    assert child.score(ors(8, 8, 8, 7.9)).clinical is True  # 31.9 < 32
    assert child.score(ors(8, 8, 8, 8)).clinical is False  # 32
    assert adolescent.respondents == {al.measures.RespondentRole.CHILD}
    for age in (13, 17):
        adolescent.check_age(age)
    for age in (12, 18):
        with pytest.raises(al.ValidationError) as info:
            adolescent.check_age(age)
        assert info.value.field == "age"
    child.check_age(6)
    with pytest.raises(al.ValidationError, match="meant for ages from 6 up to 12, not 5"):
        child.check_age(5)
    # no reliable-change figure is assumed for the youth versions: not classified
    change = al.measures.classify_change(child, 20, 30)
    assert change.reliable is None
    assert change.recovery is None
    assert change.later_clinical is True


def test_session_rating_below_36_is_on_the_clinical_side() -> None:
    assert al.measures.SESSION_RATING.purpose is al.measures.InstrumentPurpose.ALLIANCE
    low = al.measures.SESSION_RATING.score(srs(9, 9, 9, 8.9))
    assert low.total == 35.9
    assert low.clinical is True
    assert al.measures.SESSION_RATING.score(srs(9, 9, 9, 9)).clinical is False
    assert al.measures.SESSION_RATING.reliable_change is None


def test_the_example_caregiver_alliance_scale_reverse_scores_two_items() -> None:
    scale = al.measures.EXAMPLE_CAREGIVER_ALLIANCE
    assert "NOT a published" in (scale.source or "")
    warm = scale.score(
        {
            "feels-heard": 4,
            "goals-agreed": 4,
            "feels-judged": 2,  # reverse-scored: 6 - 2 = 4
            "plan-makes-sense": 5,
            "feels-rushed": 1,  # reverse-scored: 6 - 1 = 5
            "would-continue": 4,
        }
    )
    assert warm.item_scores["feels-judged"] == 4
    assert warm.item_scores["feels-rushed"] == 5
    assert warm.total == pytest.approx(26 / 6)
    assert warm.clinical is False
    strained = scale.score(
        {
            "feels-heard": 3,
            "goals-agreed": 3,
            "feels-judged": 5,  # scores 1
            "plan-makes-sense": 3,
            "feels-rushed": 4,  # scores 2
            "would-continue": 4,
        }
    )
    assert strained.total == pytest.approx(16 / 6)
    assert strained.clinical is True  # below 3.5
    change = al.measures.classify_change(scale, strained.total, warm.total)
    assert change.reliable is al.measures.ReliableChange.IMPROVEMENT  # +1.67 >= 0.75
    assert change.recovery is al.measures.Recovery.RECOVERED
    with pytest.raises(al.ValidationError) as info:
        scale.score({**dict.fromkeys(scale.item_ids, 3), "feels-heard": 2.5})
    assert info.value.field == "answers.feels-heard"
    assert "not a whole number" in info.value.reason


def test_copm_is_the_mean_over_the_problems_rated_and_2_points_is_important() -> None:
    performance = al.measures.COPM_PERFORMANCE
    first = performance.score({"problem-1": 3, "problem-2": 4, "problem-3": 2})
    assert first.total == 3
    assert first.answered == 3
    assert first.clinical is None  # no cutoff: compared with the client's own scores
    later = performance.score({"problem-1": 6, "problem-2": 5, "problem-3": 4})
    assert later.total == 5
    important = al.measures.classify_change(performance, first.total, later.total)
    assert important.reliable is al.measures.ReliableChange.IMPROVEMENT  # exactly 2
    assert important.recovery is None
    small = performance.score({"problem-1": 5, "problem-2": 5, "problem-3": 4})
    assert small.total == pytest.approx(14 / 3)
    assert (
        al.measures.classify_change(performance, first.total, small.total).reliable
        is al.measures.ReliableChange.NO_RELIABLE_CHANGE
    )
    assert performance.score({"problem-1": 7}).total == 7  # one problem is enough
    satisfaction = al.measures.COPM_SATISFACTION
    assert satisfaction.instrument_id == "copm-satisfaction"
    assert satisfaction.score({"problem-1": 2, "problem-2": 9}).total == 5.5


@pytest.mark.parametrize(
    ("answers", "field", "reason"),
    [
        ({"problem-1": 11}, "answers.problem-1", "11 is out of range"),
        ({"problem-1": 0}, "answers.problem-1", "answered from 1 to 10"),
        ({"problem-2": 5}, "answers.problem-1", "is required but was not answered"),
        ({"problem-1": 5, "problem-6": 5}, "answers.problem-6", "is not an item of"),
        ({"problem-1": float("nan")}, "answers.problem-1", "finite"),
    ],
)
def test_bad_answers_name_their_item(answers: dict[str, float], field: str, reason: str) -> None:
    with pytest.raises(al.ValidationError) as info:
        al.measures.COPM_PERFORMANCE.score(answers)
    assert info.value.field == field
    assert reason in info.value.reason


def test_a_prorated_sum_scales_the_mean_of_the_answered_items_up() -> None:
    scale = al.measures.Instrument(
        instrument_id="clinic-mood",
        name="Mood check",
        purpose=al.measures.InstrumentPurpose.OUTCOME,
        items=tuple(
            al.measures.Item(
                item_id=f"q{n}", minimum=0, maximum=3, whole_numbers=True, required=False
            )
            for n in range(1, 5)
        ),
        respondents=frozenset({al.measures.RespondentRole.CARER}),
        total=al.measures.TotalMethod.PRORATED_SUM,
        minimum_answered=3,
        improvement=al.model.Direction.DECREASE,
        cutoff=6,
    )
    score = scale.score({"q1": 2, "q2": 3, "q4": 2})
    assert score.total == pytest.approx(7 / 3 * 4)
    assert score.clinical is True  # above 6, where lower is better
    with pytest.raises(al.ValidationError, match="needs at least 3 answered item"):
        scale.score({"q1": 2, "q2": 3})
    change = al.measures.classify_change(attrs.evolve(scale, reliable_change=2), 9, 4)
    assert change.improvement == 5
    assert change.reliable is al.measures.ReliableChange.IMPROVEMENT
    assert change.recovery is al.measures.Recovery.RECOVERED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": ()}, "items"),
        (
            {
                "items": (
                    al.measures.Item(item_id="a", maximum=1),
                    al.measures.Item(item_id="a", maximum=1),
                )
            },
            "items[1].item_id",
        ),
        ({"cutoff": 41}, "cutoff"),
        ({"minimum_answered": 5}, "minimum_answered"),
        ({"min_age": 12, "max_age": 6}, "max_age"),
        ({"reliable_change": 0}, "reliable_change"),
        ({"respondents": frozenset()}, "respondents"),
    ],
)
def test_an_instrument_definition_is_validated(overrides: dict[str, Any], field: str) -> None:
    fields = {
        "instrument_id": "x",
        "name": "X",
        "purpose": al.measures.InstrumentPurpose.OUTCOME,
        "items": al.measures.OUTCOME_RATING.items,
        "respondents": frozenset({al.measures.RespondentRole.CARER}),
    }
    with pytest.raises(al.ValidationError) as info:
        al.measures.Instrument(**{**fields, **overrides})
    assert info.value.field == field


def test_an_item_needs_a_range() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.measures.Item(item_id="q", minimum=5, maximum=5)
    assert info.value.field == "maximum"
    with pytest.raises(al.ValidationError) as info:
        al.measures.Item(item_id="q", minimum=0, maximum=4.5, whole_numbers=True)
    assert info.value.field == "whole_numbers"
    assert al.measures.Item(item_id="q", minimum=1, maximum=5, reverse=True).scored(2) == 4


# --- the registry ------------------------------------------------------------------------------


def test_the_default_registry_holds_the_shipped_instruments() -> None:
    registry = al.measures.InstrumentRegistry.default()
    assert registry.ids == tuple(i.instrument_id for i in al.measures.SHIPPED_INSTRUMENTS)
    assert len(registry) == 7
    assert registry.get("session-rating") is al.measures.SESSION_RATING
    assert "copm-performance" in registry
    assert registry["outcome-rating"] is al.measures.OUTCOME_RATING
    for_a_child_of_8 = registry.suitable(al.measures.RespondentRole.CHILD, age=8)
    assert {i.instrument_id for i in for_a_child_of_8} == {
        "outcome-rating-child",
        "copm-performance",
        "copm-satisfaction",
    }
    alliance_for_carers = registry.suitable(
        al.measures.RespondentRole.CARER, purpose=al.measures.InstrumentPurpose.ALLIANCE
    )
    assert [i.instrument_id for i in alliance_for_carers] == [
        "session-rating",
        "example-caregiver-alliance",
    ]


def test_clinics_register_their_own_instruments_with_unique_ids() -> None:
    registry = al.measures.InstrumentRegistry.default()
    ours = attrs.evolve(
        al.measures.OUTCOME_RATING_CHILD,
        instrument_id="cors-caretaker",
        respondents=frozenset({al.measures.RespondentRole.CARER}),
        cutoff=28,
        reliable_change=6,
    )
    assert registry.register(ours) is ours
    assert registry.get("cors-caretaker").cutoff == 28
    with pytest.raises(al.DomainError) as info:
        registry.register(attrs.evolve(ours, name="Another"))
    assert info.value.field == "instrument_id"
    assert "already registered" in info.value.reason
    with pytest.raises(al.UnknownRecordError) as unknown:
        registry.get("phq-9")
    assert "no instrument with id 'phq-9'" in unknown.value.reason
    with pytest.raises(al.ValidationError):
        registry.register("outcome-rating")  # type: ignore[arg-type]
    assert list(al.measures.InstrumentRegistry()) == []
    with pytest.raises(al.DomainError):
        al.measures.InstrumentRegistry.of(al.measures.SESSION_RATING, al.measures.SESSION_RATING)


# --- recording responses on the timeline ----------------------------------------------------


def refused(p: al.Partnership, event: al.Event, error: type[al.AllianceError], field: str) -> str:
    before_events, before_state = p.events, p.state.copy()
    with pytest.raises(error) as info:
        p.record(event)
    assert info.value.field == field  # type: ignore[attr-defined]
    assert p.events == before_events
    assert p.state == before_state
    return str(info.value)


def test_a_response_is_recorded_scored_and_folded() -> None:
    p = partnership()
    event = answered(p, al.measures.SESSION_RATING, srs(9.5, 9, 8.5, 9.5), at=T0.add(hours=1))
    response = p.state.measures[event.response_id]
    assert response.respondent == "maria"
    assert response.respondent_role is al.measures.RespondentRole.CARER
    assert response.recorded_by == "maria"
    assert response.completed_at == T0.add(hours=1)
    assert response.score.total == 36.5
    assert event.score == response.score
    assert response.answer_map == srs(9.5, 9, 8.5, 9.5)
    assert p.state.measures_for("session-rating", "maria") == [response]
    assert p.as_of(T0).measures == {}


def test_answers_are_checked_when_the_event_is_built() -> None:
    def build(answers: dict[str, float]) -> None:
        by("maria", T0).build(
            al.events.MeasureCompleted,
            instrument=al.measures.SESSION_RATING,
            respondent="maria",
            answers=answers,
        )

    with pytest.raises(al.ValidationError) as info:
        build(srs(9, 9, 9, 10.5))
    assert info.value.field == "answers.overall"
    assert info.value.reason == ("10.5 is out of range: item 'overall' is answered from 0 to 10")
    with pytest.raises(al.ValidationError) as info:
        build({"goals-and-topics": 9, "approach": 9, "overall": 9})
    assert info.value.field == "answers.relationship"
    assert info.value.reason == "is required but was not answered"
    with pytest.raises(al.ValidationError) as info:
        build({**srs(9, 9, 9, 9), "mood": 3})
    assert info.value.field == "answers.mood"
    with pytest.raises(al.ValidationError) as info:
        build("9,9,9,9")  # type: ignore[arg-type]
    assert info.value.field == "answers"


def test_the_wrong_respondent_is_refused_and_nothing_changes() -> None:
    p = partnership()
    # a carer cannot answer the child's own outcome rating
    message = refused(
        p,
        by("maria", T0).build(
            al.events.MeasureCompleted,
            instrument=al.measures.OUTCOME_RATING_CHILD,
            respondent="maria",
            answers=ors(5, 5, 5, 5),
        ),
        al.DomainError,
        "respondent",
    )
    assert message == (
        "respondent: 'outcome-rating-child' is answered by the child; 'maria' is a carer"
    )
    # the child does not answer the carers' outcome rating
    message = refused(
        p,
        by("ana", T0).build(
            al.events.MeasureCompleted,
            instrument=al.measures.OUTCOME_RATING,
            respondent="sam",
            answers=ors(5, 5, 5, 5),
        ),
        al.DomainError,
        "respondent",
    )
    assert "answered by a carer; the child does not answer it" in message
    # someone who is not a member
    refused(
        p,
        by("ana", T0).build(
            al.events.MeasureCompleted,
            instrument=al.measures.SESSION_RATING,
            respondent="zoe",
            answers=srs(9, 9, 9, 9),
        ),
        al.NotAMemberError,
        "respondent",
    )
    # a carer does not record another carer's answers
    refused(
        p,
        by("maria", T0).build(
            al.events.MeasureCompleted,
            instrument=al.measures.SESSION_RATING,
            respondent="david",
            answers=srs(9, 9, 9, 9),
        ),
        al.DomainError,
        "actor",
    )


def test_the_child_answers_child_rated_measures_and_professionals_enter_forms() -> None:
    p = partnership()
    by_child = answered(
        p, al.measures.OUTCOME_RATING_CHILD, ors(6, 7, 5, 6), respondent="sam", actor="ana"
    )
    assert (
        p.state.measures[by_child.response_id].respondent_role is al.measures.RespondentRole.CHILD
    )
    # a carer may help the child fill it in at home
    answered(p, al.measures.OUTCOME_RATING_CHILD, ors(6, 7, 6, 6), respondent="sam", actor="maria")
    # a professional enters a carer's paper form
    entered = answered(
        p, al.measures.SESSION_RATING, srs(9, 9, 9, 9), respondent="david", actor="ben"
    )
    assert p.state.measures[entered.response_id].recorded_by == "ben"
    again = attrs.evolve(entered, answers=srs(8, 8, 8, 8))
    refused(p, again, al.DomainError, "response_id")


# --- routine outcome monitoring: history, schedules ------------------------------------------


def test_each_new_score_is_compared_with_the_baseline_and_the_previous_one() -> None:
    p = partnership()
    for week, answers in enumerate(
        [ors(4, 5, 5, 4), ors(5, 5, 6, 5), ors(7, 7, 7, 6), ors(6, 6, 6, 5)]
    ):
        answered(p, al.measures.OUTCOME_RATING, answers, at=T0.add(weeks=week))
    answered(p, al.measures.OUTCOME_RATING, ors(1, 1, 1, 1), respondent="david", at=T0.add(weeks=1))
    history = al.measures.score_history(p.state, "outcome-rating", "maria")
    assert [h.score.total for h in history] == [18, 21, 27, 23]
    assert history[0].vs_baseline is None
    assert history[0].vs_previous is None
    second, third, fourth = history[1:]
    assert second.vs_baseline is not None
    assert second.vs_baseline.reliable is al.measures.ReliableChange.NO_RELIABLE_CHANGE
    assert third.vs_baseline is not None
    assert third.vs_baseline.recovery is al.measures.Recovery.RECOVERED  # 18 -> 27
    assert third.vs_previous is not None
    assert third.vs_previous.reliable is al.measures.ReliableChange.IMPROVEMENT  # 21 -> 27
    assert fourth.vs_previous is not None
    assert fourth.vs_previous.reliable is al.measures.ReliableChange.NO_RELIABLE_CHANGE  # 27 -> 23
    assert fourth.vs_baseline is not None
    assert fourth.vs_baseline.reliable is al.measures.ReliableChange.IMPROVEMENT  # 18 -> 23
    assert fourth.vs_baseline.recovery is al.measures.Recovery.IMPROVED_NOT_RECOVERED
    assert len(al.measures.score_history(p.state, "outcome-rating", "maria", T0.add(days=8))) == 2


def session(p: al.Partnership, day: int, hour: int = 10) -> None:
    """A session on day *day* after T0: a meeting check-in with Maria."""
    p.record(
        by("ana", T0.add(days=day).replace(hour=hour)).build(
            al.events.CheckInHeld,
            kind=al.model.CheckInKind.MEETING,
            participants=frozenset({"ana", "maria"}),
        )
    )


def test_sessions_are_days_with_session_data_or_meetings() -> None:
    p = partnership()
    p.record(
        by("ana", T0).build(
            al.events.GoalProposed,
            goal_id="g1",
            domain=al.model.GoalDomain.COMMUNICATION,
            statement="Sam asks with two words",
            why_it_matters="Fewer tears",
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
    for day, kind, actor in (
        (1, al.model.ObservationKind.SESSION, "ana"),
        (1, al.model.ObservationKind.PROBE, "ben"),
        (2, al.model.ObservationKind.EVERYDAY, "maria"),  # not a session
        (4, al.model.ObservationKind.PROBE, "ana"),
    ):
        p.record(
            by(actor, T0.add(days=day)).build(
                al.events.ProgressRecorded,
                goal_id="g1",
                setting=al.model.Setting.CLINIC,
                kind=kind,
                value=3,
            )
        )
    session(p, 6)
    p.record(
        by("ana", T0.add(days=7)).build(
            al.events.CheckInHeld,
            kind=al.model.CheckInKind.CALL,
            participants=frozenset({"ana", "maria"}),
        )
    )
    assert al.measures.session_days(p.state) == tuple(pendulum.date(2025, 3, d) for d in (4, 7, 9))
    assert al.measures.session_days(p.state, T0.add(days=5)) == (
        pendulum.date(2025, 3, 4),
        pendulum.date(2025, 3, 7),
    )


def test_every_session_a_measure_is_due_on_the_session_day_and_overdue_the_day_after() -> None:
    p = partnership()
    schedule = al.measures.MeasureSchedule(instrument_id="session-rating")
    assert schedule.describe() == "every session"
    (before,) = al.measures.measures_due(p.state, [schedule], T0.add(days=1))
    assert before.status is al.measures.DueStatus.NOT_DUE
    assert before.reason == (
        "session-rating is not due: no session has been held "
        "(every session; it has not been completed yet)."
    )
    session(p, 1)
    due = al.measures.measure_due(p.state, schedule, T0.add(days=1, hours=5))
    assert due.status is al.measures.DueStatus.DUE
    assert due.due_on == pendulum.date(2025, 3, 4)
    answered(p, al.measures.SESSION_RATING, srs(9, 9, 9, 9), at=T0.add(days=1, hours=2))
    assert (
        al.measures.measure_due(p.state, schedule, T0.add(days=3)).status
        is al.measures.DueStatus.NOT_DUE
    )
    session(p, 3)
    midnight = pendulum.datetime(2025, 3, 7, tz="Europe/London")
    assert (
        al.measures.measure_due(p.state, schedule, midnight - SECOND).status
        is al.measures.DueStatus.DUE
    )
    overdue = al.measures.measure_due(p.state, schedule, midnight)
    assert overdue.status is al.measures.DueStatus.OVERDUE
    assert overdue.overdue_from == midnight
    assert overdue.sessions_since == 1
    assert overdue.reason == (
        "session-rating is overdue: it was due at the session on March 6, 2025 "
        "(every session; it was last completed on March 4, 2025)."
    )
    spanish = al.measures.measure_due(p.state, schedule, midnight, language="es")
    assert spanish.reason == (
        "session-rating está pendiente: tocaba en la sesión del 6 de marzo de 2025 "
        "(en cada sesión; se completó por última vez el 4 de marzo de 2025)."
    )
    assert attrs.evolve(spanish, reason=overdue.reason) == overdue, "only the words differ"


def test_every_third_session_and_only_the_scheduled_respondents_answers_count() -> None:
    p = partnership()
    schedule = al.measures.MeasureSchedule(
        instrument_id="outcome-rating-child",
        every=3,
        respondent_role=al.measures.RespondentRole.CHILD,
    )
    session(p, 0, hour=11)
    answered(p, al.measures.OUTCOME_RATING_CHILD, ors(5, 5, 5, 5), respondent="sam", actor="ana")
    session(p, 1)
    session(p, 2)
    not_yet = al.measures.measure_due(p.state, schedule, T0.add(days=4))
    assert not_yet.status is al.measures.DueStatus.NOT_DUE
    assert not_yet.sessions_since == 2
    assert not_yet.reason == (
        "outcome-rating-child is not due: 2 of 3 sessions held "
        "(every 3 sessions; it was last completed on March 3, 2025)."
    )
    session(p, 7)
    assert (
        al.measures.measure_due(p.state, schedule, T0.add(days=7, hours=3)).status
        is al.measures.DueStatus.DUE
    )
    assert (
        al.measures.measure_due(p.state, schedule, T0.add(days=8)).status
        is al.measures.DueStatus.OVERDUE
    )


def test_a_monthly_measure_has_a_grace_period() -> None:
    p = partnership()
    schedule = al.measures.MeasureSchedule(
        instrument_id="copm-performance",
        cadence=al.measures.Cadence.MONTHS,
        grace=pendulum.duration(days=3),
    )
    assert schedule.describe() == "every month"
    answered(p, al.measures.COPM_PERFORMANCE, {"problem-1": 4}, at=T0.add(days=1))  # 2025-03-04
    assert (
        al.measures.measure_due(p.state, schedule, T0.add(days=20)).status
        is al.measures.DueStatus.NOT_DUE
    )
    assert (
        "next due on April 4, 2025"
        in al.measures.measure_due(p.state, schedule, T0.add(days=20)).reason
    )
    due = al.measures.measure_due(
        p.state, schedule, pendulum.datetime(2025, 4, 7, 23, tz="Europe/London")
    )
    assert due.status is al.measures.DueStatus.DUE
    assert due.due_on == pendulum.date(2025, 4, 4)
    overdue = al.measures.measure_due(
        p.state, schedule, pendulum.datetime(2025, 4, 8, tz="Europe/London")
    )
    assert overdue.status is al.measures.DueStatus.OVERDUE
    assert overdue.overdue_from == pendulum.datetime(2025, 4, 8, tz="Europe/London")


def test_a_schedule_is_validated() -> None:
    with pytest.raises(al.ValidationError) as info:
        al.measures.MeasureSchedule(instrument_id="session-rating", every=0)
    assert info.value.field == "every"
    with pytest.raises(al.ValidationError) as info:
        al.measures.MeasureSchedule(
            instrument_id="session-rating", grace=pendulum.duration(days=-1)
        )
    assert info.value.field == "grace"


# --- the rules -----------------------------------------------------------------------------


def found(rule: Any, p: al.Partnership, moment: pendulum.DateTime) -> list[rules.Finding]:
    return list(rule.evaluate(rules.context_for(p, moment)))


def assert_threshold(rule: Any, p: al.Partnership, due: pendulum.DateTime) -> rules.Finding:
    """No finding a second before *due*; a finding at *due* and after, due at *due*."""
    assert found(rule, p, due - SECOND) == []
    (at_due,) = found(rule, p, due)
    (later,) = found(rule, p, due.add(days=30))
    assert at_due == later
    assert at_due.due_at == due
    assert at_due.rule_id == rule.rule_id
    return at_due


def test_a_session_rating_below_its_cutoff_is_an_alliance_flag() -> None:
    p = partnership()
    answered(p, al.measures.SESSION_RATING, srs(9, 9, 9, 9), at=T0.add(days=1))  # 36: fine
    low = answered(p, al.measures.SESSION_RATING, srs(9, 9, 9, 8.9), at=T0.add(days=8))  # 35.9
    rule = rules.AllianceFlagged()
    finding = assert_threshold(rule, p, T0.add(days=8))
    assert finding.severity is FindingSeverity.WARNING
    assert finding.subject == rules.Subject(kind=rules.SubjectKind.MEASURE, id=low.response_id)
    assert finding.message == (
        "'session-rating' from 'maria' on March 11, 2025 totals 35.9, below its cutoff of 36: "
        "ask what would make the sessions work better; the partnership may need repair."
    )
    (flag,) = al.measures.alliance_flags(p.state)
    assert flag.total == 35.9
    (arabic,) = al.measures.alliance_flags(p.state, language="ar")
    assert arabic.message.startswith("مجموع «session-rating» من «maria» في 11 مارس 2025 هو 35.9")
    (es,) = rule.evaluate(rules.context_for(p, T0.add(days=8), language="es"))
    assert "por debajo de su punto de corte de 36" in es.message
    # an outcome rating below its cutoff is not an alliance flag
    answered(p, al.measures.OUTCOME_RATING, ors(1, 1, 1, 1), at=T0.add(days=9))
    assert len(found(rule, p, T0.add(days=9))) == 1
    # Maria's next session rating, at the cutoff, clears it; David's own rating is his
    answered(p, al.measures.SESSION_RATING, srs(9, 9, 9, 9), at=T0.add(days=15))
    answered(p, al.measures.SESSION_RATING, srs(5, 5, 5, 5), respondent="david", at=T0.add(days=15))
    (davids,) = found(rule, p, T0.add(days=16))
    assert "from 'david'" in davids.message
    assert len(found(rule, p, T0.add(days=14))) == 1, "Maria's flag still stood then"


def test_the_example_caregiver_scale_raises_alliance_flags_too() -> None:
    p = partnership()
    answers = dict.fromkeys(
        al.measures.EXAMPLE_CAREGIVER_ALLIANCE.item_ids, 2
    )  # mean of 2, 4, 4 -> 2.67
    answered(p, al.measures.EXAMPLE_CAREGIVER_ALLIANCE, answers, at=T0.add(days=2))
    (finding,) = found(rules.AllianceFlagged(), p, T0.add(days=2))
    assert "from 'maria' on March 5, 2025 totals 2.67, below its cutoff of 3.5" in finding.message


def test_measures_overdue_by_the_schedule_are_found() -> None:
    p = partnership()
    session(p, 1)
    rule = rules.MeasuresDue(
        schedules=(al.measures.MeasureSchedule(instrument_id="session-rating"),)
    )
    midnight = pendulum.datetime(2025, 3, 5, tz="Europe/London")
    finding = assert_threshold(rule, p, midnight)
    assert finding.subject == rules.Subject(kind=rules.SubjectKind.MEASURE, id="session-rating")
    assert finding.message == (
        "session-rating is overdue: it was due at the session on March 4, 2025 "
        "(every session; it has not been completed yet)."
    )
    answered(p, al.measures.SESSION_RATING, srs(9, 9, 9, 9), at=T0.add(days=2))
    assert found(rule, p, T0.add(days=5)) == []
    assert found(rules.MeasuresDue(), p, T0.add(days=60)) == [], "no schedule, no finding"


def test_paused_partnerships_owe_no_measures() -> None:
    p = partnership()
    session(p, 1)
    answered(p, al.measures.SESSION_RATING, srs(1, 1, 1, 1), at=T0.add(days=1))
    p.record(
        by("ana", T0.add(days=2)).build(
            al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.PAUSED
        )
    )
    rule_set = RuleSet.from_config(
        {"measures-due": {"schedules": [{"instrument_id": "outcome-rating"}]}}
    )
    assert rule_set.evaluate(p, T0.add(days=30)) == []


def test_the_rules_are_built_in_and_configured_like_the_others() -> None:
    assert rules.AllianceFlagged in rules.BUILT_IN_RULES
    assert rules.MeasuresDue in rules.BUILT_IN_RULES
    default = RuleSet.default()
    assert {"alliance-flag", "measures-due"} <= set(default.rule_ids)
    rule_set = RuleSet.from_toml(
        """
        [alliance-flag]
        severity = "breach"

        [measures-due]
        schedules = [
            { instrument_id = "session-rating" },
            { instrument_id = "outcome-rating-child", every = 4, respondent_role = "child" },
            { instrument_id = "copm-performance", cadence = "months", every = 3, grace = "P2W" },
        ]
        """
    )
    (due_rule,) = [r for r in rule_set.rules if r.rule_id == "measures-due"]
    assert isinstance(due_rule, rules.MeasuresDue)
    assert due_rule.schedules[1] == al.measures.MeasureSchedule(
        instrument_id="outcome-rating-child",
        every=4,
        respondent_role=al.measures.RespondentRole.CHILD,
    )
    assert due_rule.schedules[2].grace == pendulum.duration(weeks=2)
    (flag_rule,) = [r for r in rule_set.rules if r.rule_id == "alliance-flag"]
    assert flag_rule == rules.AllianceFlagged(severity=FindingSeverity.BREACH)
    with pytest.raises(al.MalformedDataError) as info:
        RuleSet.from_config({"measures-due": {"schedules": [{"instrument_id": "x", "every": 0}]}})
    assert any("every: must be at least 1" in problem for problem in info.value.problems)


# --- round trips ------------------------------------------------------------------------------


def test_measures_round_trip_through_the_converter() -> None:
    p = partnership()
    session(p, 1)
    for week, answers in enumerate([srs(8, 8, 8, 8), srs(9, 9, 9, 9)]):
        answered(p, al.measures.SESSION_RATING, answers, at=T0.add(weeks=week, days=1))
    answered(p, al.measures.OUTCOME_RATING, ors(4, 4, 4, 4), at=T0.add(days=1))
    answered(p, al.measures.OUTCOME_RATING, ors(7, 7, 7, 7), at=T0.add(days=8))
    event = p.events[-1]
    data = al.to_data(event)
    assert data["type"] == "MeasureCompleted"
    assert data["schema_version"] == 1
    assert data["answers"] == [
        {"item_id": "individual", "value": 7},
        {"item_id": "interpersonal", "value": 7},
        {"item_id": "overall", "value": 7},
        {"item_id": "social", "value": 7},
    ]
    assert data["instrument"]["respondents"] == ["carer"]
    assert al.from_data(data, al.Event) == event
    assert al.loads(al.dumps(event), al.events.MeasureCompleted) == event
    assert al.Partnership.from_events(al.loads(al.dumps(e), al.Event) for e in p.events).state == (
        p.state
    )
    assert al.from_data(al.to_data(p.state), al.PartnershipState) == p.state
    history = al.measures.score_history(p.state, "outcome-rating", "maria")
    schedule = al.measures.MeasureSchedule(
        instrument_id="copm-performance", cadence=al.measures.Cadence.MONTHS
    )
    values: list[tuple[object, type[Any]]] = [
        (al.measures.SESSION_RATING, al.measures.Instrument),
        (al.measures.EXAMPLE_CAREGIVER_ALLIANCE, al.measures.Instrument),
        (al.measures.COPM_PERFORMANCE.score({"problem-1": 3}), al.measures.Score),
        (history[-1], al.measures.ScoredResponse),
        (history[-1].vs_baseline, al.measures.ScoreChange),
        (schedule, al.measures.MeasureSchedule),
        (al.measures.measure_due(p.state, schedule, T0.add(days=70)), al.measures.MeasureDue),
        (al.measures.alliance_flags(p.state, T0.add(days=2))[0], al.measures.AllianceFlag),
    ]
    for value, cls in values:
        assert al.from_data(al.to_data(value), cls) == value, cls
        assert al.loads(al.dumps(value), cls) == value, cls


def test_stored_data_from_before_measures_still_reads() -> None:
    """Observations, targets and mastery criteria stored before the new fields existed."""
    observation = al.from_data(
        {
            "type": "ProgressRecorded",
            "schema_version": 1,
            "actor": "ana",
            "occurred_at": "2025-03-03T09:00:00+00:00",
            "observation_id": "o1",
            "goal_id": "g1",
            "setting": "clinic",
            "kind": "session",
            "value": 80,
            "gas_level": None,
            "note": None,
        },
        al.Event,
    )
    assert isinstance(observation, al.events.ProgressRecorded)
    assert observation.trials is None
    assert observation.first_trial_independent is None
    proposed = al.from_data(
        {
            "type": "GoalProposed",
            "actor": "ana",
            "occurred_at": "2025-03-03T09:00:00+00:00",
            "goal_id": "g1",
            "domain": "communication",
            "statement": "Names animals",
            "why_it_matters": "Talks about the zoo",
            "target": {
                "metric": "correct",
                "unit": "%",
                "baseline": 20,
                "target": 90,
                "direction": "increase",
                "due": "2025-06-30",
            },
            "gas_scale": None,
            "mastery": {"threshold": 80, "consecutive": 3, "comparison": ">=", "frame": "sessions"},
        },
        al.Event,
    )
    assert isinstance(proposed, al.events.GoalProposed)
    assert proposed.target.metric_kind is al.model.MetricKind.LEVEL
    assert proposed.mastery == al.model.MasteryCriterion(threshold=80, consecutive=3)
    assert proposed.mastery is not None
    assert proposed.mastery.min_observers == 1
    assert proposed.mastery.out_of_last is None
