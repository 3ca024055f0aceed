"""Whether the Goals and Observations being imported are about this partnership's child
(private; used by :mod:`alliance.fhir._import`)."""

from __future__ import annotations

import attrs

from alliance.fhir._common import Json
from alliance.fhir._import_elements import as_list, get


@attrs.frozen(kw_only=True)
class ThisChild:
    """This partnership's child, as the subject of an imported resource may name them."""

    identifiers: frozenset[tuple[str, str]]
    """The child's identifiers, as ``(system, value)``: alliance's own
    (``urn:alliance:id:person``) and those of the host's record of the child."""
    own_patient: frozenset[str]
    """The references alliance's exports give the child's ``Patient``."""
    about_this_child: bool
    """The caller said the bundle is about this child (see
    :func:`alliance.fhir.import_bundle_with_report`)."""

    def check_subject(
        self, resource: Json, path: str, target: Json | None, problems: list[str]
    ) -> None:
        """A problem unless *resource*'s subject is this partnership's child: a Patient
        (of the bundle, contained, or a logical reference) that carries one of the
        child's identifiers and none that contradicts them; or, when the caller said
        the bundle is about this child, one that carries none of them.

        *path* is where *resource* is in the bundle, and *target* the resource its
        subject references (``None`` when it is not in the bundle or contained).
        """
        where = f"{path}.subject"
        subject = resource.get("subject")
        carried: set[tuple[str, str]] = set()
        own = False
        if subject is not None:
            if not isinstance(subject, dict):
                problems.append(f"expected a Reference @ {where}")
                return
            reference = subject.get("reference")
            kind = get(target, "resourceType")
            if kind is None and isinstance(subject.get("type"), str):
                kind = subject["type"]
            if kind is None and isinstance(reference, str) and not reference.startswith("#"):
                parts = reference.split("/")
                kind = parts[-2] if len(parts) >= 2 else None
            if kind is not None and kind != "Patient":
                problems.append(
                    f"is about a {kind}, not a Patient (this partnership's child) @ {where}"
                )
                return
            for found in [*as_list(get(target, "identifier")), subject.get("identifier")]:
                system, value = get(found, "system"), get(found, "value")
                if isinstance(system, str) and isinstance(value, str):
                    carried.add((system, value))
            own = isinstance(reference, str) and reference in self.own_patient
        known = self.identifiers
        systems = {system for system, _ in known}
        others = sorted(i for i in carried if i[0] in systems and i not in known)
        if others:
            theirs = sorted(i for i in known if i[0] in {system for system, _ in others})
            problems.append(
                f"is about another patient: its subject carries {_identifiers(others)}, and "
                f"this partnership's child is {_identifiers(theirs)} @ {where}"
            )
            return
        if own or carried & known or self.about_this_child:
            return
        advice = (
            "give import_bundle the child's record with its identifiers (child=), or say "
            "that the bundle is about this child (about_this_child=True)"
        )
        if subject is None:
            problems.append(
                f"no subject: cannot tell which patient it is about; {advice} @ {where}"
            )
            return
        problems.append(
            "cannot tell that it is about this partnership's child: its subject carries "
            f"{_identifiers(sorted(carried)) if carried else 'no identifier'}, none of the "
            f"child's ({_identifiers(sorted(known))}); {advice} @ {where}"
        )


def _identifiers(found: list[tuple[str, str]]) -> str:
    """Identifiers as ``system|value``, joined."""
    return ", ".join(f"{system}|{value}" for system, value in found)
