"""Every event type a partnership's timeline holds: ``alliance.events``.

Each event is a fact in the past tense, owned by the topic module of the model it
belongs to (``alliance.model.goals`` for the goals' events, ``alliance.model.setbacks``
for the setbacks'...), where it declares its fields, its rules (:meth:`Event.check`), its
fold (:meth:`Event.apply`) and who may record it (:attr:`Event.permission`).

This namespace lists them all, with the base class and what a host needs to define
events of its own (:class:`Event`, :class:`Permission`, :class:`Side`,
:class:`ActedOn`); ``__all__`` is built from the registry (:func:`event_types`), so it
holds every built-in type and nothing else. See ``docs/tutorial-add-an-event.md``.
"""

from __future__ import annotations

from alliance.model.agreement import (
    AgreementAcknowledged as AgreementAcknowledged,
)
from alliance.model.agreement import (
    AgreementIssued as AgreementIssued,
)
from alliance.model.celebrations import (
    SuccessCelebrated as SuccessCelebrated,
)
from alliance.model.check_ins import (
    ActionItemCompleted as ActionItemCompleted,
)
from alliance.model.check_ins import (
    CheckInHeld as CheckInHeld,
)
from alliance.model.coaching import (
    CoachingSessionHeld as CoachingSessionHeld,
)
from alliance.model.coaching import (
    EducationAttended as EducationAttended,
)
from alliance.model.coaching import (
    FidelityChecklistSet as FidelityChecklistSet,
)
from alliance.model.communication_plan import (
    CommunicationPlanAgreed as CommunicationPlanAgreed,
)
from alliance.model.concerns import (
    ConcernEscalated as ConcernEscalated,
)
from alliance.model.concerns import (
    ConcernRaised as ConcernRaised,
)
from alliance.model.concerns import (
    ConcernResolved as ConcernResolved,
)
from alliance.model.consent import (
    ConsentGranted as ConsentGranted,
)
from alliance.model.consent import (
    ConsentWithdrawn as ConsentWithdrawn,
)
from alliance.model.event import ActedOn as ActedOn
from alliance.model.event import Event as Event
from alliance.model.event import Permission as Permission
from alliance.model.event import Side as Side
from alliance.model.event import event_types as event_types
from alliance.model.feedback import (
    FeedbackAnswered as FeedbackAnswered,
)
from alliance.model.feedback import (
    FeedbackGiven as FeedbackGiven,
)
from alliance.model.goals import (
    GoalAchieved as GoalAchieved,
)
from alliance.model.goals import (
    GoalAgreed as GoalAgreed,
)
from alliance.model.goals import (
    GoalConcernNoted as GoalConcernNoted,
)
from alliance.model.goals import (
    GoalDiscontinued as GoalDiscontinued,
)
from alliance.model.goals import (
    GoalObjected as GoalObjected,
)
from alliance.model.goals import (
    GoalProposed as GoalProposed,
)
from alliance.model.goals import (
    GoalPutOnHold as GoalPutOnHold,
)
from alliance.model.goals import (
    GoalResumed as GoalResumed,
)
from alliance.model.goals import (
    GoalRevised as GoalRevised,
)
from alliance.model.home_practice import (
    HomePracticeAdapted as HomePracticeAdapted,
)
from alliance.model.home_practice import (
    HomePracticePlanned as HomePracticePlanned,
)
from alliance.model.home_practice import (
    HomePracticeStopped as HomePracticeStopped,
)
from alliance.model.home_practice import (
    PracticeLogged as PracticeLogged,
)
from alliance.model.measures import (
    MeasureCompleted as MeasureCompleted,
)
from alliance.model.membership import (
    CarerJoined as CarerJoined,
)
from alliance.model.membership import (
    MemberLeft as MemberLeft,
)
from alliance.model.membership import (
    ProfessionalJoined as ProfessionalJoined,
)
from alliance.model.partnership import (
    PartnershipFormed as PartnershipFormed,
)
from alliance.model.partnership import (
    PartnershipStatusChanged as PartnershipStatusChanged,
)
from alliance.model.partnership import (
    SettingsChanged as SettingsChanged,
)
from alliance.model.progress import (
    ProgressCorrected as ProgressCorrected,
)
from alliance.model.progress import (
    ProgressRecorded as ProgressRecorded,
)
from alliance.model.resources import (
    ResourceShared as ResourceShared,
)
from alliance.model.setbacks import (
    SetbackReported as SetbackReported,
)
from alliance.model.setbacks import (
    SetbackResolved as SetbackResolved,
)
from alliance.model.setbacks import (
    SetbackResponsePlanned as SetbackResponsePlanned,
)
from alliance.model.setbacks import (
    SetbackReviewed as SetbackReviewed,
)
from alliance.model.transitions import (
    TransitionAnnounced as TransitionAnnounced,
)
from alliance.model.transitions import (
    TransitionCancelled as TransitionCancelled,
)
from alliance.model.transitions import (
    TransitionInformationShared as TransitionInformationShared,
)
from alliance.model.transitions import (
    TransitionPlanAgreed as TransitionPlanAgreed,
)
from alliance.model.transitions import (
    TransitionRescheduled as TransitionRescheduled,
)
from alliance.model.transitions import (
    TransitionReviewed as TransitionReviewed,
)
from alliance.model.wellbeing import (
    SupportOffered as SupportOffered,
)
from alliance.model.wellbeing import (
    WellbeingNoted as WellbeingNoted,
)

_BUILT_IN = sorted(
    name for name, cls in event_types().items() if cls.__module__.startswith("alliance.model.")
)
_missing = [name for name in _BUILT_IN if name not in globals()]
if _missing:  # pragma: no cover - a built-in event defined without its line above
    raise ImportError(f"alliance.events does not import {', '.join(_missing)}")

__all__ = ["ActedOn", "Event", "Permission", "Side", "event_types"]
__all__ += _BUILT_IN  # noqa: PLE0605 (built from the registry, checked above)
