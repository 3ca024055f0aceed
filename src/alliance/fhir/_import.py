"""FHIR Goals and Observations recorded into a partnership (private; use
:func:`alliance.fhir.import_bundle`)."""

from __future__ import annotations

import datetime as dt
import math
import re
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
_NEEDS_SHARED = frozenset({"on-hold", "completed"})
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
    *partnership*, all of them or (on any error) none.

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
    - ``entered-in-error`` Goals and Observations (and ``cancelled`` Observations) are
      skipped.

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
        The events recorded, in order (``partnership.events_since(version)`` too).

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
    planned = _Reader(
        state,
        bundle,
        actor=actor,
        when=when,
        child_identifiers=frozenset(known),
        about_this_child=about_this_child,
    ).plan()
    scratch = Partnership.from_snapshot(state, [], policy=partnership.policy)
    for label, elements, event in planned:
        try:
            scratch.record(event)
        except (ValidationError, DomainError) as error:
            element = elements.get(error.field, error.field)
            raise type(error)(f"{label}.{element}", error.reason) from error
    events = [event for _, _, event in planned]
    partnership.record_all(events)
    return events


@attrs.frozen
class _Entry:
    path: str
    """Where the resource is in the bundle (``$.entry[3].resource``)."""
    resource: Json
    keys: frozenset[str]
    """What references to it may say: its fullUrl, ``Type/id``."""


@attrs.define
class _GoalPlan:
    label: str
    keys: frozenset[str]
    proposed: ev.GoalProposed | None
    agreed: list[str]
    lifecycle: str
    reason: str | None
    latest: pendulum.DateTime | None = None


Planned = list[tuple[str, dict[str, str], ev.Event]]


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
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                self.problems.append(f"entry {index}: expected a resource @ {path}.resource")
                continue
            full_url = entry.get("fullUrl")
            keys = self.keys_of(resource, full_url if isinstance(full_url, str) else None)
            found.append(_Entry(f"{path}.resource", resource, frozenset(keys)))
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

    def label(self, resource: Json, index_path: str) -> str:
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

    def check_subject(self, resource: Json, path: str, problems: list[str]) -> None:
        """A problem unless *resource*'s subject is this partnership's child: a Patient
        (of the bundle, contained, or a logical reference) that carries one of the
        child's identifiers and none that contradicts them; or, when the caller said
        the bundle is about this child, one that carries none of them."""
        where = f"{path}.subject"
        subject = resource.get("subject")
        carried: set[tuple[str, str]] = set()
        own = False
        if subject is not None:
            if not isinstance(subject, dict):
                problems.append(f"expected a Reference @ {where}")
                return
            target = self.resolve(subject, resource)
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
        observations: list[tuple[pendulum.DateTime, int, str, ev.ProgressRecorded]] = []
        for entry in self.entries:
            if entry.resource["resourceType"] == "Goal":
                goals.append(self.goal(entry))
        goal_by_key = {key: g for g in goals for key in g.keys}
        for index, entry in enumerate(self.entries):
            if entry.resource["resourceType"] == "Observation":
                planned = self.observation(entry.resource, entry.path, goal_by_key)
                if planned is not None:
                    label, event, goal = planned
                    observations.append((event.occurred_at, index, label, event))
                    if goal is not None:
                        goal.latest = max(goal.latest or event.occurred_at, event.occurred_at)
        if self.problems:
            raise MalformedDataError(self.problems, context="cannot import the FHIR Bundle")
        steps: Planned = []
        for goal in goals:
            if goal.proposed is None:
                continue
            steps.append((goal.label, _GOAL_ELEMENTS, goal.proposed))
            for member in goal.agreed:
                steps.append(
                    (
                        goal.label,
                        _ACCEPTANCE_ELEMENTS,
                        ev.GoalAgreed(
                            goal_id=goal.proposed.goal_id, actor=member, occurred_at=self.when
                        ),
                    )
                )
        observations.sort(key=lambda o: (o[0], o[1]))
        steps += [(label, _OBSERVATION_ELEMENTS, event) for _, _, label, event in observations]
        for goal in goals:
            if goal.proposed is not None:
                status = self.status_event(goal, goal.proposed.goal_id)
                if status is not None:
                    steps.append((goal.label, _STATUS_ELEMENTS, status))
        return steps

    def status_event(self, goal: _GoalPlan, goal_id: str) -> ev.Event | None:
        at = max(self.when, goal.latest) if goal.latest is not None else self.when
        actor = self.actor
        if goal.lifecycle == "on-hold":
            return ev.GoalPutOnHold(
                goal_id=goal_id,
                reason=goal.reason or "On hold in the FHIR Goal",
                actor=actor,
                occurred_at=at,
            )
        if goal.lifecycle == "completed":
            return ev.GoalAchieved(goal_id=goal_id, note=goal.reason, actor=actor, occurred_at=at)
        if goal.lifecycle in ("cancelled", "rejected"):
            return ev.GoalDiscontinued(
                goal_id=goal_id,
                reason=goal.reason or f"{goal.lifecycle.capitalize()} in the FHIR Goal",
                actor=actor,
                occurred_at=at,
            )
        return None

    def collect(self, label: str, problems: list[str]) -> None:
        self.problems.extend(f"{label}: {problem}" for problem in problems)

    # --- goals ------------------------------------------------------------------------------

    def goal(self, entry: _Entry) -> _GoalPlan:
        resource, path, keys = entry.resource, entry.path, entry.keys
        label = self.label(resource, path)
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
        plan = _GoalPlan(label, keys, None, [], str(lifecycle), reason)
        if lifecycle == "entered-in-error":
            return plan
        self.check_subject(resource, path, problems)
        goal_id = self.record_id(resource, GOAL_ID)
        domain = self.domain(resource, path, problems)
        statement = _text_of(resource.get("description"))
        if statement is None:
            problems.append(f"no description text @ {path}.description")
        notes = [n for n in _list(resource.get("note")) if isinstance(n, dict)]
        why = _text(notes[0].get("text")) if notes else None
        target = self.target(resource, path, problems)
        gas = self.gas_scale(resource, path, problems)
        mastery = self.mastery(resource, path, problems)
        proposer_ref = resource.get("expressedBy", resource.get("source"))
        proposer = self.current_member(self.member_of(proposer_ref), self.when) or self.actor
        agreed: list[str] = []
        for extension in _extensions(resource, GOAL_ACCEPTANCE):
            parts = {
                part.get("url"): part
                for part in _list(extension.get("extension"))
                if isinstance(part, dict)
            }
            if _get(parts.get("status"), "valueCode") != "agree":
                continue
            member = self.current_member(
                self.member_of(_get(parts.get("individual"), "valueReference")), self.when
            )
            if member is not None and member != proposer and member not in agreed:
                agreed.append(member)
        if lifecycle in _NEEDS_SHARED:
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

    def target(self, resource: Json, path: str, problems: list[str]) -> MeasurableTarget | None:
        targets = [t for t in _list(resource.get("target")) if isinstance(t, dict)]
        chosen = next((t for t in targets if "detailQuantity" in t), None)
        where = f"{path}.target[{targets.index(chosen) if chosen else 0}]"
        if chosen is None:
            problems.append(f"no target with a detailQuantity @ {path}.target")
            return None
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
        if len(problems) > before:
            return None
        assert metric is not None
        assert unit is not None
        assert value is not None
        assert baseline is not None
        assert due is not None
        direction = Direction.INCREASE if value >= baseline else Direction.DECREASE
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
            )
        except (ValidationError, ValueError) as error:
            problems.append(f"{error} @ {where}")
            return None

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
        self, resource: Json, path: str, goals: dict[str, _GoalPlan]
    ) -> tuple[str, ev.ProgressRecorded, _GoalPlan | None] | None:
        label = self.label(resource, path)
        status = resource.get("status")
        if status in _SKIPPED_OBSERVATION_STATUS:
            return None
        problems: list[str] = []
        if status not in _IMPORTED_OBSERVATION_STATUS:
            problems.append(
                f"status must be final, amended or corrected (or entered-in-error or "
                f"cancelled, which are skipped), not {status!r} @ {path}.status"
            )
        self.check_subject(resource, path, problems)
        goal_plan: _GoalPlan | None = None
        goal_id: str | None = None
        links = _extensions(resource, PERTAINS_TO_GOAL)
        link = links[0].get("valueReference") if links else None
        reference = _get(link, "reference")
        if isinstance(reference, str) and reference in goals:
            goal_plan = goals[reference]
            if goal_plan.lifecycle == "entered-in-error":
                return None
            goal_id = goal_plan.proposed.goal_id if goal_plan.proposed is not None else None
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
        moment = _moment(resource.get("effectiveDateTime", resource.get("effectiveInstant")))
        if moment is None:
            problems.append(
                f"expected a date and time with a UTC offset @ {path}.effectiveDateTime"
            )
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
        value: float | None = None
        if "valueQuantity" in resource:
            value = _number(_get(resource["valueQuantity"], "value"))
            if value is None:
                problems.append(f"expected a number @ {path}.valueQuantity.value")
        elif "valueInteger" in resource:
            value = _number(resource["valueInteger"])
            if value is None:
                problems.append(f"expected a whole number @ {path}.valueInteger")
        gas_level = None
        for component in _list(resource.get("component")):
            codes = {
                (_get(f, "system"), _get(f, "code"))
                for f in _list(_get(_get(component, "code"), "coding"))
            }
            if (OBSERVATION_COMPONENT, GAS_LEVEL_CODE) in codes:
                gas_level = _get(component, "valueInteger")
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
        notes = [
            _text(_get(n, "text"))
            for n in _list(resource.get("note"))
            if isinstance(n, dict) and "time" not in n
        ]
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
            element = _OBSERVATION_ELEMENTS.get(error.field, error.field)
            self.collect(label, [f"{error.reason} @ {path}.{element}"])
            return None
        return label, event, goal_plan


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


def _moment(value: object) -> pendulum.DateTime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return pendulum.instance(moment).in_timezone("UTC")
