"""HL7 FHIR: export a partnership as a Bundle (R4 or R5) and import Goals, Observations and
completed measures.

Pure functions over JSON-ready dicts; nothing here does I/O, and nothing needs a FHIR
library at run time.

- :func:`export_bundle` gives a ``Bundle`` of type ``collection``: the child as
  ``Patient``, carers as ``RelatedPerson`` (relationship coded from each version's value set),
  professionals as ``Practitioner`` and ``PractitionerRole``, the partnership as
  ``CareTeam``, goals as ``Goal``, progress as ``Observation`` (linked to its goal with
  the ``resource-pertainsToGoal`` extension), home practice as a ``CarePlan`` (with a
  ``ServiceRequest`` per strategy in R5), check-ins and feedback as ``Communication``,
  completed measures as ``QuestionnaireResponse`` and an ``Observation`` of the total
  (interpreted against the instrument's cutoff), the instruments as ``Questionnaire``.
  Resource ids are derived from alliance's ids, so they are the same in every export.
- :func:`import_bundle` records the ``Goal``, ``Observation`` and ``QuestionnaireResponse``
  resources of a Bundle into an existing partnership, all or nothing, with errors that
  name the resource and the element; :func:`import_bundle_with_report` does the same and returns an
  :class:`ImportReport` of what was recorded and what was skipped, and why.

The mapping, element by element, is in ``docs/fhir.md``.
"""

from __future__ import annotations

from alliance.fhir._common import (
    FHIR_VERSIONS,
    PLACEHOLDER_NAME,
    FhirVersion,
    stable_id,
)
from alliance.fhir._export import export_bundle
from alliance.fhir._import import WHY_NOT_STATED, import_bundle, import_bundle_with_report
from alliance.fhir._import_report import ImportedResource, ImportReport, SkippedItem

__all__ = [
    "FHIR_VERSIONS",
    "PLACEHOLDER_NAME",
    "WHY_NOT_STATED",
    "FhirVersion",
    "ImportReport",
    "ImportedResource",
    "SkippedItem",
    "export_bundle",
    "import_bundle",
    "import_bundle_with_report",
    "stable_id",
]
