"""The HL7 codes the export writes for alliance's enums (private; used by
:mod:`alliance.fhir._export`).

Every code here is checked against its value set in the tests (``tests/fhir``), which
write the value sets out from the specification.
"""

from __future__ import annotations

from alliance.fhir._common import (
    CARER_RELATIONSHIP,
    CONTACT_ROLE,
    ROLE_CLASS,
    ROLE_CODE,
    FhirVersion,
    Json,
    coding,
    concept,
)
from alliance.model.goals import Position
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import CarerRelationship, Channel

# --- a carer's relationship, per FHIR version ------------------------------------------------
#
# RelatedPerson.relationship is bound (preferred) to http://hl7.org/fhir/ValueSet/
# relatedperson-relationshiptype, whose members differ by version:
#
# - R4 (4.0.1) and R4B (4.3.0), "PatientRelationshipType": all of HL7 v2 table 0131 and
#   v3 RoleCode is-a _PersonalRelationshipRoleType (HL7/fhir
#   source/relatedperson/valueset-relatedperson-relationshiptype.xml; the 117 codes of
#   its expansion in the hl7.fhir.r4.core 4.0.1 package). Parents, foster parents and
#   grandparents are there (PRN, PRNFOST, GRPRN); a guardian is not (RoleCode's GUARD is
#   no personal relationship), so a guardian is v2-0131 "Other" with the text "guardian".
# - R5 (5.0.0), "Patient Relationship Type": 18 codes listed one by one, in the
#   hl7.fhir.r5.core 5.0.0 package's ValueSet-relatedperson-relationshiptype.json
#   (v3-ParticipationType WIT; v3-RoleClass NOT, ECON, NOK, GUARD, DEPEN, EMP, GUAR,
#   CAREGIVER; v2-0131 E, O, U; v3-RoleCode INTPRTER, POWATT, DPOWATT, HPOWATT, SPOWATT,
#   BILL). A guardian is RoleClass GUARD. No code there says parent, foster parent or
#   grandparent: they are RoleClass CAREGIVER ("a person responsible for the primary
#   care of a patient at home", what a carer in a partnership is), with the relationship
#   as text.
#
# "Other" (a carer of another kind) is v2-0131 O in both. alliance's own code
# (urn:alliance:code:carer-relationship) follows in every version, so nothing is lost.

_PARENT = (ROLE_CODE, "PRN", "parent")
_FOSTER_PARENT = (ROLE_CODE, "PRNFOST", "foster parent")
_GRANDPARENT = (ROLE_CODE, "GRPRN", "grandparent")
_OTHER = (CONTACT_ROLE, "O", "Other")
_GUARDIAN = (ROLE_CLASS, "GUARD", "guardian")
_CAREGIVER = (ROLE_CLASS, "CAREGIVER", "caregiver")

Code = tuple[str, str, str]
"""An HL7 code: (system, code, display)."""

RELATIONSHIP_CODES: dict[FhirVersion, dict[CarerRelationship, tuple[Code, str | None]]] = {
    "R4": {
        CarerRelationship.PARENT: (_PARENT, None),
        CarerRelationship.GUARDIAN: (_OTHER, "guardian"),
        CarerRelationship.FOSTER_CARER: (_FOSTER_PARENT, None),
        CarerRelationship.GRANDPARENT: (_GRANDPARENT, None),
        CarerRelationship.OTHER: (_OTHER, None),
    },
    "R5": {
        CarerRelationship.PARENT: (_CAREGIVER, "parent"),
        CarerRelationship.GUARDIAN: (_GUARDIAN, None),
        CarerRelationship.FOSTER_CARER: (_CAREGIVER, "foster parent"),
        CarerRelationship.GRANDPARENT: (_CAREGIVER, "grandparent"),
        CarerRelationship.OTHER: (_OTHER, None),
    },
}
"""Per version, a carer's relationship as an HL7 code, and the text that says what the
code does not (when it is broader than the relationship)."""


def relationship_concept(relationship: CarerRelationship, version: FhirVersion) -> Json:
    """``RelatedPerson.relationship`` for a carer: the closest code of *version*'s value
    set, alliance's own code, and text where the HL7 code is broader."""
    (system, code, display), text = RELATIONSHIP_CODES[version][relationship]
    return concept(
        coding(system, code, display),
        coding(CARER_RELATIONSHIP, relationship.value),
        text=text,
    )


# --- other enums ---------------------------------------------------------------------------

CARE_TEAM_STATUS: dict[PartnershipStatus, str] = {
    PartnershipStatus.FORMING: "proposed",
    PartnershipStatus.ACTIVE: "active",
    PartnershipStatus.PAUSED: "suspended",
    PartnershipStatus.CLOSED: "inactive",
}

CARE_PLAN_STATUS: dict[PartnershipStatus, str] = {
    PartnershipStatus.FORMING: "draft",
    PartnershipStatus.ACTIVE: "active",
    PartnershipStatus.PAUSED: "on-hold",
    PartnershipStatus.CLOSED: "completed",
}

MEDIUM: dict[Channel, tuple[str, str]] = {
    Channel.IN_PERSON: ("FACE", "face-to-face"),
    Channel.PHONE: ("PHONE", "telephone"),
    Channel.VIDEO: ("VIDEOCONF", "videoconferencing"),
    Channel.MESSAGE: ("ONLINEWRIT", "online written"),
    Channel.EMAIL: ("EMAILWRIT", "email"),
}
"""A check-in's channel as an HL7 v3 ParticipationMode code (code, display)."""

ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}

ACCEPTANCE: dict[Position, str] = {
    Position.AGREED: "agree",
    Position.CONCERNED: "pending",
    Position.OBJECTED: "disagree",
}

PAYLOAD_LABELS = (
    ("topics", "Topic"),
    ("good_news", "Good news"),
    ("concerns", "Concern"),
    ("decisions", "Decision"),
)
