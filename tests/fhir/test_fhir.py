"""HL7 FHIR export and import (:mod:`alliance.fhir`).

- every exported resource validates with the ``fhir.resources`` models (R4B models for
  R4, R5 models for R5), for the sample partnership and for generated histories;
- every code the export emits is in its value set (``fhir.resources`` does not check
  codes), and every reference resolves inside the bundle;
- the sample partnership's export, field by field, in R4 and R5;
- stable ids, the viewer hook, placeholder names;
- import: a round trip (export, import into a fresh partnership, export again), over
  the sample and over generated goals and observations; errors naming the resource and
  the element; all or nothing.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pendulum
import pytest
from fhir.resources import get_fhir_model_class as r5_model
from fhir.resources.R4B import get_fhir_model_class as r4_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.demo import sample_partnership, sample_people
from alliance.fhir import PLACEHOLDER_NAME, WHY_NOT_STATED, export_bundle, import_bundle
from alliance.model.checks import MAX_COUNT
from alliance.testing import strategies as s

Json = dict[str, Any]
VERSIONS = ("R4", "R5")
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"
GOAL_ACCEPTANCE = "http://hl7.org/fhir/StructureDefinition/goal-acceptance"

# --- value sets, from the FHIR specification (R4 4.0.1 and R5 5.0.0) -----------------------
#
# Written out here, not taken from the library, so that a wrong code in the library fails.

GOAL_LIFECYCLE = {
    "proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled",
    "entered-in-error", "rejected",
}  # fmt: skip
CARE_TEAM_STATUS = {"proposed", "active", "suspended", "inactive", "entered-in-error"}
EVENT_STATUS = {
    "preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
    "entered-in-error", "unknown",
}  # fmt: skip
OBSERVATION_STATUS = {
    "registered", "preliminary", "final", "amended", "corrected", "cancelled",
    "entered-in-error", "unknown",
}  # fmt: skip
REQUEST_STATUS = {
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
}
CARE_PLAN_INTENT = {
    "R4": {"proposal", "plan", "order", "option"},
    "R5": {"proposal", "plan", "order", "option", "directive"},
}
REQUEST_INTENT = {
    "proposal", "plan", "directive", "order", "original-order", "reflex-order",
    "filler-order", "instance-order", "option",
}  # fmt: skip
CARE_PLAN_ACTIVITY_STATUS = {
    "not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled", "stopped",
    "unknown", "entered-in-error",
}  # fmt: skip
GOAL_ACCEPTANCE_STATUS = {"agree", "disagree", "pending"}
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
QUESTIONNAIRE_RESPONSE_STATUS = {
    "in-progress", "completed", "amended", "entered-in-error", "stopped",
}  # fmt: skip
QUANTITY_COMPARATOR = {"<", "<=", ">=", ">"}
UNITS_OF_TIME = {"s", "min", "h", "d", "wk", "mo", "a"}
CONTACT_POINT_SYSTEM = {"phone", "fax", "email", "pager", "url", "sms", "other"}
CONTACT_POINT_USE = {"home", "work", "temp", "old", "mobile"}

# Every HL7 code system the export may use, with the codes allowed and their displays.
HL7_CODES: dict[str, dict[str, str]] = {
    "http://terminology.hl7.org/CodeSystem/goal-achievement": {
        "in-progress": "In Progress", "improving": "Improving", "worsening": "Worsening",
        "no-change": "No Change", "achieved": "Achieved", "sustaining": "Sustaining",
        "not-achieved": "Not Achieved", "no-progress": "No Progress",
        "not-attainable": "Not Attainable",
    },
    "http://terminology.hl7.org/CodeSystem/goal-category": {
        "dietary": "Dietary", "safety": "Safety", "behavioral": "Behavioral",
        "nursing": "Nursing", "physiotherapy": "Physiotherapy",
    },
    "http://terminology.hl7.org/CodeSystem/observation-category": {
        "social-history": "Social History", "vital-signs": "Vital Signs",
        "imaging": "Imaging", "laboratory": "Laboratory", "procedure": "Procedure",
        "survey": "Survey", "exam": "Exam", "therapy": "Therapy", "activity": "Activity",
    },
    # The v3 ObservationInterpretation codes of high, low and normal (Observation.interpretation).
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation": {
        "L": "Low", "H": "High", "N": "Normal", "A": "Abnormal",
    },
    # The v3 Confidentiality codes (the security labels' confidentiality value set).
    "http://terminology.hl7.org/CodeSystem/v3-Confidentiality": {
        "U": "unrestricted", "L": "low", "M": "moderate", "N": "normal",
        "R": "restricted", "V": "very restricted",
    },
    # The v3 ParticipationMode codes of the R4 release (R5's adds messaging-app codes).
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode": {
        "ELECTRONIC": "electronic data", "PHYSICAL": "physical presence",
        "REMOTE": "remote presence", "VERBAL": "verbal", "DICTATE": "dictated",
        "FACE": "face-to-face", "PHONE": "telephone", "VIDEOCONF": "videoconferencing",
        "WRITTEN": "written", "FAXWRIT": "telefax", "HANDWRIT": "handwritten",
        "MAILWRIT": "mail", "ONLINEWRIT": "online written", "EMAILWRIT": "email",
        "TYPEWRIT": "typewritten",
    },
    # The carers' part of v3 RoleCode: personal relationships in R4's RelatedPerson
    # relationship value set (tests/fhir/test_fhir_relationships.py has the value sets).
    "http://terminology.hl7.org/CodeSystem/v3-RoleCode": {
        "PRN": "parent", "MTH": "mother", "FTH": "father", "STPPRN": "step parent",
        "ADOPTP": "adoptive parent", "PRNFOST": "foster parent", "MTHFOST": "foster mother",
        "FTHFOST": "foster father", "GRPRN": "grandparent", "GRMTH": "grandmother",
        "GRFTH": "grandfather", "FAMMEMB": "family member",
    },
    # The v3 RoleClass codes in R5's RelatedPerson relationship value set.
    "http://terminology.hl7.org/CodeSystem/v3-RoleClass": {
        "NOT": "notary public", "ECON": "emergency contact", "NOK": "next of kin",
        "GUARD": "guardian", "DEPEN": "dependent", "EMP": "employee", "GUAR": "guarantor",
        "CAREGIVER": "caregiver",
    },
    "http://terminology.hl7.org/CodeSystem/v2-0131": {
        "C": "Emergency Contact", "E": "Employer", "F": "Federal Agency",
        "I": "Insurance Company", "N": "Next-of-Kin", "O": "Other", "S": "State Agency",
        "U": "Unknown",
    },
}  # fmt: skip
# The HL7 code systems of the relationship codes the export writes on RelatedPerson, per
# version (R4: v3 RoleCode personal relationships and HL7 v2 table 0131; R5: v3 RoleClass
# and table 0131), besides alliance's own.
RELATIONSHIP_SYSTEMS = {
    "R4": {
        "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
        "http://terminology.hl7.org/CodeSystem/v2-0131",
    },
    "R5": {
        "http://terminology.hl7.org/CodeSystem/v3-RoleClass",
        "http://terminology.hl7.org/CodeSystem/v2-0131",
    },
}
RESOURCE_TYPES = {
    "Patient", "RelatedPerson", "Practitioner", "PractitionerRole", "CareTeam", "Goal",
    "Observation", "CarePlan", "ServiceRequest", "Communication", "Questionnaire",
    "QuestionnaireResponse",
}  # fmt: skip


# --- checks ---------------------------------------------------------------------------------


def model_for(version: str) -> Any:
    return r4_model if version == "R4" else r5_model


def resources(bundle: Json, resource_type: str | None = None) -> list[Json]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if resource_type is None or e["resource"]["resourceType"] == resource_type
    ]


def validate(bundle: Json, version: str) -> None:
    """Validate the bundle and each resource with the fhir.resources models."""
    model = model_for(version)
    json.dumps(bundle, allow_nan=False)  # JSON-ready: no NaN, no objects
    model("Bundle").model_validate(bundle)
    for resource in resources(bundle):
        model(resource["resourceType"]).model_validate(resource)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)


def check_codes(bundle: Json, version: str) -> None:
    """Every code the export emits is in its value set."""
    assert bundle["type"] == "collection"
    for resource in resources(bundle):
        kind = resource["resourceType"]
        assert kind in RESOURCE_TYPES
        if kind == "Goal":
            assert resource["lifecycleStatus"] in GOAL_LIFECYCLE
            for extension in resource.get("extension", []):
                if extension["url"] == GOAL_ACCEPTANCE:
                    parts = {p["url"]: p for p in extension["extension"]}
                    assert parts["status"]["valueCode"] in GOAL_ACCEPTANCE_STATUS
        elif kind == "CareTeam":
            assert resource["status"] in CARE_TEAM_STATUS
        elif kind == "Communication":
            assert resource["status"] in EVENT_STATUS
        elif kind == "Observation":
            assert resource["status"] in OBSERVATION_STATUS
        elif kind == "Questionnaire":
            assert resource["status"] in PUBLICATION_STATUS
        elif kind == "QuestionnaireResponse":
            assert resource["status"] in QUESTIONNAIRE_RESPONSE_STATUS
        elif kind == "CarePlan":
            assert resource["status"] in REQUEST_STATUS
            assert resource["intent"] in CARE_PLAN_INTENT[version]
            for activity in resource.get("activity", []):
                if "detail" in activity:
                    assert version == "R4"
                    assert activity["detail"]["status"] in CARE_PLAN_ACTIVITY_STATUS
        elif kind == "ServiceRequest":
            assert version == "R5"
            assert resource["status"] in REQUEST_STATUS
            assert resource["intent"] in REQUEST_INTENT
        elif kind == "RelatedPerson":
            systems = {c["system"] for r in resource["relationship"] for c in r["coding"]}
            hl7 = systems - {"urn:alliance:code:carer-relationship"}
            assert hl7, resource["relationship"]
            assert hl7 <= RELATIONSHIP_SYSTEMS[version], resource["relationship"]
        for path, value in walk(resource):
            if not isinstance(value, dict):
                continue
            system, code = value.get("system"), value.get("code")
            if isinstance(system, str) and system.startswith("http://terminology.hl7.org"):
                assert system in HL7_CODES, f"{kind}{path}: unexpected code system {system}"
                assert code in HL7_CODES[system], f"{kind}{path}: {code!r} not in {system}"
                assert value.get("display") == HL7_CODES[system][code], f"{kind}{path}"
            if path.endswith(("detailQuantity", "valueQuantity")) and "comparator" in value:
                assert value["comparator"] in QUANTITY_COMPARATOR
            if path.endswith(".repeat"):
                assert value["periodUnit"] in UNITS_OF_TIME
            if path.endswith(".telecom"):
                assert value["system"] in CONTACT_POINT_SYSTEM
                assert value.get("use", "work") in CONTACT_POINT_USE


def check_references(bundle: Json) -> None:
    """Ids are valid and unique; every urn:uuid reference resolves, to the type it says."""
    by_url: dict[str, Json] = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert FHIR_ID.match(resource["id"])
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert entry["fullUrl"] not in by_url
        by_url[entry["fullUrl"]] = resource
    for resource in resources(bundle):
        for path, value in walk(resource):
            if isinstance(value, dict) and isinstance(value.get("reference"), str):
                target = by_url.get(value["reference"])
                assert target is not None, f"{resource['resourceType']}{path}: dangling"
                assert value["type"] == target["resourceType"], path


def check(bundle: Json, version: str) -> None:
    validate(bundle, version)
    check_codes(bundle, version)
    check_references(bundle)


# --- the sample -----------------------------------------------------------------------------


def by_identifier(bundle: Json, resource_type: str, value: str) -> Json:
    found = [
        r
        for r in resources(bundle, resource_type)
        if any(i["value"] == value for i in r.get("identifier", []))
    ]
    assert len(found) == 1, (resource_type, value)
    return found[0]


def target_of(bundle: Json, ref: Json) -> Json:
    matches = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == ref["reference"]]
    assert len(matches) == 1
    return matches[0]


def person_of(bundle: Json, ref: Json) -> str:
    """The alliance person id behind a reference (via PractitionerRole.practitioner)."""
    resource = target_of(bundle, ref)
    if resource["resourceType"] == "PractitionerRole":
        resource = target_of(bundle, resource["practitioner"])
    (value,) = [
        i["value"] for i in resource["identifier"] if i["system"] == "urn:alliance:id:person"
    ]
    return str(value)


def extension(element: Json, url: str) -> Json:
    (found,) = [e for e in element.get("extension", []) if e["url"] == url]
    return found


def parts(element: Json) -> dict[str, Any]:
    return {
        p["url"]: next(v for k, v in p.items() if k.startswith("value"))
        for p in element["extension"]
    }


def text_payloads(communication: Json) -> list[str]:
    found = []
    for payload in communication.get("payload", []):
        if "contentString" in payload:
            found.append(payload["contentString"])
        elif "contentCodeableConcept" in payload:
            found.append(payload["contentCodeableConcept"]["text"])
        else:  # pragma: no cover - the export writes text only
            found.append(base64.b64decode(payload["contentAttachment"]["data"]).decode())
    return found


@pytest.fixture(scope="module")
def sample() -> al.Partnership:
    return sample_partnership()


@pytest.mark.parametrize("version", VERSIONS)
def test_the_sample_export_validates_with_valid_codes(sample: al.Partnership, version: str) -> None:
    bundle = export_bundle(sample, sample_people(), version=version)
    check(bundle, version)
    counts: dict[str, int] = {}
    for resource in resources(bundle):
        counts[resource["resourceType"]] = counts.get(resource["resourceType"], 0) + 1
    expected = {
        "Patient": 1, "RelatedPerson": 2, "Practitioner": 2, "PractitionerRole": 2,
        "CareTeam": 1, "Goal": 2, "Observation": 34, "CarePlan": 1, "Communication": 7,
    }  # fmt: skip
    if version == "R5":
        expected["ServiceRequest"] = 2
    assert counts == expected


def test_the_sample_people_and_care_team_field_by_field(sample: al.Partnership) -> None:
    bundle = export_bundle(sample, sample_people())
    assert bundle["timestamp"] == "2025-05-01T10:00:00+01:00"  # the last event, local time
    (patient,) = resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Sam"}]
    assert patient["birthDate"] == "2019-09-14"
    assert patient["identifier"] == [{"system": "urn:alliance:id:person", "value": "sam"}]
    assert patient["communication"] == [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}, "preferred": True}
    ]

    maria = by_identifier(bundle, "RelatedPerson", "maria")
    assert maria["name"] == [{"text": "Maria"}]
    assert maria["active"] is True
    assert maria["patient"]["reference"] == f"urn:uuid:{patient['id']}"
    assert maria["relationship"] == [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                    "code": "PRN",
                    "display": "parent",
                },
                {"system": "urn:alliance:code:carer-relationship", "code": "parent"},
            ]
        }
    ]
    assert maria["communication"][0]["language"]["coding"][0]["code"] == "es"
    assert maria["period"] == {"start": "2025-01-06T09:00:00+00:00"}
    assert "telecom" not in maria  # no contact details on record

    okafor = by_identifier(bundle, "Practitioner", "okafor")
    assert okafor["name"] == [{"text": "Ms Okafor (reception teacher)"}]
    assert okafor["communication"] == [
        {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}
    ]  # R4: a CodeableConcept per language
    (okafor_role,) = [
        r
        for r in resources(bundle, "PractitionerRole")
        if r["practitioner"]["reference"] == f"urn:uuid:{okafor['id']}"
    ]
    assert okafor_role["active"] is True
    assert okafor_role["code"][0]["coding"][0]["code"] == "educator"
    assert okafor_role["specialty"][0]["coding"][0]["code"] == "teaching"
    assert okafor_role["period"]["start"] == "2025-01-16T10:00:00+00:00"
    assert okafor_role["organization"] == {
        "identifier": {"system": "urn:alliance:id:clinic", "value": "riverside-clinic"}
    }

    (team,) = resources(bundle, "CareTeam")
    assert team["status"] == "active"
    assert team["identifier"] == [{"system": "urn:alliance:id:partnership", "value": "p-sam"}]
    assert team["subject"]["reference"] == f"urn:uuid:{patient['id']}"
    assert team["period"] == {"start": "2025-01-06T09:00:00+00:00"}
    members = {person_of(bundle, p["member"]): p for p in team["participant"]}
    assert set(members) == {"ana", "maria", "david", "okafor"}
    assert members["maria"]["role"][0]["coding"][0]["code"] == "carer"
    assert members["ana"]["role"][0]["coding"][0]["code"] == "professional"
    assert members["ana"]["member"]["type"] == "PractitionerRole"


def test_the_sample_goals_field_by_field(sample: al.Partnership) -> None:
    bundle = export_bundle(sample, sample_people())
    requests = by_identifier(bundle, "Goal", "g-requests")
    assert requests["lifecycleStatus"] == "completed"
    assert requests["achievementStatus"]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
            "code": "achieved",
            "display": "Achieved",
        }
    ]
    assert requests["category"] == [
        {"coding": [{"system": "urn:alliance:code:goal-domain", "code": "communication"}]}
    ]
    assert requests["description"] == {"text": "Sam asks for what he wants with two-word phrases"}
    assert requests["startDate"] == "2025-01-13"  # shared when Ana agreed
    assert requests["statusDate"] == "2025-04-30"
    assert requests["statusReason"].startswith("Three sessions in a row at nine or more.")
    (target,) = requests["target"]
    assert target["measure"] == {"text": "two-word requests"}
    assert target["detailQuantity"] == {"value": 10, "comparator": ">=", "unit": "per session"}
    assert target["dueDate"] == "2025-06-30"
    assert extension(target, "urn:alliance:ext:goal-baseline")["valueQuantity"] == {
        "value": 2,
        "unit": "per session",
    }
    assert person_of(bundle, requests["expressedBy"]) == "maria"  # Maria proposed it
    (why,) = requests["note"]
    assert why["text"].startswith("Fewer tears at snack time")
    assert person_of(bundle, why["authorReference"]) == "maria"
    acceptance = {
        person_of(bundle, parts(e)["individual"]): parts(e)["status"]
        for e in requests["extension"]
        if e["url"] == GOAL_ACCEPTANCE
    }
    assert acceptance == {"maria": "agree", "ana": "agree"}
    gas = extension(requests, "urn:alliance:ext:gas-scale")
    levels = [parts(p) for p in gas["extension"] if p["url"] == "level"]
    assert [level["value"] for level in levels] == [-2, -1, 0, 1, 2]
    assert levels[2]["description"] == "Two-word requests in most sessions"
    mastery = parts(extension(requests, "urn:alliance:ext:mastery"))
    assert mastery["threshold"] == 9
    assert mastery["consecutive"] == 3
    assert mastery["comparison"] == ">="
    assert mastery["frame"] == "sessions"
    (outcome,) = requests["outcomeReference"]  # the latest observation of a closed goal
    assert by_identifier(bundle, "Observation", "o-req-16")["id"] in outcome["reference"]

    dressing = by_identifier(bundle, "Goal", "g-dressing")
    assert dressing["lifecycleStatus"] == "active"
    # 13 then 12 minutes, and the goal is to go down: improving
    assert dressing["achievementStatus"]["coding"][0]["code"] == "improving"
    (target,) = dressing["target"]
    assert target["detailQuantity"] == {"value": 12, "comparator": "<=", "unit": "minutes"}
    assert target["dueDate"] == "2025-06-30"  # the revised target
    assert "statusReason" not in dressing
    assert "outcomeReference" not in dressing
    assert person_of(bundle, dressing["expressedBy"]) == "ana"
    acceptance = {
        person_of(bundle, parts(e)["individual"]): parts(e)["status"]
        for e in dressing["extension"]
        if e["url"] == GOAL_ACCEPTANCE
    }
    assert acceptance == {"ana": "agree", "david": "agree"}  # on the revised version


def test_the_sample_observations_field_by_field(sample: al.Partnership) -> None:
    bundle = export_bundle(sample, sample_people())
    requests = by_identifier(bundle, "Goal", "g-requests")
    first = by_identifier(bundle, "Observation", "o-req-2")
    assert first["status"] == "final"
    assert first["effectiveDateTime"] == "2025-01-20T15:00:00+00:00"
    assert first["valueQuantity"] == {"value": 3, "unit": "per session"}
    assert first["code"] == {"text": "two-word requests"}
    assert first["category"][0]["coding"][0]["code"] == "therapy"
    assert first["method"]["coding"] == [
        {"system": "urn:alliance:code:observation-kind", "code": "session"}
    ]
    assert person_of(bundle, first["performer"][0]) == "ana"
    assert extension(first, PERTAINS_TO_GOAL)["valueReference"] == {
        "reference": f"urn:uuid:{requests['id']}",
        "type": "Goal",
    }
    assert extension(first, "urn:alliance:ext:setting")["valueCode"] == "clinic"
    (gas,) = first["component"]
    assert gas["valueInteger"] == -1
    assert gas["code"]["coding"][0]["code"] == "gas-level"

    school = by_identifier(bundle, "Observation", "o-school-4")
    assert school["note"] == [{"text": "Counted during snack time in class"}]
    assert school["method"]["coding"][0]["code"] == "everyday"
    assert extension(school, "urn:alliance:ext:setting")["valueCode"] == "school"
    assert person_of(bundle, school["performer"][0]) == "okafor"

    dressing = by_identifier(bundle, "Observation", "o-dress-3")
    assert dressing["valueQuantity"] == {"value": 22, "unit": "minutes"}
    assert person_of(bundle, dressing["performer"][0]) == "david"
    assert dressing["performer"][0]["type"] == "RelatedPerson"
    assert "component" not in dressing
    # British Summer Time: the local offset is kept
    late = by_identifier(bundle, "Observation", "o-req-16")
    assert late["effectiveDateTime"] == "2025-04-28T15:00:00+01:00"
    times = [o["effectiveDateTime"] for o in resources(bundle, "Observation")]
    assert times == sorted(times, key=pendulum.parse)


def test_the_sample_home_practice_and_communications_field_by_field(
    sample: al.Partnership,
) -> None:
    bundle = export_bundle(sample, sample_people())
    (plan,) = resources(bundle, "CarePlan")
    assert plan["status"] == "active"
    assert plan["intent"] == "plan"
    assert len(plan["goal"]) == 2
    choices, steps = plan["activity"]
    detail = choices["detail"]
    assert detail["description"] == (
        "Offer two snacks, model the phrase once, then wait three seconds"
    )  # the adapted wording
    assert detail["status"] == "in-progress"
    assert detail["scheduledTiming"] == {
        "repeat": {"frequency": 5, "period": 1, "periodUnit": "wk"}
    }
    assert {person_of(bundle, p) for p in detail["performer"]} == {"maria", "david"}
    assert detail["goal"][0]["reference"] == (
        f"urn:uuid:{by_identifier(bundle, 'Goal', 'g-requests')['id']}"
    )
    (adapted,) = choices["progress"]
    assert "five-second wait was too long" in adapted["text"]
    assert person_of(bundle, adapted["authorReference"]) == "ana"
    assert steps["detail"]["scheduledTiming"]["repeat"]["frequency"] == 7

    intake = by_identifier(bundle, "Communication", "intake")
    assert intake["status"] == "completed"
    assert [c["coding"][0]["code"] for c in intake["category"]] == ["meeting", "intake"]
    assert intake["medium"][0]["coding"][0]["code"] == "FACE"
    assert intake["sent"] == "2025-01-06T10:00:00+00:00"
    assert person_of(bundle, intake["sender"]) == "ana"
    assert {person_of(bundle, r) for r in intake["recipient"]} == {"maria", "david"}
    assert text_payloads(intake) == [
        "Topic: What Sam enjoys",
        "Topic: What mornings and bedtimes are like at each home",
        "Good news: Sam has started pointing to show what he wants",
    ]
    review = by_identifier(bundle, "Communication", "review-feb")
    assert "Action: Send photos of the picture sequence to school (Maria, by 2025-02-14)" in (
        text_payloads(review)
    )

    update = by_identifier(bundle, "Communication", "fb-update-1")
    assert update["category"][0]["coding"][0]["code"] == "progress-update"
    assert text_payloads(update) == ["Sam used 'more juice' twice today without a model!"]
    assert {person_of(bundle, r) for r in update["recipient"]} == {"maria", "david"}
    assert update["about"][0]["type"] == "Goal"
    (answer,) = [
        c
        for c in resources(bundle, "Communication")
        if c.get("inResponseTo")
        == [{"reference": f"urn:uuid:{update['id']}", "type": "Communication"}]
    ]
    assert answer["category"][0]["coding"][0]["code"] == "acknowledged"
    assert person_of(bundle, answer["sender"]) == "maria"
    assert text_payloads(answer) == ["He said it at home too!"]

    home = by_identifier(bundle, "Communication", "fb-home-1")
    assert home["about"] == [{"reference": f"urn:uuid:{plan['id']}", "type": "CarePlan"}]
    # ana, then okafor (who joined later), are the professionals who received it
    assert {person_of(bundle, r) for r in home["recipient"]} == {"ana", "okafor"}


def test_the_sample_in_r5(sample: al.Partnership) -> None:
    bundle = export_bundle(sample, sample_people(), version="R5")
    requests = by_identifier(bundle, "Goal", "g-requests")
    assert "expressedBy" not in requests
    assert person_of(bundle, requests["source"]) == "maria"
    assert "outcomeReference" not in requests
    (outcome,) = requests["outcome"]
    assert outcome["reference"]["type"] == "Observation"

    (team,) = resources(bundle, "CareTeam")
    for participant in team["participant"]:
        assert isinstance(participant["role"], dict)  # one CodeableConcept in R5
        assert "coveragePeriod" in participant
        assert "period" not in participant

    ana = by_identifier(bundle, "Practitioner", "ana")
    assert ana["communication"] == [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}, "preferred": True}
    ]

    (plan,) = resources(bundle, "CarePlan")
    requests_by_ref = {a["plannedActivityReference"]["reference"] for a in plan["activity"]}
    choices = by_identifier(bundle, "ServiceRequest", "s-choices")
    assert f"urn:uuid:{choices['id']}" in requests_by_ref
    assert choices["status"] == "active"
    assert choices["intent"] == "plan"
    assert choices["code"] == {
        "concept": {"text": "Offer two snacks, model the phrase once, then wait three seconds"}
    }
    assert person_of(bundle, choices["requester"]) == "ana"
    assert extension(choices, PERTAINS_TO_GOAL)["valueReference"]["reference"] == (
        f"urn:uuid:{requests['id']}"
    )
    home = by_identifier(bundle, "Communication", "fb-home-1")
    assert home["about"] == [{"reference": f"urn:uuid:{choices['id']}", "type": "ServiceRequest"}]
    assert home["payload"] == [
        {
            "contentCodeableConcept": {
                "text": "Waiting five seconds at snack time leads to meltdowns at my place"
            }
        }
    ]


# --- ids, people, viewers ----------------------------------------------------------------------


def test_resource_ids_are_stable_across_exports(sample: al.Partnership) -> None:
    first = export_bundle(sample, sample_people())
    assert export_bundle(sample, sample_people()) == first
    # Exporting the state as it stood in February: every resource that existed then keeps
    # its id.
    earlier = export_bundle(sample.as_of(pendulum.datetime(2025, 2, 15, tz="UTC")), {})
    ids_now = {e["fullUrl"] for e in first["entry"]}
    ids_then = {e["fullUrl"] for e in earlier["entry"]}
    assert ids_then < ids_now
    # The same goal ids in another partnership are other resources.
    other = al.Partnership.from_events(
        [attrs.evolve(sample.events[0], partnership_id="p-other"), *sample.events[1:]]
    )
    other_ids = {
        e["fullUrl"]
        for e in export_bundle(other, {})["entry"]
        if e["resource"]["resourceType"] in ("Goal", "Observation", "CareTeam")
    }
    assert not other_ids & ids_now
    # ...but the child and the professionals, seen by the whole clinic, are the same.
    (patient_now,) = resources(first, "Patient")
    (patient_other,) = resources(export_bundle(other, {}), "Patient")
    assert patient_now["id"] == patient_other["id"]


def test_people_without_records_get_a_placeholder_name(sample: al.Partnership) -> None:
    people = sample_people()
    del people["david"], people["sam"]
    bundle = export_bundle(sample, people)
    check(bundle, "R4")
    assert by_identifier(bundle, "RelatedPerson", "david")["name"] == [{"text": PLACEHOLDER_NAME}]
    (patient,) = resources(bundle, "Patient")
    assert patient["name"] == [{"text": PLACEHOLDER_NAME}]
    assert "birthDate" not in patient
    nobody = export_bundle(sample, {}, version="R5")
    check(nobody, "R5")


def with_contacts_and_a_private_call(
    sample: al.Partnership,
) -> tuple[al.Partnership, dict[str, Any]]:
    partnership = al.Partnership.from_events(sample.events)
    partnership.record(
        al.events.CheckInHeld(
            check_in_id="call-david",
            kind=al.model.CheckInKind.CALL,
            channel=al.model.Channel.PHONE,
            participants=frozenset({"ana", "david"}),
            concerns=("Mornings at Harbour Road are hard this week",),
            actor="ana",
            occurred_at=pendulum.datetime(2025, 5, 1, 9, tz="Europe/London"),
        )
    )
    people: dict[str, Any] = dict(sample_people())
    people["david"] = attrs.evolve(
        people["david"], contact=al.model.ContactDetails(phone="+44 7700 900123")
    )
    people["maria"] = attrs.evolve(
        people["maria"], contact=al.model.ContactDetails(email="maria@example.org")
    )
    people["ana"] = attrs.evolve(
        people["ana"], contact=al.model.ContactDetails(phone="+44 20 7946 0000")
    )
    return partnership, people


def test_a_carer_sees_only_their_check_ins_and_no_other_carers_contact_details(
    sample: al.Partnership,
) -> None:
    partnership, people = with_contacts_and_a_private_call(sample)
    everything = export_bundle(partnership, people)
    check(everything, "R4")
    assert (
        by_identifier(everything, "Communication", "call-david")["medium"][0]["coding"][0]["code"]
        == "PHONE"
    )

    for_maria = export_bundle(partnership, people, viewer="maria")
    check(for_maria, "R4")
    check_ins = {
        i["value"]
        for c in resources(for_maria, "Communication")
        for i in c.get("identifier", [])
        if i["system"] == "urn:alliance:id:check-in"
    }
    assert check_ins == {"intake", "review-feb"}
    assert "telecom" not in by_identifier(for_maria, "RelatedPerson", "david")
    assert by_identifier(for_maria, "RelatedPerson", "maria")["telecom"] == [
        {"system": "email", "value": "maria@example.org"}
    ]
    assert by_identifier(for_maria, "Practitioner", "ana")["telecom"] == [
        {"system": "phone", "value": "+44 20 7946 0000", "use": "work"}
    ]
    # Goals and observations are the whole team's.
    assert len(resources(for_maria, "Observation")) == len(resources(everything, "Observation"))
    assert for_maria["id"] != everything["id"]

    for_david = export_bundle(partnership, people, viewer="david", version="R5")
    check(for_david, "R5")
    by_identifier(for_david, "Communication", "call-david")
    for_ana = export_bundle(partnership, people, viewer="ana")
    assert [e["fullUrl"] for e in for_ana["entry"]] == [e["fullUrl"] for e in everything["entry"]]


def test_a_viewer_gets_no_observation_its_audience_leaves_out(sample: al.Partnership) -> None:
    partnership = al.Partnership.from_events(sample.events)
    partnership.record(
        al.events.ProgressRecorded(
            observation_id="o-team-only",
            goal_id="g-dressing",
            setting=al.model.Setting.CLINIC,
            kind=al.model.ObservationKind.PROBE,
            value=2,
            audience=al.model.Audience.professionals(),
            actor="ana",
            occurred_at=partnership.state.last_event_at.add(hours=1),
        )
    )
    people = sample_people()
    everything = export_bundle(partnership, people)
    for_maria = export_bundle(partnership, people, viewer="maria")
    check(for_maria, "R4")
    team_only = by_identifier(everything, "Observation", "o-team-only")
    assert team_only["meta"] == {
        "security": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                "code": "R",
                "display": "restricted",
            }
        ]
    }
    assert team_only["extension"][-1] == {
        "url": "urn:alliance:ext:audience",
        "extension": [{"url": "scope", "valueCode": "professionals"}],
    }
    shown = {
        i["value"] for o in resources(for_maria, "Observation") for i in o.get("identifier", [])
    }
    assert "o-team-only" not in shown
    assert len(resources(for_maria, "Observation")) == len(resources(everything, "Observation")) - 1
    for_ana = export_bundle(partnership, people, viewer="ana")
    assert [e["fullUrl"] for e in for_ana["entry"]] == [e["fullUrl"] for e in everything["entry"]]


def test_the_viewer_must_be_a_current_member(sample: al.Partnership) -> None:
    with pytest.raises(al.NotAMemberError) as raised:
        export_bundle(sample, {}, viewer="sam")
    assert raised.value.field == "viewer"
    former = al.Partnership.from_events(sample.events)
    former.record(
        al.events.MemberLeft(
            member_id="david", actor="ana", occurred_at=pendulum.datetime(2025, 5, 2, tz="UTC")
        )
    )
    with pytest.raises(al.NotAMemberError):
        export_bundle(former, {}, viewer="david")
    bundle = export_bundle(former, {})
    assert by_identifier(bundle, "RelatedPerson", "david")["active"] is False
    assert by_identifier(bundle, "RelatedPerson", "david")["period"]["end"] == (
        "2025-05-02T01:00:00+01:00"
    )


def test_an_unknown_version_is_refused(sample: al.Partnership) -> None:
    with pytest.raises(al.ValidationError) as raised:
        export_bundle(sample, {}, version="R3")  # type: ignore[arg-type]
    assert raised.value.field == "version"


def test_the_fhir_functions_are_public() -> None:
    assert al.fhir.export_bundle is export_bundle
    assert al.fhir.import_bundle is import_bundle
    assert {"export_bundle", "import_bundle"} <= set(al.fhir.__all__)  # the fhir namespace


# --- generated histories ----------------------------------------------------------------------


@st.composite
def histories_with_people(
    draw: st.DrawFn,
) -> tuple[al.Partnership, dict[str, al.Child | al.Carer | al.Professional]]:
    partnership = s.replay(draw(s.partnership_histories(max_events=40)))
    state = partnership.state
    people: dict[str, al.Child | al.Carer | al.Professional] = {}
    if draw(st.booleans()):
        people[state.child_id] = attrs.evolve(draw(s.children()), id=state.child_id)
    for member_id, membership in state.members.items():
        if not draw(st.integers(0, 4)):
            continue  # now and then, no record: a placeholder name
        record = draw(s.carers() if membership.role is al.MemberRole.CARER else s.professionals())
        people[member_id] = attrs.evolve(record, id=member_id)
    return partnership, people


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(histories_with_people(), st.data())
def test_exports_of_generated_histories_validate(
    history: tuple[al.Partnership, Mapping[str, Any]], data: st.DataObject
) -> None:
    partnership, people = history
    viewer = data.draw(st.none() | st.sampled_from(sorted(partnership.state.current_members())))
    for version in VERSIONS:
        bundle = export_bundle(partnership, people, version=version, viewer=viewer)
        check(bundle, version)
        seen = partnership.state if viewer is None else al.as_seen_by(partnership.state, viewer)
        goals = resources(bundle, "Goal")
        assert len(goals) == len(seen.goals)
        observations = [o for o in resources(bundle, "Observation") if "derivedFrom" not in o]
        assert len(observations) == len(seen.observations)
        # each completed measure: a QuestionnaireResponse and the Observation of its total
        assert len(resources(bundle, "QuestionnaireResponse")) == len(seen.measures)
        assert len(resources(bundle, "Observation")) == len(observations) + len(seen.measures)
        restricted = [
            o
            for o in seen.observations.values()
            if o.audience.scope is not al.model.AudienceScope.EVERYONE
        ]
        labelled = [o for o in observations if "meta" in o]
        assert len(labelled) == len(restricted)
        for resource in labelled:
            assert resource["meta"]["security"][0]["code"] == "R"


# --- import -------------------------------------------------------------------------------------


def fresh_copy(state: al.PartnershipState, partnership_id: str = "p-copy") -> al.Partnership:
    """An empty partnership with the same child, zone and members (each joined when it was
    formed, with their latest role)."""
    founder = next(iter(state.members))
    copy_of = al.Partnership.form(
        al.events.PartnershipFormed(
            partnership_id=partnership_id,
            clinic_id=state.clinic_id,
            child_id=state.child_id,
            time_zone=state.time_zone,
            actor=founder,
            occurred_at=state.formed_at,
        ),
        policy=al.AllowAll(),  # importing is what is tested here, not who may record
    )
    joined: list[al.Event] = []
    for membership in state.members.values():
        common = {
            "member_id": membership.member_id,
            "actor": founder,
            "occurred_at": state.formed_at,
        }
        if membership.role is al.MemberRole.CARER:
            assert membership.relationship is not None
            joined.append(al.events.CarerJoined(**common, relationship=membership.relationship))
        else:
            assert membership.discipline is not None
            assert membership.professional_role is not None
            joined.append(
                al.events.ProfessionalJoined(
                    **common, discipline=membership.discipline, role=membership.professional_role
                )
            )
    copy_of.record_all(joined)
    return copy_of


OBSERVATION_FIELDS = (
    "goal_id", "observed_at", "observer", "setting", "kind", "value", "gas_level", "note",
)  # fmt: skip
EXTRA_OBSERVATION_FIELDS = tuple(
    a.name
    for a in attrs.fields(al.events.ProgressRecorded)
    if a.name
    not in {"actor", "occurred_at", "observation_id", "goal_id", "setting", "kind", "value"}
    | {"gas_level", "note"}
)


def goal_content(goal: al.model.Goal) -> tuple[Any, ...]:
    version = goal.current
    return (
        goal.domain,
        version.statement,
        version.why_it_matters,
        version.target,
        version.gas_scale,
        version.mastery,
    )


def observation_content(observation: al.model.Observation) -> tuple[Any, ...]:
    return tuple(
        getattr(observation, name) for name in OBSERVATION_FIELDS + EXTRA_OBSERVATION_FIELDS
    )


def assert_round_trip(original: al.PartnershipState, imported: al.PartnershipState) -> None:
    assert set(imported.goals) == set(original.goals)
    for goal_id, goal in original.goals.items():
        assert goal_content(imported.goals[goal_id]) == goal_content(goal), goal_id
    assert set(imported.observations) == set(original.observations)
    for observation_id, observation in original.observations.items():
        assert observation_content(imported.observations[observation_id]) == (
            observation_content(observation)
        ), observation_id
    assert imported.measures == original.measures


@pytest.mark.parametrize("version", VERSIONS)
def test_the_sample_round_trips(sample: al.Partnership, version: str) -> None:
    state = sample.state
    first = export_bundle(sample, sample_people(), version=version)
    copy_of = fresh_copy(state)
    before = copy_of.version
    recorded = import_bundle(copy_of, first, actor="ana", occurred_at=state.formed_at)
    assert list(copy_of.events_since(before)) == recorded
    assert_round_trip(state, copy_of.state)
    assert {g: x.status for g, x in copy_of.state.goals.items()} == {
        "g-requests": al.model.GoalStatus.ACHIEVED,
        "g-dressing": al.model.GoalStatus.ACTIVE,
    }
    assert copy_of.state.goals["g-requests"].proposed_by == "maria"  # from expressedBy
    assert (
        copy_of.state.goals["g-requests"].status_reason == state.goals["g-requests"].status_reason
    )

    again = export_bundle(copy_of, sample_people(), version=version)
    check(again, version)
    for goal_id in state.goals:
        before_goal = by_identifier(first, "Goal", goal_id)
        after_goal = by_identifier(again, "Goal", goal_id)
        for element in ("lifecycleStatus", "achievementStatus", "category", "description"):
            assert after_goal[element] == before_goal[element], (goal_id, element)
        for element in ("target", "statusReason"):
            assert after_goal.get(element) == before_goal.get(element), (goal_id, element)
        assert [n["text"] for n in after_goal["note"]] == [n["text"] for n in before_goal["note"]]
        for url in ("urn:alliance:ext:gas-scale", "urn:alliance:ext:mastery"):
            assert [e for e in after_goal.get("extension", []) if e["url"] == url] == [
                e for e in before_goal.get("extension", []) if e["url"] == url
            ]
    for observation_id in state.observations:
        before_obs = by_identifier(first, "Observation", observation_id)
        after_obs = by_identifier(again, "Observation", observation_id)
        for element in ("effectiveDateTime", "valueQuantity", "component", "method", "code"):
            assert after_obs.get(element) == before_obs.get(element), (observation_id, element)
        assert person_of(again, after_obs["performer"][0]) == person_of(
            first, before_obs["performer"][0]
        )
        assert extension(after_obs, "urn:alliance:ext:setting") == extension(
            before_obs, "urn:alliance:ext:setting"
        )
        goal_before = target_of(first, extension(before_obs, PERTAINS_TO_GOAL)["valueReference"])
        goal_after = target_of(again, extension(after_obs, PERTAINS_TO_GOAL)["valueReference"])
        assert goal_after["identifier"] == goal_before["identifier"]


@st.composite
def goals_and_observations(draw: st.DrawFn) -> al.Partnership:
    """A partnership with one carer and one professional, and goals (with any target,
    GAS scale and mastery criterion, agreed or not, then perhaps put on hold, achieved
    or discontinued) with observations by either of them."""
    start = draw(
        s.aware_datetimes(
            min_value=pendulum.datetime(1990, 1, 1, tz="UTC"),
            max_value=pendulum.datetime(2090, 1, 1, tz="UTC"),
            time_zones=s.time_zone_names(),
        )
    )
    zone = draw(s.time_zone_names())
    p = al.Partnership.form(
        al.events.PartnershipFormed(
            partnership_id="p-1",
            clinic_id="c-1",
            child_id="child",
            time_zone=zone,
            actor="pro",
            occurred_at=start,
        ),
        policy=al.AllowAll(),  # the mapping is tested here, not who may record
    )
    p.record_all(
        [
            al.events.ProfessionalJoined(
                member_id="pro", discipline=al.Discipline.ABA, actor="pro", occurred_at=start
            ),
            al.events.CarerJoined(
                member_id="carer",
                relationship=draw(st.sampled_from(al.CarerRelationship)),
                actor="pro",
                occurred_at=start,
            ),
        ]
    )
    now = start
    today = p.state.local_date(start)
    for number in range(draw(st.integers(1, 4))):
        now = now.add(minutes=draw(st.integers(0, 600)))
        proposer, other = draw(st.sampled_from([("pro", "carer"), ("carer", "pro")]))
        gas = draw(st.none() | s.gas_scales())
        goal = p.record(
            al.events.GoalProposed(
                goal_id=f"g{number}",
                domain=draw(st.sampled_from(al.model.GoalDomain)),
                statement=draw(s.texts()),
                why_it_matters=draw(s.texts()),
                target=draw(
                    s.measurable_targets(
                        due=s.dates(
                            min_value=p.state.local_date(now).add(days=1),
                            max_value=today.add(years=3),
                        ),
                        values=st.floats(-1e9, 1e9, allow_nan=False),
                    )
                ),
                gas_scale=gas,
                mastery=draw(st.none() | s.mastery_criteria()),
                actor=proposer,
                occurred_at=now,
            )
        )
        shared = draw(st.booleans())
        if shared:
            now = now.add(minutes=1)
            p.record(al.events.GoalAgreed(goal_id=goal.goal_id, actor=other, occurred_at=now))
        for _ in range(draw(st.integers(0, 4))):
            now = now.add(seconds=draw(st.integers(0, 10**6)))
            observer = draw(st.sampled_from(["pro", "carer"]))
            kind = (
                draw(st.sampled_from(al.model.ObservationKind))
                if observer == "pro"
                else al.model.ObservationKind.EVERYDAY
            )
            value = draw(st.none() | st.floats(-1e9, 1e9, allow_nan=False))
            level = draw(st.none() | st.integers(-2, 2)) if gas is not None else None
            if value is None and level is None:
                value = 0.0
            details: dict[str, Any] = {}  # what alliance records beyond FHIR's elements
            if "trials" in EXTRA_OBSERVATION_FIELDS:
                details["trials"] = draw(st.none() | st.integers(1, MAX_COUNT))
            if "first_trial_independent" in EXTRA_OBSERVATION_FIELDS:
                details["first_trial_independent"] = draw(st.none() | st.booleans())
            p.record(
                al.events.ProgressRecorded(
                    **details,
                    goal_id=goal.goal_id,
                    setting=draw(st.sampled_from(al.model.Setting)),
                    kind=kind,
                    value=value,
                    gas_level=level,
                    note=draw(st.none() | s.texts()),
                    actor=observer,
                    occurred_at=now,
                )
            )
        now = now.add(minutes=1)
        outcome = draw(st.sampled_from(["open", "hold", "achieve", "discontinue"]))
        common = {"goal_id": goal.goal_id, "actor": "pro", "occurred_at": now}
        if outcome == "discontinue":
            p.record(al.events.GoalDiscontinued(**common, reason=draw(s.texts())))
        elif outcome == "hold" and shared:
            p.record(al.events.GoalPutOnHold(**common, reason=draw(s.texts())))
        elif outcome == "achieve" and shared:
            p.record(al.events.GoalAchieved(**common, note=draw(st.none() | s.texts())))
    return p


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(goals_and_observations(), st.sampled_from(VERSIONS))
def test_goals_and_observations_round_trip(partnership: al.Partnership, version: str) -> None:
    state = partnership.state
    first = export_bundle(partnership, {}, version=version)
    copy_of = fresh_copy(state)
    import_bundle(copy_of, first, actor="pro", occurred_at=state.formed_at)
    assert_round_trip(state, copy_of.state)
    for goal_id, goal in state.goals.items():
        imported = copy_of.state.goals[goal_id]
        assert imported.status is goal.status
        assert imported.proposed_by == goal.proposed_by
        assert imported.status_reason == goal.status_reason
    again = export_bundle(copy_of, {}, version=version)
    check(again, version)
    for goal_id in state.goals:
        for element in ("lifecycleStatus", "achievementStatus", "target", "statusReason"):
            assert by_identifier(again, "Goal", goal_id).get(element) == (
                by_identifier(first, "Goal", goal_id).get(element)
            )


START = pendulum.datetime(2025, 3, 3, 9, tz="UTC")


def pro_and_carer(
    zone: str = "Europe/London",
    start: pendulum.DateTime = START,
    *,
    partnership_id: str = "p-1",
    policy: al.Policy | None = None,
) -> al.Partnership:
    """A partnership of the child ``child`` with a professional ``pro`` and a carer
    ``carer``, formed at *start* (under *policy*; default :class:`alliance.AllowAll`)."""
    p = al.Partnership.form(
        al.events.PartnershipFormed(
            partnership_id=partnership_id,
            clinic_id="c-1",
            child_id="child",
            time_zone=zone,
            actor="pro",
            occurred_at=start,
        ),
        policy=policy or al.AllowAll(),
    )
    p.record_all(
        [
            al.events.ProfessionalJoined(
                member_id="pro", discipline=al.Discipline.ABA, actor="pro", occurred_at=start
            ),
            al.events.CarerJoined(
                member_id="carer",
                relationship=al.CarerRelationship.PARENT,
                actor="pro",
                occurred_at=start,
            ),
        ]
    )
    return p


def propose(p: al.Partnership, goal_id: str, actor: str, at: pendulum.DateTime) -> None:
    p.record(
        al.events.GoalProposed(
            goal_id=goal_id,
            domain=al.model.GoalDomain.COMMUNICATION,
            statement="Asks for help with words",
            why_it_matters="So that mornings are calmer",
            target=al.model.MeasurableTarget(
                metric="requests with words",
                unit="per session",
                baseline=2,
                target=8,
                direction=al.model.Direction.INCREASE,
                due=pendulum.date(2025, 9, 1),
            ),
            actor=actor,
            occurred_at=at,
        )
    )


def positions(goal: al.model.Goal) -> dict[str, al.model.Position]:
    return {member: position.position for member, position in goal.positions.items()}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_proposers_own_concern_or_objection_survives_the_round_trip(version: str) -> None:
    """The proposer's concern or objection comes back as theirs, not as the agreement
    proposing counts as; the goal's status is the same (issue 17)."""
    p = pro_and_carer()
    # shared first, then the proposer has a concern: still active
    propose(p, "g-shared", "pro", START.add(hours=1))
    p.record(
        al.events.GoalAgreed(goal_id="g-shared", actor="carer", occurred_at=START.add(hours=2))
    )
    p.record(
        al.events.GoalConcernNoted(
            goal_id="g-shared", reason="Too fast", actor="pro", occurred_at=START.add(hours=3)
        )
    )
    # the proposer objects before anyone agrees, then the other side agrees: still proposed
    propose(p, "g-objected", "carer", START.add(hours=1))
    p.record(
        al.events.GoalObjected(
            goal_id="g-objected",
            reason="Not what we need",
            actor="carer",
            occurred_at=START.add(hours=2),
        )
    )
    p.record(
        al.events.GoalAgreed(goal_id="g-objected", actor="pro", occurred_at=START.add(hours=3))
    )
    state = p.state
    assert positions(state.goals["g-shared"]) == {
        "pro": al.model.Position.CONCERNED,
        "carer": al.model.Position.AGREED,
    }
    assert state.goals["g-shared"].status is al.model.GoalStatus.ACTIVE
    assert state.goals["g-objected"].status is al.model.GoalStatus.PROPOSED

    bundle = export_bundle(p, {}, version=version)
    copy_of = fresh_copy(state)
    import_bundle(copy_of, bundle, actor="pro", occurred_at=START.add(hours=4))
    for goal_id, goal in state.goals.items():
        imported = copy_of.state.goals[goal_id]
        assert positions(imported) == positions(goal), goal_id
        assert imported.status is goal.status, goal_id
        assert imported.proposed_by == goal.proposed_by
    again = export_bundle(copy_of, {}, version=version)
    for goal_id in state.goals:
        before = by_identifier(bundle, "Goal", goal_id)
        after = by_identifier(again, "Goal", goal_id)
        assert after["lifecycleStatus"] == before["lifecycleStatus"]
        acceptances = [
            sorted(
                (person_of(b, parts(e)["individual"]), parts(e)["status"])
                for e in x["extension"]
                if e["url"] == GOAL_ACCEPTANCE
            )
            for b, x in ((bundle, before), (again, after))
        ]
        assert acceptances[0] == acceptances[1], goal_id


@pytest.mark.parametrize("version", VERSIONS)
def test_a_corrected_observation_survives_the_round_trip(version: str) -> None:
    """A corrected observation comes back corrected, by whom, when and why, with the
    corrected values; its export is ``corrected`` with the correction's note (issue 17)."""
    p = pro_and_carer()
    propose(p, "g-1", "pro", START.add(hours=1))
    p.record(al.events.GoalAgreed(goal_id="g-1", actor="carer", occurred_at=START.add(hours=2)))
    p.record(
        al.events.ProgressRecorded(
            observation_id="o-1",
            goal_id="g-1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=3,
            note="At breakfast",
            actor="carer",
            occurred_at=START.add(days=1),
        )
    )
    p.record(
        al.events.ProgressCorrected(
            observation_id="o-1",
            reason="Counted a gesture as a word",
            value=2,
            actor="pro",
            occurred_at=START.add(days=2),
        )
    )
    state = p.state
    bundle = export_bundle(p, {}, version=version)
    exported = by_identifier(bundle, "Observation", "o-1")
    assert exported["status"] == "corrected"
    copy_of = fresh_copy(state)
    import_bundle(copy_of, bundle, actor="pro", occurred_at=START.add(hours=3))
    original, imported = state.observations["o-1"], copy_of.state.observations["o-1"]
    for field in ("value", "gas_level", "note", "observer", "observed_at"):
        assert getattr(imported, field) == getattr(original, field), field
    assert imported.correction_reason == "Counted a gesture as a word"
    assert imported.corrected_by == "pro"
    assert imported.corrected_at == original.corrected_at
    again = by_identifier(export_bundle(copy_of, {}, version=version), "Observation", "o-1")
    assert again["status"] == "corrected"
    assert [n["text"] for n in again["note"]] == [n["text"] for n in exported["note"]]
    assert [n.get("time") for n in again["note"]] == [n.get("time") for n in exported["note"]]


def test_a_corrected_observation_from_elsewhere_is_recorded_as_corrected(
    sample: al.Partnership,
) -> None:
    """Without alliance's correction note, a ``corrected`` Observation is corrected by its
    observer, for a reason not stated; other notes with a time are still skipped."""
    resource = foreign_observation({"identifier": {"system": MRN, "value": "MRN-0042"}})
    resource["status"] = "corrected"
    resource["performer"] = [{"identifier": {"system": "urn:alliance:id:person", "value": "ana"}}]
    resource["note"] = [
        {"text": "Dressed after breakfast"},
        {"time": "2025-05-07T08:00:00+01:00", "text": "Reviewed by the team"},
    ]
    partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
    report = al.fhir.import_bundle_with_report(
        partnership,
        foreign_bundle({"resource": resource}),
        actor="ana",
        occurred_at=AT,
        child=sample_child(),
    )
    assert [type(e).__name__ for e in report.events] == ["ProgressRecorded", "ProgressCorrected"]
    observation = partnership.state.observations["fhir-obs-7"]
    assert observation.value == 11
    assert observation.note == "Dressed after breakfast"
    assert observation.corrected_by == "ana"
    assert observation.correction_reason == (
        "Not stated in the imported FHIR Observation (status 'corrected')"
    )
    assert observation.corrected_at == pendulum.datetime(2025, 5, 6, 7, tz="UTC")
    assert [item.path for item in report.skipped] == ["$.entry[0].resource.note[1]"]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(s.partnership_histories(max_events=40))
def test_importing_a_generated_history_records_it_or_says_which_resource_fails(
    events: list[al.Event],
) -> None:
    """A whole history carries things FHIR cannot (an agreement since withdrawn, a member
    who changed sides): the import then refuses, naming the resource, and records
    nothing. When it succeeds, the goals and observations are the original's."""
    state = s.replay(events).state
    bundle = export_bundle(state, {})
    copy_of = fresh_copy(state)
    before = copy_of.version
    refused: al.AllianceError | None = None
    try:
        import_bundle(copy_of, bundle, actor=next(iter(state.members)), occurred_at=state.formed_at)
    except al.AllianceError as error:
        refused = error
    if refused is not None:
        assert copy_of.version == before
        if isinstance(refused, al.MalformedDataError):
            assert all(
                re.match(r"^(Goal|Observation|QuestionnaireResponse)/[0-9a-f-]{36}: ", p)
                for p in refused.problems
            )
        else:
            assert isinstance(refused, al.ValidationError | al.DomainError)
            assert re.match(
                r"^(Goal|Observation|QuestionnaireResponse)/[0-9a-f-]{36}\.", refused.field
            ), refused
        return
    assert_round_trip(state, copy_of.state)


# --- import errors -----------------------------------------------------------------------------


@pytest.fixture
def exported(sample: al.Partnership) -> Json:
    return export_bundle(sample, sample_people())


def find(bundle: Json, resource_type: str, value: str) -> Json:
    return by_identifier(bundle, resource_type, value)


def import_into_copy(sample: al.Partnership, bundle: Json) -> tuple[al.Partnership, int]:
    copy_of = fresh_copy(sample.state)
    version = copy_of.version
    import_bundle(copy_of, bundle, actor="ana", occurred_at=sample.state.formed_at)
    return copy_of, version


def test_resources_it_cannot_map_are_all_reported_with_their_paths(
    sample: al.Partnership, exported: Json
) -> None:
    bundle = copy.deepcopy(exported)
    goal = find(bundle, "Goal", "g-dressing")
    goal["target"][0]["extension"] = []  # no baseline
    goal["lifecycleStatus"] = "finished"
    observation = find(bundle, "Observation", "o-req-3")
    observation["extension"] = [e for e in observation["extension"] if e["url"] != PERTAINS_TO_GOAL]
    late = find(bundle, "Observation", "o-req-4")
    late["effectiveDateTime"] = "2025-01-27"  # a date without a time
    copy_of = fresh_copy(sample.state)
    version = copy_of.version
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(copy_of, bundle, actor="ana", occurred_at=sample.state.formed_at)
    problems = raised.value.problems
    index = bundle["entry"].index(next(e for e in bundle["entry"] if e["resource"] is goal))
    assert any(
        p.startswith(f"Goal/{goal['id']}: lifecycleStatus must be a FHIR goal lifecycle code")
        and p.endswith(f"@ $.entry[{index}].resource.lifecycleStatus")
        for p in problems
    ), problems
    assert any(
        p.startswith(f"Goal/{goal['id']}: no baseline")
        and p.endswith(f"@ $.entry[{index}].resource.target[0].extension")
        for p in problems
    ), problems
    assert any(
        p.startswith(f"Observation/{observation['id']}: no goal: link it with the extension")
        for p in problems
    ), problems
    assert any(
        p.startswith(f"Observation/{late['id']}: '2025-01-27' has no time of day") for p in problems
    ), problems
    assert len(problems) == 4
    assert copy_of.version == version  # nothing recorded


def test_refusals_by_the_partnership_name_the_resource_and_element(
    sample: al.Partnership, exported: Json
) -> None:
    copy_of = fresh_copy(sample.state)
    version = copy_of.version
    observation = find(exported, "Observation", "o-req-2")
    later = sample.state.formed_at.add(days=30)
    with pytest.raises(al.ValidationError) as raised:
        import_bundle(copy_of, exported, actor="ana", occurred_at=later)
    assert raised.value.field == f"Observation/{observation['id']}.effectiveDateTime"
    assert "before goal 'g-requests' was proposed" in raised.value.reason
    assert copy_of.version == version

    import_bundle(copy_of, exported, actor="ana", occurred_at=sample.state.formed_at)
    goal = find(exported, "Goal", "g-requests")
    with pytest.raises(al.DomainError) as again:  # importing twice
        import_bundle(copy_of, exported, actor="ana", occurred_at=sample.state.formed_at)
    assert again.value.field == f"Goal/{goal['id']}.identifier"
    assert "already exists" in again.value.reason


def test_an_observation_by_someone_outside_the_partnership_is_refused(
    sample: al.Partnership, exported: Json
) -> None:
    bundle = copy.deepcopy(exported)
    observation = find(bundle, "Observation", "o-req-2")
    observation["performer"] = [{"reference": "Practitioner/someone-else"}]
    with pytest.raises(al.MalformedDataError) as raised:
        import_into_copy(sample, bundle)
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"] is observation)
    assert raised.value.problems == (
        f"Observation/{observation['id']}: no performer is a member of this partnership "
        f"@ $.entry[{index}].resource.performer",
    )


def test_goals_about_another_child_are_refused(sample: al.Partnership, exported: Json) -> None:
    bundle = copy.deepcopy(exported)
    (patient,) = resources(bundle, "Patient")
    patient["identifier"][0]["value"] = "someone-else"
    with pytest.raises(al.MalformedDataError) as raised:
        import_into_copy(sample, bundle)
    assert all(
        "is about another patient: its subject carries urn:alliance:id:person|someone-else, "
        "and this partnership's child is urn:alliance:id:person|sam @ " in p
        for p in raised.value.problems
    )
    assert len(raised.value.problems) == 2 + 34


def test_a_completed_goal_needs_a_carer_and_a_professional_who_agree(
    sample: al.Partnership, exported: Json
) -> None:
    bundle = copy.deepcopy(exported)
    goal = find(bundle, "Goal", "g-requests")
    goal["extension"] = [e for e in goal["extension"] if e["url"] != GOAL_ACCEPTANCE]
    with pytest.raises(al.MalformedDataError) as raised:
        import_into_copy(sample, bundle)
    (problem,) = raised.value.problems
    assert problem.startswith(f"Goal/{goal['id']}: lifecycleStatus 'completed' needs a shared goal")


def test_what_is_not_a_bundle_is_refused(sample: al.Partnership) -> None:
    copy_of = fresh_copy(sample.state)
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(
            copy_of, {"resourceType": "Goal"}, actor="ana", occurred_at=sample.state.formed_at
        )
    assert raised.value.problems == (
        "expected a FHIR Bundle (a dict with resourceType 'Bundle') @ $",
    )
    with pytest.raises(al.NotAMemberError):
        import_bundle(
            copy_of, {"resourceType": "Bundle"}, actor="sam", occurred_at=sample.state.formed_at
        )
    with pytest.raises(al.ValidationError):
        import_bundle(
            copy_of,
            {"resourceType": "Bundle"},
            actor="ana",
            occurred_at=sample.state.formed_at.naive(),
        )
    assert (
        import_bundle(
            copy_of,
            {"resourceType": "Bundle", "type": "collection"},
            actor="ana",
            occurred_at=sample.state.formed_at,
        )
        == []
    )


def test_entered_in_error_resources_are_skipped(sample: al.Partnership, exported: Json) -> None:
    bundle = copy.deepcopy(exported)
    find(bundle, "Goal", "g-dressing")["lifecycleStatus"] = "entered-in-error"
    find(bundle, "Observation", "o-req-2")["status"] = "entered-in-error"
    copy_of, _ = import_into_copy(sample, bundle)
    assert set(copy_of.state.goals) == {"g-requests"}
    assert "o-req-2" not in copy_of.state.observations
    assert not any(o.startswith("o-dress") for o in copy_of.state.observations)


def test_a_goal_from_another_system_and_observations_for_goals_already_here(
    sample: al.Partnership,
) -> None:
    """A minimal R5 Goal with no alliance ids, and an Observation for a goal the
    partnership already has, referenced by its own export's id; the caller says the
    bundle is about this child, as its Patient/99 carries no identifier. (Maria, a carer, records
    an observation at the clinic here, which RolePolicy would refuse: the mapping is
    tested, under AllowAll; the next test shows the default policy's refusal.)"""
    partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
    own = export_bundle(partnership, {})
    dressing_ref = f"urn:uuid:{find(own, 'Goal', 'g-dressing')['id']}"
    ana_ref = f"urn:uuid:{find(own, 'Practitioner', 'ana')['id']}"
    at = pendulum.datetime(2025, 5, 5, 9, tz="Europe/London")
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "http://ehr.example/fhir/Goal/42",
                "resource": {
                    "resourceType": "Goal",
                    "id": "42",
                    "lifecycleStatus": "active",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/goal-category",
                                    "code": "behavioral",
                                }
                            ]
                        }
                    ],
                    "description": {"coding": [{"display": "Fewer meltdowns at bedtime"}]},
                    "subject": {"reference": "Patient/99"},
                    "source": {"reference": ana_ref},
                    "target": [
                        {
                            "extension": [
                                {
                                    "url": "urn:alliance:ext:goal-baseline",
                                    "valueQuantity": {"value": 5},
                                }
                            ],
                            "measure": {"text": "meltdowns"},
                            "detailQuantity": {"value": 1, "code": "/wk"},
                            "dueDate": "2025-09-01",
                        }
                    ],
                },
            },
            {
                "fullUrl": "http://ehr.example/fhir/Observation/7",
                "resource": {
                    "resourceType": "Observation",
                    "id": "7",
                    "status": "amended",
                    "extension": [
                        {
                            "url": PERTAINS_TO_GOAL,
                            "valueReference": {"reference": "Goal/42"},
                        }
                    ],
                    "code": {"text": "meltdowns"},
                    "effectiveDateTime": "2025-05-06T20:00:00Z",
                    "valueInteger": 4,
                },
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "extension": [
                        {
                            "url": PERTAINS_TO_GOAL,
                            "valueReference": {"reference": dressing_ref},
                        }
                    ],
                    "code": {"text": "minutes"},
                    "effectiveDateTime": "2025-05-06T08:00:00+01:00",
                    "performer": [{"reference": ana_ref}],
                    "valueQuantity": {"value": 11, "unit": "minutes"},
                    "note": [{"text": "New record!"}],
                },
            },
        ],
    }
    with pytest.raises(al.MalformedDataError):  # Patient/99 and no subject: whose data?
        import_bundle(partnership, bundle, actor="maria", occurred_at=at)
    recorded = import_bundle(
        partnership, bundle, actor="maria", occurred_at=at, about_this_child=True
    )
    assert [type(e).__name__ for e in recorded] == [
        "GoalProposed",
        "ProgressRecorded",
        "ProgressRecorded",
    ]
    goal = partnership.state.goals["fhir-42"]
    assert goal.domain is al.model.GoalDomain.BEHAVIOUR
    assert goal.statement == "Fewer meltdowns at bedtime"
    assert goal.current.why_it_matters == WHY_NOT_STATED
    assert goal.proposed_by == "ana"  # from source (R5)
    assert goal.target.direction is al.model.Direction.DECREASE
    assert goal.target.unit == "/wk"
    assert goal.status is al.model.GoalStatus.PROPOSED  # only Ana agreed
    meltdowns = partnership.state.observations["fhir-7"]
    assert meltdowns.observer == "maria"  # no performer: the importing actor
    assert meltdowns.kind is al.model.ObservationKind.EVERYDAY
    assert meltdowns.setting is al.model.Setting.CLINIC
    assert meltdowns.value == 4
    (dressing,) = [o for o in partnership.state.observations.values() if o.note == "New record!"]
    assert dressing.goal_id == "g-dressing"
    assert dressing.observer == "ana"
    assert dressing.kind is al.model.ObservationKind.SESSION  # a professional, no method given
    assert dressing.observed_at == pendulum.datetime(2025, 5, 6, 7, tz="UTC")
    # Under the default policy the carer's clinic observation is refused: nothing recorded.
    under_roles = al.Partnership.from_events(sample.events)
    assert isinstance(under_roles.policy, al.RolePolicy)
    version = under_roles.version
    with pytest.raises(al.PermissionDenied) as refused:
        import_bundle(under_roles, bundle, actor="maria", occurred_at=at, about_this_child=True)
    assert refused.value.actor == "maria"
    assert "carers record observations at home or in the community" in refused.value.reason
    assert under_roles.version == version


def test_an_observations_audience_travels_in_the_bundle(sample: al.Partnership) -> None:
    partnership = al.Partnership.from_events(sample.events)
    named = al.model.Audience.named("ana", "maria")
    partnership.record(
        al.events.ProgressRecorded(
            observation_id="o-named",
            goal_id="g-dressing",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=3,
            audience=named,
            actor="maria",
            occurred_at=partnership.state.last_event_at.add(hours=1),
        )
    )
    bundle = export_bundle(partnership, sample_people(), version="R5")
    check(bundle, "R5")
    resource = by_identifier(bundle, "Observation", "o-named")
    assert resource["extension"][-1]["extension"] == [
        {"url": "scope", "valueCode": "named"},
        {"url": "member", "valueIdentifier": {"system": "urn:alliance:id:person", "value": "ana"}},
        {
            "url": "member",
            "valueIdentifier": {"system": "urn:alliance:id:person", "value": "maria"},
        },
    ]
    copy_of = fresh_copy(partnership.state)
    import_bundle(copy_of, bundle, actor="ana", occurred_at=partnership.state.formed_at)
    assert copy_of.state.observations["o-named"].audience == named
    assert all(
        o.audience == al.model.EVERYONE
        for key, o in copy_of.state.observations.items()
        if key != "o-named"
    )


def test_a_bad_audience_extension_is_refused_by_path(
    sample: al.Partnership, exported: Json
) -> None:
    bundle = copy.deepcopy(exported)
    observation = find(bundle, "Observation", "o-req-3")
    observation["extension"].append(
        {"url": "urn:alliance:ext:audience", "extension": [{"url": "scope", "valueCode": "all"}]}
    )
    copy_of = fresh_copy(sample.state)
    version = copy_of.version
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(copy_of, bundle, actor="ana", occurred_at=sample.state.formed_at)
    (problem,) = raised.value.problems
    assert problem.startswith(f"Observation/{observation['id']}: 'all' is not an alliance")
    assert problem.endswith(".extension(urn:alliance:ext:audience)")
    assert copy_of.version == version


# --- the patient: whose data it is --------------------------------------------------------------

MRN = "https://clinic.example/mrn"


def people_with_mrn(mrn: str = "MRN-0042") -> dict[str, Any]:
    people: dict[str, Any] = dict(sample_people())
    people["sam"] = attrs.evolve(
        people["sam"], identifiers=(al.model.PersonIdentifier(system=MRN, value=mrn),)
    )
    return people


def test_the_childs_identifiers_are_exported_on_the_patient(sample: al.Partnership) -> None:
    for version in VERSIONS:
        bundle = export_bundle(sample, people_with_mrn(), version=version)
        check(bundle, version)
        (patient,) = resources(bundle, "Patient")
        assert patient["identifier"] == [
            {"system": "urn:alliance:id:person", "value": "sam"},
            {"system": MRN, "value": "MRN-0042"},
        ]


def test_person_identifiers_are_checked() -> None:
    with pytest.raises(al.ValidationError) as raised:
        al.model.PersonIdentifier(system="https://clinic example/mrn", value="1")
    assert raised.value.field == "system"
    with pytest.raises(al.ValidationError) as raised:
        al.model.PersonIdentifier(system="urn:alliance:id:person", value="sam")
    assert raised.value.field == "system"
    with pytest.raises(al.ValidationError) as raised:
        al.model.PersonIdentifier(system=MRN, value=" 1")
    assert raised.value.field == "value"
    mrn = al.model.PersonIdentifier(system=MRN, value="1")
    with pytest.raises(al.ValidationError) as raised:
        al.Child(id="sam", name="Sam", identifiers=(mrn, mrn))
    assert raised.value.field == "identifiers[1]"


def foreign_observation(subject: Json | None, identifier: str = "obs-7") -> Json:
    """An Observation from another system for the sample's g-dressing goal (by its
    alliance identifier), performed by no one the bundle names."""
    resource: Json = {
        "resourceType": "Observation",
        "id": identifier,
        "status": "final",
        "extension": [
            {
                "url": PERTAINS_TO_GOAL,
                "valueReference": {
                    "identifier": {"system": "urn:alliance:id:goal", "value": "g-dressing"}
                },
            }
        ],
        "code": {"text": "minutes"},
        "effectiveDateTime": "2025-05-06T08:00:00+01:00",
        "valueQuantity": {"value": 11, "unit": "minutes"},
    }
    if subject is not None:
        resource["subject"] = subject
    return resource


def foreign_bundle(*entries: Json) -> Json:
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


def ehr_patient(mrn: str, patient_id: str = "pat-1") -> Json:
    return {
        "fullUrl": f"http://ehr.example/fhir/Patient/{patient_id}",
        "resource": {
            "resourceType": "Patient",
            "id": patient_id,
            "identifier": [{"system": MRN, "value": mrn}],
        },
    }


AT = pendulum.datetime(2025, 5, 5, 9, tz="Europe/London")


def sample_child(mrn: str = "MRN-0042") -> al.Child:
    child = people_with_mrn(mrn)["sam"]
    assert isinstance(child, al.Child)
    return child


def test_an_observation_about_another_patient_is_refused_by_name(sample: al.Partnership) -> None:
    """The patient-safety defect: another patient's Observation was recorded against this
    child. It is refused, naming the resource and its subject, whichever way the subject
    is given, even when the caller says the bundle is about this child."""
    subjects: list[tuple[Json, list[Json]]] = [
        ({"reference": "Patient/pat-2"}, [ehr_patient("MRN-9999", "pat-2")]),  # in the bundle
        ({"identifier": {"system": MRN, "value": "MRN-9999"}}, []),  # a logical reference
        ({"reference": "#p"}, []),  # a contained Patient
    ]
    for subject, others in subjects:
        observation = foreign_observation(subject)
        if subject.get("reference") == "#p":
            observation["contained"] = [
                {
                    "resourceType": "Patient",
                    "id": "p",
                    "identifier": [{"system": MRN, "value": "MRN-9999"}],
                }
            ]
        bundle = foreign_bundle(*others, {"resource": observation})
        for about_this_child in (False, True):
            partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
            version = partnership.version
            with pytest.raises(al.MalformedDataError) as raised:
                import_bundle(
                    partnership,
                    bundle,
                    actor="ana",
                    occurred_at=AT,
                    child=sample_child(),
                    about_this_child=about_this_child,
                )
            (problem,) = raised.value.problems
            assert problem.startswith("Observation/obs-7: is about another patient"), problem
            assert "MRN-9999" in problem
            assert "MRN-0042" in problem
            assert problem.endswith(f"@ $.entry[{len(others)}].resource.subject"), problem
            assert partnership.version == version  # nothing recorded


def test_an_observation_about_this_child_is_imported_by_identifier(
    sample: al.Partnership,
) -> None:
    for subject, others in [
        ({"reference": "Patient/pat-1"}, [ehr_patient("MRN-0042")]),
        ({"identifier": {"system": MRN, "value": "MRN-0042"}}, []),
    ]:
        partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
        recorded = import_bundle(
            partnership,
            foreign_bundle(*others, {"resource": foreign_observation(subject)}),
            actor="ana",
            occurred_at=AT,
            child=sample_child(),
        )
        assert [e.goal_id for e in recorded] == ["g-dressing"]  # type: ignore[attr-defined]


def test_without_the_childs_identifiers_the_caller_must_say_whose_bundle_it_is(
    sample: al.Partnership,
) -> None:
    bundle = foreign_bundle(
        ehr_patient("MRN-0042"), {"resource": foreign_observation({"reference": "Patient/pat-1"})}
    )
    unidentified = al.Child(id="sam", name="Sam")
    for child in (None, unidentified):
        partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
        with pytest.raises(al.MalformedDataError) as raised:
            import_bundle(partnership, bundle, actor="ana", occurred_at=AT, child=child)
        (problem,) = raised.value.problems
        assert problem.startswith("Observation/obs-7: cannot tell that it is about "), problem
        assert "about_this_child=True" in problem
        assert problem.endswith("@ $.entry[1].resource.subject")
        assert partnership.version == sample.version
        recorded = import_bundle(
            partnership, bundle, actor="ana", occurred_at=AT, child=child, about_this_child=True
        )
        assert len(recorded) == 1
    # no subject at all: the same
    partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(
            partnership,
            foreign_bundle({"resource": foreign_observation(None)}),
            actor="ana",
            occurred_at=AT,
            child=sample_child(),
        )
    (problem,) = raised.value.problems
    assert problem.startswith("Observation/obs-7: no subject: cannot tell"), problem


def test_a_subject_that_is_not_a_patient_is_refused(sample: al.Partnership) -> None:
    partnership = al.Partnership.from_events(sample.events, policy=al.AllowAll())
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(
            partnership,
            foreign_bundle({"resource": foreign_observation({"reference": "Group/siblings"})}),
            actor="ana",
            occurred_at=AT,
            about_this_child=True,
        )
    (problem,) = raised.value.problems
    assert problem.startswith("Observation/obs-7: is about a Group, not a Patient"), problem


def test_the_child_record_given_to_the_import_must_be_this_partnerships_child(
    sample: al.Partnership,
) -> None:
    with pytest.raises(al.ValidationError) as raised:
        import_bundle(
            sample, foreign_bundle(), actor="ana", occurred_at=AT, child=al.Child(id="x", name="X")
        )
    assert raised.value.field == "child"
    with pytest.raises(al.ValidationError) as raised:
        import_bundle(
            sample,
            foreign_bundle(),
            actor="ana",
            occurred_at=AT,
            about_this_child="yes",  # type: ignore[arg-type]
        )
    assert raised.value.field == "about_this_child"


def test_an_exported_bundle_imports_back_by_the_childs_identifiers(
    sample: al.Partnership,
) -> None:
    """A round trip through a system that drops alliance's own identifier: the MRN
    still says whose data it is."""
    bundle = export_bundle(sample, people_with_mrn())
    (patient,) = resources(bundle, "Patient")
    patient["identifier"] = patient["identifier"][1:]
    copy_of = fresh_copy(sample.state)
    import_bundle(
        copy_of, bundle, actor="ana", occurred_at=sample.state.formed_at, child=sample_child()
    )
    assert set(copy_of.state.goals) == set(sample.state.goals)
    copy_of = fresh_copy(sample.state)
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(
            copy_of,
            bundle,
            actor="ana",
            occurred_at=sample.state.formed_at,
            child=sample_child("MRN-1111"),
        )
    assert all("is about another patient" in p for p in raised.value.problems)


# --- nothing silently dropped or mis-read ---------------------------------------------------------


def under_allow_all(sample: al.Partnership) -> al.Partnership:
    return al.Partnership.from_events(sample.events, policy=al.AllowAll())


def refused(partnership: al.Partnership, bundle: Json, **options: Any) -> str:
    """The one problem the import finds in *bundle*; nothing is recorded."""
    version = partnership.version
    with pytest.raises(al.MalformedDataError) as raised:
        import_bundle(
            partnership, bundle, actor="ana", occurred_at=AT, about_this_child=True, **options
        )
    assert partnership.version == version
    (problem,) = raised.value.problems
    return problem


def observed(sample: al.Partnership, **elements: Any) -> str:
    """The problem the import finds in a foreign observation with *elements* replaced."""
    observation = foreign_observation(None)
    for name, value in elements.items():
        if value is None:
            observation.pop(name, None)
        else:
            observation[name] = value
    return refused(under_allow_all(sample), foreign_bundle({"resource": observation}))


@pytest.mark.parametrize("comparator", sorted(QUANTITY_COMPARATOR))
def test_a_value_with_a_comparator_is_refused_by_name(
    sample: al.Partnership, comparator: str
) -> None:
    problem = observed(
        sample, valueQuantity={"value": 85, "comparator": comparator, "unit": "minutes"}
    )
    assert problem.startswith(f"Observation/obs-7: valueQuantity.comparator {comparator!r}")
    assert problem.endswith("@ $.entry[0].resource.valueQuantity.comparator")


@pytest.mark.parametrize(
    ("element", "value", "shown"),
    [
        ("valueCodeableConcept", {"text": "Improved"}, "'Improved'"),
        ("valueBoolean", True, "True"),
        ("valueString", "much better", "'much better'"),
        ("valueRange", {"low": {"value": 1}}, "a Range"),
    ],
)
def test_values_that_are_not_numbers_are_refused_naming_what_was_there(
    sample: al.Partnership, element: str, value: Any, shown: str
) -> None:
    problem = observed(sample, valueQuantity=None, **{element: value})
    assert problem.startswith(f"Observation/obs-7: {element} cannot be imported"), problem
    assert shown in problem
    assert problem.endswith(f"@ $.entry[0].resource.{element}")


def test_an_effective_period_is_read_at_its_start_and_kept_in_the_note(
    sample: al.Partnership,
) -> None:
    observation = foreign_observation(None)
    del observation["effectiveDateTime"]
    observation["effectivePeriod"] = {
        "start": "2025-05-05T09:00:00+01:00",
        "end": "2025-05-11T18:00:00+01:00",
    }
    partnership = under_allow_all(sample)
    (event,) = import_bundle(
        partnership,
        foreign_bundle({"resource": observation}),
        actor="ana",
        occurred_at=AT,
        about_this_child=True,
    )
    assert event.occurred_at == pendulum.datetime(2025, 5, 5, 8, tz="UTC")
    assert isinstance(event, al.events.ProgressRecorded)
    assert event.note == (
        "Observed over 2025-05-05T09:00:00+01:00 to 2025-05-11T18:00:00+01:00 "
        "(FHIR effectivePeriod; recorded at its start)"
    )
    problem = observed(
        sample, effectiveDateTime=None, effectivePeriod={"end": "2025-05-11T18:00:00+01:00"}
    )
    assert "effectivePeriod.start" in problem
    assert "effectiveDateTime" not in problem
    problem = observed(
        sample, effectiveDateTime=None, effectiveTiming={"event": ["2025-05-11T18:00:00+01:00"]}
    )
    assert problem.startswith("Observation/obs-7: effectiveTiming cannot be imported"), problem
    problem = observed(sample, effectiveDateTime=None)
    assert problem.startswith("Observation/obs-7: no effective time"), problem


def observed_at(sample: al.Partnership, text: str) -> pendulum.DateTime:
    observation = foreign_observation(None)
    observation["effectiveDateTime"] = text
    (event,) = import_bundle(
        under_allow_all(sample),
        foreign_bundle({"resource": observation}),
        actor="ana",
        occurred_at=AT,
        about_this_child=True,
    )
    return event.occurred_at


def test_fhir_date_times_are_read_strictly(sample: al.Partnership) -> None:
    # a leap second is the last microsecond before the next minute
    assert observed_at(sample, "2025-06-30T23:59:60Z") == pendulum.datetime(
        2025, 6, 30, 23, 59, 59, 999999, tz="UTC"
    )
    assert observed_at(sample, "2025-07-01T00:59:60+01:00") == pendulum.datetime(
        2025, 6, 30, 23, 59, 59, 999999, tz="UTC"
    )
    # more than six fractional digits are rounded to the microsecond
    assert observed_at(sample, "2025-05-06T08:00:00.1234565Z") == pendulum.datetime(
        2025, 5, 6, 8, 0, 0, 123456, tz="UTC"
    )
    assert observed_at(sample, "2025-05-06T08:00:00.9999996Z") == pendulum.datetime(
        2025, 5, 6, 8, 0, 1, tz="UTC"
    )
    for text in (
        "20141205T093010+0100",  # ISO 8601 basic format, not FHIR
        "2025-05-06T08:00:00+0100",  # an offset without its colon
        "2025-05-06 08:00:00Z",
        "2025-05-06T08:00Z",  # FHIR needs seconds
        "2025-05-06T08:00:00+14:30",  # beyond FHIR's offsets
        "2025-05-06T12:30:60Z",  # not where a leap second can be
    ):
        problem = observed(sample, effectiveDateTime=text)
        assert problem.startswith(f"Observation/obs-7: {text!r} is not a FHIR dateTime"), problem
        assert problem.endswith("@ $.entry[0].resource.effectiveDateTime")
    problem = observed(sample, effectiveDateTime="2025-05-06")
    assert "has no time of day" in problem


def test_request_only_entries_of_a_transaction_are_skipped_with_a_reason(
    sample: al.Partnership,
) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"request": {"method": "DELETE", "url": "Observation/old-1"}},
            {"request": {"method": "GET", "url": "Patient?identifier=x|1"}},
            {
                "fullUrl": "urn:uuid:8c2b1a8e-0000-4000-8000-000000000007",
                "resource": foreign_observation(None),
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }
    partnership = under_allow_all(sample)
    report = al.fhir.import_bundle_with_report(
        partnership, bundle, actor="ana", occurred_at=AT, about_this_child=True
    )
    assert [type(e).__name__ for e in report.events] == ["ProgressRecorded"]
    assert list(partnership.events_since(sample.version)) == list(report.events)
    assert [(r.label, r.path) for r in report.recorded] == [
        ("Observation/obs-7", "$.entry[2].resource")
    ]
    assert [(s.label, s.path, s.reason) for s in report.skipped] == [
        (
            "entry 0",
            "$.entry[0]",
            "a request with no resource (DELETE Observation/old-1): nothing to record",
        ),
        (
            "entry 1",
            "$.entry[1]",
            "a request with no resource (GET Patient?identifier=x|1): nothing to record",
        ),
    ]
    # an entry with neither a resource nor a request is still an error
    bundle["entry"].append({"fullUrl": "urn:uuid:x"})
    problem = refused(under_allow_all(sample), bundle)
    assert problem == "entry 3: expected a resource (or a request) @ $.entry[3].resource"


def test_the_report_says_what_was_skipped_and_why(sample: al.Partnership, exported: Json) -> None:
    bundle = copy.deepcopy(exported)
    find(bundle, "Observation", "o-req-2")["status"] = "entered-in-error"
    copy_of = fresh_copy(sample.state)
    report = al.fhir.import_bundle_with_report(
        copy_of, bundle, actor="ana", occurred_at=sample.state.formed_at
    )
    observation = find(bundle, "Observation", "o-req-2")
    assert any(
        s.label == f"Observation/{observation['id']}" and "entered-in-error" in s.reason
        for s in report.skipped
    ), report.skipped
    (patient,) = resources(bundle, "Patient")
    assert any(
        s.label == f"Patient/{patient['id']}" and "read only to resolve references" in s.reason
        for s in report.skipped
    )
    goal = find(bundle, "Goal", "g-requests")
    (requests,) = [r for r in report.recorded if r.label == f"Goal/{goal['id']}"]
    kinds = [type(e).__name__ for e in requests.events]
    assert kinds[0] == "GoalProposed"
    assert kinds[-1] == "GoalAchieved"
    assert len(report.events) == copy_of.version - fresh_copy(sample.state).version


def test_elements_alliance_has_no_field_for_are_reported_not_dropped(
    sample: al.Partnership, exported: Json
) -> None:
    bundle = copy.deepcopy(exported)
    goal = find(bundle, "Goal", "g-requests")
    goal["priority"] = {"text": "high"}
    goal["addresses"] = [{"display": "Speech delay"}]
    goal["note"] = [*goal.get("note", [{"text": "Why it matters"}]), {"text": "A second note"}]
    observation = find(bundle, "Observation", "o-req-2")
    observation["interpretation"] = [{"text": "Improving"}]
    observation["referenceRange"] = [{"text": "5 to 8"}]
    report = al.fhir.import_bundle_with_report(
        fresh_copy(sample.state), bundle, actor="ana", occurred_at=sample.state.formed_at
    )
    skipped = {(s.label, s.path.rsplit(".", 1)[-1], s.reason.split(":")[0]) for s in report.skipped}
    last_note = len(goal["note"]) - 1
    assert {
        (f"Goal/{goal['id']}", "priority", "priority not imported"),
        (f"Goal/{goal['id']}", "addresses", "addresses not imported"),
        (f"Goal/{goal['id']}", f"note[{last_note}]", f"note[{last_note}] not imported"),
        (f"Observation/{observation['id']}", "interpretation", "interpretation not imported"),
        (f"Observation/{observation['id']}", "referenceRange", "referenceRange not imported"),
    } <= skipped
    # and the goal and observation are still recorded
    assert any(r.label == f"Goal/{goal['id']}" for r in report.recorded)
    assert any(r.label == f"Observation/{observation['id']}" for r in report.recorded)


ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"


def with_achievement(bundle: Json, goal_id: str, code: str | None) -> Json:
    bundle = copy.deepcopy(bundle)
    goal = find(bundle, "Goal", goal_id)
    if code is None:
        del goal["achievementStatus"]
    else:
        goal["achievementStatus"] = {"coding": [{"system": ACHIEVEMENT, "code": code}]}
    return bundle


def test_a_goal_completed_but_not_achieved_is_not_recorded_as_achieved(
    sample: al.Partnership, exported: Json
) -> None:
    for code in ("not-achieved", "no-progress", "not-attainable"):
        copy_of, _ = import_into_copy(sample, with_achievement(exported, "g-requests", code))
        goal = copy_of.state.goals["g-requests"]
        assert goal.status is al.model.GoalStatus.DISCONTINUED, code
        assert goal.status_reason == sample.state.goals["g-requests"].status_reason
        again = find(export_bundle(copy_of, sample_people()), "Goal", "g-requests")
        assert again["achievementStatus"]["coding"][0]["code"] == "not-achieved"
    for code in ("achieved", "sustaining"):
        copy_of, _ = import_into_copy(sample, with_achievement(exported, "g-requests", code))
        assert copy_of.state.goals["g-requests"].status is al.model.GoalStatus.ACHIEVED
    goal = find(exported, "Goal", "g-requests")
    for code in (None, "improving"):
        copy_of = fresh_copy(sample.state)
        with pytest.raises(al.MalformedDataError) as raised:
            import_bundle(
                copy_of,
                with_achievement(exported, "g-requests", code),
                actor="ana",
                occurred_at=sample.state.formed_at,
            )
        (problem,) = raised.value.problems
        assert problem.startswith(
            f"Goal/{goal['id']}: lifecycleStatus 'completed' with "
            + ("no achievementStatus" if code is None else f"achievementStatus {code!r}")
        ), problem
        assert problem.endswith(".resource.achievementStatus")
    # cancelled but achieved says two contradictory things
    bundle = with_achievement(exported, "g-dressing", "achieved")
    find(bundle, "Goal", "g-dressing")["lifecycleStatus"] = "cancelled"
    with pytest.raises(al.MalformedDataError) as raised:
        import_into_copy(sample, bundle)
    (problem,) = raised.value.problems
    assert "lifecycleStatus 'cancelled' with achievementStatus 'achieved'" in problem


def test_a_goal_with_two_targets_is_refused_naming_the_second(
    sample: al.Partnership, exported: Json
) -> None:
    bundle = copy.deepcopy(exported)
    goal = find(bundle, "Goal", "g-dressing")
    goal["target"].append(copy.deepcopy(goal["target"][0]))
    with pytest.raises(al.MalformedDataError) as raised:
        import_into_copy(sample, bundle)
    (problem,) = raised.value.problems
    assert problem.startswith(f"Goal/{goal['id']}: a second target cannot be imported"), problem
    assert problem.endswith(".resource.target[1]")


@pytest.mark.parametrize(
    ("detail", "value"),
    [
        ("detailRange", {"low": {"value": 1}, "high": {"value": 3}}),
        ("detailCodeableConcept", {"text": "walks unaided"}),
        ("detailString", "walks unaided"),
    ],
)
def test_a_target_that_is_not_a_quantity_is_refused_by_name(
    sample: al.Partnership, exported: Json, detail: str, value: Any
) -> None:
    bundle = copy.deepcopy(exported)
    goal = find(bundle, "Goal", "g-dressing")
    del goal["target"][0]["detailQuantity"]
    goal["target"][0][detail] = value
    with pytest.raises(al.MalformedDataError) as raised:
        import_into_copy(sample, bundle)
    (problem,) = raised.value.problems
    assert problem.startswith(f"Goal/{goal['id']}: target[0].{detail} cannot be imported"), problem
    assert problem.endswith(f".resource.target[0].{detail}")


def test_a_targets_comparator_gives_its_direction_or_is_refused(
    sample: al.Partnership, exported: Json
) -> None:
    goal_id = find(exported, "Goal", "g-dressing")["id"]
    for comparator, problem_text in [
        (">=", "comparator '>=' says the value should rise to 12, but the baseline is 25"),
        ("<", "comparator '<' cannot be imported"),
    ]:
        bundle = copy.deepcopy(exported)
        find(bundle, "Goal", "g-dressing")["target"][0]["detailQuantity"]["comparator"] = comparator
        with pytest.raises(al.MalformedDataError) as raised:
            import_into_copy(sample, bundle)
        (problem,) = raised.value.problems
        assert problem.startswith(f"Goal/{goal_id}: target[0].detailQuantity.{problem_text}"), (
            problem
        )
        assert problem.endswith(".resource.target[0].detailQuantity.comparator")


def care_plan_with_goal(goal_subject: Json | None = None) -> Json:
    goal: Json = {
        "resourceType": "Goal",
        "id": "g1",
        "lifecycleStatus": "active",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/goal-category",
                        "code": "behavioral",
                    }
                ]
            }
        ],
        "description": {"text": "Fewer meltdowns at bedtime"},
        "subject": goal_subject or {"reference": "Patient/pat-1"},
        "target": [
            {
                "extension": [
                    {"url": "urn:alliance:ext:goal-baseline", "valueQuantity": {"value": 5}}
                ],
                "measure": {"text": "meltdowns"},
                "detailQuantity": {"value": 1, "unit": "/wk"},
                "dueDate": "2025-09-01",
            }
        ],
    }
    return {
        "fullUrl": "http://ehr.example/fhir/CarePlan/cp-1",
        "resource": {
            "resourceType": "CarePlan",
            "id": "cp-1",
            "status": "active",
            "intent": "plan",
            "subject": {"reference": "Patient/pat-1"},
            "contained": [goal],
            "goal": [{"reference": "#g1"}],
        },
    }


def test_goals_contained_in_a_care_plan_are_imported(sample: al.Partnership) -> None:
    partnership = under_allow_all(sample)
    report = al.fhir.import_bundle_with_report(
        partnership,
        foreign_bundle(ehr_patient("MRN-0042"), care_plan_with_goal()),
        actor="ana",
        occurred_at=AT,
        child=sample_child(),
    )
    assert [type(e).__name__ for e in report.events] == ["GoalProposed"]
    assert partnership.state.goals["fhir-g1"].statement == "Fewer meltdowns at bedtime"
    assert [(r.label, r.path) for r in report.recorded] == [
        ("Goal/g1 in CarePlan/cp-1", "$.entry[1].resource.contained[0]")
    ]
    # and its problems are named by where it is
    plan = care_plan_with_goal({"reference": "Patient/pat-2"})
    problem = refused(
        under_allow_all(sample),
        foreign_bundle(ehr_patient("MRN-0042"), ehr_patient("MRN-9999", "pat-2"), plan),
        child=sample_child(),
    )
    assert problem.startswith("Goal/g1 in CarePlan/cp-1: is about another patient"), problem
    assert problem.endswith("@ $.entry[2].resource.contained[0].subject")


def test_a_value_in_another_unit_than_the_goals_is_refused_naming_both(
    sample: al.Partnership,
) -> None:
    """185 [lb_av] went into a kg goal as 185. A value in the goal's unit (its unit or its
    UCUM code) or without one is taken as it is; one in a UCUM unit is converted
    (tests/fhir/test_fhir_units.py); any other is refused, naming both."""
    goal = care_plan_with_goal()["resource"]["contained"][0]
    goal["target"][0]["detailQuantity"] = {
        "value": 20,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    goal["target"][0]["extension"][0]["valueQuantity"] = {"value": 18}
    weighed = foreign_observation(None)
    weighed["extension"][0]["valueReference"] = {"reference": "Goal/g1"}
    for quantity, accepted in [
        (
            {"value": 185, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
            True,
        ),
        ({"value": 185, "code": "[lb_av]"}, False),  # a code without UCUM's system
        ({"value": 19, "unit": "kilogram", "code": "kg"}, True),
        ({"value": 19, "unit": "kg"}, True),
        ({"value": 19}, True),  # no unit: in the goal's
    ]:
        weighed["valueQuantity"] = quantity
        bundle = foreign_bundle({"resource": goal}, {"resource": weighed})
        if accepted:
            recorded = import_bundle(
                under_allow_all(sample), bundle, actor="ana", occurred_at=AT, about_this_child=True
            )
            assert len(recorded) == 2
            continue
        problem = refused(under_allow_all(sample), bundle)
        assert problem == (
            "Observation/obs-7: valueQuantity is in '[lb_av]', but goal 'fhir-g1' is measured "
            "in 'kg': '[lb_av]' is not a UCUM unit (a code is read as UCUM only with system "
            "http://unitsofmeasure.org), so the value is not recorded "
            "@ $.entry[1].resource.valueQuantity.code"
        )
    # a goal already in the partnership: its unit
    problem = observed(sample, valueQuantity={"value": 11, "unit": "seconds"})
    assert "but goal 'g-dressing' is measured in 'minutes'" in problem
