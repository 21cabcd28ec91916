"""`denialdesk user create`: a user on success; otherwise one line on stderr, exit 1, no rows."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import factories
import pytest
from sqlmodel import Session, func, select

from denialdesk.app.cli import main
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Practice, User, UserRole
from denialdesk.store.users import authenticate

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A migrated database with practice "riverbend", and the CLI's environment pointing at it."""
    url = f"sqlite:///{(tmp_path / 'cli.sqlite').as_posix()}"
    monkeypatch.setenv("DENIALDESK_DATABASE_URL", url)
    monkeypatch.setenv("DENIALDESK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)  # so no .env from the developer's checkout is read
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        factories.practice(session, slug="riverbend", legal_name="Riverbend Psychiatry")
    yield engine
    engine.dispose()


def _run(monkeypatch, args: list[str], stdin: str = PASSWORD + "\n") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["user", "create", *args, "--password-stdin"])


def _rows(engine) -> tuple[int, int]:
    with Session(engine) as session:
        users = session.exec(select(func.count()).select_from(User)).one()
        roles = session.exec(select(func.count()).select_from(UserRole)).one()
    return users, roles


def test_creates_specialist_who_can_log_in(db, monkeypatch, capsys):
    code = _run(monkeypatch, ["sam", "--role", "specialist", "--practice", "riverbend"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert out.strip() == "created specialist sam (riverbend)"
    with Session(db) as session:
        user = authenticate(session, username="sam", password=PASSWORD)
        assert user is not None
        role = session.exec(select(UserRole).where(UserRole.user_id == user.id)).one()
        practice = session.exec(select(Practice).where(Practice.slug == "riverbend")).one()
    assert (role.role, role.practice_id) == ("specialist", practice.id)


def test_admin_without_practice_administers_every_practice(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["ada", "--role", "admin"]) == 0
    assert "every practice" in capsys.readouterr().out
    with Session(db) as session:
        role = session.exec(select(UserRole)).one()
    assert (role.role, role.practice_id) == ("admin", None)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["sam", "--role", "boss", "--practice", "riverbend"], PASSWORD, "unknown role 'boss'"),
        (["sam", "--role", "specialist", "--practice", "nowhere"], PASSWORD, "unknown practice"),
        (
            ["sam", "--role", "specialist", "--practice", "riverbend", "nowhere"],
            PASSWORD,
            "unknown practice 'nowhere'",
        ),
        (["sam", "--role", "specialist"], PASSWORD, "needs --practice"),
        (["sam", "--role", "specialist", "--practice", "riverbend"], "short\n", "at least 12"),
        (["sam", "--role", "specialist", "--practice", "riverbend"], "", "at least 12"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_writes_nothing(
    db, monkeypatch, capsys, args, stdin, message
):
    assert _run(monkeypatch, args, stdin) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("denialdesk: error: ")
    assert message in err
    assert _rows(db) == (0, 0)


def test_duplicate_username_is_refused_and_first_user_kept(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["sam", "--role", "specialist", "--practice", "riverbend"]) == 0
    capsys.readouterr()
    assert _run(monkeypatch, ["sam", "--role", "admin"], "another password\n") == 1
    err = capsys.readouterr().err
    assert err == "denialdesk: error: user 'sam' already exists\n"
    assert _rows(db) == (1, 1)
    with Session(db) as session:
        assert authenticate(session, username="sam", password=PASSWORD) is not None


def test_console_script_prints_one_line_without_traceback(db, tmp_path):
    script = Path(sys.executable).parent / "denialdesk"
    args = [str(script), "user", "create", "sam", "--role", "specialist", "--password-stdin"]
    result = subprocess.run(
        args,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "denialdesk: error: a specialist, supervisor or integration user needs --practice"
    ]
    assert _rows(db) == (0, 0)


def test_password_change_ends_sessions_and_tokens(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["sam", "--role", "specialist", "--practice", "riverbend"]) == 0
    with Session(db) as session:
        before = session.exec(select(User).where(User.username == "sam")).one().session_version
    monkeypatch.setattr(sys, "stdin", io.StringIO("a different passphrase\n"))
    assert main(["user", "password", "sam", "--password-stdin"]) == 0
    with Session(db) as session:
        assert authenticate(session, username="sam", password="a different passphrase")
        assert not authenticate(session, username="sam", password=PASSWORD)
        user = session.exec(select(User).where(User.username == "sam")).one()
        assert user.session_version == before + 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("a different passphrase\n"))
    assert main(["user", "password", "nobody", "--password-stdin"]) == 1
    assert capsys.readouterr().err.strip() == "denialdesk: error: no user 'nobody'"


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("a", PASSWORD, "username must be 2-60 characters"),
        ("bad name", PASSWORD, "username must be"),
        ("<b>x</b>", PASSWORD, "username must be"),
        (".lead", PASSWORD, "username must be"),
        ("nul\x00byte", PASSWORD, "username must be"),
        ("x" * 61, PASSWORD, "username must be"),
        ("sam", "eleven-char", "at least 12"),
        ("sam", "Password1234", "too common"),
        ("sam", "aaaaaaaaaaaaaaaa", "too common"),
    ],
)
def test_usernames_and_passwords_follow_the_rules(db, monkeypatch, capsys, name, password, message):
    args = [name, "--role", "specialist", "--practice", "riverbend"]
    assert _run(monkeypatch, args, password + "\n") == 1
    assert message in capsys.readouterr().err
    assert _rows(db) == (0, 0)


def test_usernames_are_lower_case_and_unique_in_any_case(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["Sam.Jones", "--role", "specialist", "--practice", "riverbend"]) == 0
    assert _run(monkeypatch, ["SAM.JONES", "--role", "specialist", "--practice", "riverbend"]) == 1
    assert "already exists" in capsys.readouterr().err
    with Session(db) as session:
        assert session.exec(select(User.username)).all() == ["sam.jones"]
        assert authenticate(session, username="Sam.JONES", password=PASSWORD) is not None
