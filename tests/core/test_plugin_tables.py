"""Plugins with tables register their Piccolo app under the entry-point group ``saldo.db``."""

from importlib.metadata import EntryPoint

import core.db.piccolo_conf as piccolo_conf


def test_plugin_apps_are_found_through_entry_points_after_the_core(monkeypatch):
    found = [EntryPoint(name="zeta", value="saldo_zeta.piccolo_app", group="saldo.db"),
             EntryPoint(name="alpha", value="saldo_alpha.piccolo_app", group="saldo.db")]
    monkeypatch.setattr(piccolo_conf, "entry_points",
                        lambda group: found if group == "saldo.db" else [])
    assert piccolo_conf.app_modules() == ["core.db.piccolo_app", "saldo_alpha.piccolo_app",
                                          "saldo_zeta.piccolo_app"]


def test_the_core_app_lists_every_table_module():
    from pathlib import Path

    from core.db.piccolo_app import APP_CONFIG, TABLE_MODULES

    modules = {f"core.db.tables.{p.stem}" for p in (Path(piccolo_conf.__file__).parent / "tables").glob("*.py")
               if p.stem != "__init__"}
    assert set(TABLE_MODULES) == modules
    assert {t._meta.tablename for t in APP_CONFIG.table_classes} >= {"tenant", "saldo_user", "audit_event"}
