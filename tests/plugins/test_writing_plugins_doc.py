"""docs/writing-plugins.md shows the example plugin's files as they are (and they are tested)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "saldo_hello"
GUIDE = (ROOT / "docs" / "writing-plugins.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```\w+\n# (file|excerpt): (\S+)\n(.*?)\n```$", GUIDE, flags=re.M | re.S)


def test_the_guide_shows_every_module_of_the_example():
    shown = {path for kind, path, _ in BLOCKS if kind == "file"}
    modules = {str(p.relative_to(EXAMPLE)) for p in (EXAMPLE / "saldo_hello").glob("*.py") if p.name != "__init__.py"}
    assert modules | {"pyproject.toml", "tests/conftest.py"} <= shown


def test_files_and_excerpts_match_the_example():
    assert BLOCKS
    for kind, path, body in BLOCKS:
        text = (EXAMPLE / path).read_text(encoding="utf-8").rstrip()
        if kind == "file":
            assert body == text, f"docs/writing-plugins.md shows an outdated {path}"
        else:
            assert body in text, f"docs/writing-plugins.md quotes {path} wrongly"
