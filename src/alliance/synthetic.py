"""A realistic, deterministic synthetic clinic, for demos, reports and benchmarks.

``synthetic_clinic(seed=1, partnerships=20)`` yields partnerships written with
:class:`alliance.scenario.Scenario` (every event validated and authorised by
:class:`alliance.RolePolicy`, as a clinic's software would record it; a carer shares the
goals with the school before a teacher records): one to three goals
each across the domains, weekly sessions with noisy progress toward the target (some
children faster, some stalling), carers' observations at home and teachers' at school,
check-ins at the agreed cadence with a few missed, feedback both ways, home practice and
its log, GAS ratings every four weeks, and now and then a setback with its plan and
recovery. The same seed gives the same clinic, event for event.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pendulum

from alliance import events as ev
from alliance.errors import ValidationError
from alliance.model.authorisation import RolePolicy
from alliance.model.check_ins import CheckInKind, CheckInPurpose
from alliance.model.consent import SCHOOL, ConsentGranted
from alliance.model.feedback import FeedbackKind, FeedbackResponse
from alliance.model.goals import (
    Direction,
    GasLevel,
    GasScale,
    GoalDomain,
    MasteryCriterion,
    MeasurableTarget,
    MetricKind,
)
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.people import CarerRelationship, Channel, Discipline, ProfessionalRole
from alliance.model.progress import ObservationKind
from alliance.model.setbacks import PlanStep, SetbackKind, Severity
from alliance.model.timeline import Partnership
from alliance.scenario import Scenario

__all__ = ["synthetic_clinic", "synthetic_partnership"]

_TIME_ZONE = "Europe/London"
_START = pendulum.datetime(2025, 1, 6, 9, tz=_TIME_ZONE)

# (domain, discipline, statement, metric, unit, baseline range, target, direction, kind)
_GOALS: tuple[
    tuple[GoalDomain, str, str, str, tuple[int, int], float, Direction, MetricKind], ...
] = (
    (
        GoalDomain.COMMUNICATION,
        "asks for what they want with two-word phrases",
        "two-word requests",
        "per session",
        (0, 3),
        10,
        Direction.INCREASE,
        MetricKind.COUNT,
    ),
    (
        GoalDomain.SOCIAL_EMOTIONAL,
        "takes turns in a short game with a friend",
        "turns taken",
        "% of turns",
        (10, 30),
        80,
        Direction.INCREASE,
        MetricKind.PERCENTAGE,
    ),
    (
        GoalDomain.SELF_CARE,
        "gets dressed in the morning with spoken prompts only",
        "minutes to get dressed",
        "minutes",
        (22, 30),
        12,
        Direction.DECREASE,
        MetricKind.DURATION,
    ),
    (
        GoalDomain.MOTOR,
        "climbs the stairs with alternating feet",
        "steps with alternating feet",
        "of 10 steps",
        (0, 2),
        9,
        Direction.INCREASE,
        MetricKind.LEVEL,
    ),
    (
        GoalDomain.BEHAVIOUR,
        "stays calm when a favourite activity ends",
        "meltdowns at transitions",
        "per day",
        (4, 7),
        1,
        Direction.DECREASE,
        MetricKind.COUNT,
    ),
    (
        GoalDomain.LEARNING,
        "names the letters of their name",
        "letters named",
        "letters",
        (0, 1),
        5,
        Direction.INCREASE,
        MetricKind.LEVEL,
    ),
)
_DISCIPLINES = (
    Discipline.SPEECH_LANGUAGE,
    Discipline.OCCUPATIONAL_THERAPY,
    Discipline.ABA,
    Discipline.PHYSICAL_THERAPY,
)
_GOOD_NEWS = (
    "Asked grandma for a biscuit with words",
    "Played at the park with a new friend",
    "Got his shoes on by himself",
    "Slept through the night all week",
    "Said hello to the bus driver",
)


def _gas_scale(rng: random.Random) -> GasScale:
    words = ("much less", "less", "as", "more", "much more")
    return GasScale(
        levels=tuple(
            GasLevel(level=level, description=f"{words[level + 2]} than expected")
            for level in range(-2, 3)
        ),
        weight=rng.choice((1.0, 1.0, 2.0)),
    )


def synthetic_partnership(
    rng: random.Random,
    index: int,
    *,
    clinic_id: str,
    professionals: int = 8,
    goals: int | None = None,
    weeks: int | None = None,
) -> Partnership:
    """One synthetic partnership (``p-00001``...), drawn from *rng*.

    *goals* (1 to 6) and *weeks* of sessions are drawn (1-3 goals, 10-21 weeks) unless
    given: the benchmark fixes them to reach a clinic of a given size.
    """
    if goals is not None and not 1 <= goals <= len(_GOALS):
        raise ValidationError("goals", f"must be between 1 and {len(_GOALS)}, not {goals}")
    if weeks is not None and weeks < 1:
        raise ValidationError("weeks", f"must be at least 1, not {weeks}")
    pid = f"p-{index:05d}"
    child = f"child-{index:05d}"
    begin = _START.add(days=rng.randrange(0, 120), hours=rng.randrange(0, 6))
    therapist = f"pro-{rng.randrange(professionals) + 1:02d}"
    carers = [f"carer-{index:05d}-a"] + ([f"carer-{index:05d}-b"] if rng.random() < 0.5 else [])
    teacher = f"teacher-{rng.randrange(4) + 1:02d}" if rng.random() < 0.6 else None
    settings = {Setting.CLINIC, Setting.HOME} | ({Setting.SCHOOL} if teacher else set())
    story = Scenario.start(
        partnership_id=pid,
        clinic_id=clinic_id,
        child_id=child,
        time_zone=_TIME_ZONE,
        settings=frozenset(settings),
        founder=therapist,
        at=begin,
        policy=RolePolicy(),
    )
    story.record(ev.ProfessionalJoined, member_id=therapist, discipline=rng.choice(_DISCIPLINES))
    for carer in carers:
        story.record(
            ev.CarerJoined,
            member_id=carer,
            relationship=rng.choice(
                (
                    CarerRelationship.PARENT,
                    CarerRelationship.PARENT,
                    CarerRelationship.GRANDPARENT,
                )
            ),
        )
    if teacher:
        # The family shares the child's goals with the school before the teacher records.
        story.by(carers[0]).record(ConsentGranted, consent_id=f"{pid}-consent-school", party=SCHOOL)
        story.by(therapist).record(
            ev.ProfessionalJoined,
            member_id=teacher,
            discipline=Discipline.TEACHING,
            role=ProfessionalRole.EDUCATOR,
        )
    cadence_weeks = rng.choice((1, 2, 2, 4))
    story.after(hours=1).by(carers[0]).record(
        ev.CommunicationPlanAgreed,
        cadence=pendulum.duration(weeks=cadence_weeks),
        channels=frozenset({Channel.IN_PERSON, Channel.MESSAGE}),
        participants=frozenset({therapist, *carers}),
    )
    story.after(hours=1).by(therapist).record(
        ev.PartnershipStatusChanged, status=PartnershipStatus.ACTIVE
    )
    weeks = rng.randrange(10, 22) if weeks is None else weeks
    chosen = rng.sample(_GOALS, rng.randrange(1, 4) if goals is None else goals)
    goals_drawn = []
    # Each goal is proposed, agreed and given its home practice an hour apart, the next
    # goal an hour after the previous one was proposed: the day's events are logged in no
    # particular order, so each is dated when it happened (backdate=True).
    for n, spec in enumerate(chosen, start=1):
        domain, statement, metric, unit, (lo, hi), target, direction, kind = spec
        baseline = float(rng.randint(lo, hi))
        goal_id = f"{pid}-g{n}"
        criterion = (
            MasteryCriterion(threshold=target, consecutive=3)
            if direction is Direction.INCREASE and rng.random() < 0.6
            else None
        )
        scale = _gas_scale(rng) if rng.random() < 0.7 else None
        rate = rng.choice((2, 3, 5))
        story.on(begin.add(days=1, hours=n), backdate=True).record(
            ev.GoalProposed,
            goal_id=goal_id,
            domain=domain,
            statement=f"{child} {statement}",
            why_it_matters="The family chose it: it matters at home every day",
            target=MeasurableTarget(
                metric=metric,
                unit=unit,
                baseline=baseline,
                target=target,
                direction=direction,
                due=begin.add(weeks=weeks + rng.randrange(-2, 6)).date(),
                metric_kind=kind,
            ),
            gas_scale=scale,
            mastery=criterion,
        )
        story.after(hours=1).by(carers[0]).record(ev.GoalAgreed, goal_id=goal_id)
        story.after(hours=1).by(therapist).record(
            ev.HomePracticePlanned,
            strategy_id=f"{goal_id}-s",
            goal_id=goal_id,
            description="Practise it in a daily routine",
            times_per_week=rate,
            carers=frozenset(carers),
        )
        # speed: share of the way per week (some stall, some fly); noise in target units
        speed = rng.uniform(-0.01, 0.12)
        goals_drawn.append(
            (goal_id, baseline, target, speed, abs(target - baseline), scale is not None, rate)
        )

    setback_week = rng.randrange(3, weeks) if weeks > 3 and rng.random() < 0.35 else None
    setback_id = f"{pid}-sb"
    # A week's events are logged in no particular order either (backdate=True).
    for week in range(1, weeks + 1):
        monday = begin.add(weeks=week)
        slowed = setback_week is not None and setback_week <= week < setback_week + 2
        for goal_id, baseline, target, speed, span, rated, rate in goals_drawn:
            share = min(1.15, max(-0.2, speed * week - (0.15 if slowed else 0)))
            for day, setting, observer, obs_kind in (
                (1, Setting.CLINIC, therapist, ObservationKind.SESSION),
                (4, Setting.HOME, carers[0], ObservationKind.EVERYDAY),
                (3, Setting.SCHOOL, teacher, ObservationKind.EVERYDAY),
            ):
                if observer is None or (setting is not Setting.CLINIC and rng.random() < 0.5):
                    continue
                value = baseline + (target - baseline) * share + rng.gauss(0, span * 0.08)
                value = round(max(0.0, value), 1)
                gas = None
                if rated and setting is Setting.CLINIC and week % 4 == 0:
                    gas = max(-2, min(2, round(share * 3 - 1.5)))
                observed = monday.add(days=day, hours=rng.randrange(0, 6))
                story.on(observed, backdate=True).by(observer).record(
                    ev.ProgressRecorded,
                    observation_id=f"{goal_id}-w{week}-{setting.value}",
                    goal_id=goal_id,
                    setting=setting,
                    kind=obs_kind,
                    value=value,
                    gas_level=gas,
                )
            for session in range(rate):  # most planned practice is logged, most of it done
                if rng.random() < 0.8:
                    done = rng.random() < 0.8
                    practised = monday.add(days=session, hours=8 + rng.randrange(0, 10))
                    story.on(practised, backdate=True).by(carers[0]).record(
                        ev.PracticeLogged,
                        entry_id=f"{goal_id}-s-w{week}-{session}",
                        strategy_id=f"{goal_id}-s",
                        done=done,
                    )
        if week % cadence_weeks == 0 and rng.random() < 0.85:
            story.on(monday.add(days=2, hours=7), backdate=True).by(therapist).record(
                ev.CheckInHeld,
                check_in_id=f"{pid}-c{week}",
                kind=rng.choice((CheckInKind.MEETING, CheckInKind.CALL)),
                purpose=CheckInPurpose.PROGRESS_REVIEW,
                participants=frozenset({therapist, carers[0]}),
                good_news=(rng.choice(_GOOD_NEWS),) if rng.random() < 0.6 else (),
            )
        if rng.random() < 0.3:
            fid = f"{pid}-f{week}"
            home = rng.random() < 0.5
            giver = carers[0] if home else therapist
            story.on(monday.add(days=2, hours=9), backdate=True).by(giver).record(
                ev.FeedbackGiven,
                feedback_id=fid,
                kind=FeedbackKind.HOME_REPORT if home else FeedbackKind.PROGRESS_UPDATE,
                message="How this week went",
                goal_id=goals_drawn[0][0],
            )
            if rng.random() < 0.8:
                answered = monday.add(days=2, hours=10 + rng.randrange(1, 60))
                story.on(answered, backdate=True).by(therapist if home else carers[0]).record(
                    ev.FeedbackAnswered,
                    feedback_id=fid,
                    response=FeedbackResponse.ACKNOWLEDGED,
                )
        if week == setback_week:
            reported = monday.add(days=6)
            story.on(reported, backdate=True).by(carers[0]).record(
                ev.SetbackReported,
                setback_id=setback_id,
                kind=rng.choice((SetbackKind.ILLNESS, SetbackKind.LIFE_EVENT)),
                severity=rng.choice((Severity.MINOR, Severity.MODERATE)),
                description="A hard fortnight at home; skills slipped a little",
                affected_goals=frozenset(g[0] for g in goals_drawn),
            )
            story.after(hours=rng.randrange(4, 72)).by(therapist).record(
                ev.SetbackResponsePlanned,
                setback_id=setback_id,
                changes="Smaller steps for two weeks",
                steps=(
                    PlanStep(
                        description="Simplify the home routine",
                        owner=therapist,
                        due=reported.add(weeks=1).date(),
                    ),
                ),
            )
        if setback_week is not None and week == setback_week + 3:
            story.on(monday.add(days=6, hours=9), backdate=True).by(therapist).record(
                ev.SetbackResolved,
                setback_id=setback_id,
                resolution="Back to where we were",
            )
    return story.partnership


def synthetic_clinic(
    *,
    seed: int = 1,
    partnerships: int = 20,
    clinic_id: str = "riverside-clinic",
    goals: int | None = None,
    weeks: int | None = None,
) -> Iterator[Partnership]:
    """*partnerships* synthetic partnerships (``p-00001``...), the same for the same *seed*.

    *goals* and *weeks* fix each partnership's number of goals and weeks of sessions
    (see :func:`synthetic_partnership`).
    """
    rng = random.Random(seed)
    for index in range(1, partnerships + 1):
        yield synthetic_partnership(rng, index, clinic_id=clinic_id, goals=goals, weeks=weeks)
