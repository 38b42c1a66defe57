"""Export from Saldo to 1C:Accounting 3.0 in the EnterpriseData format."""
