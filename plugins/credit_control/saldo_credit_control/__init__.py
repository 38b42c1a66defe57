"""Credit control for Saldo: reminders, grace, blocking and unblocking, late fees."""
