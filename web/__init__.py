"""Saldo's web application: JSON API, admin UI, client portal and plugin routes."""
