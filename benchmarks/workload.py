"""Deterministic partnership timelines for the benchmarks.

Every id and every time is derived from the partnership's number and the event's place
in its timeline, so two processes that ask for the same partnership get byte-identical
payloads: each system in the harness is measured on exactly the same data (the workers
report a checksum of the payloads they stored, and the harness compares them).

A timeline looks like a busy clinic's: a partnership is formed, a therapist and two
carers join, two goals are proposed and agreed, home practice is planned, and then the
everyday work repeats: progress observations (most of the events), practice logged at
home, feedback both ways, and a check-in with an action item now and then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum

import alliance as al
from alliance.model.check_ins import ActionItem, CheckInKind
from alliance.model.feedback import FeedbackKind, FeedbackResponse
from alliance.model.home_practice import Difficulty
from alliance.scenario import Scenario

CLINIC_ID = "riverside"
_EPOCH = pendulum.datetime(2024, 1, 8, 9, 0, tz="UTC")
_STEP = dt.timedelta(minutes=41)
_DUE = pendulum.date(2031, 6, 30)

# The repeating part of a timeline, one letter per event:
#   P progress (session, by the therapist)   E progress (everyday, by a carer)
#   L practice logged by a carer             F feedback given   A feedback answered
#   C check-in with an action item           D the action item done
_CYCLE = "PEPLPEFAPEPLPECDPEPL"
_PREAMBLE = 9  # formed, 3 joins, 2 goals proposed, 2 agreed, practice planned


def partnership_id(number: int) -> str:
    """The id of partnership *number*."""
    return f"p-{number:06d}"


def timeline(number: int, length: int) -> list[al.Event]:
    """The first *length* events (at least 9) of partnership *number*."""
    return list(iter_timeline(number, length))


def iter_timeline(number: int, length: int) -> Iterator[al.Event]:
    """Yield the first *length* events of partnership *number*, built one at a time."""
    if length < _PREAMBLE:
        raise ValueError(f"a benchmark timeline has at least {_PREAMBLE} events")
    pid = partnership_id(number)
    therapist, mum, dad = f"{pid}-ana", f"{pid}-maria", f"{pid}-david"
    goals = (f"{pid}-g1", f"{pid}-g2")
    strategy = f"{pid}-s1"

    # The events are built, not recorded: the store under test checks nothing, and the
    # load cases fold the timeline without checks, as a stored timeline is folded.
    story = Scenario.start(
        partnership_id=pid,
        clinic_id=CLINIC_ID,
        child_id=f"{pid}-child",
        time_zone="Europe/London",
        founder=therapist,
        at=_EPOCH,
    )

    def at(index: int) -> Scenario:
        return story.on(_EPOCH + _STEP * index)

    yield story.events[0]
    yield at(1).build(
        al.events.ProfessionalJoined, member_id=therapist, discipline=al.Discipline.SPEECH_LANGUAGE
    )
    for index, carer in ((2, mum), (3, dad)):
        yield at(index).build(
            al.events.CarerJoined, member_id=carer, relationship=al.CarerRelationship.PARENT
        )
    for offset, goal_id in enumerate(goals):
        yield (
            at(4 + offset)
            .by(mum)
            .build(
                al.events.GoalProposed,
                goal_id=goal_id,
                domain=al.model.GoalDomain.COMMUNICATION,
                statement="Asks for snacks with two words" if offset == 0 else "Joins in at circle",
                why_it_matters="Fewer tears at snack time" if offset == 0 else "Friends at school",
                target=al.model.MeasurableTarget(
                    metric="two-word requests" if offset == 0 else "minutes at circle time",
                    unit="per day" if offset == 0 else "minutes",
                    baseline=1,
                    target=8,
                    direction=al.model.Direction.INCREASE,
                    due=_DUE,
                ),
            )
        )
    for offset, goal_id in enumerate(goals):
        yield at(6 + offset).by(therapist).build(al.events.GoalAgreed, goal_id=goal_id)
    yield at(8).build(
        al.events.HomePracticePlanned,
        strategy_id=strategy,
        goal_id=goals[0],
        description="Offer two snacks and wait for a two-word request",
        times_per_week=5,
        carers=frozenset({mum, dad}),
    )
    open_feedback: str | None = None
    open_item: str | None = None
    for index in range(_PREAMBLE, length):
        step = index - _PREAMBLE
        letter = _CYCLE[step % len(_CYCLE)]
        goal_id = goals[step % 2]
        when = at(index)
        if letter == "P":
            yield when.by(therapist).build(
                al.events.ProgressRecorded,
                observation_id=f"{pid}-o{index}",
                goal_id=goal_id,
                setting=al.model.Setting.CLINIC,
                kind=al.model.ObservationKind.SESSION,
                value=float(step % 9),
                note="Used the picture cards first" if step % 3 == 0 else None,
            )
        elif letter == "E":
            yield when.by(mum).build(
                al.events.ProgressRecorded,
                observation_id=f"{pid}-o{index}",
                goal_id=goal_id,
                setting=al.model.Setting.HOME,
                kind=al.model.ObservationKind.EVERYDAY,
                value=float(step % 7),
            )
        elif letter == "L":
            yield when.by(dad if step % 2 else mum).build(
                al.events.PracticeLogged,
                entry_id=f"{pid}-l{index}",
                strategy_id=strategy,
                done=step % 5 != 0,
                difficulty=Difficulty.MANAGEABLE,
                confidence=1 + step % 5,
                note="Easier after his nap",
            )
        elif letter == "F":
            open_feedback = f"{pid}-f{index}"
            yield when.by(therapist).build(
                al.events.FeedbackGiven,
                feedback_id=open_feedback,
                kind=FeedbackKind.PROGRESS_UPDATE,
                message="Sam used two words for juice today, without a prompt",
                goal_id=goal_id,
            )
        elif letter == "A":
            assert open_feedback is not None
            yield when.by(mum).build(
                al.events.FeedbackAnswered,
                feedback_id=open_feedback,
                response=FeedbackResponse.ACKNOWLEDGED,
                message="Lovely! We saw the same at breakfast",
            )
            open_feedback = None
        elif letter == "C":
            open_item = f"{pid}-a{index}"
            yield when.by(therapist).build(
                al.events.CheckInHeld,
                check_in_id=f"{pid}-c{index}",
                kind=CheckInKind.DROP_OFF_PICK_UP,
                participants=frozenset({therapist, mum}),
                good_news=("Asked for juice with two words",),
                action_items=(
                    ActionItem(
                        action_item_id=open_item,
                        description="Send the snack-time picture cards home",
                        owner=therapist,
                        due=_DUE,
                    ),
                ),
            )
        else:  # "D"
            assert open_item is not None
            yield when.by(therapist).build(al.events.ActionItemCompleted, action_item_id=open_item)
            open_item = None
