"""YooKassa's official SDK, used for many shops (tenants) in one process.

The SDK keeps its settings in the process-global ``Configuration`` class, and each
resource (``Payment``, ``Refund``) builds an ``ApiClient`` from it on every call.
Reconfiguring it per tenant would race between concurrent requests of different
tenants, and serialising configure-and-call under a lock would make every tenant wait
for the slowest shop. So the global ``Configuration`` is never written here: each call
builds its own :class:`ShopClient` (an ``ApiClient`` with its own ``Configuration``
instance, from the tenant's settings), and :class:`ShopPayment` / :class:`ShopRefund`
(the SDK's resources) take that client from a context variable that is set only inside
the worker thread running the call. Credentials live in one call's objects and nowhere
else.

The SDK is synchronous (requests) and sets no socket timeout: a call runs in a worker
thread of the plugin's own pool (so a hung API never starves the application's default
executor), the tenant's timeout is put on its socket, and the caller stops waiting at
the same deadline. A call is never retried inside: a failure surfaces as a
:class:`PaymentError` and the operation is repeated with the same Idempotence-Key.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import requests
from yookassa import Configuration, Payment, Refund
from yookassa.client import ApiClient
from yookassa.domain.common import UserAgent
from yookassa.domain.exceptions import ApiError, InternalServerError, ResponseProcessingError, TooManyRequestsError

from core.domain.payments import PaymentError

from saldo_yandex_kassa.config import YooKassaConfig

T = TypeVar("T")
RETRYABLE = (InternalServerError, ResponseProcessingError, TooManyRequestsError)
WORKERS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="yookassa")


@dataclass(frozen=True)
class Shop:
    """What one call needs to reach a tenant's shop."""

    shop_id: str
    secret_key: str = field(repr=False)
    api_url: str
    timeout: float

    @classmethod
    def of(cls, config: YooKassaConfig) -> Shop:
        return cls(config.shop_id, config.secret_key.get_secret_value(), config.api_url.rstrip("/"),
                   config.timeout_seconds)


class _TimedSession(requests.Session):
    """A session whose requests have a deadline on the socket (the SDK passes none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class ShopClient(ApiClient):
    """The SDK's API client for one shop, built without the global ``Configuration``."""

    def __init__(self, shop: Shop) -> None:  # not ApiClient.__init__: it reads the global Configuration
        configuration = Configuration.__new__(Configuration)  # an instance: its attributes shadow the class's
        configuration.account_id, configuration.secret_key = shop.shop_id, shop.secret_key
        configuration.api_url, configuration.auth_token, configuration.verify = shop.api_url, None, None
        configuration.assert_has_api_credentials()
        self.configuration = configuration
        self.endpoint = shop.api_url
        self.shop_id, self.shop_password, self.auth_token = shop.shop_id, shop.secret_key, None
        self.timeout = shop.timeout
        self.user_agent = UserAgent()

    def get_session(self) -> requests.Session:
        return _TimedSession(self.timeout)


_client: ContextVar[ShopClient] = ContextVar("yookassa_shop_client")


class _OneShop:
    """Makes an SDK resource use the current call's :class:`ShopClient`."""

    def __init__(self) -> None:
        self.client = _client.get()


class ShopPayment(_OneShop, Payment):
    pass


class ShopRefund(_OneShop, Refund):
    pass


def _transport_error(exc: BaseException) -> requests.RequestException | None:
    """The requests error behind ``exc``: the SDK turns one into an AttributeError while
    reading the missing response of a failed connection."""
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, requests.RequestException):
        seen = seen.__context__
    return seen


def _describe(exc: ApiError) -> str:
    content = exc.content or {}
    said = [str(content[key]) for key in ("code", "description") if content.get(key)]
    return ": ".join(said) or type(exc).__name__


async def call(shop: Shop, operation: Callable[[], T], what: str) -> T:
    """Run ``operation`` (SDK calls on ShopPayment/ShopRefund) against ``shop`` within its
    timeout; every failure becomes a :class:`PaymentError` naming ``what`` was asked."""

    def run() -> T:
        _client.set(ShopClient(shop))  # in this call's own copy of the context, dropped after it
        return operation()

    try:
        async with asyncio.timeout(shop.timeout):
            return await asyncio.get_running_loop().run_in_executor(WORKERS, copy_context().run, run)
    except TimeoutError:
        raise PaymentError(f"YooKassa did not answer {what} within {shop.timeout:g} s", retryable=True) from None
    except ApiError as exc:
        raise PaymentError(f"YooKassa refused {what}: {_describe(exc)}",
                           retryable=isinstance(exc, RETRYABLE)) from exc
    except Exception as exc:
        transport = _transport_error(exc)
        if isinstance(transport, requests.Timeout):
            raise PaymentError(f"YooKassa did not answer {what} within {shop.timeout:g} s",
                               retryable=True) from transport
        if transport is not None:
            raise PaymentError(f"YooKassa is unreachable for {what}: {type(transport).__name__}",
                               retryable=True) from transport
        raise PaymentError(f"YooKassa SDK failed on {what}: {exc}") from exc
