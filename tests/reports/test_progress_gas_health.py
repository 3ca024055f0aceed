"""Reports: query rows, progress, GAS T-scores, reliable change and partnership health,
checked against values computed by hand."""

from __future__ import annotations

import math

import pendulum
import pytest

import alliance as al
from alliance import reports as rp
from team import by, story

TZ = "Europe/London"
T0 = pendulum.datetime(2025, 3, 3, 10, tz=TZ)  # a Monday, before the clocks change


def _gas_scale(weight: float = 1.0) -> al.model.GasScale:
    return al.model.GasScale(
        levels=tuple(al.model.GasLevel(level=i, description=f"level {i}") for i in range(-2, 3)),
        weight=weight,
    )


def _partnership(pid: str = "p-1", *, carer: str = "maria") -> al.Partnership:
    s = story(start=T0, partnership_id=pid, clinic_id="clinic-1", child_id=f"child-{pid}")
    s.record(
        al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
    )
    s.record(al.events.CarerJoined, member_id=carer, relationship=al.CarerRelationship.PARENT)
    return s.partnership


def _goal(
    p: al.Partnership,
    goal_id: str,
    *,
    baseline: float = 0,
    target: float = 10,
    direction: al.model.Direction = al.model.Direction.INCREASE,
    due: pendulum.Date | None = None,
    gas: al.model.GasScale | None = None,
    domain: al.model.GoalDomain = al.model.GoalDomain.COMMUNICATION,
    metric: str = "requests",
    mastery: al.model.MasteryCriterion | None = None,
) -> None:
    carer = next(iter(p.state.carers))
    p.record(
        by("ana", T0).build(
            al.events.GoalProposed,
            goal_id=goal_id,
            domain=domain,
            statement=f"Goal {goal_id}",
            why_it_matters="It matters",
            target=al.model.MeasurableTarget(
                metric=metric,
                unit="per day",
                baseline=baseline,
                target=target,
                direction=direction,
                due=due or pendulum.date(2025, 12, 31),
            ),
            gas_scale=gas,
            mastery=mastery,
        )
    )
    p.record(by(carer, T0.add(minutes=5)).build(al.events.GoalAgreed, goal_id=goal_id))


def _observe(
    p: al.Partnership,
    goal_id: str,
    days: float,
    value: float | None = None,
    gas_level: int | None = None,
    setting: al.model.Setting = al.model.Setting.CLINIC,
) -> None:
    p.record(
        by("ana", T0.add(hours=round(days * 24))).build(
            al.events.ProgressRecorded,
            goal_id=goal_id,
            setting=setting,
            kind=al.model.ObservationKind.SESSION,
            value=value,
            gas_level=gas_level,
        )
    )


# --- GAS T-scores ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "weights", "expected"),
    [
        ([1], None, 60.0),  # a single goal: T = 50 + 10x
        ([-1], None, 40.0),
        ([0, 1, 1], None, 59.128709),  # 50 + 10*2/sqrt(0.7*3 + 0.3*9) = 50 + 20/sqrt(4.8)
        ([2, -1], [3, 1], 64.555563),  # 50 + 10*5/sqrt(0.7*10 + 0.3*16) = 50 + 50/sqrt(11.8)
        ([-2, -2, -2, -2], None, 20.980950),  # 50 - 80/sqrt(0.7*4 + 0.3*16) = 50 - 80/sqrt(7.6)
        ([0, 0, 0], [1, 2, 5], 50.0),  # all at the expected level
    ],
)
def test_gas_t_score_matches_hand_computed_values(
    levels: list[int], weights: list[float] | None, expected: float
) -> None:
    assert rp.gas_t_score(levels, weights) == pytest.approx(expected, abs=1e-6)


def test_gas_t_score_with_rho_zero_is_the_plain_formula() -> None:
    # rho = 0: T = 50 + 10*Σx/sqrt(n) with equal weights; four goals at +1 -> 50 + 10*2 = 70.
    assert rp.gas_t_score([1, 1, 1, 1], rho=0) == pytest.approx(70.0)


def test_gas_t_score_refuses_bad_input() -> None:
    with pytest.raises(al.ValidationError, match="levels"):
        rp.gas_t_score([])
    with pytest.raises(al.ValidationError, match="levels"):
        rp.gas_t_score([3])
    with pytest.raises(al.ValidationError, match="weights"):
        rp.gas_t_score([1, 2], [1])
    with pytest.raises(al.ValidationError, match="rho"):
        rp.gas_t_score([1], rho=1)


def test_gas_for_a_child_uses_weights_baselines_and_leaves_out_missing_goals() -> None:
    p = _partnership()
    _goal(p, "g-a", gas=_gas_scale(3))
    _goal(p, "g-b", gas=_gas_scale(1))
    _goal(p, "g-c", gas=_gas_scale(2))
    _goal(p, "g-plain")  # no GAS scale: not part of the T-score
    _observe(p, "g-a", 1, gas_level=-1)
    _observe(p, "g-b", 1, gas_level=-1)
    _observe(p, "g-c", 1, gas_level=-2)
    _observe(p, "g-a", 40, gas_level=2)
    _observe(p, "g-b", 40, gas_level=-1)
    # g-c is not rated again: in a period starting on day 30 it is missing.
    row = rp.gas_for(p.state, period=rp.Period(start=T0.add(days=30).date()))
    assert [g.goal_id for g in row.goals] == ["g-a", "g-b", "g-c"]
    assert row.missing == ("g-c",)
    assert row.rated == 2
    # levels (2, -1), weights (3, 1): 50 + 50/sqrt(11.8)
    assert row.t_score == pytest.approx(64.555563, abs=1e-6)
    # baseline: levels (-1, -1, -2), weights (3, 1, 2): Σwx = -8, Σw² = 14, (Σw)² = 36
    # 50 - 80/sqrt(0.7*14 + 0.3*36) = 50 - 80/sqrt(20.6)
    assert row.baseline_t_score == pytest.approx(50 - 80 / math.sqrt(20.6))
    assert row.change == pytest.approx(row.t_score - row.baseline_t_score)  # type: ignore[operator]
    # Over the whole timeline nothing is missing: g-c's latest rating is its first.
    whole = rp.gas_for(p.state)
    assert whole.missing == ()
    # (2, -1, -2) with (3, 1, 2): Σwx = 1 -> 50 + 10/sqrt(20.6)
    assert whole.t_score == pytest.approx(50 + 10 / math.sqrt(20.6))


def test_gas_for_with_no_ratings_has_no_t_score() -> None:
    p = _partnership()
    _goal(p, "g-a", gas=_gas_scale())
    row = rp.gas_for(p.state)
    assert row.t_score is None
    assert row.baseline_t_score is None
    assert row.missing == ("g-a",)


def test_gas_for_all_goals_at_minus_two() -> None:
    p = _partnership()
    for name in ("g-1", "g-2", "g-3", "g-4"):
        _goal(p, name, gas=_gas_scale())
        _observe(p, name, 2, gas_level=-2)
    row = rp.gas_for(p.state)
    assert row.t_score == pytest.approx(20.980950, abs=1e-6)
    assert row.baseline_t_score == row.t_score
    assert row.change == 0


# --- trends and projections -----------------------------------------------------------------


def test_least_squares_slope() -> None:
    # x 0..3, y 2,3,5,6: Sxy = 7, Sxx = 5 -> b = 1.4, a = 4 - 1.4*1.5 = 1.9
    slope, intercept = rp.least_squares_slope([0, 1, 2, 3], [2, 3, 5, 6])  # type: ignore[misc]
    assert slope == pytest.approx(1.4)
    assert intercept == pytest.approx(1.9)
    assert rp.least_squares_slope([1], [2]) is None
    assert rp.least_squares_slope([1, 1], [2, 3]) is None


def _weekly(values: list[float], **goal: object) -> al.Partnership:
    p = _partnership()
    _goal(p, "g", **goal)  # type: ignore[arg-type]
    for week, value in enumerate(values):
        _observe(
            p,
            "g",
            7 * week + 1,
            value=value,
            setting=al.model.Setting.HOME if week % 2 else al.model.Setting.CLINIC,
        )
    return p


def test_progress_trend_and_projection_on_track() -> None:
    p = _weekly([2, 3, 5, 6], baseline=1, target=10)
    row = rp.goal_progress(p.state, "g")
    assert row.latest == 6
    assert row.share_of_the_way == pytest.approx(5 / 9)
    assert row.trend is not None
    assert row.trend.slope_per_week == pytest.approx(1.4)
    assert row.trend.intercept == pytest.approx(1.9)
    assert row.trend.points == 4
    # The line reaches 10 after (10 - 1.9)/1.4 = 5.7857 weeks = 40.5 days from the first
    # observation (2025-03-04 10:00 UTC): 2025-04-13 22:00 UTC, 23:00 in London.
    assert row.projected_date == pendulum.date(2025, 4, 13)
    assert row.outlook is rp.Outlook.ON_TRACK
    assert row.observations == 4
    assert row.by_setting(al.model.Setting.CLINIC) == 2
    assert row.by_setting(al.model.Setting.HOME) == 2
    assert row.by_setting(al.model.Setting.SCHOOL) == 0


def test_progress_behind_when_the_projection_is_after_the_due_date() -> None:
    p = _weekly([2, 3, 5, 6], baseline=1, target=10, due=pendulum.date(2025, 4, 1))
    row = rp.goal_progress(p.state, "g")
    assert row.projected_date == pendulum.date(2025, 4, 13)
    assert row.outlook is rp.Outlook.BEHIND


def test_progress_not_on_track_when_the_trend_goes_the_wrong_way() -> None:
    p = _weekly([6, 5, 3, 2], baseline=1, target=10)
    row = rp.goal_progress(p.state, "g")
    assert row.trend is not None
    assert row.trend.slope_per_week == pytest.approx(-1.4)
    assert row.projected_date is None
    assert row.outlook is rp.Outlook.NOT_ON_TRACK


def test_progress_for_a_decreasing_goal() -> None:
    # minutes to get dressed, 25 -> 10: values 20, 19, 17, 16 (slope -1.4, intercept 20.1)
    p = _weekly([20, 19, 17, 16], baseline=25, target=10, direction=al.model.Direction.DECREASE)
    row = rp.goal_progress(p.state, "g")
    assert row.share_of_the_way == pytest.approx(9 / 15)
    assert row.trend is not None
    assert row.trend.intercept == pytest.approx(20.1)
    # (10 - 20.1)/-1.4 = 7.2143 weeks = 50.5 days -> 2025-04-23 22:00 UTC (23:00 London)
    assert row.projected_date == pendulum.date(2025, 4, 23)
    assert row.outlook is rp.Outlook.ON_TRACK


def test_progress_reached_and_not_enough_data() -> None:
    reached = rp.goal_progress(_weekly([4, 11], baseline=1, target=10).state, "g")
    assert reached.outlook is rp.Outlook.REACHED
    assert reached.projected_date is None
    one = rp.goal_progress(_weekly([4], baseline=1, target=10).state, "g")
    assert one.outlook is rp.Outlook.NOT_ENOUGH_DATA
    assert one.trend is None
    none = rp.goal_progress(_weekly([], baseline=1, target=10).state, "g")
    assert none.latest is None
    assert none.share_of_the_way is None
    assert none.outlook is rp.Outlook.NOT_ENOUGH_DATA


def test_trend_window_leaves_out_old_observations() -> None:
    # Weeks 0..11: a fast early climb, then steady +1 a week over the last eight weeks.
    values = [0, 5, 9, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    p = _weekly(values, baseline=0, target=20)
    default = rp.goal_progress(p.state, "g")
    assert default.trend is not None
    # The window is the 8 weeks before the latest event (day 78): observations after day 22,
    # i.e. weeks 4..11 (days 29..78), values 5..12: slope exactly 1 a week.
    assert default.trend.points == 8
    assert default.trend.slope_per_week == pytest.approx(1.0)
    wide = rp.goal_progress(p.state, "g", window=pendulum.duration(weeks=52))
    assert wide.trend is not None
    assert wide.trend.points == 12


def test_progress_as_of_a_period_end_and_mastery() -> None:
    criterion = al.model.MasteryCriterion(threshold=5, consecutive=2)
    p = _weekly([2, 5, 6, 3], baseline=1, target=10, mastery=criterion)
    # Up to day 16 (weeks 0..2): 2, 5, 6 -> mastered on the third session.
    row = rp.goal_progress(p.state, "g", period=rp.Period(end=pendulum.date(2025, 3, 19)))
    assert row.latest == 6
    assert row.mastery == "mastered"
    assert row.observations == 3
    assert rp.goal_progress(p.state, "g").latest == 3
    plain = rp.goal_progress(_weekly([2], baseline=1, target=10).state, "g")
    assert plain.mastery is None
    with pytest.raises(al.UnknownRecordError, match="goal_id"):
        rp.goal_progress(p.state, "nope")


# --- reliable change --------------------------------------------------------------------------


def test_reliable_change_index_matches_jacobson_truax() -> None:
    norms = rp.MetricNorms(reliability=0.9, norm_sd=10)
    # SE = 10*sqrt(0.1) = 3.162278; S_diff = sqrt(2)*SE = 4.472136; RCI = 12/4.472136
    assert norms.standard_error == pytest.approx(3.162278, abs=1e-6)
    assert norms.s_diff == pytest.approx(4.472136, abs=1e-6)
    assert rp.reliable_change_index(40, 52, norms) == pytest.approx(2.683282, abs=1e-6)
    assert rp.reliable_change_index(40, 48, norms) == pytest.approx(1.788854, abs=1e-6)
    with pytest.raises(al.ValidationError, match="reliability"):
        rp.MetricNorms(reliability=1, norm_sd=10)
    with pytest.raises(al.ValidationError, match="norm_sd"):
        rp.MetricNorms(reliability=0.8, norm_sd=0)


def test_reliable_changes_for_goals_whose_metric_declares_norms() -> None:
    p = _partnership()
    _goal(p, "g-up", metric="vocabulary score", baseline=30, target=60)
    _goal(
        p,
        "g-down",
        metric="anxiety score",
        baseline=60,
        target=30,
        direction=al.model.Direction.DECREASE,
    )
    _goal(p, "g-other", metric="requests")
    for goal_id, first, last in (("g-up", 40, 52), ("g-down", 40, 52), ("g-other", 1, 9)):
        _observe(p, goal_id, 1, value=first)
        _observe(p, goal_id, 30, value=last)
    norms = {
        "vocabulary score": rp.MetricNorms(reliability=0.9, norm_sd=10),
        "anxiety score": rp.MetricNorms(reliability=0.9, norm_sd=10),
    }
    rows = {r.goal_id: r for r in rp.reliable_changes_for(p.state, norms)}
    assert set(rows) == {"g-up", "g-down"}
    assert rows["g-up"].rci == pytest.approx(2.683282, abs=1e-6)
    assert rows["g-up"].improved
    assert rows["g-down"].deteriorated
    assert not rows["g-down"].improved


# --- partnership health -----------------------------------------------------------------------


def test_partnership_health_matches_hand_counts() -> None:
    p = _partnership()
    _goal(p, "g")
    p.record(
        by("ana", T0).build(
            al.events.CommunicationPlanAgreed,
            cadence=pendulum.duration(weeks=1),
            channels=frozenset({al.model.Channel.IN_PERSON}),
            participants=frozenset({"ana", "maria"}),
        )
    )
    for day, news in ((7, ("Sam waved",)), (14, ()), (28, ("Sam asked for juice",))):
        p.record(
            by("ana", T0.add(days=day)).build(
                al.events.CheckInHeld,
                kind=al.model.CheckInKind.MEETING,
                purpose=al.model.CheckInPurpose.ROUTINE,
                participants=frozenset({"ana", "maria"}),
                good_news=news,
            )
        )
    for fid, day, answered_after in (("f1", 1, 1), ("f2", 2, 3), ("f3", 3, None)):
        p.record(
            by("ana", T0.add(days=day)).build(
                al.events.FeedbackGiven,
                feedback_id=fid,
                kind=al.model.FeedbackKind.PROGRESS_UPDATE,
                message="News",
                goal_id="g",
            )
        )
        if answered_after is not None:
            p.record(
                by("maria", T0.add(days=day + answered_after)).build(
                    al.events.FeedbackAnswered,
                    feedback_id=fid,
                    response=al.model.FeedbackResponse.ACKNOWLEDGED,
                )
            )
    p.record(
        by("maria", T0.add(days=10)).build(
            al.events.SetbackReported,
            setback_id="sb",
            kind=al.model.SetbackKind.ILLNESS,
            severity=al.model.Severity.MINOR,
            description="A cold",
            affected_goals=frozenset({"g"}),
        )
    )
    p.record(
        by("ana", T0.add(days=12)).build(
            al.events.SetbackResponsePlanned, setback_id="sb", changes="Rest", steps=()
        )
    )
    p.record(
        by("ana", T0.add(days=20)).build(
            al.events.SetbackResolved, setback_id="sb", resolution="Better"
        )
    )
    p.record(
        by("ana", T0).build(
            al.events.HomePracticePlanned,
            strategy_id="s",
            goal_id="g",
            description="Practise",
            times_per_week=2,
            carers=frozenset({"maria"}),
        )
    )
    p.record(
        by("ana", T0.add(weeks=2)).build(
            al.events.HomePracticeAdapted,
            strategy_id="s",
            description="Practise more",
            times_per_week=4,
            reason="Going well",
        )
    )
    for day, done in ((1, True), (3, True), (5, False), (15, True), (16, True)):
        p.record(
            by("maria", T0.add(days=day)).build(
                al.events.PracticeLogged, strategy_id="s", done=done
            )
        )
    _observe(p, "g", 28.5, value=3)  # the latest event: day 28 12:00 -> 4 weeks + 12 hours

    health = rp.partnership_health(p)
    assert health.check_ins == 3
    assert health.check_ins_expected == 4  # 28.5 days // 7 days
    assert health.check_in_adherence == pytest.approx(0.75)
    assert health.feedback_given == 3
    assert health.feedback_closed == 2
    assert health.feedback_closure_rate == pytest.approx(2 / 3)
    assert health.median_days_to_answer == pytest.approx(2.0)  # median of 1 and 3 days
    assert health.feedback_open_now == 1
    assert health.setbacks == 1
    assert health.median_days_to_plan == pytest.approx(2.0)
    assert health.median_days_to_recovery == pytest.approx(10.0)
    assert health.setbacks_open_now == 0
    # 2 a week for 2 weeks, then 4 a week for 14.5 days: 4 + 4*14.5/7
    assert health.practice_planned == pytest.approx(4 + 58 / 7)
    assert health.practice_done == 4
    assert health.practice_adherence == pytest.approx(4 / (4 + 58 / 7))
    assert health.contacts_with_good_news == 2
    assert health.good_news_share == pytest.approx(2 / 3)

    # Over the first 9 days only: check-in on day 7; two feedback items closed by day 9,
    # f3 still open; practice: 2 a week over 9 days... (London days 2025-03-03..11)
    # Given only the state, the stretch before the adaptation counts at the adapted rate.
    assert rp.partnership_health(p.state).practice_planned == pytest.approx(4 * 28.5 / 7)
    early = rp.partnership_health(p, period=rp.Period(end=pendulum.date(2025, 3, 11)))
    assert early.check_ins == 1
    assert early.feedback_given == 3
    assert early.feedback_closed == 2
    assert early.feedback_open_now == 1
    assert early.setbacks == 0
    assert early.median_days_to_plan is None


def test_partnership_health_without_a_plan_or_records() -> None:
    health = rp.partnership_health(_partnership().state)
    assert health.check_ins_expected is None
    assert health.check_in_adherence is None
    assert health.feedback_closure_rate is None
    assert health.practice_adherence is None
    assert health.good_news_share is None


# --- queries over a store -----------------------------------------------------------------------


@pytest.fixture
def store() -> al.Store:
    store = al.open_store("memory://", clinic_id="clinic-1")
    a = _partnership("p-a", carer="maria")
    _goal(a, "g-talk", gas=_gas_scale())
    _goal(a, "g-dress", domain=al.model.GoalDomain.SELF_CARE)
    _observe(a, "g-talk", 1, value=2, gas_level=-1)
    b = _partnership("p-b", carer="lee")
    _goal(b, "g-talk-b")
    b.record(by("ana", T0.add(days=3)).build(al.events.GoalAchieved, goal_id="g-talk-b"))
    for p in (a, b):
        store.append(p.state.partnership_id, p.events, expected_version=0)
    return store


def test_select_goals_filters_by_member_domain_status_and_period(store: al.Store) -> None:
    all_rows = list(rp.select_goals(store))
    assert [(r.partnership_id, r.goal_id) for r in all_rows] == [
        ("p-a", "g-talk"),
        ("p-a", "g-dress"),
        ("p-b", "g-talk-b"),
    ]
    assert all(isinstance(r, rp.GoalRow) for r in all_rows)
    assert [r.goal_id for r in rp.select_goals(store, member_id="lee")] == ["g-talk-b"]
    assert [r.goal_id for r in rp.select_goals(store, member_id="ana")] == [
        "g-talk",
        "g-dress",
        "g-talk-b",
    ]
    assert [r.goal_id for r in rp.select_goals(store, domain=al.model.GoalDomain.SELF_CARE)] == [
        "g-dress"
    ]
    assert [r.goal_id for r in rp.select_goals(store, status=al.model.GoalStatus.ACHIEVED)] == [
        "g-talk-b"
    ]
    # g-talk-b was achieved on day 3: not open in a period starting a week later.
    later = rp.Period(start=pendulum.date(2025, 3, 10))
    assert [r.goal_id for r in rp.select_goals(store, period=later)] == ["g-talk", "g-dress"]
    assert list(rp.select_goals(store, member_id="nobody")) == []


def test_reports_over_a_store(store: al.Store) -> None:
    progress = list(rp.progress_report(store, member_id="maria"))
    assert [r.goal.goal_id for r in progress] == ["g-talk", "g-dress"]
    gas = list(rp.gas_report(store))
    assert [(r.partnership_id, r.t_score) for r in gas] == [("p-a", 40.0), ("p-b", None)]
    periods = [rp.Period(end=pendulum.date(2025, 3, 3)), rp.Period()]
    by_period = list(rp.gas_report(store, periods=periods, member_id="maria"))
    assert [r.t_score for r in by_period] == [None, 40.0]
    health = list(rp.health_report(store))
    assert [h.partnership_id for h in health] == ["p-a", "p-b"]


def test_period_validation() -> None:
    with pytest.raises(al.ValidationError, match="period"):
        rp.Period(start=pendulum.date(2025, 3, 2), end=pendulum.date(2025, 3, 1))
    assert rp.Period(start=pendulum.date(2025, 1, 1)).label() == "2025-01-01.."


def test_periods_between() -> None:
    months = rp.periods_between(pendulum.date(2025, 1, 15), pendulum.date(2025, 3, 31))
    assert [(p.start, p.end) for p in months] == [
        (pendulum.date(2025, 1, 15), pendulum.date(2025, 2, 14)),
        (pendulum.date(2025, 2, 15), pendulum.date(2025, 3, 14)),
        (pendulum.date(2025, 3, 15), pendulum.date(2025, 3, 31)),
    ]
    quarters = rp.periods_between(pendulum.date(2025, 1, 1), pendulum.date(2025, 12, 31), "quarter")
    assert [p.label() for p in quarters][1] == "2025-04-01..2025-06-30"
    assert (
        len(rp.periods_between(pendulum.date(2025, 1, 1), pendulum.date(2025, 1, 14), "week")) == 2
    )
    with pytest.raises(al.ValidationError, match="every"):
        rp.periods_between(pendulum.date(2025, 1, 1), pendulum.date(2025, 1, 2), "year")
