"""The errors services raise; the web layer maps each to one HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    code = "error"

    def __init__(self, message: str, fields: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []


class NotFound(ServiceError):
    """The object does not exist for this tenant (another tenant's object is not found either)."""

    code = "not_found"

    def __init__(self, object_type: str, object_id: object) -> None:
        super().__init__(f"{object_type} {object_id} not found")


class InvalidInput(ServiceError):
    """Bad input; ``fields`` names each bad field with its message. Nothing was changed."""

    code = "invalid"

    @classmethod
    def field(cls, field: str, message: str) -> "InvalidInput":
        return cls(f"{field}: {message}", [{"field": field, "message": message}])


class Forbidden(ServiceError):
    code = "forbidden"


class Conflict(ServiceError):
    code = "conflict"
