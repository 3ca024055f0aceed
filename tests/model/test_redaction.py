"""Redaction: a person's record loses name and contact details, history is untouched, and
what is built from people records shows the placeholder."""

from __future__ import annotations

import json

import pendulum

import alliance as al
from alliance.demo import sample_partnership, sample_people


def test_redacted_records_keep_the_id_and_nothing_identifying() -> None:
    carer = al.Carer(
        id="maria",
        name="Maria Lopez",
        contact=al.model.ContactDetails(email="maria@example.org", phone="+44 7700 900123"),
        household="Mum's",
        preferences=al.model.CommunicationPreferences(language="es"),
    )
    child = al.Child(
        id="sam",
        name="Sam Lopez",
        date_of_birth=pendulum.date(2020, 5, 1),
        identifiers=(al.model.PersonIdentifier(system="https://clinic.example/mrn", value="M77"),),
    )
    professional = al.Professional(
        id="ana", name="Ana Ruiz", contact=al.model.ContactDetails(email="ana@clinic.example")
    )
    for person in (carer, child, professional):
        redacted = al.model.redact(person)
        assert type(redacted) is type(person)
        assert redacted.id == person.id
        assert al.model.is_redacted(redacted)
        assert not al.model.is_redacted(person)
        assert al.model.display_name(redacted) == al.model.REDACTED
        text = json.dumps(al.to_data(redacted))
        for secret in ("Lopez", "Ruiz", "example", "7700", "Mum", "2020-05-01", "M77"):
            assert secret not in text
    assert al.model.redact(carer).preferences.language == "es"  # still reachable as asked
    assert al.model.display_name(None) == al.model.REDACTED


def test_redaction_rewrites_no_event_and_exports_show_the_placeholder() -> None:
    partnership = sample_partnership()
    events = partnership.events
    people = sample_people()
    redacted = {pid: al.model.redact(person) for pid, person in people.items()}
    bundle = al.fhir.export_bundle(partnership, redacted)
    assert partnership.events == events
    people_resources = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] in ("Patient", "RelatedPerson", "Practitioner")
    ]
    assert len(people_resources) == len(people)
    # Free text in events (a goal's statement may name the child) is the events'; the
    # people's own records show only the placeholder.
    for resource in people_resources:
        text = json.dumps(resource)
        assert al.model.REDACTED in text
        for person in people.values():
            assert person.name not in text
