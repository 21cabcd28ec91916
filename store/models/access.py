"""Who may do what: users, their role per practice, the audit log and failed logins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from denialdesk.store.types import JSONType, UTCDateTime, utcnow

ROLES = ("specialist", "supervisor", "admin", "integration")


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=60)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Carried in every session cookie and API token; bumping it (logout, password change) ends
    # them all server-side, copies included.
    session_version: int = 1


class UserRole(SQLModel, table=True):
    """A user's role in one practice; practice_id null only for an admin of every practice."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "practice_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    role: str = Field(max_length=20)


class AuditEvent(SQLModel, table=True):
    """Who did what to which record; Part 2 disclosures are recorded here too."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    action: str = Field(max_length=60)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=60)
    address: str | None = Field(default=None, max_length=64)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSONType))


class LoginFailure(SQLModel, table=True):
    """A failed login, counted per username and per address to rate-limit guessing."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, index=True)
    address: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
