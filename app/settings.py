"""Configuration from the environment (DENIALDESK_ prefix, .env allowed).

Dev mode generates its secrets once into the var folder; any other mode refuses to start
with missing, short or well-known secrets, so a demo key never reaches production.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values people paste from tutorials; refused outside dev mode.
KNOWN_DEFAULT_SECRETS = frozenset(
    {"changeme", "change-me", "changethis", "secret", "dev", "development", "password", "test"}
)
MIN_SECRET_LENGTH = 32
Port = Annotated[int, Field(ge=1, le=65535)]


class SettingsError(Exception):
    """Configuration that must stop start-up; the message tells the operator what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DENIALDESK_", env_file=".env", extra="ignore")

    mode: Literal["dev", "production"] = "production"
    var_dir: Path = Path("var")
    database_url: str | None = None

    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_task_queue: str = "denialdesk"
    temporal_tls: bool = False
    temporal_api_key: SecretStr | None = None
    temporal_ui_port: Port = 8233
    temporal_port: Port = 7233

    web_host: str = "127.0.0.1"
    web_port: Port = 8000
    # Addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For is believed, comma
    # separated; none by default, so a client cannot pick the address its login failures count
    # against.
    trusted_proxies: str = ""
    # Browsers only send a Secure cookie over https; dev serves plain http on loopback.
    cookie_secure: bool | None = None

    secret_key: SecretStr | None = None
    # Key ring "kid:base64key,kid:base64key"; the first key encrypts, all decrypt.
    payload_keys: SecretStr | None = None

    login_max_failures: int = 5
    login_window_seconds: int = 900

    payer_simulator: bool | None = None
    # How long the simulated payers take to answer a file, at most (seconds; a sixth of it at
    # least): a payer answers days later, the demo within a minute.
    payer_simulator_delay: float = Field(default=30.0, ge=0, le=3600)
    # Demo data: how many recent claims run as live workflows (seed-demo, first dev start).
    demo_live_claims: int = Field(default=320, ge=0, le=5000)
    # `denialdesk dev`: seconds after start until the demo authorization needs renewal.
    demo_clock_seconds: float = Field(default=90.0, ge=0, le=3600)
    # How often an open worklist asks for new tasks and counts (seconds).
    worklist_poll_seconds: int = Field(default=30, ge=1, le=3600)
    clearinghouse_outbox: Path | None = None
    clearinghouse_inbox: Path | None = None

    @property
    def dev(self) -> bool:
        return self.mode == "dev"

    @property
    def outbox_dir(self) -> Path:
        """Where each 837P (and appeal packet) is left for the clearinghouse."""
        return self.clearinghouse_outbox or self.var_dir / "outbox"

    @property
    def inbox_dir(self) -> Path:
        """Where the clearinghouse drops 835s (with processed/ and rejected/ beneath it)."""
        return self.clearinghouse_inbox or self.var_dir / "inbox"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'denialdesk.sqlite').as_posix()}"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @property
    def secure_cookies(self) -> bool:
        return (not self.dev) if self.cookie_secure is None else self.cookie_secure

    @property
    def simulator_on(self) -> bool:
        return self.dev if self.payer_simulator is None else self.payer_simulator

    def require_secrets(self) -> None:
        """Fill dev secrets from var/, or refuse weak or missing ones outside dev mode."""
        if self.dev:
            if self.secret_key is None:
                self.secret_key = SecretStr(_dev_secret(self.var_dir / "secret_key", _new_secret))
            if self.payload_keys is None:
                self.payload_keys = SecretStr(
                    _dev_secret(self.var_dir / "payload_keys", _new_payload_key_ring)
                )
            return
        _check_secret("DENIALDESK_SECRET_KEY", self.secret_key)
        _check_secret("DENIALDESK_PAYLOAD_KEYS", self.payload_keys)
        parse_key_ring(self.payload_keys.get_secret_value())  # type: ignore[union-attr]

    def key_ring(self) -> dict[str, bytes]:
        self.require_secrets()
        return parse_key_ring(self.payload_keys.get_secret_value())  # type: ignore[union-attr]


def parse_key_ring(value: str) -> dict[str, bytes]:
    """'k2:BASE64,k1:BASE64' -> ordered {kid: 32-byte key}; the first entry is the active key."""
    ring: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        kid, sep, encoded = part.partition(":")
        if not sep or not kid:
            raise SettingsError("DENIALDESK_PAYLOAD_KEYS must look like 'kid:base64key,...'")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise SettingsError(f"DENIALDESK_PAYLOAD_KEYS: key {kid!r} is not base64") from exc
        if len(key) != 32:
            raise SettingsError(f"DENIALDESK_PAYLOAD_KEYS: key {kid!r} must be 32 bytes (AES-256)")
        ring[kid] = key
    if not ring:
        raise SettingsError("DENIALDESK_PAYLOAD_KEYS holds no key")
    return ring


def _check_secret(name: str, value: SecretStr | None) -> None:
    if value is None or not value.get_secret_value().strip():
        raise SettingsError(
            f"{name} is not set; set it in the environment or .env (production mode)"
        )
    raw = value.get_secret_value()
    if raw.lower() in KNOWN_DEFAULT_SECRETS:
        raise SettingsError(f"{name} is a well-known default value; generate a random one")
    if len(raw) < MIN_SECRET_LENGTH:
        raise SettingsError(f"{name} is shorter than {MIN_SECRET_LENGTH} characters")


def _new_secret() -> str:
    return secrets.token_urlsafe(48)


def _new_payload_key_ring() -> str:
    return "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()


def _dev_secret(path: Path, make) -> str:
    if path.exists():
        return path.read_text().strip()
    # The var folder holds secrets and patient data: its owner's only (as app/var_dir.py).
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def get_settings(**overrides) -> Settings:
    return load_settings(**overrides)


def load_settings(**overrides) -> Settings:
    """Settings from the environment; a bad value is a SettingsError naming the variable (the
    CLI prints it as one line), never a validation traceback. The value is not repeated."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "DENIALDESK_" + "_".join(str(part) for part in first["loc"]).upper()
        raise SettingsError(f"{name}: {first['msg'].lower()}") from None
