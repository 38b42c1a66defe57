"""Exporters and importers: data out to other systems (1C) and in from them (WHMCS, CSV)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import AsyncIterable, ClassVar, Mapping

from core.domain.documents import Document
from core.domain.extension import Extension
from core.domain.payments import AppliedPayment


@dataclass(frozen=True)
class ExportRequest:
    """What to export: posted documents and applied payments of a period, streamed by the core."""

    period_start: date
    period_end: date
    documents: AsyncIterable[Document]
    payments: AsyncIterable[AppliedPayment]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes


class Exporter(Extension, ABC):
    @abstractmethod
    async def export(self, request: ExportRequest) -> ExportFile:
        """Produce the file; the same data exported twice must give the same object keys."""


@dataclass(frozen=True)
class ImportProblem:
    """Why one source record was skipped or rejected."""

    source: str  # e.g. "tblclients#42"
    message: str


@dataclass(frozen=True)
class ImportReport:
    counts: Mapping[str, int]  # e.g. {"clients.added": 10, "clients.skipped": 1}
    problems: tuple[ImportProblem, ...] = ()
    dry_run: bool = False


@dataclass(frozen=True)
class ImportRequest:
    dry_run: bool
    upload: bytes | None = None  # the uploaded file, for importers that read one


class Importer(Extension, ABC):
    accepts_upload: ClassVar[bool] = False  # the UI asks for a file (ImportRequest.upload) to import

    @abstractmethod
    async def run(self, request: ImportRequest) -> ImportReport:
        """Import everything or nothing; a dry run reports what would happen and changes nothing."""
