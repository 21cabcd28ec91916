"""Keyset paging shared by every list endpoint: `limit` (1-200) and an opaque `cursor`.

A cursor is the base64 of what the previous page ended on: `after:ID` for lists in id order,
or a JSON `[sort value, id, sort name]` for lists sorted by something else (tasks by priority,
due...). The sort name is in the cursor because one sort's value often parses as another's (an
amount as a priority) and would page silently wrong. Anything we did not hand out, or a cursor
of another sort order, is a 422 on `cursor`, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from denialdesk.services.bodies import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Ids beyond a signed 64-bit integer would make the database driver fail (500), not 404.
_CURSOR_PREFIX = "after:"
_KEY_PREFIX = "key:"


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unb64(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor from this API") from None


def encode_cursor(after: int | None) -> str | None:
    return None if after is None else _b64(f"{_CURSOR_PREFIX}{after}")


def decode_cursor(cursor: str) -> int:
    """The id a cursor continues after; ValueError for anything we did not hand out."""
    raw = _unb64(cursor)
    number = raw.removeprefix(_CURSOR_PREFIX)
    if raw == number or not number.isascii() or not number.isdigit() or int(number) > MAX_ID:
        raise ValueError("not a cursor from this API")
    return int(number)


def encode_key(key: tuple[str | None, int] | None, *, sort: str) -> str | None:
    """A cursor for a list sorted by `sort`: (the value as a string or None, the row id)."""
    return None if key is None else _b64(_KEY_PREFIX + json.dumps([*key, sort]))


def decode_key(cursor: str, *, sort: str | None = None) -> tuple[str | None, int]:
    """(value, id) of a cursor; ValueError when we did not hand it out or, given `sort`, when
    it was handed out for another sort order."""
    raw = _unb64(cursor)
    body = raw.removeprefix(_KEY_PREFIX)
    try:
        value, row_id, cursor_sort = json.loads(body)
    except (ValueError, TypeError):
        raise ValueError("not a cursor from this API") from None
    valid_id = isinstance(row_id, int) and not isinstance(row_id, bool) and 0 <= row_id <= MAX_ID
    if raw == body or not valid_id or not (value is None or isinstance(value, str)):
        raise ValueError("not a cursor from this API")
    if not isinstance(cursor_sort, str) or (sort is not None and cursor_sort != sort):
        raise ValueError("the cursor is from another sort order")
    return value, row_id


def cursor_error(cursor: str, message: str) -> RequestValidationError:
    # Same shape as FastAPI's own 422s, so clients read `limit` and `cursor` errors alike.
    error = {"type": "value_error", "loc": ("query", "cursor"), "msg": message, "input": cursor}
    return RequestValidationError([error])


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: int | None
    cursor: str | None = None  # as sent, for lists whose cursor is a sort key (decode_key)


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(description="`next_cursor` of the previous page; omit for the first")
    ] = None,
) -> PageParams:
    if cursor is None:
        return PageParams(limit=limit, after=None)
    try:
        return PageParams(limit=limit, after=decode_cursor(cursor), cursor=cursor)
    except ValueError as exc:
        raise cursor_error(cursor, str(exc)) from None


def key_page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(description="`next_cursor` of the previous page; omit for the first")
    ] = None,
) -> PageParams:
    """Paging for sorted lists: the cursor is checked here and decoded with decode_key."""
    if cursor is not None:
        try:
            decode_key(cursor)
        except ValueError as exc:
            raise cursor_error(cursor, str(exc)) from None
    return PageParams(limit=limit, after=None, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]
KeyPageDep = Annotated[PageParams, Depends(key_page_params)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]

Item = TypeVar("Item", bound=BaseModel)


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None
