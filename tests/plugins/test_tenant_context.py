from datetime import date

import pytest
from pydantic import BaseModel

from core.plugins.context import TenantContext


class Settings(BaseModel):
    percent: int = 5


def test_config_of_an_enabled_plugin_and_none_otherwise(tenant_context):
    tenant = tenant_context(configs={"hello": Settings(percent=7)}, slug="acme", today=date(2026, 2, 1))
    assert tenant.config("hello") == Settings(percent=7)
    assert tenant.config("robokassa") is None
    assert (tenant.slug, tenant.today, tenant.timezone, tenant.currency) == \
        ("acme", date(2026, 2, 1), "Europe/Moscow", "RUB")


def test_a_tenant_context_cannot_be_changed():
    configs = {"hello": Settings()}
    tenant = TenantContext(1, "acme", "Acme", "Europe/Moscow", "RUB", date(2026, 1, 1), configs)
    configs["other"] = Settings()
    assert tenant.config("other") is None
    with pytest.raises(TypeError):
        tenant.plugin_configs["other"] = Settings()
    with pytest.raises(AttributeError):
        tenant.slug = "other"
