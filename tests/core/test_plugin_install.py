"""Installing a plugin distribution alone makes it appear; uninstalling it makes it disappear.

The test installs into the test environment's own interpreter and restores what
was there before, whatever happens in between.
"""

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check", *args],
                   check=True, capture_output=True, timeout=300)


def listed_plugins() -> str:
    return subprocess.run([sys.executable, "-c", "from core.cli.main import cli; cli()", "plugins", "list"],
                          check=True, capture_output=True, text=True, timeout=120).stdout


def installed(name: str) -> bool:
    try:
        distribution(name)
    except PackageNotFoundError:
        return False
    return True


@pytest.mark.parametrize(("folder", "dist", "plugin_id"), [
    ("examples/saldo_hello", "saldo-hello", "hello"),
    ("plugins/credit_control", "saldo-credit-control", "credit_control"),
])
def test_install_and_uninstall_a_plugin_distribution(folder, dist, plugin_id):
    was_installed = installed(dist)
    try:
        if was_installed:
            pip("uninstall", "--yes", dist)
        assert f"\n{plugin_id}\t" not in "\n" + listed_plugins()
        pip("install", "--no-deps", "--no-build-isolation", str(ROOT / folder))
        assert f"\n{plugin_id}\t" in "\n" + listed_plugins()
        pip("uninstall", "--yes", dist)
        assert f"\n{plugin_id}\t" not in "\n" + listed_plugins()
    finally:
        if was_installed and not installed(dist):
            pip("install", "--no-deps", "--no-build-isolation", "-e", str(ROOT / folder))
        elif not was_installed and installed(dist):
            pip("uninstall", "--yes", dist)


def test_the_core_imports_no_plugin():
    offenders = [
        str(path.relative_to(ROOT)) for top in ("core", "web") for path in (ROOT / top).rglob("*.py")
        if any(line.lstrip().startswith(("import saldo_", "from saldo_")) for line in path.read_text().splitlines())
    ]
    assert offenders == []
