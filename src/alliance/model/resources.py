"""Resources shared with carers: articles, handouts, videos, workshops, in their language."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.goals import goal_proposed_by

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = ["ResourceKind", "ResourceShared", "SharedResource"]


class ResourceKind(enum.StrEnum):
    """What sort of resource was shared."""

    ARTICLE = "article"
    HANDOUT = "handout"
    BOOK = "book"
    VIDEO = "video"
    WEBSITE = "website"
    WORKSHOP = "workshop"
    SUPPORT_GROUP = "support-group"


@attrs.frozen(kw_only=True)
class SharedResource:
    """A resource shared with members of the partnership.

    Attributes:
        resource_id: its id.
        kind: article, handout, book, video, website, workshop or support group.
        title: its title.
        language: BCP 47 tag of the language it is in.
        shared_with: ids of the members it was shared with.
        shared_by: who shared it.
        shared_at: when.
        url: where to find it, if online.
        goal_id: the goal it supports, if any.
    """

    resource_id: str
    kind: ResourceKind
    title: str
    language: str
    shared_with: frozenset[str]
    shared_by: str
    shared_at: pendulum.DateTime
    url: str | None = None
    goal_id: str | None = None


@attrs.frozen(kw_only=True)
class ResourceShared(Event):
    """A resource was shared with members, in a language they read."""

    permission = Permission(act="sharing a resource", professional=True)

    resource_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: ResourceKind = attrs.field(validator=c.one_of(ResourceKind))
    title: str = attrs.field(validator=c.text)
    language: str = attrs.field(validator=c.language)
    shared_with: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)
    url: str | None = attrs.field(default=None, validator=c.optional_text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)

    def check(self, state: PartnershipState) -> None:
        """A new id, shared with current members; the goal it supports exists."""
        c.unused_id("resource_id", self.resource_id, state.resources, "resource")
        c.members(state, "shared_with", self.shared_with, self.occurred_at)
        if self.goal_id is not None:
            goal_proposed_by(state, self.goal_id, self.occurred_at)

    def apply(self, state: PartnershipState) -> None:
        """A resource shared."""
        state.resources[self.resource_id] = SharedResource(
            resource_id=self.resource_id,
            kind=self.kind,
            title=self.title,
            language=self.language,
            shared_with=self.shared_with,
            shared_by=self.actor,
            shared_at=self.occurred_at,
            url=self.url,
            goal_id=self.goal_id,
        )
