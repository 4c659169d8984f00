"""Settings: embedded defaults, TOML plus environment overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.config import load_settings
from mailbot.errors import ConfigError


def test_no_config_is_the_embedded_default() -> None:
    settings = load_settings(env={})
    assert settings.database.url == "sqlite:///var/mailbot.db"
    assert (settings.intake.host, settings.intake.port) == ("127.0.0.1", 2525)
    assert (settings.web.host, settings.web.port) == ("127.0.0.1", 8000)
    assert settings.smtp.host is None and settings.imap.host is None
    assert settings.outbox.maildir == "outbox" and settings.var_dir == "var"
    assert settings.intake_recipients == ("info@wecashup.com",)


def test_environment_overrides_every_section(tmp_path: Path) -> None:
    config = tmp_path / "mailbot.toml"
    config.write_text('[imap]\nhost = "imap.example.org"\nport = 993\n[org]\naddress = "privacy@example.org"\n')
    settings = load_settings(config, env={
        "MAILBOT_IMAP_PORT": "143", "MAILBOT_IMAP_SECURITY": "starttls", "MAILBOT_IMAP_FOLDER": "Privacy",
        "MAILBOT_SMTP_HOST": "smtp.example.org", "MAILBOT_DATABASE_URL": "postgresql+psycopg://db/mailbot",
        "MAILBOT_WEB_BASE_URL": "https://privacy.example.org", "MAILBOT_INTAKE_RECIPIENTS": "a@x.org, b@x.org",
    })
    assert settings.imap.host == "imap.example.org"  # from the file
    assert settings.imap.port == 143 and settings.imap.security == "starttls"  # from the environment
    assert settings.imap.folder == "Privacy"
    assert settings.org.address == "privacy@example.org"
    assert settings.smtp.host == "smtp.example.org"
    assert settings.database.url.startswith("postgresql")
    assert settings.intake.recipients == ("a@x.org", "b@x.org")


def test_invalid_value_names_the_key_and_variable() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(env={"MAILBOT_IMAP_SECURITY": "ssl-please"})
    assert "imap.security" in str(error.value) and "MAILBOT_IMAP_SECURITY" in str(error.value)


def test_unknown_key_in_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "mailbot.toml"
    config.write_text('[imap]\nhots = "typo.example.org"\n')
    with pytest.raises(ConfigError, match=r"imap\.hots"):
        load_settings(config, env={})


@pytest.mark.parametrize("secret", ["changeme", "CHANGEME", "<your password>", "password"])
def test_placeholder_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ConfigError, match="MAILBOT_SMTP_PASSWORD"):
        load_settings(env={"MAILBOT_SMTP_PASSWORD": secret})


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml", env={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[imap\nhost=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken, env={})
