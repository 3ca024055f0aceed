"""Measures and mastery: standardised instruments, routine outcome monitoring, mastery
criteria with explanations, phases, and summary figures.

Pure functions over a :class:`alliance.PartnershipState` (or over observations); nothing
here does I/O. ``alliance.measures`` is the one name for standardised measures: it also
holds the model's instrument definitions and completed measures
(:class:`Instrument`, :class:`Item`, :class:`MeasureCompleted`, :class:`MeasureResponse`
..., defined in :mod:`alliance.model.measures`, the topic module the fold uses). The
mastery criterion itself is a goal's value (:class:`alliance.model.MasteryCriterion`).
See ``docs/measures.md``.
"""

from __future__ import annotations

from alliance.measures import instruments, mastery, monitoring, summary
from alliance.measures.instruments import *
from alliance.measures.mastery import *
from alliance.measures.monitoring import *
from alliance.measures.summary import *
from alliance.model import measures as _model
from alliance.model.measures import *

__all__: list[str] = []
__all__ += _model.__all__
__all__ += instruments.__all__
__all__ += mastery.__all__
__all__ += monitoring.__all__
__all__ += summary.__all__
