"""Users, their roles per practice, and password checks (argon2 through pwdlib)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pwdlib import PasswordHash
from sqlalchemy import func
from sqlmodel import Session, col, select

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Role
from denialdesk.store.common_passwords import COMMON_PASSWORDS
from denialdesk.store.models import Practice, User, UserRole

_hasher = PasswordHash.recommended()
# Verified against when the username is unknown, so both paths cost one argon2 check.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 12
# Lower case, so "Alice" and "alice" are one user; no spaces, quotes or markup, so a username is
# safe in logs, URLs (assignee=) and pages as it is.
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
USERNAME_RULE = "2-60 characters: a-z, 0-9, '.', '_' or '-', starting with a letter or digit"


class UserError(ValueError):
    """Bad input for a user change; the message is fit to show as is."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalize_username(username: str) -> str:
    """The stored form of a username: trimmed, lower case (case-insensitive usernames)."""
    return username.strip().lower()


def valid_username(username: str) -> bool:
    return USERNAME.fullmatch(username) is not None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise UserError("password is too common; choose a longer passphrase of your own")


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    practice_slugs: Sequence[str] = (),
) -> User:
    """Create a user with one role in each named practice (an admin with none: every practice).

    Everything is checked before anything is added, so a bad call leaves no half-made user.
    """
    username = normalize_username(username)
    if not valid_username(username):
        raise UserError(f"username must be {USERNAME_RULE}")
    try:
        role_value = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise UserError(f"unknown role {role!r} (choose from {roles})") from None
    check_password(password)
    if get_user(session, username=username) is not None:
        raise UserError(f"user {username!r} already exists")
    practices = []
    for slug in dict.fromkeys(practice_slugs):
        practice = session.exec(select(Practice).where(Practice.slug == slug)).first()
        if practice is None:
            raise UserError(f"unknown practice {slug!r}")
        practices.append(practice)
    if not practices and role_value is not Role.ADMIN:
        raise UserError("a specialist, supervisor or integration user needs --practice")

    user = User(username=username, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    if practices:
        for practice in practices:
            session.add(UserRole(user_id=user.id, practice_id=practice.id, role=role_value.value))
    else:
        session.add(UserRole(user_id=user.id, practice_id=None, role=role_value.value))
    session.flush()
    return user


def end_sessions(session: Session, *, user_id: int) -> None:
    """Revoke every session cookie and API token of the user (they carry the old version)."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_version += 1
        session.add(user)
        session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; every session and token of the user ends with the old one."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.add(user)
    session.flush()


def get_user(session: Session, *, username: str) -> User | None:
    """The user of this name in any case (users made before names were lower-cased too)."""
    name = normalize_username(username)
    if not valid_username(name):
        return None
    return session.exec(select(User).where(func.lower(User.username) == name)).first()


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (same cost either way)."""
    user = get_user(session, username=username)
    if user is None or not user.is_active:
        _hasher.verify(password, _DUMMY_HASH)
        return None
    valid, new_hash = _hasher.verify_and_update(password, user.password_hash)
    if not valid:
        return None
    if new_hash is not None:
        user.password_hash = new_hash
        session.add(user)
    return user


def load_principal(session: Session, *, user_id: int) -> Principal | None:
    found = load_user_principal(session, user_id=user_id)
    return found[1] if found else None


def load_user_principal(session: Session, *, user_id: int) -> tuple[User, Principal] | None:
    """The active user and their roles, in one statement (every page and API call asks)."""
    rows = session.exec(
        select(User, UserRole.practice_id, UserRole.role)
        .outerjoin(UserRole, col(UserRole.user_id) == User.id)
        .where(User.id == user_id)
    ).all()
    if not rows or not rows[0][0].is_active:
        return None
    user = rows[0][0]
    roles: dict[int, Role] = {}
    everywhere: Role | None = None
    for _user, practice_id, role in rows:
        if role is None:  # no role at all: the outer join's empty side
            continue
        if practice_id is None:
            everywhere = Role(role)
        else:
            roles[practice_id] = Role(role)
    principal = Principal(
        user_id=user.id, username=user.username, roles=roles, all_practices_role=everywhere
    )
    return user, principal
