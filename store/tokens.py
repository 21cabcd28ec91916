"""Signed, expiring bearer tokens for the API. A token carries the user's session version and
password fingerprint: logging out or changing the password (both bump the version) revokes it."""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from denialdesk.store.models import User

TOKEN_MAX_AGE_SECONDS = 12 * 3600
_SALT = "denialdesk.api-token"


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so tokens and sessions made before it stop working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_token(secret_key: str, user: User) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
    return serializer.dumps(
        {"uid": user.id, "pw": password_fingerprint(user), "sv": user.session_version}
    )


def user_for_token(session: Session, secret_key: str, token: str) -> User | None:
    serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
    try:
        data = serializer.loads(token, max_age=TOKEN_MAX_AGE_SECONDS)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("pw") != password_fingerprint(user):
        return None
    if data.get("sv") != user.session_version:
        return None
    return user
