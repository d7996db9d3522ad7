"""Request and response bodies: ``XCreate`` comes in, ``XPublic`` goes out.

The tracking models follow Segment's HTTP API (https://segment.com/docs/connections/
sources/catalog/libraries/server/http-api/): the same field names, the ``batch``
envelope and the ``{"success": true}`` answer, so Segment and RudderStack clients work by
changing their host. Known fields are checked strictly (type, length, ISO 8601 times);
fields Tenure does not know are kept in the stored message, as Segment keeps them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

__all__ = [
    "AcceptedPublic",
    "AliasCreate",
    "ApiKeyCreate",
    "ApiKeyPublic",
    "BatchCreate",
    "EventPublic",
    "GroupCreate",
    "IdentifyCreate",
    "MessageCreate",
    "NewApiKeyPublic",
    "PageCreate",
    "ScreenCreate",
    "StatusPublic",
    "TrackCreate",
]


def _id(value: Any) -> Any:
    """Segment ids are strings; clients may send numbers, which Segment turns into text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, BeforeValidator(_id), Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, strict=False)

    user_id: Id | None = Field(default=None, alias="userId")
    anonymous_id: Id | None = Field(default=None, alias="anonymousId")
    message_id: Id | None = Field(
        default=None, alias="messageId", description="Deduplication key (made up when absent)."
    )
    timestamp: AwareDatetime | None = Field(
        default=None, description="When it happened (ISO 8601 with offset); default: received."
    )
    original_timestamp: AwareDatetime | None = Field(default=None, alias="originalTimestamp")
    sent_at: AwareDatetime | None = Field(default=None, alias="sentAt")
    context: dict[str, Any] | None = None
    integrations: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _someone(self) -> _Message:
        if self.user_id is None and self.anonymous_id is None:
            raise ValueError("either 'userId' or 'anonymousId' is required (Segment spec)")
        return self


class TrackCreate(_Message):
    """A ``track`` call: a named action with properties."""

    type: Literal["track"] = "track"
    event: Name
    properties: dict[str, Any] | None = None


class IdentifyCreate(_Message):
    """An ``identify`` call: who the user is (traits)."""

    type: Literal["identify"] = "identify"
    traits: dict[str, Any] | None = None


class PageCreate(_Message):
    """A ``page`` call: a page view."""

    type: Literal["page"] = "page"
    name: Name | None = None
    category: Name | None = None
    properties: dict[str, Any] | None = None


class ScreenCreate(_Message):
    """A ``screen`` call: a mobile screen view."""

    type: Literal["screen"] = "screen"
    name: Name | None = None
    category: Name | None = None
    properties: dict[str, Any] | None = None


class GroupCreate(_Message):
    """A ``group`` call: the account a user belongs to."""

    type: Literal["group"] = "group"
    group_id: Id = Field(alias="groupId")
    traits: dict[str, Any] | None = None


class AliasCreate(_Message):
    """An ``alias`` call: two ids of one user."""

    type: Literal["alias"] = "alias"
    previous_id: Id = Field(alias="previousId")


MessageCreate = Annotated[
    TrackCreate | IdentifyCreate | PageCreate | ScreenCreate | GroupCreate | AliasCreate,
    Field(discriminator="type"),
]


class BatchCreate(BaseModel):
    """Segment's ``batch`` envelope; its ``context`` and ``integrations`` apply to each item."""

    model_config = ConfigDict(extra="allow")

    batch: list[MessageCreate] = Field(min_length=1, max_length=10_000)
    context: dict[str, Any] | None = None
    integrations: dict[str, Any] | None = None
    sent_at: AwareDatetime | None = Field(default=None, alias="sentAt")


class AcceptedPublic(BaseModel):
    """Segment's answer: the messages are stored durably."""

    success: Literal[True] = True


class EventPublic(BaseModel):
    """A received message: when it arrived and whether it is in the warehouse yet."""

    message_id: str
    type: str
    received_at: dt.datetime
    moved_at: dt.datetime | None
    payload: dict[str, Any]


class ApiKeyCreate(BaseModel):
    """A new key for the caller's tenant."""

    model_config = ConfigDict(extra="forbid")

    scope: Literal["read", "write", "admin"] = "read"
    publishable: bool = False


class ApiKeyPublic(BaseModel):
    """A key as stored: its id and the first characters of the key, never the key."""

    id: str
    kind: Literal["publishable", "secret"]
    scope: Literal["read", "write", "admin"]
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class NewApiKeyPublic(ApiKeyPublic):
    """A key just made: ``key`` is shown this once."""

    key: str


class StatusPublic(BaseModel):
    """The server is up."""

    status: Literal["ok"] = "ok"
    version: str
