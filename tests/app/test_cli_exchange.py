"""`denialdesk import-835` (storing) and `denialdesk export-837` against a SQLite database."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TextIO

import pytest
import work_data
from remit_builder import RemitClaim, build_835
from sqlmodel import Session, func, select

from denialdesk.app.cli import main
from denialdesk.app.exchange_cli import import_835
from denialdesk.app.settings import load_settings
from denialdesk.store.claims import create_claim
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import PaymentOutbox, Remittance, Submission

DAY = date(2026, 3, 2)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DENIALDESK_DATABASE_URL", url)
    monkeypatch.setenv("DENIALDESK_VAR_DIR", str(tmp_path / "var"))
    # Nothing listens here: the relay fails at once and the payments wait for the worker.
    monkeypatch.setenv("DENIALDESK_TEMPORAL_ADDRESS", "127.0.0.1:9")
    monkeypatch.chdir(tmp_path)  # so no .env from the developer's checkout is read
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def claim(db):
    with session_scope(db) as session:
        where = work_data.parties(session)
        return create_claim(
            session,
            practice=where.practice,
            patient_id=where.patient_id,
            coverage_id=where.coverage_id,
            provider_id=where.provider_id,
            authorization_id=None,
            diagnoses=["F33.1"],
            lines=[
                {
                    "service_date": DAY,
                    "code": "90837",
                    "charge": Decimal(180),
                    "place_of_service": "11",
                    "dx_pointers": [1],
                }
            ],
        )


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_import_stores_once_and_reports_like_the_api(db, claim, tmp_path, capsys):
    path = tmp_path / "remit.835"
    path.write_text(
        build_835(
            [
                RemitClaim(claim.control_number, Decimal(180), Decimal(150), "P1", DAY,
                           adjustments=[("CO", "45", Decimal(30))]),
                RemitClaim("ELSEWHERE", Decimal(90), Decimal(0), "P2", DAY, status="4",
                           adjustments=[("CO", "197", Decimal(90))]),
            ],
            trace="CLI1",
            paid_on=DAY,
        )
    )  # fmt: skip
    assert main(["import-835", "--json", str(path)]) == 0
    out, err = capsys.readouterr()
    (report,) = json.loads(out)["files"]
    assert report == {
        "file": str(path),
        "trace_numbers": ["CLI1"],
        "duplicate_trace_numbers": [],
        "claims_matched": 1,
        "claims_unmatched": ["ELSEWHERE"],
        "payments": 2,
        "denials": 1,
        "duplicate": False,
    }
    assert "the worker will signal them" in err
    with Session(db) as session:
        (row,) = session.exec(select(PaymentOutbox)).all()
        assert row.sent_at is None  # pending for the worker's relay
    assert main(["import-835", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "already imported" in out and "nothing changed" in out
    assert _count(db, Remittance) == 1 and _count(db, PaymentOutbox) == 1


def test_a_bad_file_is_named_and_the_good_one_still_imported(db, claim, tmp_path, capsys):
    good = tmp_path / "good.835"
    good.write_text(build_835([], trace="CLI2", paid_on=DAY))
    bad = tmp_path / "bad.835"
    bad.write_text("ISA*nonsense~")
    assert main(["import-835", str(bad), str(good)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"{bad}: segment 1") and f"{good}: trace CLI2" in out
    assert _count(db, Remittance) == 1


def test_export_previews_an_unsent_claim_then_prints_what_was_sent(db, claim, capsys):
    assert main(["export-837", str(claim.id)]) == 0
    preview = capsys.readouterr().out
    assert preview.startswith("ISA*") and f"CLM*{claim.control_number}*" in preview
    assert "*000000001*0*T*" in preview  # placeholder control number, test indicator
    assert _count(db, Submission) == 0  # nothing allocated or stored
    with session_scope(db) as session:
        session.add(Submission(claim_id=claim.id, claim_version=1, frequency="1",
                               interchange_control=42, file_name="x.837",
                               submitted_on=DAY, content="ISA*as sent~"))  # fmt: skip
    assert main(["export-837", str(claim.id)]) == 0
    assert capsys.readouterr().out == "ISA*as sent~\n"


def test_export_of_an_unknown_claim_is_one_line(db, capsys):
    assert main(["export-837", "999"]) == 1
    assert capsys.readouterr().err == "denialdesk: error: no claim 999\n"


@contextlib.contextmanager
def terminal() -> Iterator[tuple[TextIO, list[bytes]]]:
    """A real pseudo-terminal as stderr, with everything written to it collected."""
    controller, device = pty.openpty()
    collected: list[bytes] = []

    def drain():  # keeps the pty's small buffer from filling up and blocking the writer
        with contextlib.suppress(OSError):  # EIO once the device side is closed
            while chunk := os.read(controller, 4096):
                collected.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    err = os.fdopen(device, "w", encoding="utf-8")
    try:
        yield err, collected
    finally:
        err.close()
        reader.join(10)
        os.close(controller)


def test_many_files_show_a_progress_bar_on_a_terminal_only(db, claim, tmp_path, capsys):
    paths = []
    for n in range(3):
        path = tmp_path / f"remit-{n}.835"
        path.write_text(build_835([], trace=f"BAR{n}", paid_on=DAY))
        paths.append(str(path))
    (tmp_path / "bad.835").write_text("ISA*nonsense~")
    paths.append(str(tmp_path / "bad.835"))
    settings = load_settings(_env_file=None)
    out = io.StringIO()
    with terminal() as (err, collected):
        assert import_835(settings, paths, as_json=False, out=out, err=err) == 1
    shown = b"".join(collected).decode()
    assert "4/4 files" in shown and "100%" in shown
    assert f"{tmp_path / 'bad.835'}: segment 1" in shown  # drawn above the bar
    # The summaries go to stdout as they would without the bar: a pipe gets plain lines.
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == paths[:3]
    with terminal() as (err, collected):
        assert import_835(settings, paths[:1], as_json=True, out=io.StringIO(), err=err) == 0
    assert "files" not in b"".join(collected).decode()  # machine-read output: no bar
    err_off_tty = io.StringIO()
    assert import_835(settings, paths, as_json=False, out=io.StringIO(), err=err_off_tty) == 1
    assert err_off_tty.getvalue() == f"{tmp_path / 'bad.835'}: segment 1: " + (
        "the ISA segment is cut short\n"
    )
