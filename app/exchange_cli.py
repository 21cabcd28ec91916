"""`denialdesk import-835 FILE... [--json]` (storing) and `denialdesk export-837 CLAIM_ID`.

import-835 follows POST /remittances exactly (services/remittances.py): one transaction per
file, idempotent per payer and trace number, the same result object; the CLI acts for the
billing company, so it sees every practice. Once stored, the payments are relayed to their
workflows; when Temporal cannot be reached they stay in the outbox for the worker's relay, and
the import still succeeds. A bad file prints `FILE: segment N: reason` and the others are
still imported. On a terminal a progress bar shows how far it is (app/progress.py); not with
--json.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from denialdesk.activities.claims import EnvelopeSettings
from denialdesk.app.cli import CLIError
from denialdesk.app.progress import FileProgress
from denialdesk.app.relay import relay_pending
from denialdesk.app.remit_report import read_835_file
from denialdesk.app.settings import Settings, SettingsError
from denialdesk.app.temporal import TemporalUnreachable, connect
from denialdesk.domain.x12.claim_out import ClaimOutError, Envelope, Transaction, write_837p
from denialdesk.services.remittances import store_remittance
from denialdesk.store.claim_input import claim_input
from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Claim, Submission
from denialdesk.store.remittances import ImportResult


class ExportError(CLIError):
    """The claim cannot be exported; the message says why (printed as one line)."""


def import_835(
    settings: Settings,
    paths: Sequence[str],
    *,
    as_json: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    engine = make_engine(settings.db_url)
    upgrade(engine)
    reports, to_relay, failed = [], 0, False
    with FileProgress(paths, err, enabled=not as_json) as progress:
        for path in paths:
            progress.step(path, "reading")
            remit = read_835_file(path)
            if isinstance(remit, str):
                progress.say(remit, err)
                failed = True
                progress.done(path)
                continue
            progress.step(path, "storing")
            with Session(engine, expire_on_commit=False) as session:
                result = store_remittance(session, remit, practice_ids=None, user_id=None)
            to_relay += len(result.outbox_ids)
            reports.append({"file": path} | result.response())
            if not as_json:
                progress.say(_summary(path, result), out)
            progress.done(path)
    if as_json:
        print(json.dumps({"files": reports}, indent=2), file=out)
    if to_relay:
        _relay(settings, engine, err)
    engine.dispose()
    return 1 if failed else 0


def _summary(path: str, result: ImportResult) -> str:
    traces = ", ".join(result.trace_numbers)
    if result.duplicate:
        return f"{path}: already imported (trace {traces}); nothing changed"
    line = (
        f"{path}: trace {traces}: {result.payments} claim payments, {result.denials} with"
        f" denials, {result.claims_matched} matched to claims"
    )
    if result.duplicate_trace_numbers:
        line += f"; already imported: {', '.join(result.duplicate_trace_numbers)}"
    if result.claims_unmatched:
        line += f"; not ours: {', '.join(result.claims_unmatched)}"
    return line


def _relay(settings: Settings, engine: Engine, err: TextIO) -> None:
    async def run() -> tuple[int, int]:
        client = await connect(settings)
        return await relay_pending(engine, client, settings.temporal_task_queue)

    try:
        _sent, failed = asyncio.run(run())
    except Exception as exc:  # noqa: BLE001 (stored safely; the worker's relay sends them)
        # Our own errors say what to set or start; others are named by type only, since a
        # driver's message could quote data.
        known = isinstance(exc, SettingsError | TemporalUnreachable)
        print(
            f"note: payments stored; Temporal not reached ({exc if known else type(exc).__name__});"
            " the worker will signal them",
            file=err,
        )
        return
    if failed:
        print(f"note: {failed} payments will be signalled by the worker", file=err)


def export_837(settings: Settings, claim_id: int, *, out: TextIO | None = None) -> int:
    """Print the 837P sent for the claim's latest version; if none was sent, the one that
    would be, built with placeholder control numbers and the test indicator (nothing is
    allocated, so exporting never uses up a real control number)."""
    out = out or sys.stdout
    engine = make_engine(settings.db_url)
    try:
        with Session(engine) as session:
            claim = session.get(Claim, claim_id)
            if claim is None:
                raise ExportError(f"no claim {claim_id}")
            sent = session.exec(
                select(Submission)
                .where(Submission.claim_id == claim.id, Submission.claim_version == claim.version)
                .order_by(col(Submission.id).desc())
            ).first()
            text = sent.content if sent is not None else _preview(session, claim)
    finally:
        engine.dispose()
    out.write(text if text.endswith("\n") else text + "\n")
    return 0


def _preview(session: Session, claim: Claim) -> str:
    envelope = Envelope(
        **dataclasses.asdict(dataclasses.replace(EnvelopeSettings(), production=False)),
        interchange_control=1,
        group_control=1,
    )
    try:
        billed = claim_input(session, claim_id=claim.id, version=claim.version)
        transactions = [Transaction("0001", (billed,))]
        return write_837p(transactions, envelope=envelope, now=datetime.now(UTC))
    except (ClaimOutError, LookupError, ValueError) as exc:
        raise ExportError(f"claim {claim.id} cannot be billed: {exc}") from None
