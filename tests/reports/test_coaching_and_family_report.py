"""The family report shows the family's side: fidelity beside progress, celebrations,
upcoming transitions; and never a carer's wellbeing note."""

from __future__ import annotations

import re

import pendulum
import pytest

import alliance as al
from alliance.reports.render import family_report_html
from team import by, story, target


@pytest.fixture
def partnership() -> al.Partnership:
    """Ana coaches Maria on s1 (three sessions, from 37.5% to 100%), celebrations, a
    transition coming up and one in the past, and a wellbeing note of Maria's."""
    s = story(policy=al.RolePolicy())
    checklist = al.model.FidelityChecklist(
        steps=(
            al.model.FidelityStep(step_id="wait", description="Wait five seconds"),
            al.model.FidelityStep(step_id="model", description="Model the two words"),
            al.model.FidelityStep(step_id="praise", description="Praise the try"),
            al.model.FidelityStep(step_id="give", description="Give the snack at once"),
        )
    )

    def session(day: int, *observed: al.model.StepObserved, confidence: int | None = None) -> None:
        s.on_day(day).by("ana").record(
            al.events.CoachingSessionHeld,
            strategy_id="s1",
            carer="maria",
            steps=tuple(
                al.model.StepFidelity(step_id=step.step_id, observed=o)
                for step, o in zip(checklist.steps, observed, strict=True)
            ),
            carer_confidence=confidence,
            approaches=frozenset(
                {al.model.CoachingApproach.MODELLED, al.model.CoachingApproach.PRACTISED}
            ),
        )

    done, partly, no = (
        al.model.StepObserved.DONE,
        al.model.StepObserved.PARTLY,
        al.model.StepObserved.NOT_DONE,
    )
    with s.all_or_nothing():
        s.record(
            al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
        )
        s.record(al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
        s.record(al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.ACTIVE)
        s.by("maria").record(
            al.events.GoalProposed,
            goal_id="g1",
            domain=al.model.GoalDomain.COMMUNICATION,
            statement="Sam asks for snacks with two words",
            why_it_matters="Fewer tears at snack time",
            target=target(metric="two-word requests"),
        )
        s.by("ana").record(al.events.GoalAgreed, goal_id="g1")
        s.on_day(1).record(
            al.events.HomePracticePlanned,
            strategy_id="s1",
            goal_id="g1",
            description="Wait five seconds before offering the snack",
            times_per_week=7,
            carers=frozenset({"maria"}),
        )
        s.record(al.events.FidelityChecklistSet, strategy_id="s1", checklist=checklist)
        session(2, done, partly, no, no, confidence=2)  # 37.5%
        session(9, done, done, done, partly)  # 87.5%
        session(16, done, done, done, done, confidence=4)  # 100%
        s.record(
            al.events.ProgressRecorded,
            observation_id="o1",
            goal_id="g1",
            value=3,
            setting=al.model.Setting.CLINIC,
            kind=al.model.ObservationKind.SESSION,
        )
        s.on_day(17).record(
            al.events.SuccessCelebrated,
            celebration_id="c1",
            kind=al.model.CelebrationKind.MILESTONE,
            description="Sam asked for juice with two words at home",
            observation_id="o1",
        )
        s.on_day(18).record(
            al.events.SuccessCelebrated,
            celebration_id="c2",
            description="Sam waved goodbye to his class",
        )
        s.record(
            al.events.SuccessCelebrated,
            celebration_id="c3",
            description="A note for the team only",
            audience=al.model.Audience.professionals(),
        )
        s.on_day(19).by("maria").record(
            al.events.TransitionAnnounced,
            transition_id="t1",
            kind=al.model.TransitionKind.NEW_CLASS,
            description="Sam moves to the reception class",
            date=pendulum.date(2025, 4, 22),
            people=frozenset({"ana", "maria"}),
            affected_goals=frozenset({"g1"}),
        )
        s.on_day(20).by("ana").record(
            al.events.TransitionPlanAgreed,
            transition_id="t1",
            steps=(
                al.model.PlanStep(
                    description="Visit the new classroom",
                    owner="maria",
                    due=pendulum.date(2025, 4, 10),
                ),
            ),
            agreed_with=frozenset({"maria"}),
        )
        s.on_day(1, backdate=True).by("maria").record(  # told on day 20, about day 1
            al.events.TransitionAnnounced,
            transition_id="t0",
            kind=al.model.TransitionKind.HOME_CHANGE,
            description="Grandma came to stay",
            date=pendulum.date(2025, 1, 10),
            people=frozenset({"maria"}),
        )
        s.on_day(21).record(
            al.events.WellbeingNoted,
            note_id="w1",
            coping=al.model.Coping.STRETCHED,
            support=frozenset({al.model.SupportKind.EXTENDED_FAMILY}),
            would_like="SECRET-WISH to meet other parents",
        )
    return s.partnership


def test_fidelity_celebrations_and_transitions_beside_progress(
    partnership: al.Partnership,
) -> None:
    page = family_report_html(
        [partnership.state],
        charts=False,
        people={
            "sam": al.Child(id="sam", name="Sam"),
            "maria": al.Carer(id="maria", name="Maria"),
            "ana": al.Professional(id="ana", name="Ana"),
        },
    )
    goal = page[page.index('data-goal-id="g1"') :]
    goal = goal[: goal.index("</section>")]
    assert 'data-strategy-id="s1"' in goal
    assert re.findall(r'data-carer-fidelity="([0-9.]+)"', goal) == ["100.0"]
    assert (
        "Maria: 100% of the steps as planned in the latest coaching session "
        "(3 sessions so far: 38%, 88%, and 100%). Using it independently since "
        "January 15, 2025. Confidence: 4 out of 5." in goal
    )
    assert "<bdi>Sam asked for juice with two words at home</bdi> (a milestone!)" in goal
    assert 'data-celebration-id="c2"' not in goal, "not about the goal"
    other = page[page.index('class="celebrations-other"') :]
    assert "Sam waved goodbye to his class" in other
    assert "A note for the team only" not in page
    coming = page[page.index('class="transitions"') :]
    assert "April 22, 2025" in coming
    assert "Visit the new classroom, by April 10, 2025 (Maria)" in coming
    assert 'data-transition-id="t0"' not in page, "a transition in the past is not coming up"
    assert "SECRET-WISH" not in page


def test_the_report_for_a_member_is_built_from_what_they_may_see(
    partnership: al.Partnership,
) -> None:
    ana_page = family_report_html([partnership.state], charts=False, viewer="ana")
    assert "A note for the team only" in ana_page
    assert "SECRET-WISH" not in ana_page, "wellbeing notes are never on a report"
    maria_page = family_report_html([partnership.state], charts=False, viewer="maria")
    assert "A note for the team only" not in maria_page
    assert "SECRET-WISH" not in maria_page
    assert "You: 100% of the steps" in maria_page, "the viewer is 'you', even without records"
    assert "Maria" not in maria_page, "no people given: nobody is named"


def test_a_strategy_with_a_checklist_but_no_session_says_so(partnership: al.Partnership) -> None:
    partnership.record_all(
        [
            by("ana", 22).build(
                al.events.HomePracticePlanned,
                strategy_id="s2",
                goal_id="g1",
                description="Offer two choices at bath time",
                times_per_week=3,
                carers=frozenset({"maria"}),
            ),
            by("ana", 22).build(
                al.events.FidelityChecklistSet,
                strategy_id="s2",
                checklist=al.model.FidelityChecklist(
                    steps=(al.model.FidelityStep(step_id="offer", description="Offer two toys"),),
                    scale=al.model.FidelityScale.RATING,
                ),
            ),
        ]
    )
    page = family_report_html([partnership.state], charts=False)
    block = page[page.index('data-strategy-id="s2"') :]
    assert block[: block.index("</div>")].rstrip().endswith("<p>No coaching sessions yet.</p>")


def test_the_progress_chart_marks_celebrations(partnership: al.Partnership) -> None:
    pytest.importorskip("matplotlib")
    from alliance.reports.charts import progress_chart  # noqa: PLC0415 (optional extra)

    svg = progress_chart(partnership.state, "g1", fmt="svg").decode()
    assert "celebrated" in svg, "the legend names the stars"
    partnership.record(
        by("ana", 30).build(
            al.events.ProgressRecorded,
            observation_id="o2",
            goal_id="g1",
            value=4,
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.SESSION,
        )
    )
    without = al.fold(
        e for e in partnership.events if not isinstance(e, al.events.SuccessCelebrated)
    )
    assert "celebrated" not in progress_chart(without, "g1", fmt="svg").decode()


def test_fidelity_rows_put_fidelity_beside_progress(partnership: al.Partnership) -> None:
    (row,) = al.reports.fidelity_rows(partnership.state)
    assert (row.strategy_id, row.goal_id, row.carer, row.sessions) == ("s1", "g1", "maria", 3)
    assert row.first_fidelity == 37.5  # done 1 + partly 0.5 of 4 steps
    assert row.latest_fidelity == 100.0
    assert row.independent_at == 80.0
    assert row.implementing_independently
    assert row.independent_since == pendulum.date(2025, 1, 15)
    assert row.latest_confidence == 4
    assert row.goal_share_of_the_way == pytest.approx((3 - 1) / (8 - 1))
    # Up to the second session: one session at or above 80% is not yet independence.
    (early,) = al.reports.fidelity_rows(
        partnership.state, period=al.reports.Period(end=pendulum.date(2025, 1, 20))
    )
    assert (early.sessions, early.latest_fidelity) == (2, 87.5)
    assert not early.implementing_independently
    assert early.independent_since is None
    assert early.latest_confidence == 2
    assert early.goal_share_of_the_way is None, "no measurement yet by then"


def test_training_is_told_apart_from_education(partnership: al.Partnership) -> None:
    partnership.record_all(
        [
            by("ana", 23).build(
                al.events.EducationAttended,
                education_id="e1",
                kind=al.model.EducationKind.WORKSHOP,
                title="Talking with toddlers",
                attendees=frozenset({"maria"}),
                language="en",
            ),
            by("ana", 24).build(
                al.events.ResourceShared,
                resource_id="r1",
                kind=al.model.ResourceKind.HANDOUT,
                title="Waiting games",
                language="en",
                shared_with=frozenset({"maria"}),
            ),
        ]
    )
    (row,) = al.reports.carer_learning(partnership.state)
    assert row == al.reports.CarerLearningRow(
        partnership_id="p-1",
        carer="maria",
        coaching_sessions=3,
        strategies_coached=1,
        education_attended=1,
        resources_received=1,
    )
    (january,) = al.reports.carer_learning(
        partnership.state, period=al.reports.Period(start=pendulum.date(2025, 1, 20))
    )
    assert (january.coaching_sessions, january.education_attended) == (1, 1)


def test_coaching_reports_read_a_store(partnership: al.Partnership) -> None:
    store = al.open_store("memory://", clinic_id="c-1")
    events = partnership.events
    al.start_partnership(store, events[0], events[1:])  # type: ignore[arg-type]
    assert list(al.reports.coaching_report(store)) == al.reports.fidelity_rows(partnership.state)
    assert list(al.reports.learning_report(store)) == al.reports.carer_learning(partnership.state)
    assert list(al.reports.coaching_report(store, member_id="nobody")) == []


def test_a_new_checklist_starts_independence_afresh(partnership: al.Partnership) -> None:
    new = al.model.FidelityChecklist(
        steps=(al.model.FidelityStep(step_id="choice", description="Offer a choice of two"),),
    )
    partnership.record(
        by("ana", 30).build(al.events.FidelityChecklistSet, strategy_id="s1", checklist=new)
    )

    def session(day: int) -> al.Event:
        return by("ana", day).build(
            al.events.CoachingSessionHeld,
            strategy_id="s1",
            carer="maria",
            steps=(al.model.StepFidelity(step_id="choice", observed=al.model.StepObserved.DONE),),
        )

    partnership.record(session(31))
    (row,) = al.reports.fidelity_rows(partnership.state)
    assert row.latest_fidelity == 100.0
    assert not row.implementing_independently, "one session on the new checklist so far"
    partnership.record(session(38))
    (row,) = al.reports.fidelity_rows(partnership.state)
    assert row.implementing_independently
    assert row.independent_since == pendulum.date(2025, 2, 6)  # the first on the new list
