"""The ``saldo`` command line."""
