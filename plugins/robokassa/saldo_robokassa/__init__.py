"""Robokassa payments for Saldo."""
