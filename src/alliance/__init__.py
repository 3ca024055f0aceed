"""alliance: model how a child's therapists and carers work together.

The front door holds the few names a newcomer needs: the partnership and its state, the
people and their sides, the store and its verbs, the errors, reading and writing data,
and the policies. Everything else lives in public namespaces, each with its
``__all__``:

- :mod:`alliance.events`: every event type (``al.events.GoalProposed``), and what a
  host needs to define its own;
- :mod:`alliance.model`: records, values and the machinery of the pure model
  (``al.model.MeasurableTarget``, ``al.model.Setting``, ``al.model.GoalStatus``);
- :mod:`alliance.measures`: standardised measures, routine outcome monitoring and
  mastery;
- :mod:`alliance.scenario`: :class:`~alliance.scenario.Scenario`, to write a
  partnership's story event by event (who acts, and when, filled in as it goes on);
- :mod:`alliance.reports`, :mod:`alliance.rules`, :mod:`alliance.fhir`,
  :mod:`alliance.storage`, :mod:`alliance.deidentify` and :mod:`alliance.testing` (the
  testing kit, imported on its own).

Modules whose names start with an underscore, and anything not listed in an
``__all__``, are private and may change without notice.
"""

from __future__ import annotations

import _alliance_plugins
from alliance import deidentify, events, fhir, measures, model, reports, rules, scenario, storage
from alliance.errors import (
    AllianceError,
    ConcurrencyError,
    CorruptEventError,
    DomainError,
    MalformedDataError,
    NotAMemberError,
    PermissionDenied,
    StoreError,
    UnknownRecordError,
    ValidationError,
)
from alliance.model.authorisation import AllowAll, Policy, RolePolicy
from alliance.model.event import Event, Side, event_types
from alliance.model.membership import Membership
from alliance.model.people import (
    Carer,
    CarerRelationship,
    Child,
    Discipline,
    MemberRole,
    Professional,
    ProfessionalRole,
)
from alliance.model.state import PartnershipState, fold
from alliance.model.timeline import Partnership
from alliance.model.visibility import as_seen_by
from alliance.serialization import dumps, from_data, loads, to_data, upcaster
from alliance.storage import (
    Store,
    StoredEvent,
    load_partnership,
    open_store,
    start_partnership,
    update,
    verify_integrity,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "__version__",
    # the partnership
    "Partnership",
    "PartnershipState",
    "Event",
    "event_types",
    "fold",
    "as_seen_by",
    # the people and their sides
    "Child",
    "Carer",
    "Professional",
    "CarerRelationship",
    "Discipline",
    "ProfessionalRole",
    "MemberRole",
    "Membership",
    "Side",
    # the store and its verbs
    "Store",
    "StoredEvent",
    "open_store",
    "start_partnership",
    "load_partnership",
    "update",
    "verify_integrity",
    # the errors
    "AllianceError",
    "ValidationError",
    "DomainError",
    "UnknownRecordError",
    "NotAMemberError",
    "PermissionDenied",
    "MalformedDataError",
    "CorruptEventError",
    "ConcurrencyError",
    "StoreError",
    # data in and out
    "to_data",
    "from_data",
    "dumps",
    "loads",
    "upcaster",
    # who may record what
    "Policy",
    "RolePolicy",
    "AllowAll",
    # the public namespaces
    "events",
    "model",
    "measures",
    "reports",
    "rules",
    "scenario",
    "fhir",
    "storage",
    "deidentify",
]

# Last, once every name above exists: if hypothesis was imported first and ran alliance's
# entry point, the strategies are registered now (see _alliance_plugins).
_alliance_plugins.alliance_imported()
