"""A carer's ``RelatedPerson.relationship`` is coded from the value set its FHIR version
binds (issue 17): R4's has no ``GUARD``, R5's no ``PRN``, ``PRNFOST`` or ``GRPRN``.

The value sets are written out here, not taken from the library, so that a wrong code in
the library fails.
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

import alliance as al
from alliance.fhir import export_bundle

V2_0131 = "http://terminology.hl7.org/CodeSystem/v2-0131"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CARER_RELATIONSHIP = "urn:alliance:code:carer-relationship"


def _codes(listed: str) -> frozenset[str]:
    """The codes *listed*, separated by white space."""
    return frozenset(listed.split())


# R4 (4.0.1) "PatientRelationshipType", http://hl7.org/fhir/ValueSet/relatedperson-
# relationshiptype, bound (preferred) to RelatedPerson.relationship: all of v2-0131 plus
# v3 RoleCode is-a _PersonalRelationshipRoleType. Its expansion in the hl7.fhir.r4.core
# 4.0.1 package, 117 codes (as listed in GinoCanessa/fhir-cross-version-source,
# docs/R4/ValueSets/PatientRelationshipType.md; the compose is HL7/fhir's
# source/relatedperson/valueset-relatedperson-relationshiptype.xml). R4B (4.3.0) has
# the same RoleCodes (plus the abstract _PersonalRelationshipRoleType and two
# misspelled duplicates) and v2-0131's later codes BP, CP, EP and PR: every R4 code here
# is in R4B's set too.
R4_RELATIONSHIPS: dict[str, frozenset[str]] = {
    V2_0131: _codes("C E F I N O S U"),
    ROLE_CODE: _codes(
        """
        ADOPTF ADOPTM ADOPTP AUNT BRO BROINLAW CHILD CHLDADOPT CHLDFOST CHLDINLAW COUSN
        DAU DAUADOPT DAUC DAUFOST DAUINLAW DOMPART EXT FAMMEMB FMRSPS FRND FTH FTHFOST
        FTHINLAW FTWIN FTWINBRO FTWINSIS GESTM GGRFTH GGRMTH GGRPRN GRFTH GRMTH GRNDCHILD
        GRNDDAU GRNDSON GRPRN HBRO HSIB HSIS HUSB INLAW ITWIN ITWINBRO ITWINSIS MAUNT
        MCOUSN MGGRFTH MGGRMTH MGGRPRN MGRFTH MGRMTH MGRPRN MTH MTHFOST MTHINLAW MUNCLE
        NBOR NBRO NCHILD NEPHEW NFTH NFTHF NIECE NIENEPH NMTH NMTHF NPRN NSIB NSIS ONESELF
        PAUNT PCOUSN PGGRFTH PGGRMTH PGGRPRN PGRFTH PGRMTH PGRPRN PRN PRNFOST PRNINLAW
        PUNCLE ROOM SIB SIBINLAW SIGOTHR SIS SISINLAW SON SONADOPT SONC SONFOST SONINLAW
        SPS STPBRO STPCHLD STPDAU STPFTH STPMTH STPPRN STPSIB STPSIS STPSON TWIN TWINBRO
        TWINSIS UNCLE WIFE
        """
    ),
}
# R5 (5.0.0) "Patient Relationship Type", the same URL, bound (preferred) to
# RelatedPerson.relationship: 18 codes listed one by one (the hl7.fhir.r5.core 5.0.0
# package's ValueSet-relatedperson-relationshiptype.json, as stored in
# costateixeira/qascripts package/ (version 5.0.0-draft-final) and listed in
# GinoCanessa/fhir-cross-version-source docs/R5/ValueSets/PatientRelationshipType.md).
R5_RELATIONSHIPS: dict[str, frozenset[str]] = {
    PARTICIPATION_TYPE: frozenset({"WIT"}),
    ROLE_CLASS: _codes("NOT ECON NOK GUARD DEPEN EMP GUAR CAREGIVER"),
    V2_0131: _codes("E O U"),
    ROLE_CODE: _codes("INTPRTER POWATT DPOWATT HPOWATT SPOWATT BILL"),
}
VALUE_SETS = {"R4": R4_RELATIONSHIPS, "R5": R5_RELATIONSHIPS}

# The displays of the codes the export may write, from the same code systems.
DISPLAYS = {
    (ROLE_CODE, "PRN"): "parent",
    (ROLE_CODE, "PRNFOST"): "foster parent",
    (ROLE_CODE, "GRPRN"): "grandparent",
    (V2_0131, "O"): "Other",
    (ROLE_CLASS, "GUARD"): "guardian",
    (ROLE_CLASS, "CAREGIVER"): "caregiver",
}


def carers_partnership() -> al.Partnership:
    """A partnership with one carer of each relationship."""
    start = al.events.PartnershipFormed(
        partnership_id="p-1",
        clinic_id="c-1",
        child_id="child",
        time_zone="Europe/London",
        actor="pro",
        occurred_at=pendulum.datetime(2025, 1, 6, 9, tz="UTC"),
    )
    p = al.Partnership.form(start, policy=al.AllowAll())
    p.record_all(
        [
            al.events.ProfessionalJoined(
                member_id="pro",
                discipline=al.Discipline.ABA,
                actor="pro",
                occurred_at=start.occurred_at,
            ),
            *(
                al.events.CarerJoined(
                    member_id=f"carer-{relationship.value}",
                    relationship=relationship,
                    actor="pro",
                    occurred_at=start.occurred_at,
                )
                for relationship in al.CarerRelationship
            ),
        ]
    )
    return p


def relationships(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each carer's relationship CodeableConcepts, by alliance's relationship code."""
    found = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] != "RelatedPerson":
            continue
        (concept,) = resource["relationship"]
        (own,) = [c["code"] for c in concept["coding"] if c["system"] == CARER_RELATIONSHIP]
        found[own] = concept
    return found


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_every_relationship_is_coded_from_its_versions_value_set(version: str) -> None:
    bundle = export_bundle(carers_partnership(), {}, version=version)
    coded = relationships(bundle)
    assert set(coded) == {r.value for r in al.CarerRelationship}
    value_set = VALUE_SETS[version]
    for relationship, concept in coded.items():
        hl7 = [c for c in concept["coding"] if c["system"] != CARER_RELATIONSHIP]
        assert hl7, relationship
        for found in hl7:
            assert found["code"] in value_set.get(found["system"], frozenset()), (
                version,
                relationship,
                found,
            )
            assert found["display"] == DISPLAYS[found["system"], found["code"]]


def codes(concept: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (c["system"], c["code"]) for c in concept["coding"] if c["system"] != CARER_RELATIONSHIP
    ]


def test_the_closest_code_of_each_version() -> None:
    r4 = relationships(export_bundle(carers_partnership(), {}, version="R4"))
    r5 = relationships(export_bundle(carers_partnership(), {}, version="R5"))
    # R4: RoleCode's personal relationships; no guardian there, so v2-0131 "Other" and text
    assert codes(r4["parent"]) == [(ROLE_CODE, "PRN")]
    assert codes(r4["foster-carer"]) == [(ROLE_CODE, "PRNFOST")]
    assert codes(r4["grandparent"]) == [(ROLE_CODE, "GRPRN")]
    assert codes(r4["guardian"]) == [(V2_0131, "O")]
    assert r4["guardian"]["text"] == "guardian"
    assert codes(r4["other"]) == [(V2_0131, "O")]
    # R5: RoleClass guardian; no parent, foster parent or grandparent, so caregiver and text
    assert codes(r5["guardian"]) == [(ROLE_CLASS, "GUARD")]
    for relationship, text in [
        ("parent", "parent"),
        ("foster-carer", "foster parent"),
        ("grandparent", "grandparent"),
    ]:
        assert codes(r5[relationship]) == [(ROLE_CLASS, "CAREGIVER")], relationship
        assert r5[relationship]["text"] == text
    assert codes(r5["other"]) == [(V2_0131, "O")]
    # where the code says it all, no text
    assert "text" not in r4["parent"]
    assert "text" not in r5["guardian"]
