"""A tenant's settings of the WHMCS import."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

MYSQL_SCHEMES = ("mysql", "mysql+aiomysql", "mysql+asyncmy", "mysql+pymysql")


class WhmcsImportConfig(BaseModel):
    database_url: SecretStr = Field(
        description="The WHMCS database, read only: mysql://user:password@host:3306/whmcs.",
    )
    inn_field: str = Field(default="ИНН", min_length=1, description="Name of the client custom field holding the INN.")
    kpp_field: str = Field(default="КПП", min_length=1, description="Name of the client custom field holding the KPP.")

    @field_validator("database_url")
    @classmethod
    def _mysql(cls, value: SecretStr) -> SecretStr:
        # The messages never quote the URL: it holds the password.
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in MYSQL_SCHEMES:
            raise ValueError(f"must be a MySQL URL ({', '.join(s + '://' for s in MYSQL_SCHEMES)})")
        if not parts.hostname or not parts.path.strip("/"):
            raise ValueError("must name a host and a database: mysql://user:password@host:3306/whmcs")
        return value
