"""Hook glue of the 1C export plugin. The EnterpriseData exporter comes next."""

from __future__ import annotations

from importlib.metadata import version

from core.plugins.meta import PluginMeta

from saldo_onec_export.config import OneCExportConfig

plugin_meta = PluginMeta(
    id="onec_export",
    name="Export to 1C:Accounting",
    version=version("saldo-onec-export"),
    description="Acts, invoices, tax invoices, counterparties and payments to 1C:Accounting 3.0 as EnterpriseData.",
    level="tenant",
    config_model=OneCExportConfig,
    requires_core=">=0.1",
)
