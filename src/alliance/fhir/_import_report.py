"""What an import recorded and what it skipped (private; use
:class:`alliance.fhir.ImportReport`)."""

from __future__ import annotations

import attrs

from alliance import events as ev


@attrs.frozen(kw_only=True)
class ImportedResource:
    """A resource of the bundle that :func:`import_bundle_with_report` recorded.

    Attributes:
        label: the resource, as errors name it (``"Goal/42"``, ``"Goal/g1 in
            CarePlan/cp-1"`` for a contained one).
        path: where it is in the bundle (``"$.entry[3].resource"``).
        events: the events recorded for it, in the order they were recorded.
    """

    label: str
    path: str
    events: tuple[ev.Event, ...]


@attrs.frozen(kw_only=True)
class SkippedItem:
    """Something in the bundle that :func:`import_bundle_with_report` did not record, and
    why (an ``entered-in-error`` Observation, a request-only entry, a ``Patient`` read
    only to resolve references, a ``disagree`` acceptance).

    Attributes:
        label: the resource or entry (``"Observation/7"``, ``"entry 0"``).
        path: where it is in the bundle (``"$.entry[0]"``, ``"$.entry[2].resource"``).
        reason: why it was not recorded.
    """

    label: str
    path: str
    reason: str


@attrs.frozen(kw_only=True)
class ImportReport:
    """What :func:`import_bundle_with_report` recorded and what it skipped.

    Attributes:
        events: every event recorded, in order (``partnership.events_since(version)``).
        recorded: the resources recorded, in the bundle's order, each with its events.
        skipped: what was not recorded, in the bundle's order, each with the reason.
    """

    events: tuple[ev.Event, ...]
    recorded: tuple[ImportedResource, ...]
    skipped: tuple[SkippedItem, ...]
