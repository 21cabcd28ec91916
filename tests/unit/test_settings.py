import base64

import pytest

from denialdesk.app.cli import main
from denialdesk.app.settings import Settings, SettingsError, load_settings, parse_key_ring

STRONG = "x" * 20 + "A1b2C3d4E5f6G7h8"
RING = "k1:" + base64.b64encode(bytes(range(32))).decode()


def production(**values) -> Settings:
    return Settings(mode="production", _env_file=None, **values)


@pytest.mark.parametrize("secret", [None, "", "changeme", "secret", "short-but-not-default"])
def test_production_refuses_missing_default_or_short_secret_key(secret):
    settings = production(secret_key=secret, payload_keys=RING)
    with pytest.raises(SettingsError, match="DENIALDESK_SECRET_KEY"):
        settings.require_secrets()


def test_production_refuses_missing_payload_keys():
    with pytest.raises(SettingsError, match="DENIALDESK_PAYLOAD_KEYS"):
        production(secret_key=STRONG).require_secrets()


def test_production_accepts_strong_secrets():
    settings = production(secret_key=STRONG, payload_keys=RING)
    settings.require_secrets()
    assert list(settings.key_ring()) == ["k1"]


def test_dev_mode_generates_secrets_once(tmp_path):
    first = Settings(mode="dev", var_dir=tmp_path, _env_file=None)
    first.require_secrets()
    second = Settings(mode="dev", var_dir=tmp_path, _env_file=None)
    second.require_secrets()
    assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
    assert first.key_ring() == second.key_ring()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_prefix(monkeypatch):
    monkeypatch.setenv("DENIALDESK_DATABASE_URL", "postgresql://db/app")
    assert Settings(_env_file=None).db_url == "postgresql://db/app"


@pytest.mark.parametrize(
    "ring, message",
    [
        ("nokey", "kid:base64key"),
        ("k1:!!!", "not base64"),
        ("k1:" + base64.b64encode(b"ab").decode(), "32 bytes"),
    ],
)
def test_key_ring_errors(ring, message):
    with pytest.raises(SettingsError, match=message):
        parse_key_ring(ring)


def test_key_ring_keeps_order_first_is_active():
    other = "k0:" + base64.b64encode(bytes(32)).decode()
    assert list(parse_key_ring(f"{RING},{other}")) == ["k1", "k0"]


@pytest.mark.parametrize("value", ["abc", "70000", "0"])
def test_a_bad_port_is_one_line_and_exit_1(monkeypatch, tmp_path, capsys, value):
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.setenv("DENIALDESK_WEB_PORT", value)
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("denialdesk: error: DENIALDESK_WEB_PORT: ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_port_range_is_checked_for_every_port():
    for name in ("web_port", "temporal_port", "temporal_ui_port"):
        with pytest.raises(SettingsError, match=name.upper()):
            load_settings(**{name: 65536}, _env_file=None)
