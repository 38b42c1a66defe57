import pytest
from pydantic import BaseModel

from core.domain.exchange import Exporter, Importer
from core.plugins.extensions import ExtensionError, instantiate


class Settings(BaseModel):
    token: str = "t"


class Base(Exporter):
    name = "Export"

    async def export(self, request):
        raise NotImplementedError


class B(Base):
    plugin_id, code = "beta", "b"


class A2(Base):
    plugin_id, code = "alpha", "a2"


class A1(Base):
    plugin_id, code = "alpha", "a1"


def test_instances_get_their_plugins_settings_in_plugin_and_code_order(tenant_context):
    tenant = tenant_context(configs={"alpha": Settings(token="x")})
    instances = instantiate([[B], None, [A2, A1]], tenant, Exporter)
    assert [type(i) for i in instances] == [A1, A2, B]
    assert instances[0].config == Settings(token="x") and instances[0].tenant is tenant
    assert instances[2].config is None


def test_duplicate_codes_are_refused_naming_both(tenant_context):
    class Other(Base):
        plugin_id, code = "gamma", "b"

    message = "Exporter code 'b' is used by both B .plugin beta. and .*Other .plugin gamma."
    with pytest.raises(ExtensionError, match=message):
        instantiate([[B], [Other]], tenant_context(), Exporter)


def test_classes_of_the_wrong_kind_or_incomplete_are_refused(tenant_context):
    with pytest.raises(ExtensionError, match="is not a subclass of Importer"):
        instantiate([[B]], tenant_context(), Importer)

    class NoCode(Base):
        plugin_id = "alpha"

    with pytest.raises(ExtensionError, match="NoCode must set the class attribute code"):
        instantiate([[NoCode]], tenant_context(), Exporter)
