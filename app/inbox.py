"""The clearinghouse inbox watcher: 835 files dropped in a folder are imported like the API's
and `import-835`'s, then moved to processed/; unreadable ones go to rejected/ with a task.

It runs inside the worker (app/worker.py), beside the payment relay, and looks at the folder
(DENIALDESK_CLEARINGHOUSE_INBOX, default var/inbox) every second. Each waiting file
(services/drop_folder.py: not `*.tmp`, not a dot file, not a folder) is locked, read, parsed
with the business date of today and stored through services/remittances.py for the billing
company (every practice), then moved to processed/; the relay then signals the claims. The
import is idempotent (same payer and trace number: nothing changes), so a crash between the
import and the move is harmless: the next pass imports the file again as a duplicate and moves
it. A file that is empty, larger than the API's limit, not UTF-8/ASCII, not a valid 835 or
refused by the database goes to rejected/ with `NAME.reason.txt` beside it (the reader's
`segment N: reason`), nothing of it is stored, and a rejected_file task asks an admin of every
practice to fix and retry it or dismiss it. The logs carry counts and task ids only: a file's
name and content stay out of them.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from denialdesk.app.settings import Settings
from denialdesk.contracts.enums import FileProblem
from denialdesk.domain.x12.remit import RemitParseError, RemittanceFile, parse_835
from denialdesk.services.drop_folder import REASON_SUFFIX, DropFolder, shown_name
from denialdesk.services.remittances import MAX_835_BYTES, store_remittance
from denialdesk.store.file_tasks import open_rejected_file
from denialdesk.store.types import utcnow

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
# The database is away or busy (or a concurrent import won twice): the file stays in the inbox
# for the next pass. Anything else the database says about a file is the file's problem.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, IntegrityError)

IMPORTED, DUPLICATE, REJECTED = "imported", "duplicate", "rejected"


@dataclass(frozen=True)
class Rejection:
    problem: FileProblem
    reason: str  # for the reason file: our words, or the reader's `segment N: reason`
    segment: int | None = None


def take_file(
    engine: Engine,
    folder: DropFolder,
    path: Path,
    *,
    today: date,
    max_bytes: int = MAX_835_BYTES,
) -> str | None:
    """Import or reject one waiting file; what became of it (IMPORTED, DUPLICATE, REJECTED),
    or None when another worker is handling it. UNAVAILABLE errors leave the file waiting."""
    with folder.claim(path) as handle:
        if handle is None:
            return None
        remit = _read(handle, today=today, max_bytes=max_bytes)
        if isinstance(remit, Rejection):
            _reject(engine, folder, path, remit)
            return REJECTED
        try:
            with Session(engine, expire_on_commit=False) as session:
                result = store_remittance(session, remit, practice_ids=None, user_id=None)
        except UNAVAILABLE:
            raise
        except Exception as exc:  # noqa: BLE001 (a file the database refuses is rejected)
            # The type only: a driver's message can quote the file's values.
            refused = f"not stored: the database refused it ({type(exc).__name__})"
            _reject(engine, folder, path, Rejection(FileProblem.NOT_STORED, refused))
            return REJECTED
        folder.to_processed(path)
        return DUPLICATE if result.duplicate else IMPORTED


def _read(handle: BinaryIO, *, today: date, max_bytes: int) -> RemittanceFile | Rejection:
    if os.fstat(handle.fileno()).st_size > max_bytes:
        return _too_large(max_bytes)
    data = handle.read(max_bytes + 1)  # the file may still have grown since the stat
    if len(data) > max_bytes:
        return _too_large(max_bytes)
    if not data.strip():
        return Rejection(FileProblem.EMPTY, "empty file: no 835 in it")
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = len(data) - len(body) + exc.start + 1
        return Rejection(FileProblem.NOT_TEXT, f"not UTF-8 or ASCII text (byte {where})")
    try:
        return parse_835(text, today=today)
    except RemitParseError as exc:
        return Rejection(FileProblem.UNPARSABLE, str(exc), exc.segment_number)


def _too_large(max_bytes: int) -> Rejection:
    mib, rest = divmod(max_bytes, 1024 * 1024)
    limit = f"{mib} MB" if mib and not rest else f"{max_bytes} bytes"
    return Rejection(FileProblem.TOO_LARGE, f"larger than the {limit} an 835 may be")


def _reject(engine: Engine, folder: DropFolder, path: Path, why: Rejection) -> None:
    """rejected/NAME, its reason file and the task, or none of them: the task's insert waits
    for the move to commit, a failed move rolls it back, and a failed commit puts the file back
    (either way it waits in the inbox for the next pass; no rejected file is without a task)."""
    moved: Path | None = None
    with Session(engine, expire_on_commit=False) as session:
        try:
            task = open_rejected_file(
                session,
                file=shown_name(path.name),
                rejected_as=shown_name(path.name),
                reason_file=shown_name(path.name + REASON_SUFFIX),
                problem=why.problem,
                segment=why.segment,
            )
            moved = folder.reject(path, why.reason)
            if moved.name != path.name:  # the name was taken in rejected/: a suffixed one
                task.detail = task.detail | {
                    "rejected_as": shown_name(moved.name),
                    "reason_file": shown_name(moved.name + REASON_SUFFIX),
                }
                session.add(task)
            session.commit()
        except BaseException:
            session.rollback()
            if moved is not None:
                with contextlib.suppress(OSError):
                    folder.retry(moved.name, path.name)
            raise
    log.warning("inbox: a file was rejected (%s); task %s", why.problem.value, task.id)


def inbox_pass(engine: Engine, folder: DropFolder) -> Counter[str]:
    """Every file waiting now, in name order; how many became of what. Stops at the first
    UNAVAILABLE error (the rest wait for the next pass) and raises it."""
    done: Counter[str] = Counter()
    for path in folder.waiting():
        outcome = take_file(engine, folder, path, today=utcnow().date())
        if outcome is not None:
            done[outcome] += 1
    return done


async def run_inbox(
    settings: Settings, engine: Engine, stop_event: asyncio.Event, *, poll: float = POLL_SECONDS
) -> None:
    """Watch the inbox until `stop_event` is set, a pass every `poll` seconds."""
    folder = DropFolder(settings.inbox_dir)
    while not stop_event.is_set():
        try:
            await asyncio.to_thread(folder.prepare)
            done = await asyncio.to_thread(inbox_pass, engine, folder)
            if done:
                log.debug("inbox: %s", ", ".join(f"{n} {what}" for what, n in sorted(done.items())))
        except Exception as exc:  # noqa: BLE001 (a database or disk hiccup must not end it)
            log.warning("inbox pass failed: %s; retrying", type(exc).__name__)
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=poll)
        except TimeoutError:
            pass
