"""What the tests write their partnerships with, on :mod:`alliance.scenario`, and the team
most model tests start from: Ana (speech and language therapist), Maria (parent) and Tess
(teacher) around Sam, with shared goals and a record of each kind.

- :func:`story` starts a story (p-1 around Sam, in clinic c-1, formed by Ana at ``T0``);
  a test's fixture writes the rest of it with ``story.by(...).on_day(...).record(...)``.
- :func:`by` gives a story of its own with someone acting at some moment, to *build* an
  event there and offer it to a partnership (``p.record(by("maria").build(...))``), to a
  refusal check or to a table of cases.
- :func:`team` / :func:`build`: the team below, as a story or as its partnership.

Imported by tests of every layer as ``from team import ...``: ``tests/`` is on the path
through its ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum

import alliance as al
from alliance.scenario import Scenario

T0 = pendulum.datetime(2025, 1, 6, 9, tz="Europe/London")  # a Monday, 09:00 (GMT)
T0_UTC = pendulum.datetime(2025, 1, 6, 9, tz="UTC")  # the same moment, for days counted in UTC
MARCH = pendulum.datetime(2025, 3, 3, 9, tz="Europe/London")  # a Monday, four weeks before BST
EVERY_SETTING = frozenset({al.model.Setting.CLINIC, al.model.Setting.HOME, al.model.Setting.SCHOOL})


def at(days: float) -> pendulum.DateTime:
    """*days* days after T0, counted in hours (``at(0.5)`` is 12 hours after T0)."""
    return T0.add(hours=int(days * 24))


LATER = at(10)


def story(
    *,
    start: dt.datetime = T0,
    policy: al.Policy | None = None,
    settings: frozenset[al.model.Setting] | None = None,
    time_zone: str = "Europe/London",
    founder: str = "ana",
    partnership_id: str = "p-1",
    clinic_id: str = "c-1",
    child_id: str = "sam",
) -> Scenario:
    """A new story: *founder* forms *partnership_id* around *child_id* in *clinic_id* at
    *start* (RolePolicy unless *policy* is given)."""
    return Scenario.start(
        partnership_id=partnership_id,
        clinic_id=clinic_id,
        child_id=child_id,
        time_zone=time_zone,
        founder=founder,
        at=start,
        settings=settings,
        policy=policy,
    )


def by(actor: str, when: float | dt.datetime = 10) -> Scenario:
    """A story of its own in which *actor* acts *when* (days after T0, as :func:`at`
    counts them, or a moment): build an event on it (``by("maria", 3).build(...)``)."""
    moment = when if isinstance(when, dt.datetime) else at(when)
    return story().on(moment, backdate=True).by(actor)


def target(**overrides: Any) -> al.model.MeasurableTarget:
    """Requests per day, from 1 up to 8 by the end of June 2025 (or as *overrides* say)."""
    fields: dict[str, Any] = {
        "metric": "requests",
        "unit": "per day",
        "baseline": 1,
        "target": 8,
        "direction": al.model.Direction.INCREASE,
        "due": pendulum.date(2025, 6, 30),
    }
    fields.update(overrides)
    return al.model.MeasurableTarget(**fields)


def goal_shared(s: Scenario, goal_target: al.model.MeasurableTarget) -> Scenario:
    """On *s*: Ana (SLT therapist) and Maria (parent) join, Ana proposes goal g1 (two-word
    requests for snacks, aiming at *goal_target*) on day 1 and Maria agrees on day 2."""
    s.record(
        al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
    )
    s.record(al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
    s.on_day(1).by("ana").record(
        al.events.GoalProposed,
        goal_id="g1",
        domain=al.model.GoalDomain.COMMUNICATION,
        statement="Sam asks for snacks with two words",
        why_it_matters="Fewer tears at snack time",
        target=goal_target,
    )
    s.on_day(2).by("maria").record(al.events.GoalAgreed, goal_id="g1")
    return s


def team(policy: al.Policy | None = None) -> Scenario:
    """Ana (SLT therapist), Maria (parent), Tess (teacher); goals g1 and g2 shared; a
    home observation o1 by Maria, a session observation o2 by Ana; a check-in with an
    action item for Maria (a1) and one for Ana (a2); setback s1; concern c1; feedback f1
    (a progress update); home practice hp1. The story's clock is left at LATER."""
    s = story(policy=policy, settings=EVERY_SETTING)
    with s.all_or_nothing():
        s.record(
            al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
        )
        s.record(al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
        s.record(
            al.events.ProfessionalJoined,
            member_id="tess",
            discipline=al.Discipline.TEACHING,
            role=al.ProfessionalRole.EDUCATOR,
        )
    s.on_day(1)
    for goal_id in ("g1", "g2"):
        s.by("maria").record(
            al.events.GoalProposed,
            goal_id=goal_id,
            domain=al.model.GoalDomain.COMMUNICATION,
            statement=f"Goal {goal_id}",
            why_it_matters="It matters",
            target=target(),
        )
        s.by("ana").record(al.events.GoalAgreed, goal_id=goal_id)
    s.record(al.events.PartnershipStatusChanged, status=al.model.PartnershipStatus.ACTIVE)
    s.on_day(2).by("maria").record(
        al.events.ProgressRecorded,
        observation_id="o1",
        goal_id="g1",
        setting=al.model.Setting.HOME,
        kind=al.model.ObservationKind.EVERYDAY,
        value=2,
    )
    s.by("ana").record(
        al.events.ProgressRecorded,
        observation_id="o2",
        goal_id="g1",
        setting=al.model.Setting.CLINIC,
        kind=al.model.ObservationKind.SESSION,
        value=3,
    )
    s.on_day(3).record(
        al.events.CheckInHeld,
        check_in_id="ci1",
        kind=al.model.CheckInKind.MEETING,
        participants=frozenset({"ana", "maria"}),
        action_items=(
            al.model.ActionItem(
                action_item_id="a1",
                description="Try the snack routine",
                owner="maria",
                due=pendulum.date(2025, 2, 1),
            ),
            al.model.ActionItem(
                action_item_id="a2",
                description="Send the picture cards",
                owner="ana",
                due=pendulum.date(2025, 2, 1),
            ),
        ),
    )
    s.on_day(4).by("maria").record(
        al.events.SetbackReported,
        setback_id="s1",
        kind=al.model.SetbackKind.REGRESSION,
        severity=al.model.Severity.MINOR,
        description="A hard week",
    )
    s.record(al.events.ConcernRaised, concern_id="c1", description="Too much homework")
    s.by("ana").record(
        al.events.FeedbackGiven,
        feedback_id="f1",
        kind=al.model.FeedbackKind.PROGRESS_UPDATE,
        message="Two new words",
    )
    s.record(
        al.events.HomePracticePlanned,
        strategy_id="hp1",
        goal_id="g1",
        description="Offer a choice at snack time",
        times_per_week=5,
        carers=frozenset({"maria"}),
    )
    return s.on(LATER)


def build(policy: al.Policy | None = None) -> al.Partnership:
    """The team's partnership (see :func:`team`)."""
    return team(policy).partnership
