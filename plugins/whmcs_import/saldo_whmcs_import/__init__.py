"""Migration from a WHMCS database to Saldo."""
