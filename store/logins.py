"""Login with rate limiting: too many recent failures for a username or an address lock it out.

Failures are rows, not process memory, so every web process behind a balancer counts the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, delete, select

from denialdesk.store.models import AuditEvent, LoginFailure, User
from denialdesk.store.types import utcnow
from denialdesk.store.users import authenticate, normalize_username, valid_username

INVALID_USERNAME = "(invalid)"


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 5
    window_seconds: int = 900


class LoginThrottled(Exception):
    def __init__(self, retry_after: int):
        minutes = max(1, round(retry_after / 60))
        super().__init__(f"too many failed logins; try again in about {minutes} minute(s)")
        self.retry_after = retry_after


def attempt_login(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    limits: LoginLimits,
    now: datetime | None = None,
) -> User | None:
    """The user on success; None for a wrong password; LoginThrottled while locked out.

    Commits: a failure must be counted even though the request then fails.
    """
    now = now or utcnow()
    since = now - timedelta(seconds=limits.window_seconds)
    # Failures are counted per normalized name; names no user can have share one bucket, so no
    # odd bytes (NUL, markup) reach the failure rows or the audit log.
    username = normalize_username(username)
    if not valid_username(username):
        username = INVALID_USERNAME
    _check_throttle(session, username=username, address=address, since=since, limits=limits)
    user = authenticate(session, username=username, password=password)
    if user is None:
        session.add(LoginFailure(username=username[:60], address=address[:64], at=now))
        session.add(
            AuditEvent(
                at=now,
                action="login_failed",
                entity="user",
                entity_id=username[:60],
                address=address[:64],
            )
        )
        session.commit()
        return None
    session.exec(delete(LoginFailure).where(LoginFailure.username == username))
    session.add(
        AuditEvent(
            at=now,
            user_id=user.id,
            action="login",
            entity="user",
            entity_id=str(user.id),
            address=address[:64],
        )
    )
    session.commit()
    return user


def _check_throttle(
    session: Session, *, username: str, address: str, since: datetime, limits: LoginLimits
) -> None:
    for column, value in ((LoginFailure.username, username), (LoginFailure.address, address)):
        count, oldest = session.exec(
            select(func.count(), func.min(LoginFailure.at)).where(
                column == value, LoginFailure.at >= since
            )
        ).one()
        if count >= limits.max_failures:
            oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
            retry = int((oldest_at - since).total_seconds()) + 1
            raise LoginThrottled(retry_after=max(retry, 1))
    # Old failures are no longer evidence of anything.
    session.exec(delete(LoginFailure).where(or_(LoginFailure.at < since)))
