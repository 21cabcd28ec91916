"""The payer simulator plugged into the clearinghouse folders, as a real clearinghouse would be.

    PayerSimulator(outbox, inbox, state_dir, book, delay=(min_s, max_s), seed=...)
        .process_once(today=...) -> list[Path]   # one pass; the 835s written
        await .run(stop)                          # a pass about every second until `stop`

A pass takes every new 837P in the outbox (`*.837`, `*.x12`, `*.txt`; hidden files are
someone's half-written temporary files) and every appeal packet in `outbox/appeals/`, answers
them with the simulator's core (denialdesk.simulator) and moves each file it took to
`outbox/sent/`, as a clearinghouse takes files away. The answers wait `delay` seconds, then
go to the inbox as one 835 per payer batch (payer, payee and payment date), written as
`TRACE.835.tmp` and renamed, so an importer never sees half a file; the name carries only
the trace number.

A file that is not a readable 837P goes to `sent/` with a 999-style note beside it (a claim
whose payer is unknown, a 277-style note; an interchange sent twice, a TA1-style note); the
log names the file, never what is in it. Nothing in one file can stop the simulator.

State lives in `state_dir` (0700, files 0600): the book, the ledger and the answers not yet
delivered, as JSON, with no member id in clear (the book keys members by salted SHA-256).
The patient named in an 835 comes from the 837P in `sent/` the answer is for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from random import Random
from time import time as epoch_seconds

from pydantic import TypeAdapter

from denialdesk.app.var_dir import FILE_MODE, make_private_folder
from denialdesk.domain.x12.claim_in import ClaimInError, ReceivedClaim, read_837p
from denialdesk.domain.x12.remit_out import (
    ClaimOut,
    PatientOut,
    PaymentOut,
    RemitEnvelope,
    RemitOutError,
    RemitPayee,
    RemitPayer,
    write_835,
)
from denialdesk.simulator import (
    AppealPacket,
    Ledger,
    PayerBook,
    UnknownPayerError,
    adjudicate,
    decide_appeal,
    find_appealed,
)

log = logging.getLogger("denialdesk.payer_sim")

CLAIM_SUFFIXES = (".837", ".x12", ".txt")
SENT, APPEALS = "sent", "appeals"
BOOK, LEDGER, PENDING = "book.json", "ledger.json", "pending.json"
SUBMITTER = "DENIALDESK"  # who the 835s are addressed to when no 837P says it


@dataclass
class PendingBatch:
    """An answer waiting for its delay: claim payments of one payer to one payee, one day."""

    trace: str
    due: float  # clock() seconds
    payer_key: str
    billing_npi: str
    answered_on: date
    payee_name: str
    payee_tax_id: str | None
    receiver: str
    claims: list[ClaimOut] = field(default_factory=list)  # without their patients
    sources: list[str | None] = field(default_factory=list)  # per claim: the 837P it answers


_PENDING = TypeAdapter(list[PendingBatch])


class PayerSimulator:
    def __init__(
        self,
        outbox: Path,
        inbox: Path,
        state_dir: Path,
        book: PayerBook,
        *,
        delay: tuple[float, float] = (5.0, 30.0),
        seed: int | str = "denialdesk-payers",
        clock: Callable[[], float] = epoch_seconds,
        refresh: Callable[[PayerBook], None] | None = None,
    ) -> None:
        self.outbox, self.inbox, self.state_dir = Path(outbox), Path(inbox), Path(state_dir)
        self.book, self.delay, self.seed, self.clock = book, delay, seed, clock
        # Brings the payers' records up to date before new claims are read (authorizations
        # issued since the book was built): app/payer_book.merge_authorizations.
        self.refresh = refresh
        self.sent = self.outbox / SENT
        make_private_folder(self.state_dir)
        self.ledger = self._load_ledger()
        self.pending: list[PendingBatch] = self._load_pending()
        self._patients: dict[tuple[str, str], PatientOut] = {}
        self._write_state(BOOK, book.to_json())
        self._delays = Random(f"{seed}:delays")  # noqa: S311 (a simulation, not a secret)

    # --- the loop ---------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, *, poll_seconds: float = 1.0) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.process_once)
            except OSError as error:  # a folder gone or full: try again on the next pass
                log.warning("payer simulator pass failed: %s", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)

    def process_once(self, today: date | None = None) -> list[Path]:
        today = today or datetime.now(UTC).astimezone().date()
        fresh: dict[tuple[str, str, date], PendingBatch] = {}
        waiting = self._waiting(self.outbox, CLAIM_SUFFIXES)
        if waiting and self.refresh is not None:
            self.refresh(self.book)
            self._write_state(BOOK, self.book.to_json())
        for path in waiting:
            self._guarded(path, lambda p=path: self._take_claims(p, today, fresh))
        for path in self._waiting(self.outbox / APPEALS, (".json",)):
            self._guarded(path, lambda p=path: self._take_appeal(p, today, fresh))
        if fresh:
            self.pending += fresh.values()
            self._save()
        return self._deliver()

    # --- taking files -----------------------------------------------------------------------

    @staticmethod
    def _waiting(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
        )

    def _guarded(self, path: Path, take: Callable[[], None]) -> None:
        try:
            take()
        except Exception as error:  # noqa: BLE001 (one bad file must not stop the payers)
            log.warning("payer simulator: %s not answered (%s)", path.name, type(error).__name__)
            self._note(path.name, "999", "not processed: internal error")
            self._move(path)

    def _take_claims(self, path: Path, today: date, fresh: dict) -> None:
        try:
            interchange = read_837p(path.read_bytes())
        except ClaimInError as error:
            log.warning("payer simulator: %s rejected as unreadable", path.name)
            self._note(path.name, "999", f"rejected: {error}")
            self._move(path)
            return
        key = f"{interchange.sender_id}:{interchange.control_number}"
        if key in self.ledger.interchanges:
            log.info("payer simulator: %s is an interchange already taken", path.name)
            self._note(path.name, "ta1", "duplicate interchange: already received")
            self._move(path)
            return
        for claim in interchange.claims:
            self._patients[(path.name, claim.control_number)] = _patient(claim)
            try:
                done = adjudicate(
                    claim,
                    self.book,
                    received_on=min(today, claim.created_on),
                    rng=self._rng("claim", key, claim.control_number, claim.frequency),
                    ledger=self.ledger,
                    source=path.name,
                )
            except UnknownPayerError:
                log.warning("payer simulator: %s names a payer not in the book", path.name)
                self._note(path.name, "277", f"claim {claim.control_number}: payer not found")
                continue
            self.ledger.record(done.entry)
            batch = self._batch(fresh, done.payer_key, done.entry, done.answered_on)
            batch.receiver = _sender_id(interchange.sender_id, SUBMITTER)
            for payment in done.payments:
                batch.claims.append(_without_patient(payment))
                batch.sources.append(path.name)
        self.ledger.interchanges.append(key)
        self._save()
        self._move(path)
        log.debug("payer simulator: took %s (%d claims)", path.name, len(interchange.claims))

    def _take_appeal(self, path: Path, today: date, fresh: dict) -> None:
        try:
            packet = AppealPacket.from_json(json.loads(path.read_text("utf-8")))
        except (ValueError, UnicodeDecodeError) as error:
            log.warning("payer simulator: appeal %s unreadable", path.name)
            self._note(path.name, "999", f"rejected: {type(error).__name__}")
            self._move(path)
            return
        entry = find_appealed(self.ledger, packet)
        if entry is not None and any(a.level == packet.level for a in entry.appeals):
            self._note(path.name, "ta1", f"level {packet.level} appeal already decided")
            self._move(path)
            return
        rng = self._rng("appeal", packet.control_number, str(packet.level), packet.sent_on)
        decision = decide_appeal(packet, entry, self.book, rng, today=today, ledger=self.ledger)
        if decision is None or entry is None:
            log.info("payer simulator: appeal %s concerns no denied claim on file", path.name)
            self._note(path.name, "277", "no denied claim on file under this number")
            self._move(path)
            return
        self.ledger.record(decision.entry)
        batch = self._batch(fresh, entry.payer_key, entry, decision.answered_on)
        batch.claims.append(decision.payment)
        batch.sources.append(entry.source)
        self._save()
        self._move(path)
        outcome = "overturned" if decision.overturned else "upheld"
        log.debug("payer simulator: appeal %s %s", path.name, outcome)

    def _batch(self, fresh: dict, payer_key: str, entry, answered_on: date) -> PendingBatch:
        key = (payer_key, entry.billing_npi, answered_on)
        if key not in fresh:
            low, high = self.delay
            fresh[key] = PendingBatch(
                trace=self.ledger.next_trace(),
                due=self.clock() + self._delays.uniform(low, high),
                payer_key=payer_key,
                billing_npi=entry.billing_npi,
                answered_on=answered_on,
                payee_name=entry.payee_name,
                payee_tax_id=entry.payee_tax_id,
                receiver=SUBMITTER,
            )
        return fresh[key]

    def _rng(self, *parts) -> Random:
        # One generator per claim or appeal, seeded by what it is: the same answer on every
        # run, whatever else arrives in between.
        return Random(":".join(str(p) for p in (self.seed, *parts)))  # noqa: S311

    # --- delivering 835s --------------------------------------------------------------------

    def _deliver(self) -> list[Path]:
        now, written = self.clock(), []
        for batch in [b for b in self.pending if b.due <= now]:
            try:
                written.append(self._write_835(batch))
            except OSError as error:  # kept: the next pass tries it again
                log.warning("payer simulator: 835 %s not written (%s)", batch.trace, error)
                continue
            except (RemitOutError, KeyError) as error:  # no pass could write it: dropped
                log.warning("payer simulator: 835 %s dropped (%s)", batch.trace, error)
            self.pending.remove(batch)
            self._save()
        return written

    def _write_835(self, batch: PendingBatch) -> Path:
        terms = self.book.payers[batch.payer_key]
        address1, city, state, zip_code = terms.address
        payer = RemitPayer(
            terms.name, terms.originator, terms.reference, address1, city, state, zip_code
        )
        payee = RemitPayee(batch.payee_name or "PROVIDER", batch.billing_npi, batch.payee_tax_id)
        claims = tuple(
            _with_patient(claim, self._patient_of(source, claim.control_number))
            for claim, source in zip(batch.claims, batch.sources, strict=True)
        )
        payment = PaymentOut(batch.trace, batch.answered_on, payer, payee, claims)
        control = self.ledger.next_interchange()
        text = write_835(
            [payment],
            envelope=RemitEnvelope(
                _sender_id(f"P{terms.payer_id}", "PAYER"), batch.receiver, control, control
            ),
            now=datetime.combine(batch.answered_on, time(12, 0), tzinfo=UTC),
        )
        path = self.inbox / f"{batch.trace}.835"
        _write_atomic(path, text)
        log.debug("payer simulator: wrote %s (%d claim payments)", path.name, len(claims))
        return path

    def _patient_of(self, source: str | None, control_number: str) -> PatientOut | None:
        if source is None:
            return None
        key = (source, control_number)
        if key not in self._patients:
            with contextlib.suppress(OSError, ClaimInError):
                for claim in read_837p((self.sent / source).read_bytes()).claims:
                    self._patients[(source, claim.control_number)] = _patient(claim)
        return self._patients.get(key)

    # --- files and state --------------------------------------------------------------------

    def _move(self, path: Path) -> None:
        make_private_folder(self.sent)
        os.replace(path, self.sent / path.name)

    def _note(self, name: str, kind: str, reason: str) -> None:
        make_private_folder(self.sent)
        body = f"{kind.upper()} REJECT\nfile: {name}\n{reason}\n"
        _write_atomic(self.sent / f"{name}.{kind}.txt", body)

    def _load_ledger(self) -> Ledger:
        path = self.state_dir / LEDGER
        if path.exists():
            return Ledger.from_json(path.read_bytes())
        return Ledger(instance=secrets.token_hex(2).upper())

    def _load_pending(self) -> list[PendingBatch]:
        path = self.state_dir / PENDING
        return _PENDING.validate_json(path.read_bytes()) if path.exists() else []

    def _save(self) -> None:
        self._write_state(LEDGER, self.ledger.to_json())
        self._write_state(PENDING, _PENDING.dump_json(self.pending, indent=1))

    def _write_state(self, name: str, data: bytes) -> None:
        _write_atomic(self.state_dir / name, data.decode())


def stored_book(state_dir: Path) -> PayerBook | None:
    """The book a simulator kept in `state_dir`, if any (built once, then kept with the ledger
    its counts go with)."""
    path = Path(state_dir) / BOOK
    return PayerBook.from_json(path.read_bytes()) if path.exists() else None


def _patient(claim: ReceivedClaim) -> PatientOut:
    return PatientOut(claim.patient_last_name, claim.patient_first_name, claim.member_id)


def _without_patient(claim: ClaimOut) -> ClaimOut:
    return _with_patient(claim, None)


def _with_patient(claim: ClaimOut, patient: PatientOut | None) -> ClaimOut:
    return replace(claim, patient=patient)


def _sender_id(value: str, fallback: str) -> str:
    cleaned = "".join(char for char in value if char.isalnum())[:15]
    return cleaned or fallback


def _write_atomic(path: Path, text: str) -> None:
    """NAME.tmp, then renamed: a reader sees no file or the whole file. 0600: PHI."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="ascii", errors="replace", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
