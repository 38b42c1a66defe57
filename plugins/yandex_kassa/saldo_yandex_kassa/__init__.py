"""YooKassa (formerly Яндекс.Касса) payments for Saldo."""
