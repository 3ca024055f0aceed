"""Two validators of FHIR JSON independent of ``fhir.resources`` (issue 17), for the tests:

- HL7's FHIR JSON schema (``jsonschema``), cut down to the resource types alliance
  exports (``hl7_examples/schema-R4.json``, ``schema-R5.json``);
- the core invariants of the StructureDefinitions (``hl7_examples/invariants.json``),
  each FHIRPath expression evaluated with ``fhirpathpy`` on every element it constrains.

Both read only the files in ``hl7_examples/`` (written by ``hl7_examples/derive.py``
from HL7's packages), never the network.

An invariant whose expression calls a function fhirpathpy does not implement cannot be
evaluated: it is skipped, by key, with that reason (:func:`skipped_invariants`), and the
tests list the skipped keys explicitly. ``hasValue()``, which FHIRPath for FHIR defines
(true for one primitive with a value), is the one function added here, so that
``ele-1`` ("all FHIR elements must have a @value or children"), R4's ``per-1`` (a
period's start is not after its end) and the others that use it are checked.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fhirpathpy
import jsonschema
from fhirpathpy.engine.invocations import invocation_registry
from fhirpathpy.engine.nodes import ResourceNode
from fhirpathpy.models import models

Json = dict[str, Any]
HERE = Path(__file__).parent / "hl7_examples"


def _has_value(inputs: list[Any]) -> bool:
    """FHIRPath for FHIR's ``hasValue()``: one primitive, with a value."""
    return len(inputs) == 1 and inputs[0] is not None and not isinstance(inputs[0], dict | list)


USER_FUNCTIONS = {"hasValue": {"fn": _has_value, "arity": {0: []}}}
KNOWN_FUNCTIONS = set(invocation_registry) | set(USER_FUNCTIONS)
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\(")


@functools.cache
def _invariants() -> Json:
    return json.loads((HERE / "invariants.json").read_text())


def types(version: str) -> dict[str, Json]:
    """The StructureDefinitions' elements and invariants, by type, for *version*."""
    found: dict[str, Json] = _invariants()[version]["types"]
    return found


def definition(version: str, name: str) -> Json:
    """The elements and invariants of the type *name*: a type ``invariants.json`` does not
    hold fails loudly, never passes unchecked (``derive.py``'s ``EXPORTED`` lists the
    resource types it derives)."""
    found = types(version).get(name)
    assert found is not None, (
        f"{name} is not a type hl7_examples/invariants.json holds for {version}: add it to "
        "EXPORTED in hl7_examples/derive.py and derive the fixtures again"
    )
    return found


def missing_functions(expression: str) -> list[str]:
    """The functions *expression* calls that fhirpathpy does not implement."""
    return sorted({name for name in _CALL.findall(expression) if name not in KNOWN_FUNCTIONS})


def skipped_invariants(version: str) -> dict[str, str]:
    """The invariants that cannot be evaluated, by key, with the reason."""
    skipped: dict[str, str] = {}
    for definition in types(version).values():
        for key, constraint in definition["constraints"].items():
            missing = missing_functions(constraint["expression"])
            if missing:
                calls = ", ".join(f"{name}()" for name in missing)
                skipped[key] = f"uses {calls}, which fhirpathpy does not implement"
    return dict(sorted(skipped.items()))


@functools.cache
def _compiled(version: str, expression: str) -> Any:
    return fhirpathpy.compile(
        expression,
        models[version.lower()],
        # dom-3 calls trace(), which prints unless it is given a function
        options={"userInvocationTable": USER_FUNCTIONS, "traceFn": lambda *_: None},
    )


def _evaluate(version: str, expression: str, base: str, node: Any, context: Json) -> Any:
    """*expression* on *node* (of type *base*), or a message if fhirpathpy fails on it."""
    if not isinstance(node, dict | list):
        # a primitive: its invariants (ele-1) depend on its value alone
        return _evaluate_primitive(version, expression, base, json.dumps(node))
    try:
        return _compiled(version, expression)(ResourceNode.create_node(node, base), context)
    except Exception as error:  # a limit of fhirpathpy's, reported as a failure
        return f"fhirpathpy cannot evaluate it here: {type(error).__name__}: {error}"[:300]


@functools.cache
def _evaluate_primitive(version: str, expression: str, base: str, value: str) -> Any:
    node = ResourceNode.create_node(json.loads(value), base)
    return _compiled(version, expression)(node, {})


def _child(definition: Json, path: str, key: str) -> tuple[str, str]:
    """The element path and type of the JSON property *key* of the element at *path*."""
    elements = definition["elements"]
    element = elements.get(f"{path}.{key}")
    if element is not None:
        if "ref" in element:
            return element["ref"], "BackboneElement"
        return f"{path}.{key}", element["types"][0]
    for candidate, element in elements.items():
        if not candidate.endswith("[x]") or candidate.count(".") != path.count(".") + 1:
            continue
        base = candidate[len(path) + 1 : -3]
        if candidate.startswith(f"{path}.") and key.startswith(base):
            suffix = key[len(base) :]
            for code in element["types"]:
                if code[0].upper() + code[1:] == suffix:
                    return candidate, code
    raise AssertionError(f"{path}.{key} is not an element of {definition['url']}")


def _nodes(
    version: str, name: str, path: str, node: Any, where: str
) -> Iterator[tuple[str, str, str, Any, str]]:
    """``(type, element path, fhirpath base, node, where)`` for *node* and everything in
    it, *where* being the node's place in the resource (``target[0].measure``)."""
    definitions = types(version)
    found = definition(version, name)
    yield name, path, path.replace("[x]", ""), node, where
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "resourceType" or key.startswith("_"):
            continue
        child_path, code = _child(found, path, key)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            at = f"{where}.{key}" + (f"[{index}]" if isinstance(value, list) else "")
            if code == "Resource" or definitions.get(code, {}).get("kind") == "resource":
                continue  # contained and entry resources are validated on their own
            if code in definitions and code not in ("BackboneElement", "Element"):
                # a data type: the element's own invariants, then the type's
                yield name, child_path, code, item, at
                yield from _nodes(version, code, code, item, at)
            else:
                yield from _nodes(version, name, child_path, item, at)


def invariant_failures(
    resource: Json, version: str, counts: dict[str, int] | None = None
) -> list[str]:
    """Every core invariant of error severity that *resource* breaks, as
    ``"<key> @ <where> (<element path>): <human>"`` (``"gol-1 @ Goal.target[0]
    (Goal.target): ..."``); warnings as ``"warning <key> @ ..."``.

    An invariant breaks when its expression gives anything but ``true``. An empty
    result is not a breach: R4's ``ref-1`` (``reference.startsWith('#').not() or ...``)
    is empty for a logical reference (an ``identifier`` and no ``reference``), which R4B
    and R5 fixed by starting it with ``reference.exists() implies``. *counts*, when given,
    is incremented per key evaluated, per key whose result was empty (``"empty:<key>"``)
    and per key skipped (``"skipped:<key>"``), so that the tests can say which they are.
    """
    context = {"resource": resource, "rootResource": resource}
    failures: list[str] = []
    kind = resource["resourceType"]
    for name, path, base, node, where in _nodes(version, kind, kind, resource, kind):
        found = definition(version, name)
        element = found["elements"].get(path, {})
        for key in element.get("keys", []):
            constraint = found["constraints"][key]
            expression = constraint["expression"]
            if missing_functions(expression):
                if counts is not None:
                    counts[f"skipped:{key}"] = counts.get(f"skipped:{key}", 0) + 1
                continue
            result = _evaluate(version, expression, base, node, context)
            if counts is not None:
                counts[key] = counts.get(key, 0) + 1
                if result == []:
                    counts[f"empty:{key}"] = counts.get(f"empty:{key}", 0) + 1
            if result not in ([True], []):
                prefix = "" if constraint["severity"] == "error" else "warning "
                failures.append(
                    f"{prefix}{key} @ {where} ({path}): {constraint['human']} (got {result})"
                )
    return failures


@functools.cache
def _schema(version: str) -> Json:
    schema: Json = json.loads((HERE / f"schema-{version}.json").read_text())
    jsonschema.Draft6Validator.check_schema(schema)
    return schema


@functools.cache
def _validator(version: str, definition: str | None) -> jsonschema.Draft6Validator:
    schema = _schema(version)
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return jsonschema.Draft6Validator(schema)


def schema_errors(resource: Json, version: str) -> list[str]:
    """What HL7's JSON schema finds wrong with *resource* (checked against its own type's
    definition, so that the messages name the element), as ``"<path>: <message>"``."""
    kind = resource.get("resourceType")
    assert kind in _schema(version)["definitions"], (
        f"{kind} is not a resource type hl7_examples/schema-{version}.json holds: add it to "
        "EXPORTED in hl7_examples/derive.py and derive the fixtures again"
    )
    validator = _validator(version, kind)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(resource)
    ]


def validate_bundle(bundle: Json, version: str, counts: dict[str, int] | None = None) -> None:
    """Assert that *bundle* and each of its resources pass the JSON schema and every core
    invariant of error severity that can be evaluated."""
    problems = [f"Bundle: {e}" for e in schema_errors(bundle, version)]
    problems += [f"Bundle: {f}" for f in errors_only(invariant_failures(bundle, version, counts))]
    for index, entry in enumerate(bundle.get("entry", [])):
        resource = entry["resource"]
        label = f"entry[{index}] {resource['resourceType']}/{resource.get('id')}"
        problems += [f"{label}: {e}" for e in schema_errors(resource, version)]
        failures = errors_only(invariant_failures(resource, version, counts))
        problems += [f"{label}: {f}" for f in failures]
    assert not problems, "\n".join(problems)


def errors_only(failures: list[str]) -> list[str]:
    """The *failures* of invariants of error severity (not the warnings)."""
    return [f for f in failures if not f.startswith("warning ")]
