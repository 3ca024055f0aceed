"""A sample partnership, and a plain-language summary of where each goal stands.

``alliance demo`` prints :func:`goal_summary` of :func:`sample_partnership`. The sample
is fixed (same ids, same times) so its output can be compared from run to run, and it is
small enough to read: four months of a speech-and-language partnership around a
five-year-old, with two carers in two households, a teacher, weekly observations,
feedback both ways, home practice, a setback and its response plan, one goal revised and
one achieved. It is written with :class:`alliance.scenario.Scenario`, one short function
per chapter of the story.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from alliance import events as ev
from alliance.model.agreement import (
    AgreementAcknowledged,
    AgreementIssued,
    ContactRoute,
    PartnershipAgreement,
    ResponseTime,
)
from alliance.model.authorisation import RolePolicy
from alliance.model.celebrations import CelebrationKind, SuccessCelebrated
from alliance.model.check_ins import ActionItem, CheckInKind, CheckInPurpose
from alliance.model.coaching import (
    CoachingApproach,
    CoachingSessionHeld,
    FidelityChecklist,
    FidelityChecklistSet,
    FidelityStep,
    StepFidelity,
    StepObserved,
    fidelity_trend,
)
from alliance.model.consent import SCHOOL, ConsentGranted
from alliance.model.feedback import FeedbackKind, FeedbackResponse
from alliance.model.goals import (
    Direction,
    GasLevel,
    GasScale,
    GoalDomain,
    MasteryCriterion,
    MeasurableTarget,
    RevisionReason,
)
from alliance.model.home_practice import Difficulty
from alliance.model.membership import Membership
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.people import (
    Carer,
    CarerRelationship,
    Channel,
    Child,
    CommunicationPreferences,
    Discipline,
    Professional,
    ProfessionalRole,
)
from alliance.model.progress import ObservationKind
from alliance.model.setbacks import PlanStep, SetbackKind, Severity
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership
from alliance.model.transitions import TransitionAnnounced, TransitionKind, TransitionPlanAgreed
from alliance.model.wellbeing import Coping, SupportKind, SupportOffered, WellbeingNoted
from alliance.scenario import Scenario

__all__ = ["SAMPLE_TIME_ZONE", "goal_summary", "sample_people", "sample_partnership"]

SAMPLE_TIME_ZONE = "Europe/London"
"""The time zone of the sample partnership (:func:`sample_partnership`)."""
_START = pendulum.datetime(2025, 1, 6, 9, 0, tz=SAMPLE_TIME_ZONE)

Person = Child | Carer | Professional


_DONE, _PARTLY, _NOT = StepObserved.DONE, StepObserved.PARTLY, StepObserved.NOT_DONE
# How the carer coached carried out the four steps of s-choices, by week.
_COACHING = {
    2: (_DONE, _NOT, _NOT, _PARTLY),
    5: (_DONE, _PARTLY, _PARTLY, _DONE),
    8: (_DONE, _DONE, _PARTLY, _DONE),
    11: (_DONE, _DONE, _DONE, _DONE),
}


def sample_people() -> dict[str, Person]:
    """The people of the sample partnership, by id (names live here, never in events)."""
    people: list[Person] = [
        Child(id="sam", name="Sam", date_of_birth=pendulum.date(2019, 9, 14)),
        Carer(
            id="maria",
            name="Maria",
            household="Maple Street",
            preferences=CommunicationPreferences(
                language="es", channels=frozenset({Channel.MESSAGE, Channel.IN_PERSON})
            ),
        ),
        Carer(
            id="david",
            name="David",
            household="Harbour Road",
            preferences=CommunicationPreferences(
                language="en", channels=frozenset({Channel.PHONE, Channel.EMAIL})
            ),
        ),
        Professional(id="ana", name="Ana (speech and language therapist)"),
        Professional(id="okafor", name="Ms Okafor (reception teacher)"),
    ]
    return {p.id: p for p in people}


def sample_partnership() -> Partnership:
    """Build the sample partnership, from forming in January to the end of April 2025."""
    story = Scenario.start(
        partnership_id="p-sam",
        clinic_id="riverside-clinic",
        child_id="sam",
        time_zone=SAMPLE_TIME_ZONE,
        settings=frozenset({Setting.CLINIC, Setting.HOME, Setting.SCHOOL}),
        founder="ana",
        at=_START,
        policy=RolePolicy(),
    )
    _forming(story)
    _setting_goals_together(story)
    _bringing_in_the_school(story)
    # Weekly sessions, home practice and school observations: January to April.
    requests = [3, 3, 4, 5, 5, 6, 4, 3, 5, 6, 7, 8, 9, 9, 10]
    dressing = [24, 22, 21, 19, 18, 17, 23, 24, 21, 18, 16, 15, 14, 13, 12]
    for week, (asked, minutes) in enumerate(zip(requests, dressing, strict=True), start=2):
        _a_week_of_work(story, week, asked, minutes)
        chapter = _WEEKS.get(week)
        if chapter is not None:
            chapter(story, week * 7)
    _looking_after_maria(story)
    _the_goal_achieved(story)
    return story.partnership


def _forming(story: Scenario) -> None:
    """Day 0: Ana forms the partnership with both parents, and they get to know each other."""
    with story.all_or_nothing():
        story.record(ev.ProfessionalJoined, member_id="ana", discipline=Discipline.SPEECH_LANGUAGE)
        for parent in ("maria", "david"):
            story.record(ev.CarerJoined, member_id=parent, relationship=CarerRelationship.PARENT)
    story.on_day(0, hour=10).record(
        ev.CheckInHeld,
        check_in_id="intake",
        kind=CheckInKind.MEETING,
        purpose=CheckInPurpose.INTAKE,
        participants=frozenset({"ana", "maria", "david"}),
        topics=("What Sam enjoys", "What mornings and bedtimes are like at each home"),
        good_news=("Sam has started pointing to show what he wants",),
    )
    story.on_day(0, hour=11).by("maria").record(
        ev.CommunicationPlanAgreed,
        cadence=pendulum.duration(weeks=2),
        channels=frozenset({Channel.IN_PERSON, Channel.MESSAGE, Channel.PHONE}),
        participants=frozenset({"ana", "maria", "david"}),
    )
    story.on_day(1, hour=10).by("ana").record(
        ev.PartnershipStatusChanged, status=PartnershipStatus.ACTIVE
    )


def _setting_goals_together(story: Scenario) -> None:
    """Week 1: Maria proposes the requesting goal, Ana the dressing goal; David has a
    concern first, then agrees; Ana plans home practice for both."""
    story.on_day(7, hour=10).by("maria").record(
        ev.GoalProposed,
        goal_id="g-requests",
        domain=GoalDomain.COMMUNICATION,
        statement="Sam asks for what he wants with two-word phrases",
        why_it_matters="Fewer tears at snack time; "
        "Maria wants Sam to be understood by his grandparents",
        target=MeasurableTarget(
            metric="two-word requests",
            unit="per session",
            baseline=2,
            target=10,
            direction=Direction.INCREASE,
            due=pendulum.date(2025, 6, 30),
        ),
        gas_scale=GasScale(
            levels=(
                GasLevel(level=-2, description="Points or cries to ask"),
                GasLevel(level=-1, description="Single words to ask, with prompts"),
                GasLevel(level=0, description="Two-word requests in most sessions"),
                GasLevel(level=1, description="Two-word requests at home and in clinic"),
                GasLevel(level=2, description="Two-word requests with unfamiliar adults"),
            )
        ),
        mastery=MasteryCriterion(threshold=9, consecutive=3),
    )
    story.on_day(7, hour=11).by("ana").record(ev.GoalAgreed, goal_id="g-requests")
    story.on_day(7, hour=12).record(
        ev.GoalProposed,
        goal_id="g-dressing",
        domain=GoalDomain.SELF_CARE,
        statement="Sam gets dressed in the morning with spoken prompts only",
        why_it_matters="School mornings at both homes are rushed and stressful",
        target=MeasurableTarget(
            metric="minutes to get dressed",
            unit="minutes",
            baseline=25,
            target=10,
            direction=Direction.DECREASE,
            due=pendulum.date(2025, 4, 30),
        ),
    )
    story.on_day(8, hour=10).by("david").record(
        ev.GoalConcernNoted,
        goal_id="g-dressing",
        reason="Ten minutes feels too fast for my mornings",
    )
    story.on_day(8, hour=18).by("maria").record(ev.GoalAgreed, goal_id="g-dressing")
    story.on_day(9, hour=10).by("david").record(
        ev.GoalAgreed,
        goal_id="g-dressing",
        comment="Happy to try once we agreed visual steps",
    )
    story.on_day(9, hour=12).by("ana").record(
        ev.HomePracticePlanned,
        strategy_id="s-choices",
        goal_id="g-requests",
        description="Offer two snacks and wait five seconds for Sam to ask",
        times_per_week=5,
        carers=frozenset({"maria", "david"}),
    )
    story.on_day(9, hour=13).record(
        ev.HomePracticePlanned,
        strategy_id="s-dressing-steps",
        goal_id="g-dressing",
        description="Picture sequence of dressing steps on the bedroom door",
        times_per_week=7,
        carers=frozenset({"maria", "david"}),
    )


_AGREEMENT = PartnershipAgreement(
    family_can_expect=(
        "A reply to messages within two working days",
        "A written summary after every review meeting",
    ),
    service_asks=("Let us know a day ahead when a session cannot happen",),
    response_times=(ResponseTime(channel=Channel.MESSAGE, within=pendulum.duration(days=2)),),
    contacts=(
        ContactRoute(
            purpose="Anything about Sam's sessions", member_id="ana", channel=Channel.PHONE
        ),
    ),
    disagreements="We talk it through at the next meeting; if we still "
    "disagree, the clinic lead joins us.",
    bottom_lines=("We always act on a worry about a child's safety.",),
)


def _bringing_in_the_school(story: Scenario) -> None:
    """Day 10: Maria shares the requesting goal with the school and Ms Okafor joins; Ana
    issues the partnership agreement (both parents acknowledge it over the next days) and
    the steps of the snack-time strategy, for coaching."""
    story.on_day(10, hour=10).by("maria").record(
        ConsentGranted,
        consent_id="consent-school",
        party=SCHOOL,
        goal_ids=frozenset({"g-requests"}),
        note="Share Sam's requesting goal with his class teacher",
    )
    story.by("ana").record(
        ev.ProfessionalJoined,
        member_id="okafor",
        discipline=Discipline.TEACHING,
        role=ProfessionalRole.EDUCATOR,
    )
    with story.all_or_nothing():
        story.on_day(10, hour=12).record(AgreementIssued, version=1, agreement=_AGREEMENT)
        story.on_day(11, hour=9).by("maria").record(AgreementAcknowledged, version=1)
        story.on_day(12, hour=20).by("david").record(AgreementAcknowledged, version=1)
        story.on_day(10, hour=13, backdate=True).by("ana").record(
            FidelityChecklistSet,
            strategy_id="s-choices",
            checklist=FidelityChecklist(
                steps=(
                    FidelityStep(step_id="offer", description="Hold up two snacks"),
                    FidelityStep(step_id="wait", description="Wait five seconds"),
                    FidelityStep(step_id="model", description="Say the two words if he does not"),
                    FidelityStep(step_id="give", description="Give it straight away"),
                )
            ),
        )


def _a_week_of_work(story: Scenario, week: int, asked: int, minutes: int) -> None:
    """A week from January to April: Ana's session, a morning at home, the practice log;
    coaching every third week; Ms Okafor's count at snack time every fourth."""
    day = week * 7
    carer = "maria" if week % 2 == 0 else "david"
    story.on_day(day, hour=15).by("ana").record(
        ev.ProgressRecorded,
        observation_id=f"o-req-{week}",
        goal_id="g-requests",
        setting=Setting.CLINIC,
        kind=ObservationKind.SESSION,
        value=asked,
        gas_level=-1 if asked < 6 else 0,
    )
    story.on_day(day + 1, hour=8).by(carer).record(
        ev.ProgressRecorded,
        observation_id=f"o-dress-{week}",
        goal_id="g-dressing",
        setting=Setting.HOME,
        kind=ObservationKind.EVERYDAY,
        value=minutes,
    )
    story.on_day(day + 2, hour=17).record(
        ev.PracticeLogged,
        entry_id=f"log-{week}",
        strategy_id="s-choices",
        done=week not in (8, 9),
        difficulty=Difficulty.HARD if week < 5 else Difficulty.MANAGEABLE,
        confidence=min(5, 2 + week // 4),
    )
    if week in _COACHING:
        story.on_day(day + 3, hour=16).by("ana").record(
            CoachingSessionHeld,
            session_id=f"coach-{week}",
            strategy_id="s-choices",
            carer=carer,
            steps=tuple(
                StepFidelity(step_id=step, observed=how)
                for step, how in zip(
                    ("offer", "wait", "model", "give"), _COACHING[week], strict=True
                )
            ),
            carer_confidence=min(5, 2 + week // 3),
            approaches=frozenset({CoachingApproach.MODELLED, CoachingApproach.PRACTISED}),
        )
    if week % 4 == 0:  # counted in class two days before the session, and logged late
        story.on_day(day - 2, hour=11, backdate=True).by("okafor").record(
            ev.ProgressRecorded,
            observation_id=f"o-school-{week}",
            goal_id="g-requests",
            setting=Setting.SCHOOL,
            kind=ObservationKind.EVERYDAY,
            value=max(1, asked - 2),
            note="Counted during snack time in class",
        )


def _good_news_from_the_clinic(story: Scenario, day: int) -> None:
    """Week 3: Ana shares good news after the session; Maria answers that evening."""
    story.on_day(day, hour=16, backdate=True).by("ana").record(
        ev.FeedbackGiven,
        feedback_id="fb-update-1",
        kind=FeedbackKind.PROGRESS_UPDATE,
        message="Sam used 'more juice' twice today without a model!",
        goal_id="g-requests",
    )
    story.on_day(day, hour=19).by("maria").record(
        ev.FeedbackAnswered,
        feedback_id="fb-update-1",
        response=FeedbackResponse.ACKNOWLEDGED,
        message="He said it at home too!",
    )


def _feedback_from_home(story: Scenario, day: int) -> None:
    """Week 5: David reports that the wait is too long at his place; Ana adapts the
    strategy and answers; the February review, with an action item for Maria."""
    story.on_day(day + 2, hour=20, backdate=True).by("david").record(
        ev.FeedbackGiven,
        feedback_id="fb-home-1",
        kind=FeedbackKind.HOME_REPORT,
        message="Waiting five seconds at snack time leads to meltdowns at my place",
        strategy_id="s-choices",
    )
    story.on_day(day + 4, hour=9).by("ana").record(
        ev.HomePracticeAdapted,
        strategy_id="s-choices",
        description="Offer two snacks, model the phrase once, then wait three seconds",
        times_per_week=5,
        reason="David's report: the five-second wait was too long for Sam at home",
    )
    story.record(
        ev.FeedbackAnswered,
        feedback_id="fb-home-1",
        response=FeedbackResponse.STRATEGY_ADAPTED,
        message="Let's model first and shorten the wait",
    )
    story.on_day(day + 5, hour=16).record(
        ev.CheckInHeld,
        check_in_id="review-feb",
        kind=CheckInKind.MEETING,
        purpose=CheckInPurpose.PROGRESS_REVIEW,
        participants=frozenset({"ana", "maria", "david", "okafor"}),
        good_news=("Sam asked a classmate to share the blocks",),
        decisions=("Keep the picture sequence at both homes",),
        action_items=(
            ActionItem(
                action_item_id="ai-photos",
                description="Send photos of the picture sequence to school",
                owner="maria",
                due=pendulum.date(2025, 2, 14),
            ),
        ),
    )
    story.on_day(day + 7, hour=10).by("maria").record(
        ev.ActionItemCompleted, action_item_id="ai-photos"
    )


def _the_setback(story: Scenario, day: int) -> None:
    """Week 8: Sam was ill and the family moved house: a setback, recorded without blame,
    and the plan to answer it."""
    story.on_day(day, hour=9).by("maria").record(
        ev.SetbackReported,
        setback_id="sb-illness",
        kind=SetbackKind.ILLNESS,
        severity=Severity.MODERATE,
        description="Two weeks of chest infection, then the move to a new flat; "
        "Sam is dressing more slowly and asking less",
        affected_goals=frozenset({"g-requests", "g-dressing"}),
    )
    story.on_day(day + 1, hour=12).by("ana").record(
        ev.SetbackResponsePlanned,
        setback_id="sb-illness",
        changes="Go back to one-word requests for two weeks; "
        "fewer dressing steps on the picture sequence",
        steps=(
            PlanStep(
                description="Make a shorter picture sequence",
                owner="ana",
                due=pendulum.date(2025, 3, 7),
            ),
            PlanStep(
                description="Tell us how mornings go in the new flat",
                owner="maria",
                due=pendulum.date(2025, 3, 10),
            ),
        ),
    )


def _back_on_track(story: Scenario, day: int) -> None:
    """Week 10: Ana reviews the setback and revises the dressing goal; David agrees."""
    story.on_day(day, hour=16, backdate=True).by("ana").record(
        ev.SetbackReviewed,
        setback_id="sb-illness",
        note="Requests are climbing again; dressing still slower than before",
    )
    story.on_day(day, hour=17).record(
        ev.GoalRevised,
        goal_id="g-dressing",
        statement="Sam gets dressed in the morning with spoken prompts only",
        why_it_matters="School mornings at both homes are rushed and stressful",
        target=MeasurableTarget(
            metric="minutes to get dressed",
            unit="minutes",
            baseline=25,
            target=12,
            direction=Direction.DECREASE,
            due=pendulum.date(2025, 6, 30),
        ),
        reason=RevisionReason.SETBACK,
        explanation="The illness and the move cost a month; a gentler target and a later date",
    )
    story.on_day(day + 1, hour=10).by("david").record(ev.GoalAgreed, goal_id="g-dressing")


def _the_setback_resolved(story: Scenario, day: int) -> None:
    """Week 12: the setback is behind them."""
    story.on_day(day, hour=18).by("ana").record(
        ev.SetbackResolved,
        setback_id="sb-illness",
        resolution="Sam is back to his best on requests; dressing on the revised plan",
    )


_WEEKS = {
    3: _good_news_from_the_clinic,
    5: _feedback_from_home,
    8: _the_setback,
    10: _back_on_track,
    12: _the_setback_resolved,
}


def _looking_after_maria(story: Scenario) -> None:
    """Week 13: Maria notes how she is coping (logged late), and Ana offers support."""
    story.on_day(13 * 7, hour=21, backdate=True).by("maria").record(
        WellbeingNoted,
        note_id="wb-maria-1",
        coping=Coping.STRETCHED,
        support=frozenset({SupportKind.EXTENDED_FAMILY}),
        would_like="To meet other parents whose children are learning to talk",
        shared_with=frozenset({"ana"}),
    )
    story.on_day(13 * 7 + 1, hour=10).by("ana").record(
        SupportOffered,
        offer_id="support-1",
        carer="maria",
        kind=SupportKind.PEER_GROUP,
        description="The Thursday parents' group at the library",
        in_reply_to="wb-maria-1",
    )


def _the_goal_achieved(story: Scenario) -> None:
    """Week 16: Sam meets his requesting goal; they celebrate, and plan his move up to
    Year 1 together."""
    day = 16 * 7 + 2
    story.on_day(day, hour=12).by("ana").record(
        ev.GoalAchieved,
        goal_id="g-requests",
        note="Three sessions in a row at nine or more. Sam asked his grandmother for a 'big hug'!",
    )
    story.on_day(day, hour=13).record(
        ev.FeedbackGiven,
        feedback_id="fb-update-2",
        kind=FeedbackKind.PROGRESS_UPDATE,
        message="Sam met his requesting goal. Shall we set a new one together?",
        goal_id="g-requests",
    )
    with story.all_or_nothing():
        story.on_day(day, hour=14).record(
            SuccessCelebrated,
            celebration_id="cel-big-hug",
            kind=CelebrationKind.MILESTONE,
            description="Sam asked his grandmother for a 'big hug'",
            goal_id="g-requests",
        )
        story.on_day(day + 1, hour=9).by("maria").record(
            TransitionAnnounced,
            transition_id="t-year-1",
            kind=TransitionKind.NEW_CLASS,
            description="Sam moves up to Year 1",
            date=pendulum.date(2025, 9, 3),
            people=frozenset({"ana", "maria", "david", "okafor"}),
            affected_goals=frozenset({"g-dressing"}),
            affected_strategies=frozenset({"s-dressing-steps"}),
        )
        story.on_day(day + 1, hour=10).by("ana").record(
            TransitionPlanAgreed,
            transition_id="t-year-1",
            steps=(
                PlanStep(
                    description="Visit the Year 1 classroom together",
                    owner="maria",
                    due=pendulum.date(2025, 7, 10),
                ),
                PlanStep(
                    description="Share Sam's picture sequence with his new teacher",
                    owner="okafor",
                    due=pendulum.date(2025, 7, 18),
                ),
            ),
            agreed_with=frozenset({"maria", "david"}),
        )


def goal_summary(
    state: PartnershipState, people: dict[str, Person], *, as_of: dt.datetime | None = None
) -> str:
    """Describe, in plain language, where each goal of *state* stands.

    Members are listed with their part (a carer's relationship, a professional's
    discipline) in brackets, unless the name already ends with one (the sample's
    ``"Ana (speech and language therapist)"``): each part is said once.
    """

    def name(person_id: str) -> str:
        person = people.get(person_id)
        return person.name if person is not None else person_id

    def member(m: Membership) -> str:
        shown = name(m.member_id)
        if shown.endswith(")"):
            return shown
        return f"{shown} ({m.relationship or m.discipline})"

    moment = as_of or state.last_event_at
    lines = [
        f"{name(state.child_id)}'s partnership ({state.partnership_id}) is {state.status.value}, "
        f"as of {state.local_date(moment).isoformat()}",
        "Members: " + ", ".join(member(m) for m in state.members.values() if m.is_current),
        "",
    ]
    for goal in state.goals.values():
        observations = [o for o in state.observations_for(goal.goal_id) if o.value is not None]
        values = [o.value for o in observations if o.value is not None]
        target = goal.target
        lines.append(f"* {goal.statement}  [{goal.domain.value}]")
        version = f", version {goal.current.number}" if len(goal.versions) > 1 else ""
        lines.append(
            f"  status: {goal.status.value}{version} "
            f"(FHIR {goal.status.fhir_lifecycle_status} / {goal.fhir_achievement_status(values)})"
        )
        if values:
            latest = values[-1]
            share = max(0.0, target.share_of_the_way(latest)) * 100
            lines.append(
                f"  baseline {target.baseline:g} -> latest {latest:g} -> target {target.target:g} "
                f"{target.metric} ({target.unit}): {share:.0f}% of the way"
            )
        else:
            lines.append(f"  no observations yet; target {target.target:g} {target.metric}")
        by_setting: dict[str, int] = {}
        for o in observations:
            by_setting[o.setting.value] = by_setting.get(o.setting.value, 0) + 1
        if by_setting:
            lines.append(
                "  observed in: " + ", ".join(f"{k} {v}" for k, v in sorted(by_setting.items()))
            )
        setbacks = [s for s in state.setbacks.values() if goal.goal_id in s.affected_goals]
        for s in setbacks:
            plan = "with a response plan" if s.response_plan else "awaiting a response plan"
            outcome = "resolved" if s.is_resolved else "open"
            lines.append(f"  setback: {s.kind.value}, {s.severity.value}, {plan}, {outcome}")
        for strategy in state.strategies.values():
            if strategy.goal_id != goal.goal_id:
                continue
            sessions = state.coaching_for(strategy.strategy_id)
            for carer in sorted({x.carer for x in sessions}):
                trend = fidelity_trend(sessions, strategy.strategy_id, carer)
                independent = " (independently)" if trend.implementing_independently else ""
                history = ", ".join(f"{f:.0f}%" for _, f in trend.points)
                lines.append(f"  coaching {name(carer)}: {history}{independent}")
        for celebration in state.celebrations.values():
            if celebration.goal_id == goal.goal_id:
                lines.append(f"  celebrated: {celebration.description}")
    coming = state.upcoming_transitions()
    if coming:
        lines.append("")
        lines.append("Coming up:")
        for transition in coming:
            plan = "plan agreed" if transition.plan is not None else "no plan yet"
            lines.append(f"  - {transition.date.isoformat()}: {transition.description} ({plan})")
    open_loops = state.open_feedback()
    lines.append("")
    lines.append(f"Open feedback loops: {len(open_loops)}")
    for item in open_loops:
        days = item.open_for(moment).in_days()
        lines.append(f"  - {item.kind.value} from {name(item.given_by)}, open {days} day(s)")
    return "\n".join(lines)
