"""Use cases: they take the acting principal and the tenant, call queries and hooks, write audit."""
