# Saldo's fixtures for plugin authors. Saldo's pytest plugin provides them too when
# pytest loads it; importing them here keeps the tests working without it
# (e.g. under PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 or `-p no:saldo`).
from core.plugins.testing import plugin_registry, register_plugin, tenant_context  # noqa: F401
