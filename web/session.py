"""The browser session: a signed cookie holding the user id, a password fingerprint, the user's
session version and the CSRF token.

Starlette's SessionMiddleware signs the cookie with the secret key but does not encrypt it, so
it must never hold PHI. The fingerprint of the password hash ends every session of a user whose
password changes, the way store/tokens.py does for API tokens; the session version (bumped at
logout) ends every copy of the cookie, which the signature alone would keep valid until it expires.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Role
from denialdesk.store.models import User
from denialdesk.store.tokens import password_fingerprint
from denialdesk.store.users import end_sessions, load_user_principal

SESSION_COOKIE = "denialdesk_session"
# Starlette re-signs the cookie only when the session changes, i.e. at login, so this is the
# longest a login lasts: a working day.
SESSION_MAX_AGE_SECONDS = 12 * 3600
# Lax, not Strict: Strict would drop the session when someone follows a shared worklist link
# from mail or chat. Cross-site POSTs are refused by the CSRF token either way.
SAME_SITE = "lax"
DEFAULT_LANDING = "/worklist"


def middleware_options(*, secret_key: str, secure: bool) -> dict[str, Any]:
    """Keyword arguments for starlette's SessionMiddleware (always HttpOnly)."""
    return {
        "secret_key": secret_key,
        "session_cookie": SESSION_COOKIE,
        "max_age": SESSION_MAX_AGE_SECONDS,
        "same_site": SAME_SITE,
        "https_only": secure,
    }


def new_token() -> str:
    return secrets.token_urlsafe(32)


def log_in(session: MutableMapping[str, Any], user: User) -> None:
    """Replace whatever the browser held (including its CSRF token) with this user's session."""
    session.clear()
    session.update(
        {
            "uid": user.id,
            "pw": password_fingerprint(user),
            "sv": user.session_version,
            "csrf": new_token(),
        }
    )


def log_out(session: MutableMapping[str, Any], db: Session) -> None:
    """End this user's sessions and API tokens everywhere, then clear this browser's cookie."""
    uid = session.get("uid")
    if isinstance(uid, int) and principal_for(session, db) is not None:
        end_sessions(db, user_id=uid)
        db.commit()
    session.clear()


def principal_for(session: MutableMapping[str, Any], db: Session) -> Principal | None:
    """The logged-in principal, or None when anonymous, deactivated or the password changed."""
    uid, fingerprint = session.get("uid"), session.get("pw")
    if not isinstance(uid, int) or not isinstance(fingerprint, str):
        return None
    found = load_user_principal(db, user_id=uid)
    if found is None:
        return None
    user, principal = found
    if not hmac.compare_digest(fingerprint, password_fingerprint(user)):
        return None
    if session.get("sv") != user.session_version:
        return None
    return principal if principal is not None and works_on_the_web(principal) else None


def works_on_the_web(principal: Principal) -> bool:
    """Integration users call the API only: a role other than integration is needed here."""
    roles = {*principal.roles.values(), principal.all_practices_role} - {None}
    return bool(roles - {Role.INTEGRATION})


def safe_next(value: str | None) -> str:
    """A local path to go to after login; anything that could leave the site becomes the default.

    Browsers read "//host", "/\\host" and paths with tabs or newlines ("/\\t/host") as other
    hosts, so only printable ASCII without backslashes, starting with a single "/", passes.
    """
    if not value or not value.startswith("/") or value.startswith("//"):
        return DEFAULT_LANDING
    if "\\" in value or any(not 0x21 <= ord(char) <= 0x7E for char in value):
        return DEFAULT_LANDING
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return DEFAULT_LANDING
    return value
