"""The hook contract is checked against docs/hooks.md and the tests (datasette's approach)."""

import inspect
import re
from pathlib import Path

import pytest

from core.hookspecs import SPEC_MODULES

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
FIRST = "first non-None result wins"
ALL = "all results are collected"

SPECS = {
    name: function
    for module in SPEC_MODULES
    for name, function in vars(module).items()
    if inspect.isfunction(function) and hasattr(function, "saldo_spec")
}
SECTIONS = dict(re.findall(r"^### `(\w+)\(.*?\)`\n(.*?)(?=^##|\Z)", DOCS, flags=re.M | re.S))
HEADINGS = dict(re.findall(r"^### `(\w+)\((.*?)\)`$", DOCS, flags=re.M))


def aggregation(name: str) -> str:
    return FIRST if SPECS[name].saldo_spec["firstresult"] else ALL


def typed_signature(name: str) -> str:
    signature = inspect.signature(SPECS[name])
    arguments = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {name}({arguments}) -> {signature.return_annotation}"


def markdown(text: str) -> str:
    return re.sub(r":(?:class|func|mod):`([^`]+)`", r"`\1`", text).replace("``", "`")


def test_hooks_are_named_with_the_project_prefix():
    assert SPECS and all(name.startswith("saldo_") for name in SPECS)


def test_every_hook_is_documented_and_every_documented_hook_exists():
    assert sorted(HEADINGS) == sorted(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_documented_signature_is_exact(name):
    assert HEADINGS[name] == ", ".join(inspect.signature(SPECS[name]).parameters)
    assert f"```python\n{typed_signature(name)}\n```" in SECTIONS[name]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_docstring_states_arguments_return_aggregation_errors_awaitable_and_when(name):
    doc = inspect.getdoc(SPECS[name])
    for parameter in inspect.signature(SPECS[name]).parameters:
        assert f":param {parameter}:" in doc
    assert ":returns:" in doc
    assert f"Aggregation: {aggregation(name)}" in doc
    assert (FIRST if aggregation(name) == ALL else ALL) not in doc
    for heading in ("Raises:", "Awaitable:", "Called:"):
        assert f"\n{heading} " in doc


@pytest.mark.parametrize("name", sorted(SPECS))
def test_documentation_carries_the_summary_and_aggregation(name):
    section = SECTIONS[name]
    assert markdown(inspect.getdoc(SPECS[name]).splitlines()[0]) in section
    assert f"**Aggregation:** {aggregation(name)}" in section
    assert re.search(rf"^\| `{name}` \| {aggregation(name)}[ |(]", DOCS, flags=re.M)


def test_every_hook_has_a_test_named_after_it():
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("tests", "plugins", "examples")
        for path in (ROOT / folder).rglob("test_*.py")
        if ".venv" not in path.parts
    )
    tested = {name for name in SPECS if re.search(rf"def \w*test_hook_{name}(?:_\w*)?\(", sources)}
    assert sorted(set(SPECS) - tested) == []
