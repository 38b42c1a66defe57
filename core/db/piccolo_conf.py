"""Piccolo configuration: the engine from the settings and the apps of the core and of plugins.

Plugins with tables of their own register their Piccolo app module under the
entry-point group ``saldo.db`` (the module must define ``APP_CONFIG``); they are
found without importing the plugin's hook code.
"""

from importlib.metadata import entry_points

from piccolo.conf.apps import AppRegistry

from core.db.engine import engine_from_url
from core.settings import get_settings

DB = engine_from_url(get_settings().resolved_database_url)


def app_modules() -> list[str]:
    plugin_apps = sorted(ep.value for ep in entry_points(group="saldo.db"))
    return ["core.db.piccolo_app", *plugin_apps]


APP_REGISTRY = AppRegistry(apps=app_modules())
