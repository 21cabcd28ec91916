"""Keyset paging shared by every list endpoint: `limit` (1-200) and an opaque `cursor`.

Cursors are services/cursors.py's; anything we did not hand out, or a cursor of another sort
order, is a 422 on `cursor`, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from denialdesk.services.bodies import MAX_ID
from denialdesk.services.cursors import decode_cursor, decode_key

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


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
