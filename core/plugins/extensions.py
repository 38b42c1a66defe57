"""Instances, for one tenant, of the classes registration hooks return."""

from __future__ import annotations

from typing import Iterable, TypeVar

from core.domain.extension import Extension
from core.plugins.context import TenantContext

E = TypeVar("E", bound=Extension)


class ExtensionError(TypeError):
    pass


def instantiate(results: Iterable[Iterable[type[E]] | None], tenant: TenantContext, base: type[E]) -> list[E]:
    """One instance per class in the collected ``results`` of a registration hook, made as
    ``cls(tenant, tenant.config(cls.plugin_id))``, in the order (plugin id, code).

    Raises :class:`ExtensionError` for a class that is not a ``base`` subclass, lacks
    ``plugin_id``, ``code`` or ``name``, or reuses another class's ``code``.
    """
    by_code: dict[str, type[E]] = {}
    for cls in (cls for result in results if result for cls in result):
        if not (isinstance(cls, type) and issubclass(cls, base)):
            raise ExtensionError(f"{cls!r} is not a subclass of {base.__name__}")
        for attribute in ("plugin_id", "code", "name"):
            if not isinstance(getattr(cls, attribute, None), str):
                raise ExtensionError(f"{cls.__qualname__} must set the class attribute {attribute} (a string)")
        if cls.code in by_code:
            raise ExtensionError(
                f"{base.__name__} code {cls.code!r} is used by both {by_code[cls.code].__qualname__} "
                f"(plugin {by_code[cls.code].plugin_id}) and {cls.__qualname__} (plugin {cls.plugin_id})"
            )
        by_code[cls.code] = cls
    ordered = sorted(by_code.values(), key=lambda cls: (cls.plugin_id, cls.code))
    return [cls(tenant, tenant.config(cls.plugin_id)) for cls in ordered]
