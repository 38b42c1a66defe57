"""One shape for every API error: {"error": {"code", "message", "fields"}}; never a stack trace."""

from __future__ import annotations

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from core.services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError

log = logging.getLogger("saldo.web")

SERVICE_STATUS = {
    NotFound: HTTP_404_NOT_FOUND,
    InvalidInput: HTTP_422_UNPROCESSABLE_ENTITY,
    Forbidden: HTTP_403_FORBIDDEN,
    Conflict: HTTP_409_CONFLICT,
}
HTTP_CODES = {
    HTTP_400_BAD_REQUEST: "bad_request",
    HTTP_401_UNAUTHORIZED: "unauthorized",
    HTTP_403_FORBIDDEN: "forbidden",
    HTTP_404_NOT_FOUND: "not_found",
    HTTP_409_CONFLICT: "conflict",
    HTTP_422_UNPROCESSABLE_ENTITY: "invalid",
}


def is_ui(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/p/", "/healthz", "/schema"))


def _error(status: int, code: str, message: str, fields: list[dict] | None = None) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or []}},
                    status_code=status, media_type=MediaType.JSON)


def _ui_error(request: Request, status: int, message: str) -> Response:
    if status == HTTP_401_UNAUTHORIZED:
        return Redirect(f"/login?next={request.url.path}")
    return Template("error.html", context={"status": status, "message": message}, status_code=status)


def _validation_fields(exc: ValidationException) -> list[dict]:
    fields = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("loc") or "")
            fields.append({"field": key, "message": str(item.get("message", ""))})
    return fields


def handle_exception(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ServiceError):
        status = next((s for cls, s in SERVICE_STATUS.items() if isinstance(exc, cls)), HTTP_400_BAD_REQUEST)
        if is_ui(request):
            return _ui_error(request, status, exc.message)
        return _error(status, exc.code, exc.message, exc.fields)
    if isinstance(exc, ValidationException):
        fields = _validation_fields(exc)
        if is_ui(request):
            return _ui_error(request, HTTP_400_BAD_REQUEST, exc.detail)
        return _error(HTTP_400_BAD_REQUEST, "bad_request", exc.detail, fields)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        message = exc.detail
        if isinstance(exc, NotFoundException):
            message = "not found"
        if is_ui(request):
            return _ui_error(request, status, message)
        return _error(status, HTTP_CODES.get(status, "error"), message)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if is_ui(request):
        return _ui_error(request, HTTP_500_INTERNAL_SERVER_ERROR, "internal error")
    return _error(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "internal error")


EXCEPTION_HANDLERS = {Exception: handle_exception}
__all__ = ["EXCEPTION_HANDLERS", "NotAuthorizedException", "PermissionDeniedException"]
