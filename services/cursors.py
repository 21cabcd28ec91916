"""Opaque cursors for keyset paging, shared by the API's lists and the pages' lists.

A cursor is the base64 of what the previous page ended on: `after:ID` for lists in id order,
or a JSON `[sort value, id, sort name]` for lists sorted by something else (tasks by priority,
due...). The sort name is in the cursor because one sort's value often parses as another's (an
amount as a priority) and would page silently wrong. Anything we did not hand out, or a cursor
of another sort order, is a ValueError (the API answers 422 on `cursor`, a page starts over).
"""

from __future__ import annotations

import base64
import binascii
import json

from denialdesk.services.bodies import MAX_ID

# Ids beyond a signed 64-bit integer (MAX_ID) would make the database driver fail (500), not 404.
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
