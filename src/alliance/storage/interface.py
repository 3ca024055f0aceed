"""What a storage backend must do: everything in one short module.

A backend stores each partnership's timeline as an append-only sequence of events,
keyed by (clinic, partnership, version), and every event of the clinic in one global
order. Implement :class:`Store` (five methods and a property), then run the contract
suite in :mod:`alliance.testing.store_contract` against it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import attrs
import pendulum

from alliance.model.event import Event
from alliance.model.goals import Direction, GoalDomain, GoalStatus, MasteryCriterion, MetricKind
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.progress import Observation
from alliance.model.state import PartnershipState

__all__ = [
    "ChainRecord",
    "ChainStore",
    "IndexRecord",
    "GoalFacts",
    "GoalFigures",
    "MeasuredRow",
    "PartnershipSummary",
    "ProgressFiguresStore",
    "ReadModelPartnership",
    "ReadModelRecords",
    "ReadModelStore",
    "ReportBounds",
    "SnapshotRecord",
    "SnapshotStore",
    "Store",
    "StoredEvent",
]


@attrs.frozen(kw_only=True)
class StoredEvent:
    """An event as stored: the event and where it sits.

    Attributes:
        position: its place in the clinic's global order (strictly increasing; a
            follower that reads ``after=position`` never misses an event).
        partnership_id: the partnership whose timeline holds it.
        version: its place in that timeline, from 1, without gaps.
        recorded_at: when the store recorded it (UTC), as opposed to when it happened
            (``event.occurred_at``).
        event: the event itself.
    """

    position: int
    partnership_id: str
    version: int
    recorded_at: pendulum.DateTime
    event: Event


@attrs.frozen(kw_only=True)
class PartnershipSummary:
    """What a store knows about a partnership without folding its timeline.

    Attributes:
        partnership_id, clinic_id, child_id: from its forming event.
        status: its lifecycle status now.
        version: how many events its timeline holds.
        members: ids of its current members.
    """

    partnership_id: str
    clinic_id: str
    child_id: str
    status: PartnershipStatus
    version: int
    members: frozenset[str]


@runtime_checkable
class Store(Protocol):
    """A place to keep partnership timelines, opened for one clinic.

    A store opened for one clinic never reads or writes another clinic's data. Every
    method raises :class:`alliance.StoreError` when the backend fails, having written
    nothing.
    """

    @property
    def clinic_id(self) -> str:
        """The clinic (tenant) this store was opened for."""
        ...

    @property
    def url(self) -> str:
        """The store's URL, with any password masked."""
        ...

    def append(
        self, partnership_id: str, events: Sequence[Event], *, expected_version: int
    ) -> tuple[StoredEvent, ...]:
        """Append *events* to a timeline that holds exactly *expected_version* events.

        All of *events* are stored, or none. A new partnership is appended with
        ``expected_version=0`` and must start with its ``PartnershipFormed`` event, for
        this store's clinic and this *partnership_id*.

        Raises:
            ConcurrencyError: the timeline holds another number of events; nothing was
                written.
            ValidationError: the events do not fit the partnership (a second forming
                event, another clinic's or partnership's forming event, no events).
        """
        ...

    def load(
        self,
        partnership_id: str,
        *,
        after_version: int = 0,
        up_to_version: int | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[StoredEvent, ...]:
        """A partnership's timeline, in version order.

        Args:
            after_version: only versions ``> after_version`` (to continue a snapshot).
            up_to_version: only versions ``<= up_to_version``.
            as_of: only events that occurred at or before this moment.

        Returns an empty tuple for a partnership this clinic does not have.

        Raises:
            CorruptEventError: a stored payload cannot be read (naming the partnership,
                the version and the path inside the payload), or, without *as_of*, a
                version is missing from the timeline (naming the first one missing).
        """
        ...

    def find_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[PartnershipSummary]:
        """This clinic's partnerships, optionally only those where *member_id* is a
        current member and/or whose status is *status*, ordered by id."""
        ...

    def read_all(self, *, after: int = 0, limit: int = 1000) -> tuple[StoredEvent, ...]:
        """Up to *limit* of this clinic's events with ``position > after``, in order.

        Follow changes by calling it again with the last position seen. Positions of
        one clinic may jump (another clinic's events sit between them); no committed
        event is ever skipped.
        """
        ...

    def close(self) -> None:
        """Release the store's connections. Calling it twice is harmless."""
        ...


@runtime_checkable
class SnapshotStore(Store, Protocol):
    """A store that can also keep snapshots: a partnership's folded state at a version.

    Snapshots are only an optimisation: a snapshot that is missing, outdated or
    unreadable is ignored, and deleting them changes no result.
    """

    def save_snapshot(self, state: PartnershipState) -> None:
        """Keep *state* as the snapshot of its partnership (replacing an older one)."""
        ...

    def load_snapshot(self, partnership_id: str) -> PartnershipState | None:
        """The latest readable snapshot of the partnership, or ``None``."""
        ...

    def delete_snapshots(self) -> None:
        """Remove every snapshot of this clinic."""
        ...


@attrs.frozen(kw_only=True)
class ChainRecord:
    """One stored event as the hash chain sees it: every column the chain covers, as
    stored (see :class:`ChainStore`).

    Attributes:
        clinic_id, partnership_id: whose timeline it is stored in.
        version: its version in that timeline.
        position: its place in the global order.
        event_type, schema_version: the stored type name and shape version.
        occurred_at_us, recorded_at_us: when it happened and when it was stored, in
            microseconds since the Unix epoch (UTC).
        payload: the exact stored payload text.
        chain_hash: the stored hash chaining it to the event before it.
    """

    clinic_id: str
    partnership_id: str
    version: int
    position: int
    event_type: str
    schema_version: int
    occurred_at_us: int
    recorded_at_us: int
    payload: str
    chain_hash: str | None


@attrs.frozen(kw_only=True)
class IndexRecord:
    """A partnership's row in a store's index, as stored (see :class:`ChainStore`).

    Attributes:
        partnership_id, child_id: the partnership and its child.
        status: its stored status (the text, unchecked).
        version: how many events the index says its timeline holds.
        time_zone: its stored time zone (``None`` where the store keeps none).
        last_event_us: the latest ``occurred_at`` stored for it, in microseconds since
            the epoch (``None`` where the store keeps none).
        members: every member the index holds: ``(member id, role, whether current)``,
            ordered by id; the role is ``"carer"`` or ``"professional"``.
    """

    partnership_id: str
    child_id: str
    status: str
    version: int
    time_zone: str | None
    last_event_us: int | None
    members: tuple[tuple[str, str, bool], ...]


@attrs.frozen(kw_only=True)
class SnapshotRecord:
    """A stored snapshot, unread (see :class:`ChainStore`).

    Attributes:
        partnership_id: the partnership it is stored under.
        version: the version it is stored as.
        payload: the exact stored text.
    """

    partnership_id: str
    version: int
    payload: str


@attrs.frozen(kw_only=True)
class ReadModelRecords:
    """A store's read-model rows, as stored (see :class:`ChainStore`).

    Attributes:
        goals: the ``alliance_goals`` rows, each in the column order of
            ``goal_columns`` (the clinic first).
        observations: the ``alliance_observations`` rows, in the order of
            ``observation_columns``.
        goal_columns, observation_columns: the column names.
    """

    goals: tuple[tuple[Any, ...], ...] = ()
    observations: tuple[tuple[Any, ...], ...] = ()
    goal_columns: tuple[str, ...] = ()
    observation_columns: tuple[str, ...] = ()


@runtime_checkable
class ChainStore(Store, Protocol):
    """A store that keeps each timeline as a hash chain, and shows
    :func:`alliance.storage.verify_integrity` everything else it derives from the
    timelines: its index, its snapshots and its read model.

    Each event's ``chain_hash`` is SHA-256 (hex) over the chain's input, format 2: the
    line ``alliance-chain/2``, then one line each for the clinic, the partnership, the
    version, the position, the event type, the schema version, the occurred and recorded
    times (microseconds since the epoch) and the hash of the event before it in its
    timeline (``""`` for the first), then the exact stored payload text (see
    docs/storage.md).
    """

    def chain_records(self) -> tuple[ChainRecord, ...]:
        """Every stored event of this clinic, by partnership id and then by version,
        with its columns, payload text and hash (read without decoding the payloads)."""
        ...

    def index_records(self) -> tuple[IndexRecord, ...]:
        """This clinic's index rows, by partnership id."""
        ...

    def snapshot_records(self) -> tuple[SnapshotRecord, ...]:
        """This clinic's stored snapshots, by partnership id (none if it keeps none)."""
        ...

    def read_model_records(self) -> ReadModelRecords:
        """This clinic's read-model rows (none if it keeps no read model)."""
        ...


# --- the read model of goals and observations ---------------------------------------------


@attrs.frozen(kw_only=True)
class ReadModelPartnership:
    """A partnership as a :class:`ReadModelStore` lists it for a report.

    Attributes:
        partnership_id, child_id, time_zone: from its forming event.
        last_event_at: the latest ``occurred_at`` of its events (UTC).
    """

    partnership_id: str
    child_id: str
    time_zone: str
    last_event_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class ReportBounds:
    """The moments a report over one partnership reads observations between.

    Attributes:
        partnership_id: the partnership.
        as_of: the report's moment: only observations at or before it count.
        since: observations counted "in the period" are at or after it (``None``: all).
        window_start: the trend window: observations after it (and by ``as_of``).
    """

    partnership_id: str
    as_of: pendulum.DateTime
    since: pendulum.DateTime | None
    window_start: pendulum.DateTime


@attrs.frozen(kw_only=True)
class GoalFacts:
    """One goal as the read model holds it, with the figures a progress report needs,
    computed by the store between a partnership's :class:`ReportBounds`.

    Attributes:
        partnership_id, goal_id, domain, status, status_changed_at, statement,
        proposed_at, shared_at: the goal as it stands.
        metric, unit, metric_kind, baseline, target, direction, due: its current target.
        has_gas_scale: whether its current version has a GAS scale.
        mastery: its current mastery criterion, if any.
        latest: the latest measured observation by ``as_of``: ``(observed_at, value)``.
        in_period: how many measured observations were made in the period, per setting.
        recent: the measured observations in the trend window, oldest first (ties in
            the order they were recorded): ``(observed_at in microseconds since the
            epoch, value)``.
        observations: the measured observations by ``as_of``, oldest first, for goals
            with a mastery criterion (empty otherwise, or when figures were not asked
            for).
    """

    partnership_id: str
    goal_id: str
    domain: GoalDomain
    status: GoalStatus
    status_changed_at: pendulum.DateTime
    statement: str
    metric: str
    unit: str
    metric_kind: MetricKind
    baseline: float
    target: float
    direction: Direction
    due: pendulum.Date
    proposed_at: pendulum.DateTime
    shared_at: pendulum.DateTime | None
    has_gas_scale: bool
    mastery: MasteryCriterion | None
    latest: tuple[pendulum.DateTime, float] | None = None
    in_period: dict[Setting, int] = attrs.field(factory=dict)
    recent: tuple[tuple[int, float], ...] = ()
    observations: tuple[Observation, ...] = ()


@runtime_checkable
class ReadModelStore(Store, Protocol):
    """A store that keeps a read model of goals and observations (the SQL stores), so
    that reports can ask it for figures instead of folding every timeline.

    The read model must always agree with the fold of the stored events: reports give
    the same rows from it as from folded states.
    """

    def report_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[ReadModelPartnership]:
        """This clinic's partnerships (filtered as :meth:`Store.find_partnerships`),
        ordered by id."""
        ...

    def goal_facts(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
        figures: bool = True,
    ) -> list[GoalFacts]:
        """The goals of the partnerships in *bounds* (in *domain*, with *status*), by
        partnership in the order of *bounds* and then in the order they were proposed;
        with *figures*, the observations' figures between each partnership's bounds."""
        ...

    def rebuild_read_model(self) -> None:
        """Rebuild this clinic's read model (and the index behind
        :meth:`Store.find_partnerships`, where the store keeps one) from its stored
        events, in one transaction."""
        ...


# --- a capability: the progress report's figures, computed by the store -------------------

MeasuredRow = tuple[int, str, str, str, float, "int | None", "int | None"]
"""A measured observation as mastery needs it: ``(observed_at in microseconds since the
epoch, observer, setting, kind, value, trials, first trial independent as 0/1/None)``
(setting and kind as their values, ``"home"``, ``"probe"``)."""


class GoalFigures:
    """One goal with the figures of a progress report, in raw values (text, numbers,
    microseconds since the epoch), as :meth:`ProgressFiguresStore.progress_figures`
    gives them: the report turns them into typed values only for the rows it yields.

    ``GoalFigures(row)`` takes the goal's values in the order of the attributes from
    ``partnership_id`` to ``mastery`` below; the figures start empty and the store fills
    them in from the goal's measured observations by the report's moment.

    Attributes:
        partnership_id, goal_id: the goal.
        seq: the version of its ``GoalProposed`` (its place in proposal order).
        domain, status: their values (``"communication"``, ``"active"``).
        status_changed_us, proposed_us: when its status last changed, when it was proposed.
        shared_us: when it was first shared (``None``: never).
        statement: its current wording.
        metric, unit, metric_kind, baseline, target, direction, due: its current target
            (``metric_kind`` and ``direction`` as values, ``due`` as an ISO date).
        gas_weight: its GAS scale's weight (``None``: no GAS scale).
        mastery: its mastery criterion as the library's JSON (``alliance.dumps``), or
            ``None``.
        counts: measured observations in the period, by setting value.
        latest: the latest measured observation: ``(observed_at_us, value)``.
        recent: the measured observations in the trend window, oldest first (ties in
            the order they were recorded): ``(observed_at_us, value)``.
        measured: for a goal with a mastery criterion, its measured observations, oldest
            first (ties in the order they were recorded; :data:`MeasuredRow`); ``None``
            otherwise.
    """

    __slots__ = (
        "baseline",
        "counts",
        "direction",
        "domain",
        "due",
        "gas_weight",
        "goal_id",
        "latest",
        "mastery",
        "measured",
        "metric",
        "metric_kind",
        "partnership_id",
        "proposed_us",
        "recent",
        "seq",
        "shared_us",
        "statement",
        "status",
        "status_changed_us",
        "target",
        "unit",
    )

    partnership_id: str
    goal_id: str
    seq: int
    domain: str
    status: str
    status_changed_us: int
    statement: str
    metric: str
    unit: str
    metric_kind: str
    baseline: float
    target: float
    direction: str
    due: str
    proposed_us: int
    shared_us: int | None
    gas_weight: float | None
    mastery: str | None

    def __init__(self, row: Sequence[Any]) -> None:
        (self.partnership_id, self.goal_id, self.seq, self.domain, self.status,
         self.status_changed_us, self.statement, self.metric, self.unit, self.metric_kind,
         self.baseline, self.target, self.direction, self.due, self.proposed_us,
         self.shared_us, self.gas_weight, self.mastery) = row  # fmt: skip
        self.counts: dict[str, int] = {}
        self.latest: tuple[int, float] | None = None
        self.recent: list[tuple[int, float]] = []
        self.measured: list[MeasuredRow] | None = None if self.mastery is None else []


@runtime_checkable
class ProgressFiguresStore(ReadModelStore, Protocol):
    """A store with a read model that also computes a progress report's figures itself
    (the SQL stores: in two queries and one pass over the measured observations), in raw
    values, so that a clinic-wide ``progress_report`` builds typed values only for the
    rows it yields.

    Optional, like every protocol here but :class:`Store`: ``progress_report`` asks for
    it, and uses :meth:`ReadModelStore.goal_facts` on a read-model store without it (and
    folds partnerships on a store without a read model). The rows are the same on every
    path.
    """

    def progress_figures(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
    ) -> list[GoalFigures]:
        """The goals of the partnerships in *bounds* (in *domain*, with *status*), by
        partnership in the order of *bounds* and then in the order they were proposed,
        with the figures of each between its partnership's bounds: what
        :meth:`ReadModelStore.goal_facts` gives, as raw values."""
        ...
