"""A host's own facts: a funder's authorisation of therapy sessions, and the sessions
used from it (the clinic's own events, as docs/tutorial-add-an-event.md writes them).

Imported by the tests in this folder only: defining these classes registers them, and
every registered event type is then drawn by the testing kit and listed by the role
table of ``role_table()`` when asked for them.
"""

from __future__ import annotations

import attrs
import pendulum

import alliance as al
from alliance.events import Event, Permission
from alliance.model import checks
from alliance.model.state import state_extension
from alliance.testing.strategies import register_reference


@attrs.frozen(kw_only=True)
class Authorisation:
    """A funder's authorisation as it stands."""

    authorisation_id: str
    funder: str
    sessions: int
    goal_id: str | None
    authorised_by: str
    authorised_at: pendulum.DateTime
    used: int = 0

    @property
    def remaining(self) -> int:
        return self.sessions - self.used


@state_extension("example.funding")
@attrs.define(kw_only=True)
class Funding:
    """The clinic's part of a partnership's state: its funders' authorisations."""

    authorisations: dict[str, Authorisation] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class SessionsAuthorised(Event):
    """A funder authorised a number of sessions (for a goal, or for the partnership)."""

    type_name = "example.SessionsAuthorised"
    permission = Permission(act="recording a funder's authorisation", professional=True)

    authorisation_id: str = attrs.field(factory=checks.new_id, validator=checks.identifier)
    funder: str = attrs.field(validator=checks.text)
    sessions: int = attrs.field(validator=checks.whole_number(1, 60))
    goal_id: str | None = attrs.field(default=None, validator=checks.optional_identifier)

    def check(self, state: al.PartnershipState) -> None:
        funding = state.extension(Funding)
        checks.unused_id(
            "authorisation_id", self.authorisation_id, funding.authorisations, "authorisation"
        )
        if self.goal_id is not None:
            checks.goal_proposed_by(state, self.goal_id, self.occurred_at)

    def apply(self, state: al.PartnershipState) -> None:
        funding = state.extension(Funding)
        funding.authorisations[self.authorisation_id] = Authorisation(
            authorisation_id=self.authorisation_id,
            funder=self.funder,
            sessions=self.sessions,
            goal_id=self.goal_id,
            authorised_by=self.actor,
            authorised_at=self.occurred_at,
        )
        state.put_extension(funding)


@attrs.frozen(kw_only=True)
class SessionsUsed(Event):
    """Sessions were delivered under an authorisation; carers confirm them too."""

    type_name = "example.SessionsUsed"
    permission = Permission(
        act="recording sessions used",
        carer=True,
        professional=True,
        note="carers confirm the sessions delivered",
    )

    authorisation_id: str = attrs.field(validator=checks.identifier)
    sessions: int = attrs.field(validator=checks.whole_number(1, 10))

    def check(self, state: al.PartnershipState) -> None:
        found = state.extension(Funding).authorisations.get(self.authorisation_id)
        if found is None:
            raise al.UnknownRecordError(
                "authorisation_id", f"no authorisation with id {self.authorisation_id!r}"
            )
        checks.not_before(
            "occurred_at", self.occurred_at, found.authorised_at, "the sessions were authorised"
        )
        if self.sessions > found.remaining:
            raise al.DomainError(
                "sessions", f"only {found.remaining} sessions of this authorisation remain"
            )

    def apply(self, state: al.PartnershipState) -> None:
        funding = state.extension(Funding)
        found = funding.authorisations[self.authorisation_id]
        funding.authorisations[self.authorisation_id] = attrs.evolve(
            found, used=found.used + self.sessions
        )
        state.put_extension(funding)


# The testing kit drafts ``authorisation_id`` from the authorisations a state holds.
register_reference("authorisation_id", lambda state: state.extension(Funding).authorisations)
