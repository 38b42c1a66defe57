"""Built-in plugins: registered before entry-point plugins, exactly like them.

Their hook implementations are ``trylast``, so any installed plugin can override them.
"""

DEFAULT_PLUGINS = ("core.plugins.defaults.pricing", "core.plugins.defaults.numbering")
