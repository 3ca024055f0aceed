"""FHIR Goals and Observations recorded into a partnership (private; use
:func:`alliance.fhir.import_bundle`)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs
import pendulum

from alliance import events as ev
from alliance.errors import (
    DomainError,
    MalformedDataError,
    NotAMemberError,
    ValidationError,
)
from alliance.fhir._common import (
    AUDIENCE_EXTENSION,
    BASELINE_EXTENSION,
    GAS_LEVEL_CODE,
    GAS_SCALE_EXTENSION,
    GOAL_ACCEPTANCE,
    GOAL_ACHIEVEMENT,
    GOAL_CATEGORY,
    GOAL_DOMAIN,
    GOAL_ID,
    MASTERY_EXTENSION,
    OBSERVATION_COMPONENT,
    OBSERVATION_DETAILS_EXTENSION,
    OBSERVATION_ID,
    OBSERVATION_KIND,
    PERSON_ID,
    PERTAINS_TO_GOAL,
    PROGRESS_CORE,
    PROGRESS_NOT_EXPORTED,
    SETTING_EXTENSION,
    TARGET_CORE,
    TARGET_DETAILS_EXTENSION,
    Ids,
    Json,
    number,
    read_details,
)
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, AudienceScope
from alliance.model.goals import (
    Direction,
    GasLevel,
    GasScale,
    GoalDomain,
    MasteryCriterion,
    MeasurableTarget,
)
from alliance.model.partnership import Setting
from alliance.model.people import Child, MemberRole
from alliance.model.progress import ObservationKind
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership

WHY_NOT_STATED = "Not stated in the imported FHIR Goal"
"""``why_it_matters`` of an imported goal that has no note."""

GOAL_LIFECYCLE = frozenset(
    {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    }
)
_IMPORTED_OBSERVATION_STATUS = frozenset({"final", "amended", "corrected"})
_SKIPPED_OBSERVATION_STATUS = frozenset({"entered-in-error", "cancelled"})
_ACHIEVED = frozenset({"achieved", "sustaining"})
_NOT_ACHIEVED = frozenset({"not-achieved", "no-progress", "not-attainable"})
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Model fields, as the FHIR elements they were read from (for errors raised on recording).
_GOAL_ELEMENTS = {
    "goal_id": "identifier",
    "target.due": "target[0].dueDate",
    "actor": "expressedBy",
}
_ACCEPTANCE_ELEMENTS = {
    "goal_id": "extension(goal-acceptance)",
    "actor": "extension(goal-acceptance)",
}
_STATUS_ELEMENTS = {"goal_id": "lifecycleStatus"}
_OBSERVATION_ELEMENTS = {
    "observation_id": "identifier",
    "goal_id": f"extension({PERTAINS_TO_GOAL})",
    "occurred_at": "effectiveDateTime",
    "actor": "performer",
    "kind": "method",
    "gas_level": "component(gas-level)",
    "value": "valueQuantity",
}


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


def import_bundle(
    partnership: Partnership,
    bundle: Json,
    *,
    actor: str,
    occurred_at: dt.datetime,
    child: Child | None = None,
    about_this_child: bool = False,
) -> list[ev.Event]:
    """Record the ``Goal`` and ``Observation`` resources of a FHIR *bundle* into
    *partnership*, all of them or (on any error) none, and return the events recorded.

    The same as :func:`import_bundle_with_report` (see it for the arguments and the
    errors), returning only the report's ``events``, as a list.
    """
    return list(
        import_bundle_with_report(
            partnership,
            bundle,
            actor=actor,
            occurred_at=occurred_at,
            child=child,
            about_this_child=about_this_child,
        ).events
    )


def import_bundle_with_report(
    partnership: Partnership,
    bundle: Json,
    *,
    actor: str,
    occurred_at: dt.datetime,
    child: Child | None = None,
    about_this_child: bool = False,
) -> ImportReport:
    """Record the ``Goal`` and ``Observation`` resources of a FHIR *bundle* into
    *partnership*, all of them or (on any error) none, and report what was recorded
    and what was skipped, and why.

    Works for R4 and R5 bundles alike (``Goal.expressedBy`` and ``Goal.source`` are both
    read). Other resources in the bundle are used only to resolve references (who
    proposed, agreed or observed; which goal an observation pertains to; which child
    they are about). What is read from where is in ``docs/fhir.md``; in short:

    - each Goal is proposed by the member its ``expressedBy``/``source`` names (*actor*
      when it names no current member) at *occurred_at*, and agreed by the members its
      ``goal-acceptance`` extensions list as ``agree``; a goal ``on-hold``,
      ``completed``, ``cancelled`` or ``rejected`` is then put on hold, achieved or
      discontinued by *actor*, after its observations;
    - each Observation is recorded by its performer (*actor* when it has none) at its
      ``effectiveDateTime``, for the goal its ``resource-pertainsToGoal`` extension
      names: a Goal of the bundle or one already in the partnership;
    - ``entered-in-error`` Goals and Observations (and ``cancelled`` Observations),
      request-only entries of a transaction, and other resources (read only to resolve
      references) are skipped, each with its reason in the report;
    - anything it cannot import faithfully (a comparator on a value, a second target, a
      coded value, a unit other than the goal's...) is refused by name: see
      ``docs/fhir.md``.

    Args:
        partnership: the partnership to record into (its members must include the
            people the bundle names as proposing, agreeing and observing).
        bundle: a FHIR ``Bundle`` as JSON-ready dicts (``json.loads`` of its text).
        actor: the member recording the import.
        occurred_at: when the imported goals were set (an aware datetime). Observations
            keep their own times, which must not be before it.
        child: the host's record of the partnership's child, whose ``identifiers`` (the
            host's MRN, say) say which ``Patient`` the bundle's resources must be about.
            Without it, only alliance's own identifier of the child
            (``urn:alliance:id:person``, which alliance's exports carry) is known.
        about_this_child: ``True`` to say that the bundle is about this partnership's
            child, so that a Goal or Observation whose subject carries none of the
            child's identifiers (or has no subject) is taken to be about the child. It
            never overrides a subject that is another patient (another value in one of
            the child's identifier systems) or not a Patient.

    Returns:
        An :class:`ImportReport`: the events recorded, in order
        (``partnership.events_since(version)`` too), the resources they came from, and
        what was skipped, each with its reason.

    Raises:
        MalformedDataError: resources it cannot map; ``problems`` names each resource,
            what is wrong and its path in the bundle. Among them, a Goal or Observation
            about another patient, or one it cannot tell is about this child (see
            *child* and *about_this_child*).
        ValidationError: *occurred_at* is naive, *child* is not the record of this
            partnership's child, or *about_this_child* is not a bool.
        ValidationError, DomainError (``NotAMemberError``, ``UnknownRecordError``): the
            partnership refuses an event; the error's ``field`` names the resource and
            its element (``"Observation/o-1.effectiveDateTime"``).
        PermissionDenied: the partnership's policy refuses an event (by default
            :class:`alliance.RolePolicy`: a teacher's observation on a goal no consent
            shares with the school, say); nothing is recorded.
    """
    state = partnership.state
    when = c.utc_datetime("occurred_at", occurred_at)
    if state.role_of(actor) is None:
        raise NotAMemberError("actor", f"{actor!r} is not a current member of the partnership")
    if child is not None and not isinstance(child, Child):
        raise ValidationError("child", f"must be a Child record, not {type(child).__name__}")
    if child is not None and child.id != state.child_id:
        raise ValidationError(
            "child",
            f"is the record of {child.id!r}, not of this partnership's child {state.child_id!r}",
        )
    if not isinstance(about_this_child, bool):
        raise ValidationError(
            "about_this_child", f"must be True or False, not {type(about_this_child).__name__}"
        )
    known = {(PERSON_ID, state.child_id)}
    if child is not None:
        known |= {(found.system, found.value) for found in child.identifiers}
    reader = _Reader(
        state,
        bundle,
        actor=actor,
        when=when,
        child_identifiers=frozenset(known),
        about_this_child=about_this_child,
    )
    planned = reader.plan()
    scratch = Partnership.from_snapshot(state, [], policy=partnership.policy)
    for step in planned:
        try:
            scratch.record(step.event)
        except (ValidationError, DomainError) as error:
            element = step.elements.get(error.field, error.field)
            raise type(error)(f"{step.label}.{element}", error.reason) from error
    events = [step.event for step in planned]
    partnership.record_all(events)
    by_resource: dict[tuple[str, str], list[ev.Event]] = {}
    for step in planned:
        by_resource.setdefault((step.label, step.path), []).append(step.event)
    order = {path: index for index, path in enumerate(reader.order)}
    recorded = sorted(
        (
            ImportedResource(label=label, path=path, events=tuple(found))
            for (label, path), found in by_resource.items()
        ),
        key=lambda r: order.get(r.path, len(order)),
    )
    skipped = sorted(reader.skipped, key=lambda s: order.get(s.path, len(order)))
    return ImportReport(events=tuple(events), recorded=tuple(recorded), skipped=tuple(skipped))


@attrs.frozen
class _Entry:
    path: str
    """Where the resource is in the bundle (``$.entry[3].resource``, or
    ``$.entry[3].resource.contained[0]`` for a contained one)."""
    resource: Json
    keys: frozenset[str]
    """What references to it may say: its fullUrl, ``Type/id`` (``<scope>#id`` for a
    contained one)."""
    label: str
    """The resource as errors name it (``Goal/42``, ``Goal/g1 in CarePlan/cp-1``)."""
    container: Json | None = None
    """The resource it is contained in, if it is."""

    @property
    def scope(self) -> str:
        """The path of the resource whose ``contained`` its ``#id`` references name."""
        return self.path.rsplit(".contained[", 1)[0] if self.container is not None else self.path


@attrs.define
class _GoalPlan:
    label: str
    path: str
    keys: frozenset[str]
    proposed: ev.GoalProposed | None
    agreed: list[str]
    outcome: str | None
    """``on-hold``, ``achieved`` or ``discontinued``: the status event after its
    observations (``None``: none)."""
    default_reason: str
    reason: str | None
    units: frozenset[str] = frozenset()
    """The goal's unit and the UCUM code its FHIR target gave, if any."""
    skipped: bool = False
    latest: pendulum.DateTime | None = None


@attrs.frozen
class _Step:
    label: str
    path: str
    elements: dict[str, str]
    event: ev.Event


Planned = list[_Step]


class _Reader:
    def __init__(
        self,
        state: PartnershipState,
        bundle: Json,
        *,
        actor: str,
        when: pendulum.DateTime,
        child_identifiers: frozenset[tuple[str, str]],
        about_this_child: bool,
    ) -> None:
        self.state = state
        self.actor = actor
        self.when = when
        self.child_identifiers = child_identifiers
        self.about_this_child = about_this_child
        self.ids = Ids(state)
        patient_id = self.ids.patient(state.child_id)
        self.own_patient = {f"urn:uuid:{patient_id}", f"Patient/{patient_id}"}
        self.problems: list[str] = []
        self.skipped: list[SkippedItem] = []
        self.order: list[str] = []
        """Every path of the bundle the report may name, in the bundle's order."""
        self.entries = self.read_entries(bundle)
        self.by_key: dict[str, Json] = {}
        for entry in self.entries:
            for key in entry.keys:
                self.by_key.setdefault(key, entry.resource)
        self.own_members: dict[str, str] = {}
        for member_id in state.members:
            for fhir_id in (
                self.ids.related_person(member_id),
                self.ids.practitioner_role(member_id),
                self.ids.practitioner(member_id),
            ):
                self.own_members[f"urn:uuid:{fhir_id}"] = member_id
        self.own_goals = {f"urn:uuid:{self.ids.goal(g)}": g for g in state.goals}

    # --- the bundle ---------------------------------------------------------------------

    def read_entries(self, bundle: object) -> list[_Entry]:
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise MalformedDataError(
                ["expected a FHIR Bundle (a dict with resourceType 'Bundle') @ $"],
                context="cannot import FHIR",
            )
        entries = bundle.get("entry", [])
        if not isinstance(entries, list):
            raise MalformedDataError(
                ["expected a list of entries @ $.entry"], context="cannot import FHIR"
            )
        found = []
        for index, entry in enumerate(entries):
            path = f"$.entry[{index}]"
            resource = entry.get("resource") if isinstance(entry, dict) else None
            request = _get(entry, "request")
            if resource is None and isinstance(request, dict):
                self.order.append(path)
                self.skipped.append(
                    SkippedItem(
                        label=f"entry {index}",
                        path=path,
                        reason=f"a request with no resource ({request.get('method')} "
                        f"{request.get('url')}): nothing to record",
                    )
                )
                continue
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                self.problems.append(
                    f"entry {index}: expected a resource (or a request) @ {path}.resource"
                )
                continue
            full_url = entry.get("fullUrl")
            keys = self.keys_of(resource, full_url if isinstance(full_url, str) else None)
            top = _Entry(
                f"{path}.resource",
                resource,
                frozenset(keys),
                self.label(resource, f"{path}.resource"),
            )
            found.append(top)
            self.order.append(top.path)
            for inner, contained in enumerate(_list(resource.get("contained"))):
                if not isinstance(contained, dict) or contained.get("resourceType") not in (
                    "Goal",
                    "Observation",
                ):
                    continue
                where = f"{top.path}.contained[{inner}]"
                contained_id = contained.get("id")
                found.append(
                    _Entry(
                        where,
                        contained,
                        frozenset(
                            {f"{top.path}#{contained_id}"} if isinstance(contained_id, str) else ()
                        ),
                        f"{self.label(contained, where)} in {top.label}",
                        container=resource,
                    )
                )
                self.order.append(where)
        return found

    @staticmethod
    def keys_of(resource: Json, full_url: str | None) -> set[str]:
        keys = set()
        if full_url is not None:
            keys.add(full_url)
        resource_id = resource.get("id")
        if isinstance(resource_id, str):
            keys.add(f"{resource['resourceType']}/{resource_id}")
            if full_url is None:
                keys.add(f"urn:uuid:{resource_id}")
        return keys

    @staticmethod
    def label(resource: Json, index_path: str) -> str:
        resource_id = resource.get("id")
        if isinstance(resource_id, str):
            return f"{resource['resourceType']}/{resource_id}"
        return f"{resource['resourceType']} at {index_path}"

    def resolve(self, ref: object, container: Json | None = None) -> Json | None:
        """The resource a reference points to: in the bundle, or (``#id``) among the
        ``contained`` resources of *container*."""
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        target: str = ref["reference"]
        if target.startswith("#"):
            for found in _list(_get(container, "contained")):
                if isinstance(found, dict) and found.get("id") == target[1:]:
                    return found
            return None
        return self.by_key.get(target)

    # --- people ---------------------------------------------------------------------------

    @staticmethod
    def person_id(resource: Json) -> str | None:
        for found in _list(resource.get("identifier")):
            if isinstance(found, dict) and found.get("system") == PERSON_ID:
                value = found.get("value")
                if isinstance(value, str):
                    return value
        return None

    def member_of(self, ref: object) -> str | None:
        """The member id a reference names, or None."""
        resource = self.resolve(ref)
        if resource is not None:
            kind = resource.get("resourceType")
            if kind == "PractitionerRole":
                practitioner = self.resolve(resource.get("practitioner"))
                if practitioner is not None:
                    return self.person_id(practitioner)
                return self.own_members.get(str(_get(resource.get("practitioner"), "reference")))
            if kind in ("RelatedPerson", "Practitioner"):
                return self.person_id(resource)
            return None
        if isinstance(ref, dict):
            if isinstance(ref.get("reference"), str) and ref["reference"] in self.own_members:
                return self.own_members[ref["reference"]]
            logical = ref.get("identifier")
            if isinstance(logical, dict) and logical.get("system") == PERSON_ID:
                value = logical.get("value")
                return value if isinstance(value, str) else None
        return None

    def current_member(self, member_id: str | None, by: pendulum.DateTime) -> str | None:
        if member_id is None:
            return None
        membership = self.state.members.get(member_id)
        if membership is None or not membership.is_current or membership.joined_at > by:
            return None
        return member_id

    def check_subject(self, entry: _Entry, problems: list[str]) -> None:
        """A problem unless *resource*'s subject is this partnership's child: a Patient
        (of the bundle, contained, or a logical reference) that carries one of the
        child's identifiers and none that contradicts them; or, when the caller said
        the bundle is about this child, one that carries none of them."""
        resource, path = entry.resource, entry.path
        where = f"{path}.subject"
        subject = resource.get("subject")
        carried: set[tuple[str, str]] = set()
        own = False
        if subject is not None:
            if not isinstance(subject, dict):
                problems.append(f"expected a Reference @ {where}")
                return
            target = self.resolve(subject, entry.container or resource)
            reference = subject.get("reference")
            kind = _get(target, "resourceType")
            if kind is None and isinstance(subject.get("type"), str):
                kind = subject["type"]
            if kind is None and isinstance(reference, str) and not reference.startswith("#"):
                parts = reference.split("/")
                kind = parts[-2] if len(parts) >= 2 else None
            if kind is not None and kind != "Patient":
                problems.append(
                    f"is about a {kind}, not a Patient (this partnership's child) @ {where}"
                )
                return
            for found in [*_list(_get(target, "identifier")), subject.get("identifier")]:
                system, value = _get(found, "system"), _get(found, "value")
                if isinstance(system, str) and isinstance(value, str):
                    carried.add((system, value))
            own = isinstance(reference, str) and reference in self.own_patient
        known = self.child_identifiers
        systems = {system for system, _ in known}
        others = sorted(i for i in carried if i[0] in systems and i not in known)
        if others:
            theirs = sorted(i for i in known if i[0] in {system for system, _ in others})
            problems.append(
                f"is about another patient: its subject carries {_identifiers(others)}, and "
                f"this partnership's child is {_identifiers(theirs)} @ {where}"
            )
            return
        if own or carried & known or self.about_this_child:
            return
        advice = (
            "give import_bundle the child's record with its identifiers (child=), or say "
            "that the bundle is about this child (about_this_child=True)"
        )
        if subject is None:
            problems.append(
                f"no subject: cannot tell which patient it is about; {advice} @ {where}"
            )
            return
        problems.append(
            "cannot tell that it is about this partnership's child: its subject carries "
            f"{_identifiers(sorted(carried)) if carried else 'no identifier'}, none of the "
            f"child's ({_identifiers(sorted(known))}); {advice} @ {where}"
        )

    # --- planning -------------------------------------------------------------------------

    def plan(self) -> Planned:
        goals: list[_GoalPlan] = []
        observations: list[
            tuple[pendulum.DateTime, int, _Entry, dict[str, str], ev.ProgressRecorded]
        ] = []
        for entry in self.entries:
            kind = entry.resource["resourceType"]
            if kind == "Goal":
                goals.append(self.goal(entry))
            elif kind != "Observation" and entry.container is None:
                self.skip(
                    entry,
                    "not imported: alliance imports Goal and Observation resources (and those "
                    "they contain); other resources are read only to resolve references",
                )
        goal_by_key = {key: g for g in goals for key in g.keys}
        for index, entry in enumerate(self.entries):
            if entry.resource["resourceType"] == "Observation":
                planned = self.observation(entry, goal_by_key)
                if planned is not None:
                    event, goal, elements = planned
                    observations.append((event.occurred_at, index, entry, elements, event))
                    if goal is not None:
                        goal.latest = max(goal.latest or event.occurred_at, event.occurred_at)
        if self.problems:
            raise MalformedDataError(self.problems, context="cannot import the FHIR Bundle")
        steps: Planned = []
        for goal in goals:
            if goal.proposed is None:
                continue
            steps.append(_Step(goal.label, goal.path, _GOAL_ELEMENTS, goal.proposed))
            for member in goal.agreed:
                steps.append(
                    _Step(
                        goal.label,
                        goal.path,
                        _ACCEPTANCE_ELEMENTS,
                        ev.GoalAgreed(
                            goal_id=goal.proposed.goal_id, actor=member, occurred_at=self.when
                        ),
                    )
                )
        observations.sort(key=lambda o: (o[0], o[1]))
        steps += [
            _Step(entry.label, entry.path, elements, event)
            for _, _, entry, elements, event in observations
        ]
        for goal in goals:
            if goal.proposed is not None:
                status = self.status_event(goal, goal.proposed.goal_id)
                if status is not None:
                    steps.append(_Step(goal.label, goal.path, _STATUS_ELEMENTS, status))
        return steps

    def skip(self, entry: _Entry, reason: str, path: str | None = None) -> None:
        self.skipped.append(SkippedItem(label=entry.label, path=path or entry.path, reason=reason))

    def status_event(self, goal: _GoalPlan, goal_id: str) -> ev.Event | None:
        at = max(self.when, goal.latest) if goal.latest is not None else self.when
        actor = self.actor
        reason = goal.reason or goal.default_reason
        if goal.outcome == "on-hold":
            return ev.GoalPutOnHold(goal_id=goal_id, reason=reason, actor=actor, occurred_at=at)
        if goal.outcome == "achieved":
            return ev.GoalAchieved(goal_id=goal_id, note=goal.reason, actor=actor, occurred_at=at)
        if goal.outcome == "discontinued":
            return ev.GoalDiscontinued(goal_id=goal_id, reason=reason, actor=actor, occurred_at=at)
        return None

    def collect(self, label: str, problems: list[str]) -> None:
        self.problems.extend(f"{label}: {problem}" for problem in problems)

    # --- goals ------------------------------------------------------------------------------

    def goal(self, entry: _Entry) -> _GoalPlan:
        resource, path, keys, label = entry.resource, entry.path, entry.keys, entry.label
        problems: list[str] = []
        lifecycle = resource.get("lifecycleStatus")
        if lifecycle not in GOAL_LIFECYCLE:
            problems.append(
                f"lifecycleStatus must be a FHIR goal lifecycle code, not {lifecycle!r} "
                f"@ {path}.lifecycleStatus"
            )
            lifecycle = "proposed"
        reason = resource.get("statusReason")
        reason = reason if isinstance(reason, str) and reason.strip() else None
        plan = _GoalPlan(label, path, keys, None, [], None, "", reason)
        if lifecycle == "entered-in-error":
            plan.skipped = True
            self.skip(entry, "lifecycleStatus 'entered-in-error': skipped")
            return plan
        plan.outcome, plan.default_reason = self.outcome(str(lifecycle), resource, path, problems)
        self.check_subject(entry, problems)
        goal_id = self.record_id(resource, GOAL_ID)
        domain = self.domain(resource, path, problems)
        statement = _text_of(resource.get("description"))
        if statement is None:
            problems.append(f"no description text @ {path}.description")
        notes = [n for n in _list(resource.get("note")) if isinstance(n, dict)]
        why = _text(notes[0].get("text")) if notes else None
        target, plan.units = self.target(resource, path, problems)
        gas = self.gas_scale(resource, path, problems)
        mastery = self.mastery(resource, path, problems)
        proposer_ref = resource.get("expressedBy", resource.get("source"))
        proposer = self.current_member(self.member_of(proposer_ref), self.when) or self.actor
        agreed: list[str] = []
        for index, extension in enumerate(_list(resource.get("extension"))):
            if _get(extension, "url") != GOAL_ACCEPTANCE:
                continue
            parts = {
                part.get("url"): part
                for part in _list(extension.get("extension"))
                if isinstance(part, dict)
            }
            status = _get(parts.get("status"), "valueCode")
            where = f"{path}.extension[{index}]"
            if status != "agree":
                self.skip(
                    entry,
                    f"goal-acceptance {status!r} not imported: FHIR carries no reason for it, "
                    "and a position is each member's own to take",
                    where,
                )
                continue
            member = self.current_member(
                self.member_of(_get(parts.get("individual"), "valueReference")), self.when
            )
            if member is None:
                self.skip(
                    entry,
                    "goal-acceptance 'agree' not imported: its individual is not a current "
                    "member of this partnership",
                    where,
                )
            elif member != proposer and member not in agreed:
                agreed.append(member)
        if plan.outcome in ("on-hold", "achieved"):
            roles = {self.state.role_of(m) for m in (proposer, *agreed)}
            if not {MemberRole.CARER, MemberRole.PROFESSIONAL} <= roles:
                problems.append(
                    f"lifecycleStatus {lifecycle!r} needs a shared goal, but the members who "
                    "proposed and agreed to it (expressedBy/source, goal-acceptance 'agree') "
                    "are not a carer and a professional of this partnership "
                    f"@ {path}.lifecycleStatus"
                )
        if problems or domain is None or statement is None or target is None:
            self.collect(label, problems)
            return plan
        try:
            plan.proposed = ev.GoalProposed(
                goal_id=goal_id,
                domain=domain,
                statement=statement,
                why_it_matters=why or WHY_NOT_STATED,
                target=target,
                gas_scale=gas,
                mastery=mastery,
                actor=proposer,
                occurred_at=self.when,
            )
        except ValidationError as error:
            self.collect(label, [f"{error} @ {path}"])
        plan.agreed = agreed
        return plan

    @staticmethod
    def outcome(
        lifecycle: str, resource: Json, path: str, problems: list[str]
    ) -> tuple[str | None, str]:
        """The status event a goal's ``lifecycleStatus`` and ``achievementStatus`` call
        for (``on-hold``, ``achieved``, ``discontinued`` or ``None``) and the reason it
        gets when the Goal gives no ``statusReason``."""
        codes = [
            _get(found, "code")
            for found in _list(_get(resource.get("achievementStatus"), "coding"))
            if _get(found, "system") == GOAL_ACHIEVEMENT
        ]
        achievement = codes[0] if codes else None
        said = (
            f"achievementStatus {achievement!r}"
            if achievement is not None
            else "no achievementStatus"
            if "achievementStatus" not in resource
            else f"an achievementStatus with no code from {GOAL_ACHIEVEMENT}"
        )
        where = f"{path}.achievementStatus"
        if lifecycle == "on-hold":
            return "on-hold", "On hold in the FHIR Goal"
        if lifecycle == "completed":
            if achievement in _ACHIEVED:
                return "achieved", ""
            if achievement in _NOT_ACHIEVED:
                return "discontinued", (
                    f"Completed in the FHIR Goal, not achieved (achievementStatus {achievement})"
                )
            problems.append(
                f"lifecycleStatus 'completed' with {said} does not say whether the goal was "
                "achieved: alliance records it as achieved for achievementStatus achieved or "
                "sustaining, and as discontinued for not-achieved, no-progress or "
                f"not-attainable @ {where}"
            )
            return None, ""
        if lifecycle in ("cancelled", "rejected"):
            if achievement in _ACHIEVED:
                problems.append(
                    f"lifecycleStatus {lifecycle!r} with {said} contradicts itself: a goal "
                    f"given up is not achieved @ {where}"
                )
                return None, ""
            return "discontinued", f"{lifecycle.capitalize()} in the FHIR Goal"
        return None, ""

    @staticmethod
    def record_id(resource: Json, system: str) -> str:
        for found in _list(resource.get("identifier")):
            if isinstance(found, dict) and found.get("system") == system:
                value = found.get("value")
                if isinstance(value, str):
                    return value
        resource_id = resource.get("id")
        if isinstance(resource_id, str) and resource_id:
            return f"fhir-{resource_id}"
        return c.new_id()

    @staticmethod
    def domain(resource: Json, path: str, problems: list[str]) -> GoalDomain | None:
        behavioural = False
        for index, category in enumerate(_list(resource.get("category"))):
            for found in _list(_get(category, "coding")):
                system, code = _get(found, "system"), _get(found, "code")
                if system == GOAL_DOMAIN:
                    try:
                        return GoalDomain(code)
                    except ValueError:
                        problems.append(
                            f"{code!r} is not an alliance goal domain @ {path}.category[{index}]"
                        )
                        return None
                if system == GOAL_CATEGORY and code == "behavioral":
                    behavioural = True
        if behavioural:
            return GoalDomain.BEHAVIOUR
        problems.append(
            f"no goal domain: a category coding from {GOAL_DOMAIN} (or HL7 goal-category "
            f"'behavioral') @ {path}.category"
        )
        return None

    def target(
        self, resource: Json, path: str, problems: list[str]
    ) -> tuple[MeasurableTarget | None, frozenset[str]]:
        """The goal's one measurable target, and the unit strings (unit, code) it gave."""
        targets = _list(resource.get("target"))
        if len(targets) > 1:
            problems.append(
                f"a second target cannot be imported: an alliance goal has one measurable "
                f"target, and this Goal has {len(targets)} @ {path}.target[1]"
            )
            return None, frozenset()
        where = f"{path}.target[0]"
        chosen: Json = targets[0] if targets and isinstance(targets[0], dict) else {}
        if "detailQuantity" not in chosen:
            others = [k for k in chosen if k.startswith("detail")]
            if others:
                problems.append(
                    f"target[0].{others[0]} cannot be imported: an alliance target is one "
                    "number in a unit, reached from a baseline (a detailQuantity), and this "
                    f"is {_shown(others[0], chosen[others[0]])} @ {where}.{others[0]}"
                )
            else:
                problems.append(f"no target with a detailQuantity @ {path}.target")
            return None, frozenset()
        before = len(problems)
        metric = _text_of(chosen.get("measure"))
        if metric is None:
            problems.append(f"no measure text @ {where}.measure")
        quantity = chosen["detailQuantity"]
        value = _number(_get(quantity, "value"))
        if value is None:
            problems.append(f"expected a number @ {where}.detailQuantity.value")
        unit = _text(_get(quantity, "unit")) or _text(_get(quantity, "code"))
        if unit is None:
            problems.append(f"no unit @ {where}.detailQuantity.unit")
        baseline = None
        for extension in _extensions(chosen, BASELINE_EXTENSION):
            baseline = _number(_get(extension.get("valueQuantity"), "value"))
        if baseline is None:
            problems.append(
                "no baseline: FHIR Goal has no element for where the child started; put it "
                f"in the extension {BASELINE_EXTENSION} (valueQuantity) @ {where}.extension"
            )
        due = _full_date(chosen.get("dueDate"))
        if due is None:
            problems.append(f"expected a full date (YYYY-MM-DD) @ {where}.dueDate")
        direction = None
        if value is not None and baseline is not None:
            direction = self.direction(quantity, value, baseline, where, problems)
        if len(problems) > before:
            return None, frozenset()
        assert metric is not None
        assert unit is not None
        assert value is not None
        assert baseline is not None
        assert due is not None
        assert direction is not None
        units = frozenset(
            u for u in (_text(_get(quantity, "unit")), _text(_get(quantity, "code"))) if u
        )
        try:
            details: dict[str, Any] = {}
            for extension in _extensions(chosen, TARGET_DETAILS_EXTENSION):
                names = [
                    a.name for a in attrs.fields(MeasurableTarget) if a.name not in TARGET_CORE
                ]
                details = read_details(extension, MeasurableTarget, names)
            return MeasurableTarget(
                metric=metric,
                unit=unit,
                baseline=baseline,
                target=value,
                direction=direction,
                due=due,
                **details,
            ), units
        except (ValidationError, ValueError) as error:
            problems.append(f"{error} @ {where}")
            return None, frozenset()

    @staticmethod
    def direction(
        quantity: Json, value: float, baseline: float, where: str, problems: list[str]
    ) -> Direction | None:
        """The direction a target's ``comparator`` gives (``>=`` increase, ``<=``
        decrease), checked against the baseline; without one, from the baseline."""
        comparator = quantity.get("comparator")
        from_baseline = Direction.INCREASE if value >= baseline else Direction.DECREASE
        if comparator is None:
            return from_baseline
        at = f"{where}.detailQuantity.comparator"
        shown = f"target[0].detailQuantity.comparator {comparator!r}"
        wanted = {">=": Direction.INCREASE, "<=": Direction.DECREASE}.get(str(comparator))
        if wanted is None:
            problems.append(
                f"{shown} cannot be imported: an alliance target is reached at its value "
                f"(alliance writes >= or <=), and {comparator} {number(value)} is not that "
                f"@ {at}"
            )
            return None
        if wanted is not from_baseline:
            way = "rise" if wanted is Direction.INCREASE else "fall"
            problems.append(
                f"{shown} says the value should {way} to {number(value)}, but the baseline "
                f"is {number(baseline)} @ {at}"
            )
            return None
        return wanted

    def gas_scale(self, resource: Json, path: str, problems: list[str]) -> GasScale | None:
        found = _extensions(resource, GAS_SCALE_EXTENSION)
        if not found:
            return None
        parts = _list(found[0].get("extension"))
        try:
            weights = [
                _number(_get(p, "valueDecimal")) for p in parts if _get(p, "url") == "weight"
            ]
            levels = []
            for part in parts:
                if _get(part, "url") != "level":
                    continue
                fields = {_get(f, "url"): f for f in _list(_get(part, "extension"))}
                level = _get(fields.get("value"), "valueInteger")
                description = _get(fields.get("description"), "valueString")
                levels.append(GasLevel(level=level, description=description))
            weight = weights[0] if weights and weights[0] is not None else 1.0
            return GasScale(levels=tuple(levels), weight=weight)
        except ValidationError as error:
            problems.append(f"{error} @ {path}.extension({GAS_SCALE_EXTENSION})")
            return None

    def mastery(self, resource: Json, path: str, problems: list[str]) -> MasteryCriterion | None:
        found = _extensions(resource, MASTERY_EXTENSION)
        if not found:
            return None
        where = f"{path}.extension({MASTERY_EXTENSION})"
        try:
            fields = read_details(
                found[0], MasteryCriterion, [a.name for a in attrs.fields(MasteryCriterion)]
            )
            return MasteryCriterion(**fields)
        except (ValidationError, ValueError, TypeError) as error:
            problems.append(f"{error} @ {where}")
        return None

    # --- observations ------------------------------------------------------------------------

    def observation(
        self, entry: _Entry, goals: dict[str, _GoalPlan]
    ) -> tuple[ev.ProgressRecorded, _GoalPlan | None, dict[str, str]] | None:
        resource, path, label = entry.resource, entry.path, entry.label
        status = resource.get("status")
        if status in _SKIPPED_OBSERVATION_STATUS:
            self.skip(entry, f"status {status!r}: skipped")
            return None
        problems: list[str] = []
        if status not in _IMPORTED_OBSERVATION_STATUS:
            problems.append(
                f"status must be final, amended or corrected (or entered-in-error or "
                f"cancelled, which are skipped), not {status!r} @ {path}.status"
            )
        self.check_subject(entry, problems)
        goal_plan: _GoalPlan | None = None
        goal_id: str | None = None
        units: frozenset[str] = frozenset()
        links = _extensions(resource, PERTAINS_TO_GOAL)
        link = links[0].get("valueReference") if links else None
        reference = _get(link, "reference")
        if isinstance(reference, str) and reference.startswith("#"):
            reference = f"{entry.scope}{reference}"
        if isinstance(reference, str) and reference in goals:
            goal_plan = goals[reference]
            if goal_plan.skipped:
                self.skip(entry, f"pertains to {goal_plan.label}, which is skipped")
                return None
            if goal_plan.proposed is not None:
                goal_id = goal_plan.proposed.goal_id
                units = goal_plan.units | {goal_plan.proposed.target.unit}
        elif isinstance(reference, str) and reference in self.own_goals:
            goal_id = self.own_goals[reference]
        elif _get(_get(link, "identifier"), "system") == GOAL_ID and isinstance(
            _get(_get(link, "identifier"), "value"), str
        ):
            goal_id = _get(_get(link, "identifier"), "value")
        elif not links:
            problems.append(
                f"no goal: link it with the extension {PERTAINS_TO_GOAL} @ {path}.extension"
            )
        else:
            problems.append(
                f"pertains to {reference!r}, neither a Goal of the bundle nor a goal of this "
                f"partnership @ {path}.extension({PERTAINS_TO_GOAL})"
            )
        if goal_id is not None and goal_plan is None and goal_id in self.state.goals:
            units = frozenset({self.state.goals[goal_id].target.unit})
        moment, element, period_note = self.effective(resource, path, problems)
        performers = _list(resource.get("performer"))
        observer = self.actor
        if performers:
            found = next(
                (m for m in (self.member_of(p) for p in performers) if m is not None), None
            )
            if found is None:
                problems.append(f"no performer is a member of this partnership @ {path}.performer")
            else:
                observer = found
        value = self.value(resource, path, goal_id, units, problems)
        gas_level = None
        for index, component in enumerate(_list(resource.get("component"))):
            codes = {
                (_get(f, "system"), _get(f, "code"))
                for f in _list(_get(_get(component, "code"), "coding"))
            }
            if (OBSERVATION_COMPONENT, GAS_LEVEL_CODE) in codes:
                gas_level = _get(component, "valueInteger")
            else:
                self.skip(
                    entry,
                    f"component[{index}] ({_text_of(_get(component, 'code')) or 'no code text'})"
                    " not imported: alliance reads only its own gas-level component",
                    f"{path}.component[{index}]",
                )
        setting = Setting.CLINIC
        for extension in _extensions(resource, SETTING_EXTENSION):
            try:
                setting = Setting(str(extension.get("valueCode")))
            except ValueError:
                problems.append(
                    f"{extension.get('valueCode')!r} is not an alliance setting "
                    f"@ {path}.extension({SETTING_EXTENSION})"
                )
        kind = None
        for found_coding in _list(_get(resource.get("method"), "coding")):
            if _get(found_coding, "system") == OBSERVATION_KIND:
                try:
                    kind = ObservationKind(_get(found_coding, "code"))
                except ValueError:
                    problems.append(
                        f"{_get(found_coding, 'code')!r} is not an alliance observation kind "
                        f"@ {path}.method"
                    )
        if kind is None:
            kind = (
                ObservationKind.SESSION
                if self.state.role_of(observer) is MemberRole.PROFESSIONAL
                else ObservationKind.EVERYDAY
            )
        notes = []
        for index, found_note in enumerate(_list(resource.get("note"))):
            if not isinstance(found_note, dict):
                continue
            if "time" in found_note:
                self.skip(
                    entry,
                    f"note[{index}] not imported: a note with a time is read as a note about "
                    "the record (alliance writes its corrections so), not about the observation",
                    f"{path}.note[{index}]",
                )
                continue
            notes.append(_text(found_note.get("text")))
        if period_note is not None:
            notes.append(period_note)
        note = "\n\n".join(n for n in notes if n is not None) or None
        details: dict[str, Any] = {}
        for extension in _extensions(resource, OBSERVATION_DETAILS_EXTENSION):
            names = [
                a.name
                for a in attrs.fields(ev.ProgressRecorded)
                if a.name not in PROGRESS_CORE | PROGRESS_NOT_EXPORTED
            ]
            try:
                details = read_details(extension, ev.ProgressRecorded, names)
            except ValueError as error:
                problems.append(f"{error} @ {path}.extension({OBSERVATION_DETAILS_EXTENSION})")
        audience = EVERYONE
        for extension in _extensions(resource, AUDIENCE_EXTENSION):
            try:
                audience = _audience(extension)
            except ValidationError as error:
                problems.append(f"{error.reason} @ {path}.extension({AUDIENCE_EXTENSION})")
        if value is None and gas_level is None and not problems:
            absent = _text_of(resource.get("dataAbsentReason"))
            if absent is None:
                absent = _get(_get(resource.get("dataAbsentReason"), "coding"), "code")
            problems.append(
                (
                    f"no value: its dataAbsentReason is {absent!r}"
                    if "dataAbsentReason" in resource
                    else "no value: expected a valueQuantity or valueInteger (or alliance's "
                    "gas-level component)"
                )
                + f" @ {path}."
                + ("dataAbsentReason" if "dataAbsentReason" in resource else "value[x]")
            )
        if problems or goal_id is None or moment is None:
            self.collect(label, problems)
            return None
        try:
            event = ev.ProgressRecorded(
                audience=audience,
                **details,
                observation_id=self.record_id(resource, OBSERVATION_ID),
                goal_id=goal_id,
                setting=setting,
                kind=kind,
                value=value,
                gas_level=gas_level,
                note=note,
                actor=observer,
                occurred_at=moment,
            )
        except ValidationError as error:
            elements = {**_OBSERVATION_ELEMENTS, "occurred_at": element}
            self.collect(
                label, [f"{error.reason} @ {path}.{elements.get(error.field, error.field)}"]
            )
            return None
        return event, goal_plan, {**_OBSERVATION_ELEMENTS, "occurred_at": element}

    @staticmethod
    def effective(
        resource: Json, path: str, problems: list[str]
    ) -> tuple[pendulum.DateTime | None, str, str | None]:
        """When an observation was made, the element it was read from, and a note for a
        period (recorded at its start)."""
        for element in ("effectiveDateTime", "effectiveInstant"):
            if element in resource:
                return _moment(resource[element], f"{path}.{element}", problems), element, None
        if "effectivePeriod" in resource:
            period = resource["effectivePeriod"]
            start, end = _get(period, "start"), _get(period, "end")
            element = "effectivePeriod.start"
            if start is None:
                problems.append(
                    "effectivePeriod has no start: alliance records an observation at one "
                    "instant, the start of its period @ "
                    f"{path}.{element}"
                )
                return None, element, None
            moment = _moment(start, f"{path}.{element}", problems)
            if end is None:
                note = f"Observed from {start} (FHIR effectivePeriod; recorded at its start)"
            else:
                _moment(end, f"{path}.effectivePeriod.end", problems)
                note = (
                    f"Observed over {start} to {end} (FHIR effectivePeriod; recorded at its start)"
                )
            return moment, element, note
        others = [k for k in resource if k.startswith("effective")]
        if others:
            problems.append(
                f"{others[0]} cannot be imported: alliance records an observation at one "
                "instant (effectiveDateTime, effectiveInstant, or the start of an "
                f"effectivePeriod) @ {path}.{others[0]}"
            )
        else:
            problems.append(
                "no effective time: expected effectiveDateTime, effectiveInstant or "
                f"effectivePeriod @ {path}.effective[x]"
            )
        return None, "effectiveDateTime", None

    @staticmethod
    def value(
        resource: Json,
        path: str,
        goal_id: str | None,
        units: frozenset[str],
        problems: list[str],
    ) -> float | None:
        """An observation's number (``valueQuantity`` in the goal's unit, or
        ``valueInteger``), refusing what alliance cannot record faithfully."""
        others = [
            k
            for k in resource
            if k.startswith("value") and k not in ("valueQuantity", "valueInteger")
        ]
        if others:
            problems.append(
                f"{others[0]} cannot be imported: alliance records a number toward the "
                "goal's target (valueQuantity or valueInteger), and this is "
                f"{_shown(others[0], resource[others[0]])} @ {path}.{others[0]}"
            )
            return None
        if "valueInteger" in resource:
            value = resource["valueInteger"]
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"expected a whole number @ {path}.valueInteger")
                return None
            return float(value)
        if "valueQuantity" not in resource:
            return None
        quantity = resource["valueQuantity"]
        where = f"{path}.valueQuantity"
        if not isinstance(quantity, dict):
            problems.append(f"expected a Quantity @ {where}")
            return None
        value = _number(quantity.get("value"))
        if value is None:
            problems.append(f"expected a number @ {where}.value")
            return None
        comparator = quantity.get("comparator")
        if comparator is not None:
            problems.append(
                f"valueQuantity.comparator {comparator!r} cannot be imported: alliance "
                f"records the value itself, and {comparator} {number(value)} is not "
                f"{number(value)} @ {where}.comparator"
            )
            return None
        given = [u for u in (_text(quantity.get("unit")), _text(quantity.get("code"))) if u]
        if given and units and not set(given) & units:
            unit, code = _text(quantity.get("unit")), _text(quantity.get("code"))
            shown = (
                f"{unit!r} (code {code!r})"
                if unit is not None and code is not None and unit != code
                else repr(given[0])
            )
            goal_unit = " or ".join(repr(u) for u in sorted(units))
            problems.append(
                f"valueQuantity is in {shown}, but goal {goal_id!r} is measured in "
                f"{goal_unit}: alliance does not convert units, so the value would be "
                f"mis-read @ {where}"
            )
            return None
        return value


# --- reading JSON ----------------------------------------------------------------------------


def _audience(extension: Json) -> Audience:
    """The :class:`Audience` an ``audience`` extension carries."""
    parts = _list(extension.get("extension"))
    scopes = [_get(p, "valueCode") for p in parts if _get(p, "url") == "scope"]
    members = frozenset(
        str(_get(_get(p, "valueIdentifier"), "value"))
        for p in parts
        if _get(p, "url") == "member" and _get(_get(p, "valueIdentifier"), "system") == PERSON_ID
    )
    if len(scopes) != 1:
        raise ValidationError("audience", "expected exactly one scope")
    try:
        scope = AudienceScope(scopes[0])
    except ValueError:
        raise ValidationError(
            "audience", f"{scopes[0]!r} is not an alliance audience scope"
        ) from None
    return Audience(scope=scope, members=members)


def _identifiers(found: list[tuple[str, str]]) -> str:
    """Identifiers as ``system|value``, joined."""
    return ", ".join(f"{system}|{value}" for system, value in found)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(value: object, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _extensions(element: Json, url: str) -> list[Json]:
    return [
        e for e in _list(element.get("extension")) if isinstance(e, dict) and e.get("url") == url
    ]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _text_of(concept: object) -> str | None:
    """A CodeableConcept's text, or the display of its first coding that has one."""
    text = _text(_get(concept, "text"))
    if text is not None:
        return text
    for found in _list(_get(concept, "coding")):
        display = _text(_get(found, "display"))
        if display is not None:
            return display
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _full_date(value: object) -> pendulum.Date | None:
    if not isinstance(value, str) or not _FULL_DATE.match(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return pendulum.Date(day.year, day.month, day.day)


_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)"
    r":(?P<second>[0-5]\d|60)(?:\.(?P<fraction>\d+))?"
    r"(?P<offset>Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))$"
)
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _moment(value: object, where: str, problems: list[str]) -> pendulum.DateTime | None:
    """A FHIR ``dateTime``/``instant`` with a time of day, read strictly, in UTC.

    FHIR's own format only (``YYYY-MM-DDThh:mm:ss[.fraction]`` and ``Z`` or an offset
    up to ±14:00; not ISO 8601's basic format, nor an offset without its colon). A
    fraction finer than a microsecond is rounded to the nearest microsecond (half to
    even); a leap second (``23:59:60Z``, only at the end of a month's last minute in UTC)
    is read as the last microsecond before the next minute.
    """
    if not isinstance(value, str):
        problems.append(
            f"expected a FHIR dateTime (a string), not {type(value).__name__} @ {where}"
        )
        return None
    if _PARTIAL_DATE.match(value):
        problems.append(
            f"{value!r} has no time of day: alliance records an observation at an instant, "
            f"so a time with its UTC offset is required @ {where}"
        )
        return None
    found = _DATE_TIME.match(value)
    shape = "YYYY-MM-DDThh:mm:ss[.fraction] and Z or an offset ±hh:mm up to ±14:00"
    if found is None:
        problems.append(f"{value!r} is not a FHIR dateTime ({shape}) @ {where}")
        return None
    try:
        day = dt.date.fromisoformat(found["date"])
    except ValueError:
        problems.append(f"{value!r} is not a FHIR dateTime: no such date @ {where}")
        return None
    offset_text = found["offset"]
    if offset_text == "Z":
        offset = dt.timedelta(0)
    else:
        sign = -1 if offset_text[0] == "-" else 1
        offset = sign * dt.timedelta(hours=int(offset_text[1:3]), minutes=int(offset_text[4:6]))
    second = int(found["second"])
    leap = second == 60
    moment = dt.datetime(
        day.year,
        day.month,
        day.day,
        int(found["hour"]),
        int(found["minute"]),
        59 if leap else second,
        tzinfo=dt.timezone(offset),
    )
    if leap:
        moment += dt.timedelta(microseconds=999_999)
        utc = moment.astimezone(dt.UTC)
        if (utc.hour, utc.minute) != (23, 59) or (utc + dt.timedelta(days=1)).day != 1:
            problems.append(
                f"{value!r} is not a FHIR dateTime: second 60 is a leap second, which comes "
                f"only at 23:59:60 UTC at the end of a month @ {where}"
            )
            return None
    elif found["fraction"]:
        micros = (Decimal("0." + found["fraction"]) * 1_000_000).quantize(
            Decimal(1), rounding=ROUND_HALF_EVEN
        )
        moment += dt.timedelta(microseconds=int(micros))
    return pendulum.instance(moment).in_timezone("UTC")


def _shown(element: str, value: object) -> str:
    """What a ``value[x]``/``detail[x]`` holds, in a few words."""
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if element.endswith("CodeableConcept"):
        text = _text_of(value)
        codes = [
            f"{_get(f, 'system')}|{_get(f, 'code')}"
            for f in _list(_get(value, "coding"))
            if _get(f, "code") is not None
        ]
        if text is not None:
            return repr(text) + (f" ({', '.join(codes)})" if codes else "")
        return ", ".join(codes) if codes else "a CodeableConcept with no text or code"
    kind = element.removeprefix("value").removeprefix("detail")
    return f"a {kind}"
