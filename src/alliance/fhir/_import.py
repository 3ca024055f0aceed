"""FHIR Goals, Observations and completed measures recorded into a partnership (private; use
:func:`alliance.fhir.import_bundle`)."""

from __future__ import annotations

import datetime as dt

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
    GAS_LEVEL_CODE,
    GOAL_ACCEPTANCE,
    GOAL_ID,
    OBSERVATION_COMPONENT,
    OBSERVATION_ID,
    PERSON_ID,
    PERTAINS_TO_GOAL,
    Ids,
    Json,
)
from alliance.fhir._import_bundle import Entry, read_entries
from alliance.fhir._import_elements import (
    as_list,
    date_time,
    effective_time,
    extensions,
    gas_scale,
    get,
    goal_domain,
    goal_outcome,
    mastery_criterion,
    measurable_target,
    no_value,
    observation_audience,
    observation_kind,
    observation_setting,
    observed_value,
    person_id,
    progress_details,
    record_id,
    text,
    text_of,
)
from alliance.fhir._import_measures import MEASURE_TYPES, Measures
from alliance.fhir._import_report import ImportedResource, ImportReport, SkippedItem
from alliance.fhir._import_subject import ThisChild
from alliance.model import _checks as c
from alliance.model.people import Child, MemberRole
from alliance.model.progress import ObservationKind
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership

WHY_NOT_STATED = "Not stated in the imported FHIR Goal"
"""``why_it_matters`` of an imported goal that has no note, and the reason of its
proposer's concern or objection (``goal-acceptance`` carries no reason)."""
CORRECTION_NOT_STATED = "Not stated in the imported FHIR Observation (status 'corrected')"
"""The reason of the correction of an imported ``corrected`` Observation without the
correction note alliance writes."""
_CORRECTION_PREFIX = "Corrected: "
"""How the text of the note alliance writes for a correction begins."""
_PROPOSER_POSITIONS = {"pending": ev.GoalConcernNoted, "disagree": ev.GoalObjected}

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
_CORRECTION_ELEMENTS = {
    "observation_id": "identifier",
    "occurred_at": "note.time",
    "actor": "note.authorReference",
    "value": "valueQuantity",
    "gas_level": "component(gas-level)",
}
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
    """Record the ``Goal``, ``Observation`` and ``QuestionnaireResponse`` resources of a
    FHIR *bundle* into *partnership*, all of them or (on any error) none, and return the
    events recorded.

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
    """Record the ``Goal``, ``Observation`` and ``QuestionnaireResponse`` resources of a
    FHIR *bundle* into *partnership*, all of them or (on any error) none, and report what
    was recorded and what was skipped, and why.

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
    - each QuestionnaireResponse is a completed measure (``MeasureCompleted``), on the
      instrument its Questionnaire (in the bundle) defines, by its ``source``, recorded
      by its ``author`` (*actor* when it names no current member), with the note of the
      Observation of its total, whose value and interpretation must be the answers';
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
        for source in ((step.label, step.path), *step.also):
            by_resource.setdefault(source, []).append(step.event)
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


@attrs.define
class _GoalPlan:
    """What is to be recorded for one Goal of the bundle."""

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
    units: tuple[str, ...] = ()
    """The UCUM code, other code and unit its FHIR target gave (see ``measurable_target``)."""
    skipped: bool = False
    latest: pendulum.DateTime | None = None
    lifecycle: str = "proposed"
    proposer_position: str | None = None
    """The proposer's own ``goal-acceptance`` when it is not ``agree`` (``pending`` or
    ``disagree``): recorded as their concern or objection."""


@attrs.frozen
class _Step:
    """One event to record, the resource it came from, and (for errors raised on recording it)
    the FHIR elements its fields were read from."""

    label: str
    path: str
    elements: dict[str, str]
    event: ev.Event
    also: tuple[tuple[str, str], ...] = ()
    """The other resources it was read from (a measure's Questionnaire), as (label, path)."""


Planned = list[_Step]


class _Reader:
    """Reads a bundle into the events that import it (:meth:`plan`), collecting every
    problem and what is skipped."""

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
        """Index *bundle*'s resources, and the FHIR ids alliance's exports give *state*'s child,
        members and goals."""
        self.state = state
        self.actor = actor
        self.when = when
        self.ids = Ids(state)
        patient_id = self.ids.patient(state.child_id)
        self.child = ThisChild(
            identifiers=child_identifiers,
            own_patient=frozenset({f"urn:uuid:{patient_id}", f"Patient/{patient_id}"}),
            about_this_child=about_this_child,
        )
        self.problems: list[str] = []
        self.skipped: list[SkippedItem] = []
        self.order: list[str] = []
        """Every path of the bundle the report may name, in the bundle's order."""
        self.entries = read_entries(
            bundle, order=self.order, skipped=self.skipped, problems=self.problems
        )
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

    def resolve(self, ref: object, container: Json | None = None) -> Json | None:
        """The resource a reference points to: in the bundle, or (``#id``) among the
        ``contained`` resources of *container*."""
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        target: str = ref["reference"]
        if target.startswith("#"):
            for found in as_list(get(container, "contained")):
                if isinstance(found, dict) and found.get("id") == target[1:]:
                    return found
            return None
        return self.by_key.get(target)

    # --- people ---------------------------------------------------------------------------

    def member_of(self, ref: object) -> str | None:
        """The member id a reference names, or None."""
        resource = self.resolve(ref)
        if resource is not None:
            kind = resource.get("resourceType")
            if kind == "PractitionerRole":
                practitioner = self.resolve(resource.get("practitioner"))
                if practitioner is not None:
                    return person_id(practitioner)
                return self.own_members.get(str(get(resource.get("practitioner"), "reference")))
            if kind in ("RelatedPerson", "Practitioner"):
                return person_id(resource)
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
        """*member_id* if it names a current member who had joined by *by*, else ``None``."""
        if member_id is None:
            return None
        membership = self.state.members.get(member_id)
        if membership is None or not membership.is_current or membership.joined_at > by:
            return None
        return member_id

    def check_subject(self, entry: Entry, problems: list[str]) -> None:
        """A problem unless *entry*'s subject is this partnership's child (see
        :meth:`ThisChild.check_subject`)."""
        resource = entry.resource
        target = self.resolve(resource.get("subject"), entry.container or resource)
        self.child.check_subject(resource, entry.path, target, problems)

    # --- planning -------------------------------------------------------------------------

    def plan(self) -> Planned:
        """The events that import the bundle, in order: each Goal proposed and agreed, the
        Observations by time, then each Goal's status event.

        Raises:
            MalformedDataError: every problem found in the bundle.
        """
        goals: list[_GoalPlan] = []
        observations: list[tuple[pendulum.DateTime, int, int, _Step]] = []
        measures = Measures(self)
        for entry in self.entries:
            kind = entry.resource["resourceType"]
            if kind == "Goal":
                goals.append(self.goal(entry))
            elif kind not in MEASURE_TYPES | {"Observation"} and entry.container is None:
                self.skip(
                    entry,
                    "not imported: alliance imports Goal, Observation and QuestionnaireResponse "
                    "resources (and the Goals and Observations they contain, and the "
                    "Questionnaires answered); other resources are read only to resolve "
                    "references",
                )
        goal_by_key = {key: g for g in goals for key in g.keys}
        for index, entry in enumerate(self.entries):
            if entry.resource["resourceType"] == "Observation" and not measures.is_total(entry):
                planned = self.observation(entry, goal_by_key)
                if planned is not None:
                    event, goal, elements, correction = planned
                    step = _Step(entry.label, entry.path, elements, event)
                    observations.append((event.occurred_at, index, 0, step))
                    if correction is not None:
                        fixed = _Step(entry.label, entry.path, _CORRECTION_ELEMENTS, correction)
                        observations.append((correction.occurred_at, index, 1, fixed))
                    if goal is not None:
                        goal.latest = max(goal.latest or event.occurred_at, event.occurred_at)
        index_of = {entry.path: index for index, entry in enumerate(self.entries)}
        for found in measures.plan():
            step = _Step(found.label, found.path, found.elements, found.event, found.also)
            observations.append((found.event.occurred_at, index_of[found.path], 0, step))
        if self.problems:
            raise MalformedDataError(self.problems, context="cannot import the FHIR Bundle")
        steps: Planned = []
        for goal in goals:
            if goal.proposed is None:
                continue
            steps.append(_Step(goal.label, goal.path, _GOAL_ELEMENTS, goal.proposed))
            # the proposer's own concern or objection: before the others' agreements for
            # a goal still proposed (so that it stays so), after them for one that was
            # shared (so that it was)
            position = self.proposer_position(goal, goal.proposed)
            if position is not None and goal.lifecycle == "proposed":
                steps.append(position)
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
            if position is not None and goal.lifecycle != "proposed":
                steps.append(position)
        observations.sort(key=lambda o: (o[0], o[1], o[2]))
        steps += [step for _, _, _, step in observations]
        for goal in goals:
            if goal.proposed is not None:
                status = self.status_event(goal, goal.proposed.goal_id)
                if status is not None:
                    steps.append(_Step(goal.label, goal.path, _STATUS_ELEMENTS, status))
        return steps

    def proposer_position(self, goal: _GoalPlan, proposed: ev.GoalProposed) -> _Step | None:
        """The step that records the proposer's own concern or objection, if the Goal's
        ``goal-acceptance`` for them says ``pending`` or ``disagree``."""
        if goal.proposer_position is None:
            return None
        event = _PROPOSER_POSITIONS[goal.proposer_position](
            goal_id=proposed.goal_id,
            reason=WHY_NOT_STATED,
            actor=proposed.actor,
            occurred_at=self.when,
        )
        return _Step(goal.label, goal.path, _ACCEPTANCE_ELEMENTS, event)

    def skip(self, entry: Entry, reason: str, path: str | None = None) -> None:
        """Report *entry* (or the part of it at *path*) as skipped, and why."""
        self.skipped.append(SkippedItem(label=entry.label, path=path or entry.path, reason=reason))

    def status_event(self, goal: _GoalPlan, goal_id: str) -> ev.Event | None:
        """The event that puts *goal* on hold, achieves or discontinues it (``None``: none), at
        its last observation if that is later than the import."""
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
        """Add the *problems* of the resource *label* to those the import is refused for."""
        self.problems.extend(f"{label}: {problem}" for problem in problems)

    # --- goals ------------------------------------------------------------------------------

    def goal(self, entry: Entry) -> _GoalPlan:
        """What to record for the Goal *entry*; its problems are collected."""
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
        plan = _GoalPlan(label, path, keys, None, [], None, "", reason, lifecycle=str(lifecycle))
        if lifecycle == "entered-in-error":
            plan.skipped = True
            self.skip(entry, "lifecycleStatus 'entered-in-error': skipped")
            return plan
        plan.outcome, plan.default_reason = goal_outcome(str(lifecycle), resource, path, problems)
        self.check_subject(entry, problems)
        goal_id = record_id(resource, GOAL_ID)
        domain = goal_domain(resource, path, problems)
        statement = text_of(resource.get("description"))
        if statement is None:
            problems.append(f"no description text @ {path}.description")
        notes = [n for n in as_list(resource.get("note")) if isinstance(n, dict)]
        why = text(notes[0].get("text")) if notes else None
        target, plan.units = measurable_target(resource, path, problems)
        gas = gas_scale(resource, path, problems)
        mastery = mastery_criterion(resource, path, problems)
        proposer_ref = resource.get("expressedBy", resource.get("source"))
        proposer = self.current_member(self.member_of(proposer_ref), self.when) or self.actor
        agreed: list[str] = []
        for index, extension in enumerate(as_list(resource.get("extension"))):
            if get(extension, "url") != GOAL_ACCEPTANCE:
                continue
            parts = {
                part.get("url"): part
                for part in as_list(extension.get("extension"))
                if isinstance(part, dict)
            }
            status = get(parts.get("status"), "valueCode")
            where = f"{path}.extension[{index}]"
            member = self.current_member(
                self.member_of(get(parts.get("individual"), "valueReference")), self.when
            )
            if status in _PROPOSER_POSITIONS and member == proposer:
                # proposing counts as agreeing: the proposer's own concern or objection
                # is recorded, without the reason FHIR does not carry
                plan.proposer_position = plan.proposer_position or str(status)
                continue
            if status != "agree":
                self.skip(
                    entry,
                    f"goal-acceptance {status!r} not imported: FHIR carries no reason for it, "
                    "and a position is each member's own to take",
                    where,
                )
                continue
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

    # --- observations ------------------------------------------------------------------------

    def observation(
        self, entry: Entry, goals: dict[str, _GoalPlan]
    ) -> (
        tuple[ev.ProgressRecorded, _GoalPlan | None, dict[str, str], ev.ProgressCorrected | None]
        | None
    ):
        """The progress event for the Observation *entry*, the plan of the bundle's Goal it
        pertains to, the FHIR elements its fields were read from, and (for a ``corrected``
        one) its correction; ``None`` when it is skipped or has problems (collected)."""
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
        units: tuple[str, ...] = ()
        links = extensions(resource, PERTAINS_TO_GOAL)
        link = links[0].get("valueReference") if links else None
        reference = get(link, "reference")
        if isinstance(reference, str) and reference.startswith("#"):
            reference = f"{entry.scope}{reference}"
        if isinstance(reference, str) and reference in goals:
            goal_plan = goals[reference]
            if goal_plan.skipped:
                self.skip(entry, f"pertains to {goal_plan.label}, which is skipped")
                return None
            if goal_plan.proposed is not None:
                goal_id = goal_plan.proposed.goal_id
                units = (*goal_plan.units, goal_plan.proposed.target.unit)
        elif isinstance(reference, str) and reference in self.own_goals:
            goal_id = self.own_goals[reference]
        elif get(get(link, "identifier"), "system") == GOAL_ID and isinstance(
            get(get(link, "identifier"), "value"), str
        ):
            goal_id = get(get(link, "identifier"), "value")
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
            units = (self.state.goals[goal_id].target.unit,)
        moment, element, period_note = effective_time(resource, path, problems)
        performers = as_list(resource.get("performer"))
        observer = self.actor
        if performers:
            found = next(
                (m for m in (self.member_of(p) for p in performers) if m is not None), None
            )
            if found is None:
                problems.append(f"no performer is a member of this partnership @ {path}.performer")
            else:
                observer = found
        value, converted = observed_value(resource, path, goal_id, units, problems)
        gas_level = None
        for index, component in enumerate(as_list(resource.get("component"))):
            codes = {
                (get(f, "system"), get(f, "code"))
                for f in as_list(get(get(component, "code"), "coding"))
            }
            if (OBSERVATION_COMPONENT, GAS_LEVEL_CODE) in codes:
                gas_level = get(component, "valueInteger")
            else:
                self.skip(
                    entry,
                    f"component[{index}] ({text_of(get(component, 'code')) or 'no code text'})"
                    " not imported: alliance reads only its own gas-level component",
                    f"{path}.component[{index}]",
                )
        setting = observation_setting(resource, path, problems)
        kind = observation_kind(resource, path, problems)
        if kind is None:
            kind = (
                ObservationKind.SESSION
                if self.state.role_of(observer) is MemberRole.PROFESSIONAL
                else ObservationKind.EVERYDAY
            )
        notes = []
        correction_note: tuple[int, Json] | None = None
        for index, found_note in enumerate(as_list(resource.get("note"))):
            if not isinstance(found_note, dict):
                continue
            written = text(found_note.get("text"))
            if (
                status == "corrected"
                and correction_note is None
                and "time" in found_note
                and written is not None
                and written.startswith(_CORRECTION_PREFIX)
                and text(written.removeprefix(_CORRECTION_PREFIX)) is not None
            ):
                correction_note = (index, found_note)
                continue
            if "time" in found_note:
                self.skip(
                    entry,
                    f"note[{index}] not imported: a note with a time is read as a note about "
                    "the record (alliance writes its corrections so), not about the observation",
                    f"{path}.note[{index}]",
                )
                continue
            notes.append(text(found_note.get("text")))
        if period_note is not None:
            notes.append(period_note)
        if converted is not None:
            notes.append(converted)
        note = "\n\n".join(n for n in notes if n is not None) or None
        details = progress_details(resource, path, problems)
        audience = observation_audience(resource, path, problems)
        if value is None and gas_level is None and not problems:
            problems.append(no_value(resource, path))
        if problems or goal_id is None or moment is None:
            self.collect(label, problems)
            return None
        try:
            event = ev.ProgressRecorded(
                audience=audience,
                **details,
                observation_id=record_id(resource, OBSERVATION_ID),
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
        correction = None
        if status == "corrected":
            correction = self.correction(event, label, path, correction_note)
            if correction is None:
                return None
        return event, goal_plan, {**_OBSERVATION_ELEMENTS, "occurred_at": element}, correction

    def correction(
        self,
        observed: ev.ProgressRecorded,
        label: str,
        path: str,
        note: tuple[int, Json] | None,
    ) -> ev.ProgressCorrected | None:
        """The correction of the ``corrected`` Observation recorded as *observed*: by whom,
        when and why its correction *note* says (the note alliance writes: ``authorReference``,
        ``time``, ``"Corrected: <reason>"``), its values the Observation's (FHIR carries only
        the corrected ones). Without such a note, by its observer, at the later of the import
        and the observation, for a reason not stated. ``None`` on a problem (collected)."""
        actor, at, reason = observed.actor, max(self.when, observed.occurred_at), None
        if note is not None:
            index, found = note
            where = f"{path}.note[{index}]"
            problems: list[str] = []
            moment = date_time(found.get("time"), f"{where}.time", problems)
            if moment is None:
                self.collect(label, problems)
                return None
            at = moment
            actor = self.current_member(self.member_of(found.get("authorReference")), at) or actor
            reason = str(found["text"]).removeprefix(_CORRECTION_PREFIX)
        try:
            return ev.ProgressCorrected(
                observation_id=observed.observation_id,
                reason=reason or CORRECTION_NOT_STATED,
                value=observed.value,
                gas_level=observed.gas_level,
                actor=actor,
                occurred_at=at,
            )
        except ValidationError as error:
            self.collect(label, [f"{error.reason} @ {path}.note"])
            return None
