"""Hook glue of the WHMCS import plugin. The importer comes next."""

from __future__ import annotations

from importlib.metadata import version

from core.plugins.meta import PluginMeta

from saldo_whmcs_import.config import WhmcsImportConfig

plugin_meta = PluginMeta(
    id="whmcs_import",
    name="Import from WHMCS",
    version=version("saldo-whmcs-import"),
    description="Clients, products, services, invoices, transactions and credit balances from a WHMCS database.",
    level="tenant",
    config_model=WhmcsImportConfig,
    requires_core=">=0.1",
)
