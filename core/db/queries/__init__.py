"""Queries over the core's tables. Each function on tenant-owned data takes the tenant id
and filters by it, so another tenant's row is simply not found."""
