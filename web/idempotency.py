"""``Idempotency-Key`` on API POSTs: a request repeated with the same key gets the first
answer again instead of being carried out twice.

The key is scoped to the caller's tenant. The same key with a different request (method,
path, query or body) is refused with 422; while the first request is still running, a
repeat gets 409. Answers with a server error are not kept, so such a request can be retried.
"""

from __future__ import annotations

import hashlib
import json

from litestar import Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.db.queries import idempotency as idempotency_q
from web.principal import principal_of

HEADER = b"idempotency-key"
MAX_KEY = 255


async def _send_json(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "fields": []}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> list[Message]:
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            return messages


def idempotency_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        key_header = dict(scope.get("headers", [])).get(HEADER) if scope["type"] == "http" else None
        if not key_header or scope["method"] != "POST" or not scope["path"].startswith("/api/"):
            await app(scope, receive, send)
            return
        key = key_header.decode("latin-1").strip()
        messages = await _read_body(receive)
        pending = list(messages)

        async def replay_receive() -> Message:
            return pending.pop(0) if pending else await receive()

        principal = await principal_of(Request(scope, replay_receive))
        if principal is None or not key or len(key) > MAX_KEY:
            await app(scope, replay_receive, send)
            return
        body = b"".join(m.get("body", b"") for m in messages)
        fingerprint = hashlib.sha256(b"\n".join([scope["path"].encode(), scope.get("query_string", b""),
                                                 body])).hexdigest()
        tenant_id = principal.actor.tenant_id
        stored = await idempotency_q.claim(tenant_id, key, fingerprint)
        if stored is not None:
            if stored.request_hash != fingerprint:
                await _send_json(send, 422, "idempotency_key_reused",
                                 "this Idempotency-Key was used for a different request")
            elif stored.state != "done":
                await _send_json(send, 409, "in_progress", "a request with this Idempotency-Key is still running")
            else:
                payload = stored.body.encode()
                await send({"type": "http.response.start", "status": stored.status_code, "headers": [
                    (b"content-type", stored.content_type.encode()), (b"content-length", str(len(payload)).encode()),
                    (b"idempotent-replayed", b"true")]})
                await send({"type": "http.response.body", "body": payload})
            return
        status, content_type, chunks = 500, "", []

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"").decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await app(scope, replay_receive, capture)
        finally:
            if status < 500:
                await idempotency_q.complete(tenant_id, key, status, content_type,
                                             b"".join(chunks).decode("utf-8", "replace"))
            else:
                await idempotency_q.release(tenant_id, key)

    return middleware
