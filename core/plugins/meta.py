"""What a plugin declares about itself: the module attribute ``plugin_meta``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from pydantic import BaseModel

import core

PLUGIN_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LEVELS = ("global", "tenant")


class PluginMetaError(ValueError):
    pass


@dataclass(frozen=True)
class PluginMeta:
    """A plugin's identity and contract with the core.

    ``level="tenant"`` plugins are enabled per tenant (``default_enabled`` says whether
    a tenant that never chose has it on); ``level="global"`` and ``essential`` plugins
    are on for every tenant and cannot be disabled. ``config_model`` is the pydantic
    model of the plugin's per-tenant settings (``SecretStr`` fields are write-only).
    A plugin that is on without being configured first (global, essential or enabled
    by default) needs a default for every setting.
    """

    id: str
    name: str
    version: str
    description: str
    level: Literal["global", "tenant"] = "tenant"
    config_model: type[BaseModel] | None = None
    requires_core: str = ">=0.1"
    essential: bool = False
    default_enabled: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not PLUGIN_ID.match(self.id):
            raise PluginMetaError(
                f"plugin id {self.id!r} must be a lowercase identifier (a-z, 0-9, _; starting with a letter)"
            )
        for field in ("name", "version", "description"):
            if not isinstance(getattr(self, field), str) or not getattr(self, field).strip():
                raise PluginMetaError(f"plugin {self.id}: {field} must be a non-empty string")
        if self.level not in LEVELS:
            raise PluginMetaError(f"plugin {self.id}: level must be one of {LEVELS}, got {self.level!r}")
        if self.config_model is not None and not (
            isinstance(self.config_model, type) and issubclass(self.config_model, BaseModel)
        ):
            raise PluginMetaError(f"plugin {self.id}: config_model must be a pydantic BaseModel subclass")
        try:
            SpecifierSet(self.requires_core)
        except InvalidSpecifier:
            raise PluginMetaError(f"plugin {self.id}: requires_core {self.requires_core!r} is not a version specifier")
        if self.on_without_configuration and self.config_model is not None:
            required = [name for name, f in self.config_model.model_fields.items() if f.is_required()]
            if required:
                raise PluginMetaError(
                    f"plugin {self.id} is on without being configured, so its settings need defaults: "
                    + ", ".join(required)
                )

    @property
    def always_on(self) -> bool:
        return self.essential or self.level == "global"

    @property
    def on_without_configuration(self) -> bool:
        return self.always_on or self.default_enabled

    def check_core(self, core_version: str = core.__version__) -> None:
        """Raise :class:`PluginMetaError` unless ``core_version`` satisfies ``requires_core``."""
        if not SpecifierSet(self.requires_core).contains(Version(core_version), prereleases=True):
            raise PluginMetaError(
                f"plugin {self.id} requires saldo {self.requires_core}, this is saldo {core_version}"
            )
