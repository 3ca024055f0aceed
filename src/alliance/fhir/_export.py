"""A partnership as an HL7 FHIR Bundle (private; use :func:`alliance.fhir.export_bundle`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from alliance.errors import NotAMemberError
from alliance.fhir._common import (
    AUDIENCE_EXTENSION,
    BASELINE_EXTENSION,
    BCP_47,
    CHECK_IN_ID,
    CHECK_IN_KIND,
    CHECK_IN_PURPOSE,
    CLINIC_ID,
    CONFIDENTIALITY,
    DISCIPLINE,
    FEEDBACK_ID,
    FEEDBACK_KIND,
    FEEDBACK_RESPONSE,
    GAS_LEVEL_CODE,
    GAS_SCALE_EXTENSION,
    GOAL_ACCEPTANCE,
    GOAL_ACHIEVEMENT,
    GOAL_CATEGORY,
    GOAL_DOMAIN,
    GOAL_ID,
    MASTERY_EXTENSION,
    MEMBER_ROLE,
    OBSERVATION_CATEGORY,
    OBSERVATION_COMPONENT,
    OBSERVATION_DETAILS_EXTENSION,
    OBSERVATION_ID,
    OBSERVATION_KIND,
    PARTICIPATION_MODE,
    PARTNERSHIP_ID,
    PERSON_ID,
    PERTAINS_TO_GOAL,
    PLACEHOLDER_NAME,
    PROFESSIONAL_ROLE,
    PROGRESS_CORE,
    PROGRESS_NOT_EXPORTED,
    SETTING_EXTENSION,
    STRATEGY_ID,
    TARGET_CORE,
    TARGET_DETAILS_EXTENSION,
    FhirVersion,
    Ids,
    Json,
    check_version,
    coding,
    concept,
    date,
    date_time,
    details_extension,
    identifier,
    number,
    reference,
)
from alliance.fhir._export_codes import (
    ACCEPTANCE,
    ACHIEVEMENT_DISPLAY,
    CARE_PLAN_STATUS,
    CARE_TEAM_STATUS,
    MEDIUM,
    PAYLOAD_LABELS,
    relationship_concept,
)
from alliance.fhir._measures import measure_resources
from alliance.fhir._units import ucum_coding
from alliance.model.audience import EVERYONE, Audience, AudienceScope
from alliance.model.check_ins import CheckIn
from alliance.model.feedback import FeedbackItem, FeedbackKind
from alliance.model.goals import (
    Direction,
    Goal,
    GoalDomain,
    MasteryCriterion,
    MeasurableTarget,
)
from alliance.model.home_practice import HomePracticeStrategy
from alliance.model.membership import Membership
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.people import (
    Carer,
    CarerRelationship,
    Child,
    MemberRole,
    Professional,
)
from alliance.model.progress import Observation, ProgressRecorded
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership
from alliance.model.visibility import as_seen_by

Person = Child | Carer | Professional


def export_bundle(
    partnership_or_state: Partnership | PartnershipState,
    people: Mapping[str, Person],
    *,
    version: FhirVersion = "R4",
    viewer: str | None = None,
) -> Json:
    """The partnership as a FHIR ``Bundle`` of type ``collection``: JSON-ready dicts.

    See :mod:`alliance.fhir` and ``docs/fhir.md`` for what becomes which resource.

    Args:
        partnership_or_state: a :class:`alliance.Partnership` or its state (a
            ``PartnershipState``, for example one read ``as_of`` a moment).
        people: the person records (``Child``, ``Carer``, ``Professional``) by id, for
            names and contact details. A person without a record gets a placeholder
            name.
        version: ``"R4"`` (the default; R4B has the same shape for these resources) or
            ``"R5"``.
        viewer: export only what this member may see (see ``docs/fhir.md``); ``None``
            for everything.

    Raises:
        ValidationError: *version* is not ``"R4"`` or ``"R5"``.
        NotAMemberError: *viewer* is not a current member of the partnership.
    """
    state = (
        partnership_or_state.state
        if isinstance(partnership_or_state, Partnership)
        else partnership_or_state
    )
    return _Exporter(state, people, check_version(version), viewer).bundle()


def _pruned(value: Any) -> Any:
    """*value* without ``None``, empty lists and empty dicts (FHIR JSON forbids them)."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if not _empty(v)}
    if isinstance(value, list):
        items = [_pruned(v) for v in value]
        return [v for v in items if not _empty(v)]
    return value


def _empty(value: Any) -> bool:
    return value is None or value in ([], {})


def _labelled(audience: Audience, resource: Json) -> Json:
    """*resource*, labelled ``restricted`` and given its audience when that is narrower
    than everyone."""
    found = _restricted(audience)
    if not found:
        return resource
    resource["meta"] = found["meta"]
    resource["extension"] = [*resource.get("extension", []), found["audience"]]
    return resource


def _restricted(audience: Audience) -> dict[str, Any]:
    """The ``meta`` security label and ``audience`` extension of a record whose audience
    is narrower than everyone (nothing for everyone)."""
    if audience.scope is AudienceScope.EVERYONE:
        return {}
    parts: list[Json] = [{"url": "scope", "valueCode": audience.scope.value}]
    parts += [
        {"url": "member", "valueIdentifier": identifier(PERSON_ID, member)}
        for member in sorted(audience.members)
    ]
    return {
        "meta": {"security": [coding(CONFIDENTIALITY, "R", "restricted")]},
        "audience": {"url": AUDIENCE_EXTENSION, "extension": parts},
    }


class _Exporter:
    def __init__(
        self,
        state: PartnershipState,
        people: Mapping[str, Person],
        version: FhirVersion,
        viewer: str | None,
    ) -> None:
        self.state = state
        self.people = people
        self.version = version
        self.viewer = viewer
        self.viewer_role: MemberRole | None = None
        if viewer is not None:
            try:
                state = as_seen_by(state, viewer)  # only a current member has a view
            except NotAMemberError as exc:
                raise NotAMemberError("viewer", exc.reason) from None
            self.viewer_role = state.role_of(viewer)
            self.state = state
        self.ids = Ids(state)
        self.zone = state.time_zone

    # --- helpers ---------------------------------------------------------------------------

    @property
    def r5(self) -> bool:
        return self.version == "R5"

    def when(self, moment: Any) -> str:
        return date_time(moment, self.zone)

    def local_date(self, moment: Any) -> str:
        return date(self.state.local_date(moment))

    def patient_ref(self) -> Json:
        return reference("Patient", self.ids.patient(self.state.child_id))

    def goal_and_setting(self, goal_id: str, setting: Setting) -> list[Json]:
        """The extensions naming the goal a record pertains to and where it happens."""
        return [
            {"url": PERTAINS_TO_GOAL, "valueReference": reference("Goal", self.ids.goal(goal_id))},
            {"url": SETTING_EXTENSION, "valueCode": setting.value},
        ]

    def member_ref(self, member_id: str, *, role: bool = True) -> Json:
        """A reference to a member: a carer's ``RelatedPerson``; a professional's
        ``PractitionerRole`` (or, where the element does not allow it, *role* false, their
        ``Practitioner``)."""
        membership = self.state.members.get(member_id)
        if membership is None:  # never a member (cannot happen in a recorded timeline)
            return {"identifier": identifier(PERSON_ID, member_id)}
        if membership.role is MemberRole.CARER:
            return reference("RelatedPerson", self.ids.related_person(member_id))
        if role:
            return reference("PractitionerRole", self.ids.practitioner_role(member_id))
        return reference("Practitioner", self.ids.practitioner(member_id))

    def name(self, person_id: str) -> list[Json]:
        record = self.people.get(person_id)
        return [{"text": record.name if record is not None else PLACEHOLDER_NAME}]

    def display_name(self, person_id: str) -> str:
        record = self.people.get(person_id)
        return record.name if record is not None else person_id

    def telecom(self, person_id: str, use: str | None) -> list[Json]:
        record = self.people.get(person_id)
        if not isinstance(record, Carer | Professional):
            return []
        points = []
        if record.contact.email is not None:
            points.append({"system": "email", "value": record.contact.email, "use": use})
        if record.contact.phone is not None:
            points.append({"system": "phone", "value": record.contact.phone, "use": use})
        return points

    def language(self, person_id: str) -> str | None:
        record = self.people.get(person_id)
        if isinstance(record, Child):
            return record.preferred_language
        if isinstance(record, Carer | Professional):
            return record.preferences.language
        return None

    def period(self, membership: Membership) -> Json:
        return {
            "start": self.when(membership.joined_at),
            "end": None if membership.left_at is None else self.when(membership.left_at),
        }

    def payload(self, text: str) -> Json:
        # R5 dropped contentString; a CodeableConcept's text carries plain text there.
        if self.r5:
            return {"contentCodeableConcept": {"text": text}}
        return {"contentString": text}

    # --- what the viewer may see ------------------------------------------------------------

    def sees_contact_of(self, person_id: str) -> bool:
        """A carer sees no other carer's contact details (separated households)."""
        if self.viewer_role is not MemberRole.CARER or person_id == self.viewer:
            return True
        membership = self.state.members.get(person_id)
        return membership is None or membership.role is not MemberRole.CARER

    def sees_check_in(self, check_in: CheckIn) -> bool:
        """A carer sees the check-ins they took part in or recorded."""
        if self.viewer_role is not MemberRole.CARER:
            return True
        return self.viewer in check_in.participants or self.viewer == check_in.recorded_by

    # --- the bundle -------------------------------------------------------------------------

    def bundle(self) -> Json:
        state = self.state
        resources: list[Json] = [self.patient()]
        carers = [m for m in state.members.values() if m.role is MemberRole.CARER]
        professionals = [m for m in state.members.values() if m.role is MemberRole.PROFESSIONAL]
        resources += [self.related_person(m) for m in carers]
        resources += [self.practitioner(m) for m in professionals]
        resources += [self.practitioner_role(m) for m in professionals]
        resources.append(self.care_team())
        resources += [self.goal(g) for g in state.goals.values()]
        # by when they were observed; those observed at the same moment in the order they
        # were recorded (as PartnershipState.observations_for has them)
        observations = sorted(state.observations.values(), key=lambda o: o.observed_at)
        resources += [self.observation(o) for o in observations]
        resources += measure_resources(self)
        strategies = list(state.strategies.values())
        if strategies:
            resources.append(self.care_plan(strategies))
            if self.r5:
                resources += [self.service_request(s) for s in strategies]
        resources += [self.check_in(c) for c in state.check_ins.values() if self.sees_check_in(c)]
        for item in state.feedback.values():
            resources.append(self.feedback(item))
            if item.answer is not None:
                resources.append(self.feedback_answer(item))
        bundle: Json = _pruned(
            {
                "resourceType": "Bundle",
                "id": self.ids.bundle(self.viewer),
                "type": "collection",
                "timestamp": self.when(state.last_event_at),
                "entry": [
                    {"fullUrl": f"urn:uuid:{resource['id']}", "resource": _pruned(resource)}
                    for resource in resources
                ],
            }
        )
        return bundle

    # --- people -------------------------------------------------------------------------------

    def patient(self) -> Json:
        child_id = self.state.child_id
        record = self.people.get(child_id)
        language = self.language(child_id)
        return {
            "resourceType": "Patient",
            "id": self.ids.patient(child_id),
            "identifier": [
                identifier(PERSON_ID, child_id),
                *(
                    identifier(found.system, found.value)
                    for found in (record.identifiers if isinstance(record, Child) else ())
                ),
            ],
            "name": self.name(child_id),
            "birthDate": (
                date(record.date_of_birth)
                if isinstance(record, Child) and record.date_of_birth is not None
                else None
            ),
            "communication": [
                {"language": concept(coding(BCP_47, language)), "preferred": True}
                for language in ([language] if language is not None else [])
            ],
        }

    def related_person(self, membership: Membership) -> Json:
        member_id = membership.member_id
        relationship = membership.relationship or CarerRelationship.OTHER
        language = self.language(member_id)
        return {
            "resourceType": "RelatedPerson",
            "id": self.ids.related_person(member_id),
            "identifier": [identifier(PERSON_ID, member_id)],
            "active": membership.is_current,
            "patient": self.patient_ref(),
            "relationship": [relationship_concept(relationship, self.version)],
            "name": self.name(member_id),
            "telecom": self.telecom(member_id, None) if self.sees_contact_of(member_id) else [],
            "communication": [
                {"language": concept(coding(BCP_47, language)), "preferred": True}
                for language in ([language] if language is not None else [])
            ],
            "period": self.period(membership),
        }

    def practitioner(self, membership: Membership) -> Json:
        member_id = membership.member_id
        language = self.language(member_id)
        languages = [language] if language is not None else []
        communication: list[Json] = (
            [{"language": concept(coding(BCP_47, lang)), "preferred": True} for lang in languages]
            if self.r5
            else [concept(coding(BCP_47, lang)) for lang in languages]
        )
        return {
            "resourceType": "Practitioner",
            "id": self.ids.practitioner(member_id),
            "identifier": [identifier(PERSON_ID, member_id)],
            "name": self.name(member_id),
            "telecom": self.telecom(member_id, "work"),
            "communication": communication,
        }

    def practitioner_role(self, membership: Membership) -> Json:
        member_id = membership.member_id
        return {
            "resourceType": "PractitionerRole",
            "id": self.ids.practitioner_role(member_id),
            "active": membership.is_current,
            "period": self.period(membership),
            "practitioner": reference("Practitioner", self.ids.practitioner(member_id)),
            "organization": {"identifier": identifier(CLINIC_ID, self.state.clinic_id)},
            "code": [
                concept(coding(PROFESSIONAL_ROLE, membership.professional_role.value))
                if membership.professional_role is not None
                else {}
            ],
            "specialty": [
                concept(coding(DISCIPLINE, membership.discipline.value))
                if membership.discipline is not None
                else {}
            ],
        }

    def care_team(self) -> Json:
        state = self.state
        participants: list[Json] = []
        for membership in state.members.values():
            role = concept(coding(MEMBER_ROLE, membership.role.value))
            member = self.member_ref(membership.member_id)
            period = self.period(membership)
            if self.r5:
                participants.append({"role": role, "member": member, "coveragePeriod": period})
            else:
                participants.append({"role": [role], "member": member, "period": period})
        closed = state.status is PartnershipStatus.CLOSED
        return {
            "resourceType": "CareTeam",
            "id": self.ids.care_team(),
            "identifier": [identifier(PARTNERSHIP_ID, state.partnership_id)],
            "status": CARE_TEAM_STATUS[state.status],
            "subject": self.patient_ref(),
            "period": {
                "start": self.when(state.formed_at),
                "end": self.when(state.status_changed_at) if closed else None,
            },
            "participant": participants,
            "managingOrganization": [{"identifier": identifier(CLINIC_ID, state.clinic_id)}],
        }

    # --- goals and observations -------------------------------------------------------------

    def goal(self, goal: Goal) -> Json:
        state = self.state
        observations = state.observations_for(goal.goal_id)
        values = [o.value for o in observations if o.value is not None]
        achievement = goal.fhir_achievement_status(values)
        version = goal.current
        target = version.target
        codings = [coding(GOAL_DOMAIN, goal.domain.value)]
        if goal.domain is GoalDomain.BEHAVIOUR:
            codings.append(coding(GOAL_CATEGORY, "behavioral", "Behavioral"))
        extensions: list[Json | None] = []
        if version.gas_scale is not None:
            extensions.append(
                {
                    "url": GAS_SCALE_EXTENSION,
                    "extension": [
                        {"url": "weight", "valueDecimal": number(version.gas_scale.weight)},
                        *(
                            {
                                "url": "level",
                                "extension": [
                                    {"url": "value", "valueInteger": level.level},
                                    {"url": "description", "valueString": level.description},
                                ],
                            }
                            for level in version.gas_scale.levels
                        ),
                    ],
                }
            )
        if version.mastery is not None:
            extensions.append(
                details_extension(
                    MASTERY_EXTENSION,
                    version.mastery,
                    [a.name for a in attrs.fields(MasteryCriterion)],
                )
            )
        extensions += [
            {
                "url": GOAL_ACCEPTANCE,
                "extension": [
                    {
                        "url": "individual",
                        "valueReference": self.member_ref(position.member_id, role=False),
                    },
                    {"url": "status", "valueCode": ACCEPTANCE[position.position]},
                ],
            }
            for position in goal.positions.values()
        ]
        proposer = self.member_ref(goal.proposed_by)
        latest = observations[-1] if observations and goal.status.is_closed else None
        outcome = (
            reference("Observation", self.ids.observation(latest.observation_id))
            if latest
            else None
        )
        resource: Json = {
            "resourceType": "Goal",
            "id": self.ids.goal(goal.goal_id),
            "extension": extensions,
            "identifier": [identifier(GOAL_ID, goal.goal_id)],
            "lifecycleStatus": goal.status.fhir_lifecycle_status,
            "achievementStatus": concept(
                coding(GOAL_ACHIEVEMENT, achievement, ACHIEVEMENT_DISPLAY[achievement])
            ),
            "category": [concept(*codings)],
            "description": {"text": version.statement},
            "subject": self.patient_ref(),
            "startDate": None if goal.shared_at is None else self.local_date(goal.shared_at),
            "target": [
                {
                    "extension": [
                        {
                            "url": BASELINE_EXTENSION,
                            "valueQuantity": {
                                "value": number(target.baseline),
                                "unit": target.unit,
                                **ucum_coding(target.unit),
                            },
                        },
                        details_extension(
                            TARGET_DETAILS_EXTENSION,
                            target,
                            [
                                a.name
                                for a in attrs.fields(MeasurableTarget)
                                if a.name not in TARGET_CORE
                            ],
                        ),
                    ],
                    "measure": {"text": target.metric},
                    "detailQuantity": {
                        "value": number(target.target),
                        "comparator": ">=" if target.direction is Direction.INCREASE else "<=",
                        "unit": target.unit,
                        **ucum_coding(target.unit),
                    },
                    "dueDate": date(target.due),
                }
            ],
            "statusDate": self.local_date(goal.status_changed_at),
            "statusReason": goal.status_reason,
            "note": [
                {
                    "authorReference": self.member_ref(version.written_by, role=False),
                    "time": self.when(version.written_at),
                    "text": version.why_it_matters,
                }
            ],
        }
        if self.r5:
            resource["source"] = proposer
            resource["outcome"] = [{"reference": outcome}] if outcome else []
        else:
            resource["expressedBy"] = proposer
            resource["outcomeReference"] = [outcome] if outcome else []
        return resource

    def observation(self, observation: Observation) -> Json:
        goal = self.state.goals[observation.goal_id]
        target = goal.target
        notes: list[Json] = []
        if observation.note is not None:
            notes.append({"text": observation.note})
        corrected_by = observation.corrected_by
        if corrected_by is not None:
            notes.append(
                {
                    "authorReference": self.member_ref(corrected_by, role=False),
                    "time": (
                        None
                        if observation.corrected_at is None
                        else self.when(observation.corrected_at)
                    ),
                    "text": f"Corrected: {observation.correction_reason}",
                }
            )
        return _labelled(
            observation.audience,
            {
                "resourceType": "Observation",
                "id": self.ids.observation(observation.observation_id),
                "extension": [
                    *self.goal_and_setting(observation.goal_id, observation.setting),
                    details_extension(
                        OBSERVATION_DETAILS_EXTENSION,
                        observation,
                        [
                            a.name
                            for a in attrs.fields(ProgressRecorded)
                            if a.name not in PROGRESS_CORE | PROGRESS_NOT_EXPORTED
                        ],
                    ),
                ],
                "identifier": [identifier(OBSERVATION_ID, observation.observation_id)],
                "status": "final" if corrected_by is None else "corrected",
                "category": [concept(coding(OBSERVATION_CATEGORY, "therapy", "Therapy"))],
                "code": {"text": target.metric},
                "subject": self.patient_ref(),
                "effectiveDateTime": self.when(observation.observed_at),
                "performer": [self.member_ref(observation.observer)],
                "valueQuantity": (
                    None
                    if observation.value is None
                    else {
                        "value": number(observation.value),
                        "unit": target.unit,
                        **ucum_coding(target.unit),
                    }
                ),
                "note": notes,
                "method": concept(coding(OBSERVATION_KIND, observation.kind.value)),
                "component": (
                    []
                    if observation.gas_level is None
                    else [
                        {
                            "code": concept(
                                coding(OBSERVATION_COMPONENT, GAS_LEVEL_CODE),
                                text="Goal Attainment Scaling level",
                            ),
                            "valueInteger": observation.gas_level,
                        }
                    ]
                ),
            },
        )

    # --- home practice ------------------------------------------------------------------------

    def timing(self, strategy: HomePracticeStrategy) -> Json:
        return {"repeat": {"frequency": strategy.times_per_week, "period": 1, "periodUnit": "wk"}}

    def progress(self, strategy: HomePracticeStrategy) -> list[Json]:
        return [
            {
                "authorReference": self.member_ref(change.adapted_by, role=False),
                "time": self.when(change.adapted_at),
                "text": f"Adapted to {change.times_per_week} times a week: "
                f"{change.description}. Why: {change.reason}",
            }
            for change in strategy.adaptations
        ]

    def care_plan(self, strategies: list[HomePracticeStrategy]) -> Json:
        goal_ids = list(dict.fromkeys(s.goal_id for s in strategies))
        activities = []
        for strategy in strategies:
            if self.r5:
                activities.append(
                    {
                        "plannedActivityReference": reference(
                            "ServiceRequest", self.ids.service_request(strategy.strategy_id)
                        ),
                        "progress": self.progress(strategy),
                    }
                )
                continue
            activities.append(
                {
                    "progress": self.progress(strategy),
                    "detail": {
                        "extension": [
                            {"url": SETTING_EXTENSION, "valueCode": strategy.setting.value}
                        ],
                        "goal": [reference("Goal", self.ids.goal(strategy.goal_id))],
                        "status": "in-progress" if strategy.is_active else "stopped",
                        "statusReason": (
                            None if strategy.stop_reason is None else {"text": strategy.stop_reason}
                        ),
                        "scheduledTiming": self.timing(strategy),
                        "performer": [self.member_ref(c) for c in sorted(strategy.carers)],
                        "description": strategy.description,
                    },
                }
            )
        return {
            "resourceType": "CarePlan",
            "id": self.ids.care_plan(),
            "status": CARE_PLAN_STATUS[self.state.status],
            "intent": "plan",
            "title": "Home practice",
            "subject": self.patient_ref(),
            "period": {"start": self.when(min(s.planned_at for s in strategies))},
            "careTeam": [reference("CareTeam", self.ids.care_team())],
            "goal": [reference("Goal", self.ids.goal(g)) for g in goal_ids],
            "activity": activities,
        }

    def service_request(self, strategy: HomePracticeStrategy) -> Json:
        notes = []
        if strategy.stopped_at is not None:
            notes.append(
                {"time": self.when(strategy.stopped_at), "text": f"Stopped: {strategy.stop_reason}"}
            )
        return {
            "resourceType": "ServiceRequest",
            "id": self.ids.service_request(strategy.strategy_id),
            "extension": self.goal_and_setting(strategy.goal_id, strategy.setting),
            "identifier": [identifier(STRATEGY_ID, strategy.strategy_id)],
            "status": "active" if strategy.is_active else "revoked",
            "intent": "plan",
            "code": {"concept": {"text": strategy.description}},
            "subject": self.patient_ref(),
            "occurrenceTiming": self.timing(strategy),
            "authoredOn": self.when(strategy.planned_at),
            "requester": self.member_ref(strategy.planned_by),
            "performer": [self.member_ref(c) for c in sorted(strategy.carers)],
            "note": notes,
        }

    # --- check-ins and feedback -------------------------------------------------------------

    def communication(
        self,
        resource_id: str,
        category: list[Json],
        *,
        sent: Any,
        sender: str,
        recipients: Iterable[str],
        texts: Iterable[str],
        identifiers: list[Json] | None = None,
        medium: list[Json] | None = None,
        in_response_to: list[Json] | None = None,
        about: list[Json] | None = None,
        audience: Audience = EVERYONE,
    ) -> Json:
        """A completed ``Communication`` about the child: *texts* sent by *sender* to
        *recipients* at *sent*, labelled for its *audience*; the elements not given are
        left out."""
        return _labelled(
            audience,
            {
                "resourceType": "Communication",
                "id": resource_id,
                "identifier": identifiers,
                "status": "completed",
                "category": category,
                "medium": medium,
                "inResponseTo": in_response_to,
                "subject": self.patient_ref(),
                "about": about,
                "sent": self.when(sent),
                "sender": self.member_ref(sender),
                "recipient": [self.member_ref(m) for m in recipients],
                "payload": [self.payload(text) for text in texts],
            },
        )

    def check_in(self, check_in: CheckIn) -> Json:
        texts = [
            f"{label}: {text}"
            for attribute, label in PAYLOAD_LABELS
            for text in getattr(check_in, attribute)
        ]
        texts += [
            f"Action: {item.description} ({self.display_name(item.owner)}, "
            f"by {item.due.isoformat()})"
            for item in check_in.action_items
        ]
        code, display = MEDIUM[check_in.channel]
        return self.communication(
            self.ids.check_in(check_in.check_in_id),
            [
                concept(coding(CHECK_IN_KIND, check_in.kind.value)),
                concept(coding(CHECK_IN_PURPOSE, check_in.purpose.value)),
            ],
            identifiers=[identifier(CHECK_IN_ID, check_in.check_in_id)],
            medium=[concept(coding(PARTICIPATION_MODE, code, display))],
            sent=check_in.held_at,
            sender=check_in.recorded_by,
            recipients=sorted(m for m in check_in.participants if m != check_in.recorded_by),
            texts=texts,
            audience=check_in.audience,
        )

    def feedback(self, item: FeedbackItem) -> Json:
        receiving = (
            MemberRole.CARER
            if item.kind is FeedbackKind.PROGRESS_UPDATE
            else MemberRole.PROFESSIONAL
        )
        about: list[Json] = []
        if item.goal_id is not None:
            about.append(reference("Goal", self.ids.goal(item.goal_id)))
        if item.strategy_id is not None:
            about.append(
                reference("ServiceRequest", self.ids.service_request(item.strategy_id))
                if self.r5
                else reference("CarePlan", self.ids.care_plan())
            )
        return self.communication(
            self.ids.feedback(item.feedback_id),
            [concept(coding(FEEDBACK_KIND, item.kind.value))],
            identifiers=[identifier(FEEDBACK_ID, item.feedback_id)],
            about=about,
            sent=item.given_at,
            sender=item.given_by,
            recipients=(
                m.member_id
                for m in self.state.members.values()
                if m.role is receiving and m.was_member_at(item.given_at)
            ),
            texts=[item.message],
            audience=item.audience,
        )

    def feedback_answer(self, item: FeedbackItem) -> Json:
        answer = item.answer
        assert answer is not None
        return self.communication(
            self.ids.feedback_answer(item.feedback_id),
            [concept(coding(FEEDBACK_RESPONSE, answer.response.value))],
            in_response_to=[reference("Communication", self.ids.feedback(item.feedback_id))],
            sent=answer.answered_at,
            sender=answer.answered_by,
            recipients=[item.given_by],
            texts=[] if answer.message is None else [answer.message],
        )
