from __future__ import annotations

from dataclasses import dataclass

from core.db.integrity import is_unique_violation
from core.db.tables import IdempotentRequest


@dataclass(frozen=True)
class StoredRequest:
    request_hash: str
    state: str
    status_code: int | None
    content_type: str
    body: str


async def _get(tenant_id: int, key: str) -> StoredRequest | None:
    row = await IdempotentRequest.select().where(
        (IdempotentRequest.tenant == tenant_id) & (IdempotentRequest.key == key)).first()
    if not row:
        return None
    return StoredRequest(row["request_hash"], row["state"], row["status_code"], row["content_type"], row["body"])


async def claim(tenant_id: int, key: str, request_hash: str) -> StoredRequest | None:
    """Record a new request under the key and return None, or return what the key holds already."""
    try:
        await IdempotentRequest.insert(IdempotentRequest(tenant=tenant_id, key=key, request_hash=request_hash))
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        return await _get(tenant_id, key)
    return None


async def complete(tenant_id: int, key: str, status_code: int, content_type: str, body: str) -> None:
    await IdempotentRequest.update({IdempotentRequest.state: "done", IdempotentRequest.status_code: status_code,
                                    IdempotentRequest.content_type: content_type, IdempotentRequest.body: body}).where(
        (IdempotentRequest.tenant == tenant_id) & (IdempotentRequest.key == key))


async def release(tenant_id: int, key: str) -> None:
    """Forget a request that failed on the server's side, so that it may be retried."""
    await IdempotentRequest.delete().where((IdempotentRequest.tenant == tenant_id) & (IdempotentRequest.key == key))
