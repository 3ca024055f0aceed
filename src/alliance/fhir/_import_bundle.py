"""The resources of a FHIR Bundle being imported, and where each is (private; used by
:mod:`alliance.fhir._import`)."""

from __future__ import annotations

import attrs

from alliance.errors import MalformedDataError
from alliance.fhir._common import Json
from alliance.fhir._import_elements import as_list, get
from alliance.fhir._import_report import SkippedItem


@attrs.frozen
class Entry:
    """A resource of the bundle (or one a resource contains): where it is, and what
    references to it may say."""

    path: str
    """Where the resource is in the bundle (``$.entry[3].resource``, or
    ``$.entry[3].resource.contained[0]`` for a contained one)."""
    resource: Json
    keys: frozenset[str]
    """What references to it may say: its fullUrl, ``Type/id`` (``<scope>#id`` for a
    contained one)."""
    label: str
    """The resource as errors name it (``Goal/42``, ``Goal/g1 in CarePlan/cp-1``)."""
    container: Json | None = None
    """The resource it is contained in, if it is."""

    @property
    def scope(self) -> str:
        """The path of the resource whose ``contained`` its ``#id`` references name."""
        return self.path.rsplit(".contained[", 1)[0] if self.container is not None else self.path


def read_entries(
    bundle: object, *, order: list[str], skipped: list[SkippedItem], problems: list[str]
) -> list[Entry]:
    """The resources of *bundle*, and the Goals and Observations they contain.

    A request-only entry is added to *skipped*, an entry with no resource to *problems*,
    and the path of each (and of each resource) to *order*, in the bundle's order.

    Raises:
        MalformedDataError: *bundle* is not a Bundle, or its ``entry`` not a list.
    """
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
        request = get(entry, "request")
        if resource is None and isinstance(request, dict):
            order.append(path)
            skipped.append(
                SkippedItem(
                    label=f"entry {index}",
                    path=path,
                    reason=f"a request with no resource ({request.get('method')} "
                    f"{request.get('url')}): nothing to record",
                )
            )
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            problems.append(f"entry {index}: expected a resource (or a request) @ {path}.resource")
            continue
        full_url = entry.get("fullUrl")
        keys = keys_of(resource, full_url if isinstance(full_url, str) else None)
        top = Entry(
            f"{path}.resource",
            resource,
            frozenset(keys),
            resource_label(resource, f"{path}.resource"),
        )
        found.append(top)
        order.append(top.path)
        for inner, contained in enumerate(as_list(resource.get("contained"))):
            if not isinstance(contained, dict) or contained.get("resourceType") not in (
                "Goal",
                "Observation",
            ):
                continue
            where = f"{top.path}.contained[{inner}]"
            contained_id = contained.get("id")
            found.append(
                Entry(
                    where,
                    contained,
                    frozenset(
                        {f"{top.path}#{contained_id}"} if isinstance(contained_id, str) else ()
                    ),
                    f"{resource_label(contained, where)} in {top.label}",
                    container=resource,
                )
            )
            order.append(where)
    return found


def keys_of(resource: Json, full_url: str | None) -> set[str]:
    """What references to *resource* may say: its entry's *full_url*, ``Type/id``, and (with no
    fullUrl) ``urn:uuid:<id>``."""
    keys = set()
    if full_url is not None:
        keys.add(full_url)
    resource_id = resource.get("id")
    if isinstance(resource_id, str):
        keys.add(f"{resource['resourceType']}/{resource_id}")
        if full_url is None:
            keys.add(f"urn:uuid:{resource_id}")
    return keys


def resource_label(resource: Json, index_path: str) -> str:
    """*resource* as errors name it: ``Type/id``, or ``Type at <path>`` when it has no id."""
    resource_id = resource.get("id")
    if isinstance(resource_id, str):
        return f"{resource['resourceType']}/{resource_id}"
    return f"{resource['resourceType']} at {index_path}"
