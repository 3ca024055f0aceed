"""The pure partnership model, ``alliance.model``: one module per practice topic, each
holding its records, its values and its events, and the machinery they share.

Topics: the partnership (:mod:`~alliance.model.partnership`), membership, the
communication plan, goals, progress, check-ins, feedback, home practice, setbacks,
concerns, resources, consent, standardised measures, coaching and education,
transitions, celebrations, carers' wellbeing and the partnership agreement. Machinery:
the base event (:mod:`~alliance.model.event`), the state and the fold
(:mod:`~alliance.model.state`), the timeline (:mod:`~alliance.model.timeline`), the
policies (:mod:`~alliance.model.authorisation`), audiences and views
(:mod:`~alliance.model.audience`, :mod:`~alliance.model.visibility`) and redaction.

Every public name of those modules is importable from here (``from alliance.model
import Goal, MeasurableTarget, Setting``); the event types are also listed on their own
in :mod:`alliance.events`, and the few names a newcomer needs are in :mod:`alliance`.
Nothing in this package does I/O.
"""

from __future__ import annotations

from alliance.model import (
    agreement,
    audience,
    authorisation,
    celebrations,
    check_ins,
    coaching,
    communication_plan,
    concerns,
    consent,
    event,
    feedback,
    goals,
    home_practice,
    measures,
    membership,
    partnership,
    people,
    progress,
    redaction,
    resources,
    setbacks,
    state,
    timeline,
    transitions,
    visibility,
    wellbeing,
)
from alliance.model._checks import new_id
from alliance.model.agreement import *
from alliance.model.audience import *
from alliance.model.authorisation import *
from alliance.model.celebrations import *
from alliance.model.check_ins import *
from alliance.model.coaching import *
from alliance.model.communication_plan import *
from alliance.model.concerns import *
from alliance.model.consent import *
from alliance.model.event import *
from alliance.model.feedback import *
from alliance.model.goals import *
from alliance.model.home_practice import *
from alliance.model.measures import *
from alliance.model.membership import *
from alliance.model.partnership import *
from alliance.model.people import *
from alliance.model.progress import *
from alliance.model.redaction import *
from alliance.model.resources import *
from alliance.model.setbacks import *
from alliance.model.state import *
from alliance.model.timeline import *
from alliance.model.transitions import *
from alliance.model.visibility import *
from alliance.model.wellbeing import *

__all__ = ["new_id"]
__all__ += agreement.__all__
__all__ += audience.__all__
__all__ += authorisation.__all__
__all__ += celebrations.__all__
__all__ += check_ins.__all__
__all__ += coaching.__all__
__all__ += communication_plan.__all__
__all__ += concerns.__all__
__all__ += consent.__all__
__all__ += event.__all__
__all__ += feedback.__all__
__all__ += goals.__all__
__all__ += home_practice.__all__
__all__ += measures.__all__
__all__ += membership.__all__
__all__ += partnership.__all__
__all__ += people.__all__
__all__ += progress.__all__
__all__ += redaction.__all__
__all__ += resources.__all__
__all__ += setbacks.__all__
__all__ += state.__all__
__all__ += timeline.__all__
__all__ += transitions.__all__
__all__ += visibility.__all__
__all__ += wellbeing.__all__
