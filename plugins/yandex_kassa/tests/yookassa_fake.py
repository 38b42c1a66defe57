"""A fake YooKassa API v3 served over real HTTP on loopback (used by the tests' fixtures)."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

SHOPS = {"100500": "test_secret_a", "100600": "test_secret_b"}
YOOKASSA_ADDRESS = "185.71.76.10"  # inside 185.71.76.0/27


def error(status: int, code: str, description: str = "") -> tuple[int, dict]:
    return status, {"type": "error", "code": code, "description": description}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict | None


@dataclass
class FakeYooKassa:
    """Payments and refunds per shop (Basic credentials from ``SHOPS``); every request is
    recorded; a repeated Idempotence-Key returns the first answer, as the real API does."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    payments: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # payment id → shop id
    answered: dict[tuple[str, str], tuple[int, dict]] = field(default_factory=dict)

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def set_status(self, payment_id: str, status: str) -> None:
        self.payments[payment_id].update(status=status, paid=status in ("succeeded", "waiting_for_capture"))

    def serve(self, method: str, path: str, shop: str, key: str, body: dict | None) -> tuple[int, dict]:
        if method == "GET":
            return self._payment(shop, path)
        if not key:
            return error(400, "invalid_request", "Idempotence-Key is missing")
        if (shop, key) not in self.answered:
            self.answered[(shop, key)] = self._post(shop, path, body)
        return self.answered[(shop, key)]

    def _payment(self, shop: str, path: str) -> tuple[int, dict]:
        payment_id = path.removeprefix("/v3/payments/")
        if self.owners.get(payment_id) != shop:
            return error(404, "not_found", f"payment {payment_id}")
        return 200, dict(self.payments[payment_id])

    def _post(self, shop: str, path: str, body: dict) -> tuple[int, dict]:
        if path == "/v3/payments":
            return self._create_payment(shop, body)
        if path == "/v3/refunds":
            return self._create_refund(shop, body)
        payment_id = path.removeprefix("/v3/payments/").removesuffix("/capture")
        if not path.endswith("/capture") or self.owners.get(payment_id) != shop:
            return error(404, "not_found", path)
        self.set_status(payment_id, "succeeded")
        return 200, dict(self.payments[payment_id])

    def _create_payment(self, shop: str, body: dict) -> tuple[int, dict]:
        payment_id = str(uuid.uuid4())
        self.owners[payment_id] = shop
        self.payments[payment_id] = {
            "id": payment_id, "status": "pending", "paid": False, "amount": body["amount"],
            "description": body.get("description"), "metadata": body.get("metadata", {}), "test": True,
            "created_at": "2026-04-01T10:00:00.000Z", "recipient": {"account_id": shop, "gateway_id": "1"},
            "confirmation": {"type": "redirect", "return_url": body["confirmation"]["return_url"],
                             "confirmation_url": f"https://yoomoney.ru/checkout/payments/v2/contract?orderId="
                                                 f"{payment_id}"},
            "refundable": False,
        }
        return 200, dict(self.payments[payment_id])

    def _create_refund(self, shop: str, body: dict) -> tuple[int, dict]:
        payment = self.payments.get(body["payment_id"])
        if payment is None or self.owners[payment["id"]] != shop or payment["status"] != "succeeded":
            return error(400, "invalid_request", "payment cannot be refunded")
        refund_id = str(uuid.uuid4())
        self.refunds[refund_id] = {"id": refund_id, "payment_id": payment["id"], "status": "succeeded",
                                   "amount": body["amount"], "description": body.get("description"),
                                   "created_at": "2026-04-02T10:00:00.000Z"}
        return 200, dict(self.refunds[refund_id])


def _handler(fake: FakeYooKassa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            fake.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))
            credentials = self.headers.get("Authorization", "").removeprefix("Basic ")
            shop, _, secret = base64.b64decode(credentials).decode().partition(":")
            if not secret or SHOPS.get(shop) != secret:
                status, answer = error(401, "invalid_credentials")
            else:
                status, answer = fake.serve(self.command, self.path, shop, self.headers.get("Idempotence-Key", ""),
                                            body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

    return Handler


@contextmanager
def serving() -> Iterator[FakeYooKassa]:
    """The fake, listening on a free loopback port, in a thread."""
    fake = FakeYooKassa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v3"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
