"""One story per goal: the family report's status, target and mastery sentences agree
with each other and with the figures, on the sample and on generated histories."""

from __future__ import annotations

import re

from hypothesis import given, settings

import alliance as al
from alliance.demo import sample_partnership, sample_people
from alliance.measures import evaluate_mastery
from alliance.model.goals import Direction, GoalStatus
from alliance.reports.family import family_report, goal_story
from alliance.testing import strategies as s

REACHED = "has reached the goal"
LEARNED = re.compile(r"(counts|to count) as learned")
CHECKING = "will keep checking it holds"
ON_THE_WAY = "of the way there"
ACHIEVED = "this goal is achieved"
STOPPED = "stop working on this goal"
NO_DATA = "There are no measurements yet."


def _check_goal(state: al.PartnershipState, goal_id: str) -> None:
    row = al.reports.goal_progress(state, goal_id)
    goal = state.goals[goal_id]
    evaluation = None
    if goal.current.mastery is not None:
        evaluation = evaluate_mastery(state, goal_id, as_of=row.as_of)
    story = goal_story(row, "Sam", evaluation=evaluation)
    text = " ".join(story.sentences)
    increase = row.goal.direction == Direction.INCREASE.value
    reached = row.latest is not None and (
        row.latest >= row.target if increase else row.latest <= row.target
    )
    learned = evaluation is not None and evaluation.mastered
    status = row.goal.status
    # The status is told first, and only the status of the goal.
    assert (ACHIEVED in text) == (status is GoalStatus.ACHIEVED), text
    assert (STOPPED in text) == (status is GoalStatus.DISCONTINUED), text
    if status.is_closed:
        for said in (REACHED, ON_THE_WAY, CHECKING):
            assert said not in text, text
        return
    if row.latest is None:
        assert NO_DATA in text, text
        assert REACHED not in text, text
        assert ON_THE_WAY not in text, text
        return
    # The target: reached, or some way there, never both.
    assert (REACHED in text) == reached, text
    assert (ON_THE_WAY in text) == (not reached), text
    # Mastery: learned, still being checked, or not mentioned; never two of them.
    assert bool(LEARNED.search(text)) == learned, text
    assert (CHECKING in text) == (reached and evaluation is not None and not learned), text
    if CHECKING in text and evaluation is not None:
        left = int(re.search(r"for (\d+) more session", text).group(1))  # type: ignore[union-attr]
        assert left == story.checks_left
        assert left == max(1, evaluation.criterion.consecutive - evaluation.current_run)
    assert story.reached is reached
    assert story.learned is (None if evaluation is None else learned)


def test_the_sample_goals_each_tell_one_story() -> None:
    state = sample_partnership().state
    for goal_id in state.goals:
        _check_goal(state, goal_id)


def test_the_page_marks_what_each_story_says() -> None:
    state = sample_partnership().state
    page = family_report([state], people=sample_people(), language="en", charts=False).html
    sections = re.findall(
        r'<section class="goal" data-goal-id="([^"]+)"[^>]*'
        r'data-reached="(\w+)" data-learned="(\w+)">(.*?)</section>',
        page,
        re.DOTALL,
    )
    assert {goal_id for goal_id, *_ in sections} == set(state.goals)
    for _goal_id, reached, learned, body in sections:
        assert (REACHED in body) == (reached == "true" and ACHIEVED not in body)
        assert bool(LEARNED.search(body)) == (learned == "true") or ACHIEVED in body
    # the unit is given once: "minutes to get dressed", not "... (minutes)"
    assert "<dd><bdi>minutes to get dressed</bdi></dd>" in page
    assert "(minutes)" not in page


@settings(max_examples=60, deadline=None)
@given(events=s.partnership_histories())
def test_generated_goals_each_tell_one_story(events: list[al.Event]) -> None:
    state = al.Partnership.from_events(events).state
    for goal_id in state.goals:
        _check_goal(state, goal_id)
