"""Resources shared with carers: articles, handouts, videos, workshops, in their language."""

from __future__ import annotations

import enum

import attrs
import pendulum


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
