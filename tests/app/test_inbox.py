"""The clearinghouse inbox (app/inbox.py, services/drop_folder.py) on SQLite and PostgreSQL:
imported files land in processed/, unreadable ones in rejected/ with a reason file and an
admin's task and nothing stored; uploads, dot files and folders are left alone; names are
never overwritten; folders are created private."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import stat
from datetime import date
from decimal import Decimal

import pytest
import work_data
from remit_builder import RemitClaim, build_835
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from denialdesk.api import remittances
from denialdesk.app.inbox import DUPLICATE, IMPORTED, REJECTED, inbox_pass, run_inbox, take_file
from denialdesk.app.settings import Settings
from denialdesk.services.drop_folder import DropFolder
from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimPayment, PaymentOutbox, Remittance, Task

DAY = date(2026, 3, 2)
TODAY = date(2026, 3, 10)


@pytest.fixture
def engine(backend_engine):
    return backend_engine


@pytest.fixture
def folder(tmp_path) -> DropFolder:
    inbox = DropFolder(tmp_path / "inbox")
    inbox.prepare()
    return inbox


@pytest.fixture
def remit_text(engine) -> str:
    """An 835 paying one of our claims in full."""
    with session_scope(engine) as session:
        claim = work_data.claim(session, work_data.parties(session))
        number = claim.control_number
    return build_835([RemitClaim(number, Decimal(180), Decimal(180), "PCN1", DAY)], trace="IN1",
                     paid_on=DAY)  # fmt: skip


def counts(engine) -> dict[str, int]:
    """Rows in every table: 'nothing stored' means none of these moved."""
    with Session(engine) as session:
        return {
            name: session.exec(select(func.count()).select_from(table)).one()
            for name, table in SQLModel.metadata.tables.items()
        }


def names(path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_a_dropped_835_is_imported_then_moved_to_processed(engine, folder, remit_text):
    (folder.root / "payer-0001.835").write_text(remit_text)
    assert inbox_pass(engine, folder) == {IMPORTED: 1}
    assert names(folder.root) == ["processed", "rejected"]
    assert names(folder.processed) == ["payer-0001.835"]
    assert (folder.processed / "payer-0001.835").read_text() == remit_text
    with Session(engine) as session:
        remittance = session.exec(select(Remittance)).one()
        (payment,) = session.exec(select(ClaimPayment)).all()
        (pending,) = session.exec(select(PaymentOutbox)).all()
    assert remittance.trace_number == "IN1"
    assert payment.claim_id is not None and pending.sent_at is None  # for the relay


def test_a_duplicate_drop_is_moved_under_a_new_name_and_changes_nothing(engine, folder, remit_text):
    (folder.root / "remit.835").write_text(remit_text)
    assert inbox_pass(engine, folder) == {IMPORTED: 1}
    before = counts(engine)
    (folder.root / "remit.835").write_text(remit_text)
    assert inbox_pass(engine, folder) == {DUPLICATE: 1}
    assert counts(engine) == before
    assert names(folder.processed) == ["remit-1.835", "remit.835"]
    assert names(folder.root) == ["processed", "rejected"]


def test_a_corrupt_835_is_rejected_with_its_reason_and_an_admin_task(engine, folder, remit_text):
    corrupt = remit_text.replace("*1*180*180*", "*X*180*180*")  # CLP02: no such status
    assert corrupt != remit_text
    (folder.root / "bad.835").write_text(corrupt)
    before = counts(engine)
    assert inbox_pass(engine, folder) == {REJECTED: 1}
    after = counts(engine)
    assert after.pop("task") == before.pop("task") + 1
    assert after == before  # nothing of the file stored
    assert names(folder.rejected) == ["bad.835", "bad.835.reason.txt"]
    assert (folder.rejected / "bad.835").read_text() == corrupt  # moved as it was
    reason = (folder.rejected / "bad.835.reason.txt").read_text()
    assert reason == "segment 13: CLP02 'X' is not a claim status code\n"
    assert "MBR0000001" not in reason
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
    assert (task.kind, task.status, task.practice_id, task.workflow_id, task.claim_id) == (
        "rejected_file", "open", None, None, None,
    )  # fmt: skip
    assert task.detail == {
        "file": "bad.835",
        "rejected_as": "bad.835",
        "reason_file": "bad.835.reason.txt",
        "problem": "unparsable",
        "segment": 13,
    }
    # Names and the kind of problem only: no byte of the file, not even the reader's words.
    assert "CLP" not in json.dumps(task.detail)


@pytest.mark.parametrize(
    ("content", "problem", "reason"),
    [
        (b"", "empty", "empty file: no 835 in it"),
        (b" \r\n\n", "empty", "empty file: no 835 in it"),
        (b"ISA*00*\xff\xfe", "not_text", "not UTF-8 or ASCII text (byte 8)"),
        (b"\xef\xbb\xbfISA*\xe9", "not_text", "not UTF-8 or ASCII text (byte 8)"),
        (b"x" * 101, "too_large", "larger than the 100 bytes an 835 may be"),
    ],
)
def test_files_no_reader_can_take_are_rejected_before_parsing(
    engine, folder, content, problem, reason
):
    path = folder.root / "drop.835"
    path.write_bytes(content)
    before = counts(engine)
    assert take_file(engine, folder, path, today=TODAY, max_bytes=100) == REJECTED
    assert (folder.rejected / "drop.835.reason.txt").read_text() == reason + "\n"
    assert (folder.rejected / "drop.835").read_bytes() == content
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
    assert (task.detail["problem"], task.detail["segment"]) == (problem, None)
    assert counts(engine)["remittance"] == before["remittance"] == 0


def test_a_name_taken_in_rejected_gets_a_suffix_and_its_own_reason(engine, folder):
    for _ in range(2):
        (folder.root / "bad").write_text("not an 835")
        assert inbox_pass(engine, folder) == {REJECTED: 1}
    assert names(folder.rejected) == ["bad", "bad-1", "bad-1.reason.txt", "bad.reason.txt"]
    with Session(engine) as session:
        second = session.exec(select(Task).order_by(Task.id.desc())).first()
    assert (second.detail["file"], second.detail["rejected_as"]) == ("bad", "bad-1")
    assert second.detail["reason_file"] == "bad-1.reason.txt"


def test_uploads_dot_files_and_folders_are_left_alone(engine, folder, remit_text):
    (folder.root / "upload.835.tmp").write_text(remit_text)
    (folder.root / ".hidden.835").write_text(remit_text)
    (folder.root / "archive").mkdir()
    (folder.root / "archive" / "old.835").write_text(remit_text)
    before = counts(engine)
    assert inbox_pass(engine, folder) == {}
    assert names(folder.root) == [".hidden.835", "archive", "processed", "rejected",
                                  "upload.835.tmp"]  # fmt: skip
    assert counts(engine) == before
    # The uploader renames the finished file: now it is taken.
    (folder.root / "upload.835.tmp").rename(folder.root / "upload.835")
    assert inbox_pass(engine, folder) == {IMPORTED: 1}


def test_a_file_another_worker_holds_is_left_to_it(engine, folder, remit_text):
    path = folder.root / "remit.835"
    path.write_text(remit_text)
    with open(path, "rb") as other:  # another worker's lock on the same file
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        assert take_file(engine, folder, path, today=TODAY) is None
    assert path.exists() and counts(engine)["remittance"] == 0
    assert take_file(engine, folder, path, today=TODAY) == IMPORTED


def test_folders_are_created_private_and_existing_ones_left_as_they_are(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    shared.chmod(0o750)  # an inbox the clearinghouse's upload user writes to
    old = os.umask(0o022)
    try:
        DropFolder(tmp_path / "new" / "inbox").prepare()
        DropFolder(shared).prepare()
    finally:
        os.umask(old)

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    made = tmp_path / "new" / "inbox"
    for path in (made.parent, made, made / "processed", made / "rejected", shared / "rejected"):
        assert mode(path) == 0o700, path
    assert mode(shared) == 0o750


def test_run_inbox_watches_the_configured_folder_until_stopped(engine, tmp_path, remit_text):
    inbox = tmp_path / "drop"
    settings = Settings(mode="dev", var_dir=tmp_path / "var", clearinghouse_inbox=inbox,
                        _env_file=None)  # fmt: skip

    async def scenario():
        stop = asyncio.Event()
        watcher = asyncio.create_task(run_inbox(settings, engine, stop, poll=0.05))
        for _ in range(200):  # the first pass creates the folders
            if (inbox / "processed").is_dir():
                break
            await asyncio.sleep(0.05)
        (inbox / "remit.835").write_text(remit_text)
        for _ in range(200):
            if (inbox / "processed" / "remit.835").exists():
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(watcher, 5)

    asyncio.run(scenario())
    assert settings.inbox_dir == inbox
    assert names(inbox / "processed") == ["remit.835"]
    assert counts(engine)["remittance"] == 1


def test_the_limit_is_the_apis(engine, folder):
    path = folder.root / "huge.835"
    with open(path, "wb") as sparse:  # no disk used: the size alone refuses it
        sparse.truncate(remittances.MAX_BYTES + 1)
    assert take_file(engine, folder, path, today=TODAY) == REJECTED
    reason = (folder.rejected / "huge.835.reason.txt").read_text()
    assert reason == "larger than the 50 MB an 835 may be\n"


def test_a_task_that_cannot_be_committed_puts_the_file_back(engine, folder):
    if engine.dialect.name != "postgresql":
        pytest.skip("a constraint checked at commit needs PostgreSQL's deferred triggers")
    with engine.begin() as connection:  # the database refuses every new task, at commit
        connection.exec_driver_sql(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
            " CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON task"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse();"
        )
    (folder.root / "bad.835").write_text("not an 835")
    with pytest.raises(Exception, match="refused"):
        inbox_pass(engine, folder)
    # No rejected file without its task: it waits in the inbox for the next pass.
    assert names(folder.root) == ["bad.835", "processed", "rejected"]
    assert names(folder.rejected) == [] and counts(engine)["task"] == 0
