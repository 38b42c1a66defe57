"""Deploy-level settings, read from the environment (prefix ``SALDO_``) and ``.env``.

Every field is listed in docs/configuration.md; tests/test_settings_docs.py fails
when one is added without documentation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Settings of one Saldo deployment (not of a tenant)."""

    model_config = SettingsConfigDict(
        env_prefix="SALDO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory for the embedded SQLite database and other local files.",
    )
    database_url: str = Field(
        default="",
        description=(
            "Database URL: sqlite:///path/to/file.sqlite or "
            "postgresql://user:password@host:port/dbname. "
            "Empty means a SQLite file saldo.sqlite in the data directory."
        ),
    )
    database_pool_size: int = Field(
        default=10,
        ge=0,
        description="PostgreSQL connection pool size of a server process; 0 disables the pool.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "Secret for signing and encryption. Empty means a random key generated "
            "once and kept in the data directory (file secret_key)."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the web server listens on.")
    timezone: str = Field(
        default="Europe/Moscow",
        description="Default time zone of new tenants (an IANA name).",
    )
    default_language: str = Field(
        default="ru", description="Language of the web UI when the user has not chosen one (ru or en)."
    )
    session_hours: int = Field(
        default=12, ge=1, description="Lifetime of a web UI login session, in hours."
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark session cookies Secure (set it when Saldo is served over HTTPS).",
    )
    smtp_host: str = Field(default="", description="SMTP server for outgoing mail; empty disables mail.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP server port.")
    smtp_user: str = Field(default="", description="SMTP user name.")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password.")
    smtp_starttls: bool = Field(default=True, description="Use STARTTLS on the SMTP connection.")
    smtp_from: str = Field(
        default="billing@localhost", description="Sender address of outgoing mail."
    )
    smtp_timeout: float = Field(
        default=10, gt=0, description="Seconds to wait for the SMTP server before a message is given up."
    )
    log_level: str = Field(default="INFO", description="Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    pdf_workers: int = Field(
        default=2, ge=1, le=64,
        description="Worker processes that render PDFs off the request path (WeasyPrint, some 100 MB each).",
    )
    scheduler_interval: float = Field(
        default=60,
        ge=0,
        description=(
            "Seconds between two passes of the day-close schedule while the server runs "
            "(each tenant's days are closed once their close time has passed); 0 disables it."
        ),
    )
    trace_plugins: bool = Field(
        default=False,
        description="Log every hook call with its arguments and results (SALDO_TRACE_PLUGINS=1).",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("ru", "en"):
            raise ValueError("must be ru or en")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'saldo.sqlite'}"

    def resolved_secret_key(self) -> str:
        """The configured secret key, or one generated once and kept in the data directory."""
        if self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        import secrets

        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
