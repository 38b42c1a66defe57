"""Default numbering: a format per document type, optionally per seller entity, with a
prefix, year, month and zero-padded sequence, restarting yearly, monthly or never."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

import core
from core.domain.documents import Document, DocumentType
from core.domain.numbering import NumberFormat, NumberingRule, Reset, pattern_problem
from core.hookspecs import hookimpl
from core.plugins.context import TenantContext
from core.plugins.meta import PluginMeta

PLUGIN_ID = "default_numbering"
_TYPES = "|".join(t.value for t in DocumentType)
_SELLER_LINE = re.compile(rf"^(\d+)\s+({_TYPES})\s+(\S+)(?:\s+(yearly|monthly|never))?(?:\s+(\S+))?$")
PATTERN_HELP = "Tokens: {prefix}, {yyyy}, {yy}, {mm}, {seq}; {seq:5} pads the number with zeros to five digits."


class NumberingConfig(BaseModel):
    invoice_pattern: str = Field(default="{seq}", description=f"Invoices. {PATTERN_HELP}")
    invoice_prefix: str = Field(default="", max_length=16, description="The {prefix} of invoices.")
    invoice_reset: Reset = Field(default=Reset.YEARLY, description="When invoice numbers start again from 1.")
    act_pattern: str = Field(default="{seq}", description=f"Acts. {PATTERN_HELP}")
    act_prefix: str = Field(default="", max_length=16, description="The {prefix} of acts.")
    act_reset: Reset = Field(default=Reset.YEARLY, description="When act numbers start again from 1.")
    tax_invoice_pattern: str = Field(default="{seq}", description=f"Tax invoices and УПД. {PATTERN_HELP}")
    tax_invoice_prefix: str = Field(default="", max_length=16, description="The {prefix} of tax invoices and УПД.")
    tax_invoice_reset: Reset = Field(default=Reset.YEARLY, description="When tax invoice numbers start again from 1.")
    credit_note_pattern: str = Field(default="{seq}", description=f"Credit notes. {PATTERN_HELP}")
    credit_note_prefix: str = Field(default="", max_length=16, description="The {prefix} of credit notes.")
    credit_note_reset: Reset = Field(default=Reset.YEARLY, description="When credit note numbers start again from 1.")
    seller_formats: list[str] = Field(
        default_factory=list,
        description="One line per seller entity and type that numbers its own way: "
                    "<seller id> <type> <pattern> [yearly|monthly|never] [prefix], e.g. "
                    "«2 invoice {prefix}{yyyy}-{seq:5} yearly ИП-».")

    @field_validator("invoice_pattern", "act_pattern", "tax_invoice_pattern", "credit_note_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if problem := pattern_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("seller_formats")
    @classmethod
    def _seller_formats(cls, lines: list[str]) -> list[str]:
        seen = set()
        for n, line in enumerate(lines, 1):
            match = _SELLER_LINE.match(line.strip())
            if not match:
                raise ValueError(f"line {n}: write <seller id> <type> <pattern> [yearly|monthly|never] [prefix], "
                                 f"type one of {_TYPES.replace('|', ', ')}")
            if problem := pattern_problem(match.group(3), match.group(5) or ""):
                raise ValueError(f"line {n}: {problem}")
            if match.group(1, 2) in seen:
                raise ValueError(f"line {n}: seller {match.group(1)} and {match.group(2)} are given twice")
            seen.add(match.group(1, 2))
        return [line.strip() for line in lines]

    def format_for(self, document_type: DocumentType, seller_id: int | None) -> NumberFormat:
        for line in self.seller_formats:
            match = _SELLER_LINE.match(line)
            if match and int(match.group(1)) == (seller_id or 0) and match.group(2) == document_type.value:
                return NumberFormat(match.group(3), Reset(match.group(4) or "yearly"), match.group(5) or "")
        kind = document_type.value
        return NumberFormat(getattr(self, f"{kind}_pattern"), getattr(self, f"{kind}_reset"),
                            getattr(self, f"{kind}_prefix"))


plugin_meta = PluginMeta(
    id=PLUGIN_ID,
    name="Default numbering",
    version=core.__version__,
    description="Numbers documents by a format per document type and seller entity, gap-free per series.",
    level="global",
    essential=True,
    config_model=NumberingConfig,
)


@hookimpl(trylast=True)
def saldo_document_number(tenant: TenantContext, document: Document) -> NumberingRule:
    config = tenant.config(PLUGIN_ID) or NumberingConfig()
    return config.format_for(document.type, document.seller_id).rule(document.seller_id, document.type.value,
                                                                     document.issue_date)
