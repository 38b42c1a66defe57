"""Bank statements (1CClientBankExchange) for Saldo."""
