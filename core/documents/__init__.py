"""Shipped document templates (Jinja2 HTML for the PDFs, text for the e-mail) and the
WeasyPrint glue in :mod:`core.documents.pdf`. Rendering itself is
:mod:`core.services.document_render`; tenants' own versions, :mod:`core.services.document_templates`."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLESHEET = TEMPLATES / "documents.css"
