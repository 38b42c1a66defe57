"""Hook implementations are sync functions that may return an awaitable where a spec allows it."""

from __future__ import annotations

import inspect
from typing import Any


async def await_me_maybe(value: Any) -> Any:
    """``value`` itself, or what it resolves to when it is awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value
