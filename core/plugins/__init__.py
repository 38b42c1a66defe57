"""The plugin machinery: metadata, the registry, the per-tenant relay, settings, test fixtures."""
