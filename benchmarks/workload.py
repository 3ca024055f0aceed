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

    def at(index: int) -> pendulum.DateTime:
        return _EPOCH + _STEP * index

    yield al.events.PartnershipFormed(
        partnership_id=pid,
        clinic_id=CLINIC_ID,
        child_id=f"{pid}-child",
        time_zone="Europe/London",
        actor=therapist,
        occurred_at=at(0),
    )
    yield al.events.ProfessionalJoined(
        member_id=therapist,
        discipline=al.Discipline.SPEECH_LANGUAGE,
        actor=therapist,
        occurred_at=at(1),
    )
    for index, carer in ((2, mum), (3, dad)):
        yield al.events.CarerJoined(
            member_id=carer,
            relationship=al.CarerRelationship.PARENT,
            actor=therapist,
            occurred_at=at(index),
        )
    for offset, goal_id in enumerate(goals):
        yield al.events.GoalProposed(
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
            actor=mum,
            occurred_at=at(4 + offset),
        )
    for offset, goal_id in enumerate(goals):
        yield al.events.GoalAgreed(goal_id=goal_id, actor=therapist, occurred_at=at(6 + offset))
    yield al.events.HomePracticePlanned(
        strategy_id=strategy,
        goal_id=goals[0],
        description="Offer two snacks and wait for a two-word request",
        times_per_week=5,
        carers=frozenset({mum, dad}),
        actor=therapist,
        occurred_at=at(8),
    )
    open_feedback: str | None = None
    open_item: str | None = None
    for index in range(_PREAMBLE, length):
        step = index - _PREAMBLE
        letter = _CYCLE[step % len(_CYCLE)]
        goal_id = goals[step % 2]
        when = at(index)
        if letter == "P":
            yield al.events.ProgressRecorded(
                observation_id=f"{pid}-o{index}",
                goal_id=goal_id,
                setting=al.model.Setting.CLINIC,
                kind=al.model.ObservationKind.SESSION,
                value=float(step % 9),
                note="Used the picture cards first" if step % 3 == 0 else None,
                actor=therapist,
                occurred_at=when,
            )
        elif letter == "E":
            yield al.events.ProgressRecorded(
                observation_id=f"{pid}-o{index}",
                goal_id=goal_id,
                setting=al.model.Setting.HOME,
                kind=al.model.ObservationKind.EVERYDAY,
                value=float(step % 7),
                actor=mum,
                occurred_at=when,
            )
        elif letter == "L":
            yield al.events.PracticeLogged(
                entry_id=f"{pid}-l{index}",
                strategy_id=strategy,
                done=step % 5 != 0,
                difficulty=Difficulty.MANAGEABLE,
                confidence=1 + step % 5,
                note="Easier after his nap",
                actor=dad if step % 2 else mum,
                occurred_at=when,
            )
        elif letter == "F":
            open_feedback = f"{pid}-f{index}"
            yield al.events.FeedbackGiven(
                feedback_id=open_feedback,
                kind=FeedbackKind.PROGRESS_UPDATE,
                message="Sam used two words for juice today, without a prompt",
                goal_id=goal_id,
                actor=therapist,
                occurred_at=when,
            )
        elif letter == "A":
            assert open_feedback is not None
            yield al.events.FeedbackAnswered(
                feedback_id=open_feedback,
                response=FeedbackResponse.ACKNOWLEDGED,
                message="Lovely! We saw the same at breakfast",
                actor=mum,
                occurred_at=when,
            )
            open_feedback = None
        elif letter == "C":
            open_item = f"{pid}-a{index}"
            yield al.events.CheckInHeld(
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
                actor=therapist,
                occurred_at=when,
            )
        else:  # "D"
            assert open_item is not None
            yield al.events.ActionItemCompleted(
                action_item_id=open_item, actor=therapist, occurred_at=when
            )
            open_item = None
