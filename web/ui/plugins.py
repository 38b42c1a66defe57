"""Installed plugins: enable or disable them for the tenant, and a settings form per plugin
generated from the plugin's config schema. Secret fields are write-only: the form shows
them empty, says whether a value is saved, and leaving them empty keeps the saved value.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.plugins.manager import PluginRegistry
from core.services import plugins
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.plugin_form import form_fields, parse_config
from web.ui.render import GENERAL, field_errors, page, redirect


def _config_errors(exc, plugin) -> dict[str, str]:
    """Field errors of a settings validation, keyed by form field; a path such as ``ips.0``
    names its field, and errors about no field (or the settings as a whole) go on top."""
    names = set(plugin.meta.config_model.model_fields) if plugin.meta.config_model else set()
    errors: dict[str, str] = {}
    for field, message in field_errors(exc).items():
        name = field.split(".")[0]
        errors.setdefault(name if name in names or name == "enabled" else GENERAL, message)
    return errors


async def _config_page(request: Request, principal: Principal, registry: PluginRegistry, plugin_id: str, *,
                       errors: dict | None = None, values: dict | None = None, enabled: bool | None = None,
                       notice: str | None = None, status_code: int = 200) -> Template:
    plugin = await plugins.get_plugin(principal.actor, registry, plugin_id)
    return await page(request, principal, "plugin.html", active="plugins", plugin=plugin,
                      fields=form_fields(plugin, values), errors=errors or {},
                      enabled=plugin.enabled if enabled is None else enabled, notice=notice,
                      status_code=status_code)


async def _set_enabled(request: Request, principal: Principal, registry: PluginRegistry, plugin_id: str,
                       enabled: bool) -> Template | Redirect:
    try:
        await plugins.configure(principal.actor, registry, plugin_id, enabled=enabled)
    except InvalidInput as exc:
        # Enabling a plugin whose settings are incomplete: show its form with what is missing.
        plugin = await plugins.get_plugin(principal.actor, registry, plugin_id)
        return await _config_page(request, principal, registry, plugin_id, errors=_config_errors(exc, plugin),
                                  enabled=True, notice="plugins.fix_to_enable",
                                  status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    return redirect("/plugins", "plugins.enabled_done" if enabled else "plugins.disabled_done")


class PluginsPages(Controller):
    path = "/plugins"

    @get("/")
    async def index(self, request: Request, principal: Principal, registry: PluginRegistry) -> Template:
        installed = await plugins.list_plugins(principal.actor, registry)
        return await page(request, principal, "plugins.html", active="plugins", plugins=installed)

    @get("/{plugin_id:str}")
    async def show(self, request: Request, principal: Principal, registry: PluginRegistry,
                   plugin_id: str) -> Template:
        return await _config_page(request, principal, registry, plugin_id)

    @post("/{plugin_id:str}")
    async def save(self, request: Request, principal: Principal, registry: PluginRegistry,
                   plugin_id: str) -> Template | Redirect:
        """Save the form: the enabled switch and the settings together; nothing is saved on an error."""
        plugin = await plugins.get_plugin(principal.actor, registry, plugin_id)
        form = await request.form()
        enabled = None if plugin.always_on else "enabled" in form.keys()
        config, values, errors = parse_config(plugin, form)
        if errors:
            return await _config_page(request, principal, registry, plugin_id, errors=errors, values=values,
                                      enabled=enabled, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        try:
            await plugins.configure(principal.actor, registry, plugin_id, enabled=enabled,
                                    config=config if plugin.meta.config_model is not None else None)
        except (InvalidInput, Conflict) as exc:
            return await _config_page(request, principal, registry, plugin_id, errors=_config_errors(exc, plugin),
                                      values=values, enabled=enabled, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/plugins/{plugin_id}", "plugins.saved")

    @post("/{plugin_id:str}/enable")
    async def enable(self, request: Request, principal: Principal, registry: PluginRegistry,
                     plugin_id: str) -> Template | Redirect:
        return await _set_enabled(request, principal, registry, plugin_id, True)

    @post("/{plugin_id:str}/disable")
    async def disable(self, request: Request, principal: Principal, registry: PluginRegistry,
                      plugin_id: str) -> Template | Redirect:
        return await _set_enabled(request, principal, registry, plugin_id, False)
