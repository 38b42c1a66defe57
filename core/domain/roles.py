"""Staff roles and what each may do."""

from __future__ import annotations

OWNER = "owner"
ADMIN = "admin"
MANAGER = "manager"
ACCOUNTANT = "accountant"
VIEWER = "viewer"
ROLES = (OWNER, ADMIN, MANAGER, ACCOUNTANT, VIEWER)

READ = "read"
MANAGE_TENANT = "tenant.manage"  # users, API keys, plugins, settings, clock
MANAGE_BILLING = "billing.manage"  # clients, subscriptions, day close
MANAGE_FINANCE = "finance.manage"  # payments, documents, adjustments

PERMISSIONS: dict[str, frozenset[str]] = {
    OWNER: frozenset({READ, MANAGE_TENANT, MANAGE_BILLING, MANAGE_FINANCE}),
    ADMIN: frozenset({READ, MANAGE_TENANT, MANAGE_BILLING, MANAGE_FINANCE}),
    MANAGER: frozenset({READ, MANAGE_BILLING}),
    ACCOUNTANT: frozenset({READ, MANAGE_FINANCE}),
    VIEWER: frozenset({READ}),
}


def can(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())


def can_grant(granter_role: str, role: str) -> bool:
    """Only an owner makes owners; admins grant every other role."""
    if role not in ROLES:
        return False
    if role == OWNER:
        return granter_role == OWNER
    return can(granter_role, MANAGE_TENANT)
