"""The runner on real folders: it takes 837Ps and appeal packets from the outbox, moves them to
sent/, and writes 835s into the inbox after the delay; bad files never stop it."""

from __future__ import annotations

import asyncio
import json
import re
import stat
from pathlib import Path

import pytest
from sim_world import MEMBER, RECEIVED, book, claim_input, interchange, line
from x12_check import pyx12_errors

from denialdesk.app.payer_sim import PayerSimulator, stored_book
from denialdesk.domain.x12.remit import parse_835


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def folders(tmp_path) -> dict[str, Path]:
    found = {name: tmp_path / name for name in ("outbox", "inbox", "state")}
    found["outbox"].mkdir()
    return found


def simulator(folders, clock=None, delay=(0.0, 0.0), **kw) -> PayerSimulator:
    return PayerSimulator(
        folders["outbox"], folders["inbox"], folders["state"], kw.pop("payers", None) or book(),
        delay=delay, seed=7, clock=clock or Clock(), **kw,
    )  # fmt: skip


def drop(folders, name: str, *inputs, control: int = 17) -> Path:
    path = folders["outbox"] / name
    path.write_text(interchange(*inputs, control=control))
    return path


def test_claims_in_the_outbox_come_back_as_835s_in_the_inbox(folders):
    outbox, inbox = folders["outbox"], folders["inbox"]
    drop(
        folders, "000000017.837",
        claim_input(payer="COMM1", control="DD0000001"),
        claim_input(line("90837"), payer="COMM1", control="DD0000002"),
        claim_input(payer="MCAID", control="DD0000003"),
    )  # fmt: skip
    (outbox / ".000000018.837.tmp").write_text("half a file")  # someone is still writing it
    written = simulator(folders).process_once(today=RECEIVED)
    assert len(written) == 2  # one 835 per payer batch
    assert not (outbox / "000000017.837").exists() and (outbox / "sent" / "000000017.837").exists()
    assert (outbox / ".000000018.837.tmp").exists()
    assert sorted(p.name for p in inbox.iterdir()) == sorted(p.name for p in written)
    controls = {}
    for path in written:
        assert re.fullmatch(r"[0-9A-F]{4}\d{8}\.835", path.name)  # the trace number only
        text = path.read_text()
        remit = parse_835(text, today=RECEIVED)
        (transaction,) = remit.transactions
        assert path.name == f"{transaction.trace_number}.835"
        assert transaction.payee.npi == claim_input().practice.npi
        controls |= {c.control_number: c.status_code for c in remit.claims}
        assert f"NM1*QC*1*DOE*JANE****MI*{MEMBER}" in text
    assert controls == {"DD0000001": "1", "DD0000002": "4", "DD0000003": "1"}
    assert pyx12_errors(written[0].read_text()) == []
    assert simulator(folders).process_once(today=RECEIVED) == []  # nothing new


def test_state_is_private_and_names_no_member(folders):
    drop(folders, "000000017.837", claim_input())
    payers = book()
    payers.add_visits("COMM1", MEMBER, 2026, 3)
    simulator(folders, payers=payers).process_once(today=RECEIVED)
    state = folders["state"]
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((folders["outbox"] / "sent").stat().st_mode) == 0o700
    for name in ("book.json", "ledger.json", "pending.json"):
        path = state / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        assert MEMBER not in path.read_text() and "DOE" not in path.read_text()
    assert stored_book(state).of("COMM1").visits_paid == payers.of("COMM1").visits_paid
    for path in folders["inbox"].iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_file_is_set_aside_with_a_reject_note(folders, caplog):
    outbox = folders["outbox"]
    (outbox / "000000016.837").write_text("ISA*this is not an interchange~")
    drop(folders, "000000017.837", claim_input())
    with caplog.at_level("INFO", logger="denialdesk.payer_sim"):
        written = simulator(folders).process_once(today=RECEIVED)
    assert len(written) == 1
    note = (outbox / "sent" / "000000016.837.999.txt").read_text()
    assert note.startswith("999 REJECT") and "segment 1" in note
    assert (outbox / "sent" / "000000016.837").exists()
    assert "000000016.837" in caplog.text and MEMBER not in caplog.text


def test_the_same_interchange_sent_twice_is_answered_once(folders):
    drop(folders, "000000017.837", claim_input())
    sim = simulator(folders)
    assert len(sim.process_once(today=RECEIVED)) == 1
    drop(folders, "copy.837", claim_input())  # same sender and ISA13
    assert sim.process_once(today=RECEIVED) == []
    assert "duplicate" in (folders["outbox"] / "sent" / "copy.837.ta1.txt").read_text()


def test_a_claim_for_a_payer_not_in_the_book_gets_a_277_note(folders):
    drop(folders, "000000017.837", claim_input(payer="NOBODY"), claim_input(control="DD2"))
    assert len(simulator(folders).process_once(today=RECEIVED)) == 1  # the other claim
    note = (folders["outbox"] / "sent" / "000000017.837.277.txt").read_text()
    assert "DD0000001" in note and "payer not found" in note


def test_answers_wait_for_the_delay_and_survive_a_restart(folders):
    clock = Clock()
    drop(folders, "000000017.837", claim_input())
    first = simulator(folders, clock=clock, delay=(30.0, 30.0))
    assert first.process_once(today=RECEIVED) == []
    assert list(folders["inbox"].glob("*")) == []
    clock.now += 29
    assert first.process_once(today=RECEIVED) == []
    clock.now += 2
    # A new simulator on the same state (the old one stopped): the answer is still owed.
    (written,) = simulator(folders, clock=clock).process_once(today=RECEIVED)
    assert "NM1*QC*1*DOE*JANE" in written.read_text()  # the patient, from the 837P in sent/
    assert json.loads((folders["state"] / "pending.json").read_text()) == []


def test_an_appeal_packet_is_answered_with_an_835(folders):
    drop(folders, "000000017.837", claim_input(line("90837"), payer="COMM1"))
    sim = simulator(folders)
    (denial,) = sim.process_once(today=RECEIVED)
    (claim,) = parse_835(denial.read_text(), today=RECEIVED).claims
    appeals = folders["outbox"] / "appeals"
    appeals.mkdir()
    packet = {
        "control_number": claim.control_number,
        "payer_claim_number": claim.payer_claim_number,
        "payer_id": "COMM1",
        "level": 1,
        "category": "authorization",
        "carcs": ["197"],
        "letter_id": 3,
        "no_letter_reason": None,
        "enclosures": ["medical records"],
        "sent_on": "2026-04-01",
    }
    (appeals / "APPEAL-DD0000001-L1.json").write_text(json.dumps(packet))
    (answer,) = sim.process_once(today=RECEIVED.replace(month=6))
    (decided,) = parse_835(answer.read_text(), today=RECEIVED.replace(month=6)).claims
    assert decided.payer_claim_number == claim.payer_claim_number
    assert decided.status_code in ("1", "4")
    assert "NM1*QC*1*DOE*JANE" in answer.read_text()
    assert (folders["outbox"] / "sent" / "APPEAL-DD0000001-L1.json").exists()
    (entry,) = sim.ledger.entries.values()
    assert [a.level for a in entry.appeals] == [1]
    # The same packet again is not a second appeal.
    (appeals / "APPEAL-DD0000001-L1.json").write_text(json.dumps(packet))
    assert sim.process_once(today=RECEIVED.replace(month=6)) == []


def test_the_payers_records_are_refreshed_before_new_claims_are_read(folders):
    from datetime import date

    def issue_authorization(payers) -> None:  # as merge_authorizations does from the database
        if not payers.of("COMM1").authorizations:
            payers.add_authorization("COMM1", MEMBER, number="A7", start=date(2026, 1, 1),
                                     end=date(2026, 12, 31), approved=5)  # fmt: skip

    drop(folders, "000000017.837", claim_input(line("90837"), payer="COMM1", authorization="A7"))
    (written,) = simulator(folders, refresh=issue_authorization).process_once(today=RECEIVED)
    (claim,) = parse_835(written.read_text(), today=RECEIVED).claims
    assert claim.status_code == "1"  # not CO-197: the payer knows the authorization
    assert [a.number for a in stored_book(folders["state"]).of("COMM1").authorizations] == ["A7"]


def test_run_polls_until_stopped(folders):
    drop(folders, "000000017.837", claim_input())
    stop = asyncio.Event()

    def clock() -> float:  # the simulator reads the clock once a pass: stop after the first
        stop.set()
        return 1_000.0

    sim = simulator(folders, clock=clock)
    asyncio.run(asyncio.wait_for(sim.run(stop, poll_seconds=0.01), timeout=10))
    assert len(list(folders["inbox"].glob("*.835"))) == 1
