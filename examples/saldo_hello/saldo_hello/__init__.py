"""An example Saldo plugin: a percentage discount on every charge of a tenant."""
