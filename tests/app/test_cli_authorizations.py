"""`denialdesk authorizations expiring` and `denialdesk schedule import` on SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import work_data
from sqlmodel import select

from denialdesk.app.cli import main
from denialdesk.store import authorizations as store_auth
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Authorization, ScheduledVisit

TODAY = datetime.now(UTC).date()
DAY = timedelta(days=1)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DENIALDESK_DATABASE_URL", url)
    monkeypatch.setenv("DENIALDESK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DENIALDESK_TEMPORAL_ADDRESS", "127.0.0.1:9")  # nothing listens
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def auths(db):
    with session_scope(db) as session:
        home, other = work_data.parties(session), work_data.parties(session)
        rows = {}
        for where, number, days in ((home, "SOON-1", 5), (home, "LATER-2", 40), (other, "X-3", 9)):
            rows[number] = store_auth.create_authorization(
                session, practice=where.practice, coverage_id=where.coverage_id, number=number,
                codes=["90837"], unit_type="visits", approved=8, start_date=TODAY,
                end_date=TODAY + days * DAY,
            ).id  # fmt: skip
        return home.practice.slug, other.practice.slug, rows


def test_expiring_lists_number_practice_end_and_remaining(auths, capsys):
    home, other, _ = auths
    assert main(["authorizations", "expiring", "--days", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["number", "practice", "end", "date", "remaining"]
    assert [line.split()[:2] for line in lines[1:]] == [["SOON-1", home], ["X-3", other]]
    assert lines[1].split()[2:] == [(TODAY + 5 * DAY).isoformat(), "8", "visits"]

    assert main(["authorizations", "expiring", "--days", "60", "--practice", home, "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [(i["number"], i["remaining"]) for i in items] == [("SOON-1", 8), ("LATER-2", 8)]
    assert main(["authorizations", "expiring", "--days", "1"]) == 0
    assert "no authorization ends by" in capsys.readouterr().out
    assert main(["authorizations", "expiring", "--days", "1", "--practice", "nope"]) == 1
    assert capsys.readouterr().err.strip() == "denialdesk: error: no practice 'nope'"


def test_schedule_import_stores_all_rows_and_recounts(db, auths, tmp_path, capsys):
    home, _, rows = auths
    csv = tmp_path / "schedule.csv"
    visits = [TODAY + k * DAY for k in (1, 2, 3)]
    csv.write_text(
        "authorization_number,visit_date\n"
        + "".join(f"SOON-1,{v.isoformat()}\n" for v in visits)
        + f"LATER-2,{visits[0].isoformat()}\n"
    )
    assert main(["schedule", "import", str(csv), "--practice", home]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"{csv}: 4 visits under 2 authorizations"
    assert "workflows not told" in captured.err  # Temporal is not running here
    with session_scope(db) as session:
        soon = session.get(Authorization, rows["SOON-1"])
        assert (soon.scheduled, soon.remaining) == (3, 5)

    by_id = tmp_path / "by_id.csv"
    by_id.write_text(f"authorization_id,visit_date\n{rows['SOON-1']},{visits[2].isoformat()}\n")
    assert main(["schedule", "import", str(by_id), "--practice", home]) == 0
    with session_scope(db) as session:
        assert session.get(Authorization, rows["SOON-1"]).scheduled == 1  # the set is replaced


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("authorization_number,visit_date\nSOON-1,2027-01-01\nX-3,2027-01-02\n",
         "row 3: no such authorization in"),
        # A date that would overflow the authorization's deadlines is refused at the door.
        ("authorization_number,visit_date\nSOON-1,2027-01-01\nSOON-1,9999-12-31\n",
         "row 3: visit_date must be between 1900-01-01 and "),
        ("authorization_number,visit_date\nSOON-1,1899-12-31\n",
         "row 2: visit_date must be between 1900-01-01 and "),
        ("authorization_number,visit_date\nSOON-1,01/02/2030\n",
         "row 2: visit_date must be YYYY-MM-DD"),
        ("number,date\nSOON-1,2030-01-01\n", "row 1: columns must be"),
    ],
)  # fmt: skip
def test_a_bad_row_stores_nothing_and_names_the_row(db, auths, tmp_path, capsys, text, message):
    home, _, _ = auths
    csv = tmp_path / "bad.csv"
    csv.write_text(text)
    assert main(["schedule", "import", str(csv), "--practice", home]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"denialdesk: error: {csv}: ") and message in err
    assert len(err.splitlines()) == 1
    with session_scope(db) as session:
        assert session.exec(select(ScheduledVisit)).all() == []
