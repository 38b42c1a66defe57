"""Saldo core: domain, hook specs, plugin machinery, services and database tables."""

__version__ = "0.1.0"
