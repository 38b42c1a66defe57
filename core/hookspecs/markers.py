"""The pluggy markers of the project ``saldo``."""

from __future__ import annotations

import pluggy

PROJECT = "saldo"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
