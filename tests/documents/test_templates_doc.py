"""docs/documents.md documents every variable the templates see, and every template."""

import re
from pathlib import Path

from core.services.document_templates import TEMPLATE_NAMES, VARIABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "documents.md"


def test_every_template_variable_is_in_the_docs_table():
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Variables"):]
    table = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
    documented = re.findall(r"^\| `([a-z_.]+)` \|", table, flags=re.MULTILINE)
    assert documented == [name for name, _ in VARIABLES]
    assert all(description.strip() for _, description in VARIABLES)


def test_every_template_name_is_in_the_docs():
    text = DOC.read_text(encoding="utf-8")
    assert [name for name in TEMPLATE_NAMES if f"| `{name}` |" not in text] == []
