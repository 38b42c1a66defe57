from __future__ import annotations

import json
from dataclasses import dataclass

from core.db.tables import PluginSetting
from core.domain.clock import utc_now


@dataclass(frozen=True)
class PluginSettingRecord:
    plugin_id: str
    enabled: bool
    config: dict


def _record(row: dict) -> PluginSettingRecord:
    config = row["config"]
    return PluginSettingRecord(
        plugin_id=row["plugin_id"], enabled=row["enabled"],
        config=json.loads(config) if isinstance(config, str) else (config or {}),
    )


async def list_for(tenant_id: int) -> dict[str, PluginSettingRecord]:
    rows = await PluginSetting.select().where(PluginSetting.tenant == tenant_id)
    return {r["plugin_id"]: _record(r) for r in rows}


async def get(tenant_id: int, plugin_id: str) -> PluginSettingRecord | None:
    row = await PluginSetting.select().where(
        (PluginSetting.tenant == tenant_id) & (PluginSetting.plugin_id == plugin_id)
    ).first()
    return _record(row) if row else None


async def save(tenant_id: int, plugin_id: str, *, enabled: bool, config: dict) -> None:
    stored = json.dumps(config, ensure_ascii=False)
    updated = await PluginSetting.update(
        {PluginSetting.enabled: enabled, PluginSetting.config: stored, PluginSetting.updated_at: utc_now()}
    ).where((PluginSetting.tenant == tenant_id) & (PluginSetting.plugin_id == plugin_id)).returning(PluginSetting.id)
    if not updated:
        await PluginSetting.insert(PluginSetting(tenant=tenant_id, plugin_id=plugin_id, enabled=enabled, config=stored))
