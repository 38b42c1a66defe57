"""Numbering documents at posting: each document's rule comes from the numbering hook, the
sequence numbers from the gap-free series, taken in the caller's transaction."""

from __future__ import annotations

from typing import Sequence

from core.db.queries import documents as documents_q
from core.domain.documents import Document, DocumentNumber
from core.domain.numbering import NumberFormat, NumberingRule

FALLBACK = NumberFormat()


async def number_documents(hooks, context, documents: Sequence[Document]) -> list[DocumentNumber]:
    """Numbers for ``documents`` in order; a series' numbers are reserved in one step, so a
    batch takes consecutive numbers. Must run inside the posting's transaction."""
    rules: list[NumberingRule] = []
    by_series: dict[str, list[int]] = {}
    for n, document in enumerate(documents):
        rule = hooks.hook.saldo_document_number(tenant=context, document=document) or FALLBACK.rule(
            document.seller_id, document.type.value, document.issue_date)
        rules.append(rule)
        by_series.setdefault(rule.series, []).append(n)
    numbers: list[DocumentNumber | None] = [None] * len(documents)
    for series, positions in sorted(by_series.items()):
        first = await documents_q.take_numbers(context.id, series, len(positions))
        for offset, n in enumerate(positions):
            sequence = first + offset
            numbers[n] = DocumentNumber(series, sequence, rules[n].format.text(sequence, documents[n].issue_date))
    return numbers
