"""HTML to PDF with WeasyPrint, the only module that imports it.

Rendering runs in worker processes (:mod:`core.services.document_render`), which receive
and return plain strings and bytes. Each process builds one font configuration and parses
the shared stylesheet once, then reuses them for every document. Documents load nothing
from outside: only ``data:`` URLs are fetched, so a tenant's template cannot make the
server read a file or call a URL.
"""

from __future__ import annotations

from functools import lru_cache

from core.documents import STYLESHEET


@lru_cache(maxsize=1)
def _shared():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    fonts = FontConfiguration()
    css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), font_config=fonts, url_fetcher=fetcher)
    return fetcher, fonts, css


def render_pdf(html: str) -> bytes:
    """One document; ``html`` is styled by the shared stylesheet (and its own ``<style>``)."""
    from weasyprint import HTML

    fetcher, fonts, css = _shared()
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fonts)


def render_many(htmls: list[str]) -> list[bytes]:
    """Several documents in one call: what a worker receives as one task."""
    return [render_pdf(html) for html in htmls]
