"""The team most model tests start from: Ana (speech and language therapist), Maria
(parent) and Tess (teacher) around Sam, with shared goals and a record of each kind.

Imported by tests of several layers (authorisation, visibility, integrity,
de-identification) as ``from team import ...``: ``tests/`` is on the path through its
``conftest.py``.
"""

from __future__ import annotations

from typing import Any

import pendulum

import alliance as al

T0 = pendulum.datetime(2025, 1, 6, 9, tz="Europe/London")


def at(days: float) -> pendulum.DateTime:
    return T0.add(hours=int(days * 24))


def target() -> al.model.MeasurableTarget:
    return al.model.MeasurableTarget(
        metric="requests",
        unit="per day",
        baseline=1,
        target=8,
        direction=al.model.Direction.INCREASE,
        due=pendulum.date(2025, 6, 30),
    )


def build(policy: al.Policy | None = None) -> al.Partnership:
    """Ana (SLT therapist), Maria (parent), Tess (teacher); goals g1 and g2 shared; a
    home observation o1 by Maria, a session observation o2 by Ana; a check-in with an
    action item for Maria (a1) and one for Ana (a2); setback s1; concern c1; feedback f1
    (a progress update)."""
    p = al.Partnership.form(
        al.events.PartnershipFormed(
            partnership_id="p-1",
            clinic_id="c-1",
            child_id="sam",
            time_zone="Europe/London",
            actor="ana",
            occurred_at=T0,
            settings=frozenset(
                {al.model.Setting.CLINIC, al.model.Setting.HOME, al.model.Setting.SCHOOL}
            ),
        ),
        policy=policy,
    )
    p.record_all(
        [
            al.events.ProfessionalJoined(
                member_id="ana",
                discipline=al.Discipline.SPEECH_LANGUAGE,
                actor="ana",
                occurred_at=T0,
            ),
            al.events.CarerJoined(
                member_id="maria",
                relationship=al.CarerRelationship.PARENT,
                actor="ana",
                occurred_at=T0,
            ),
            al.events.ProfessionalJoined(
                member_id="tess",
                discipline=al.Discipline.TEACHING,
                role=al.ProfessionalRole.EDUCATOR,
                actor="ana",
                occurred_at=T0,
            ),
        ]
    )
    for goal_id in ("g1", "g2"):
        p.record(
            al.events.GoalProposed(
                goal_id=goal_id,
                domain=al.model.GoalDomain.COMMUNICATION,
                statement=f"Goal {goal_id}",
                why_it_matters="It matters",
                target=target(),
                actor="maria",
                occurred_at=at(1),
            )
        )
        p.record(al.events.GoalAgreed(goal_id=goal_id, actor="ana", occurred_at=at(1)))
    p.record(
        al.events.PartnershipStatusChanged(
            status=al.model.PartnershipStatus.ACTIVE, actor="ana", occurred_at=at(1)
        )
    )
    p.record(
        al.events.ProgressRecorded(
            observation_id="o1",
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=2,
            actor="maria",
            occurred_at=at(2),
        )
    )
    p.record(
        al.events.ProgressRecorded(
            observation_id="o2",
            goal_id="g1",
            setting=al.model.Setting.CLINIC,
            kind=al.model.ObservationKind.SESSION,
            value=3,
            actor="ana",
            occurred_at=at(2),
        )
    )
    p.record(
        al.events.CheckInHeld(
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
            actor="ana",
            occurred_at=at(3),
        )
    )
    p.record(
        al.events.SetbackReported(
            setback_id="s1",
            kind=al.model.SetbackKind.REGRESSION,
            severity=al.model.Severity.MINOR,
            description="A hard week",
            actor="maria",
            occurred_at=at(4),
        )
    )
    p.record(
        al.events.ConcernRaised(concern_id="c1", description="Too much homework", actor="maria",
                         occurred_at=at(4))
    )  # fmt: skip
    p.record(
        al.events.FeedbackGiven(
            feedback_id="f1",
            kind=al.model.FeedbackKind.PROGRESS_UPDATE,
            message="Two new words",
            actor="ana",
            occurred_at=at(4),
        )
    )
    p.record(
        al.events.HomePracticePlanned(
            strategy_id="hp1",
            goal_id="g1",
            description="Offer a choice at snack time",
            times_per_week=5,
            carers=frozenset({"maria"}),
            actor="ana",
            occurred_at=at(4),
        )
    )
    return p


LATER = at(10)


def base(actor: str) -> dict[str, Any]:
    return {"actor": actor, "occurred_at": LATER}
