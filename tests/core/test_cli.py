"""The saldo command line, run as a real subprocess against the test database."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def saldo(saldo_db):
    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "SALDO_DATABASE_URL": saldo_db}
        result = subprocess.run([sys.executable, "-c", "from core.cli.main import cli; cli()", *args],
                                capture_output=True, text=True, env=env, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"saldo {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    return run


def test_help_everywhere(saldo):
    for command in ([], ["serve"], ["tenants"], ["users", "create"], ["plugins", "list"], ["clock", "advance"],
                    ["migrate"], ["demo"], ["close-day"], ["simulate"]):
        result = saldo(*command, "--help")
        assert "Usage:" in result.stdout


def test_tenant_user_and_clock_from_the_cli(saldo):
    slug = f"cli-{os.getpid()}"
    created = saldo("tenants", "create", slug, "--name", "ООО «Ромашка»", "--timezone", "Asia/Novosibirsk",
                    "--owner-email", "boss@romashka.ru", "--owner-password", "romashka-secret")
    assert f"Created tenant {slug}" in created.stdout and "Created owner boss@romashka.ru" in created.stdout
    assert slug in saldo("tenants", "list").stdout
    saldo("users", "create", "--tenant", slug, "--email", "buh@romashka.ru", "--role", "accountant",
          "--password", "another-secret")
    listed = saldo("users", "list", "--tenant", slug).stdout
    assert "boss@romashka.ru\towner" in listed and "buh@romashka.ru\taccountant" in listed

    assert "real clock" in saldo("clock", "show", "--tenant", slug).stdout
    assert "business date 2026-02-27" in saldo("clock", "set", "--tenant", slug, "--date", "2026-02-27").stdout
    assert "business date 2026-03-02" in saldo("clock", "advance", "--tenant", slug, "--days", "3").stdout
    assert "+07:00" in saldo("clock", "show", "--tenant", slug).stdout
    assert "real clock" in saldo("clock", "set", "--tenant", slug, "--real").stdout


def test_cli_errors_are_clear_and_change_nothing(saldo):
    slug = f"err-{os.getpid()}"
    saldo("tenants", "create", slug, "--name", "X")
    duplicate = saldo("tenants", "create", slug, "--name", "Y", check=False)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    bad = saldo("users", "create", "--tenant", slug, "--email", "nope", "--role", "viewer", "--password",
                "long enough pw", check=False)
    assert bad.returncode == 1 and "email" in bad.stderr
    assert "nope" not in saldo("users", "list", "--tenant", slug).stdout
    missing = saldo("clock", "show", "--tenant", "no-such-tenant", check=False)
    assert missing.returncode == 1 and "not found" in missing.stderr
    assert "Traceback" not in missing.stderr + bad.stderr + duplicate.stderr


def test_demo_is_idempotent_and_prints_the_login(saldo):
    first = saldo("demo")
    second = saldo("demo")
    assert "admin@demo.saldo" in first.stdout and "demo-saldo-2026" in second.stdout
    assert "Created the demo tenant" in first.stdout and "closed days of history" in first.stdout
    assert "Created the demo tenant" not in second.stdout
    assert "demo: real clock" in saldo("clock", "show", "--tenant", "demo").stdout
    assert "nothing to close" in saldo("close-day", "--tenant", "demo").stdout  # every past day was closed


def test_plugins_list_shows_installed_plugins(saldo):
    listed = saldo("plugins", "list").stdout
    for plugin_id in ("robokassa", "yandex_kassa", "onec_export", "whmcs_import", "credit_control"):
        assert plugin_id in listed


def test_import_from_the_cli_with_dry_run_and_errors(saldo, tmp_path):
    slug = f"imp-{os.getpid()}"
    saldo("tenants", "create", slug, "--name", "Импорт")
    good = tmp_path / "clients.csv"
    good.write_bytes("type;company_name;email;inn;kpp\nlegal;ООО «Вега»;vega@x.ru;7707083893;773601001\n"
                     .encode("cp1251"))
    dry = saldo("import", "clients", str(good), "--tenant", slug, "--dry-run")
    assert "1 clients would be imported (dry run)." in dry.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("type;company_name;email;inn\nlegal;ООО «Вега»;vega@x.ru;123\n", encoding="utf-8")
    failed = saldo("import", "clients", str(bad), "--tenant", slug, check=False)
    assert failed.returncode == 1 and "row 2: inn:" in failed.stderr and "nothing was imported" in failed.stderr
    assert "1 clients imported." in saldo("import", "clients", str(good), "--tenant", slug).stdout


def test_plugin_on_and_off_for_a_tenant(saldo):
    slug = f"plg-{os.getpid()}"
    saldo("tenants", "create", slug, "--name", "Плагины")
    assert "hello is on" in saldo("plugins", "set", "hello", "on", "--tenant", slug).stdout
    assert "hello\t0.1.0\tenabled" in saldo("plugins", "list", "--tenant", slug).stdout
    saldo("plugins", "set", "hello", "off", "--tenant", slug)
    assert "hello\t0.1.0\tdisabled" in saldo("plugins", "list", "--tenant", slug).stdout
    refused = saldo("plugins", "set", "default_pricing", "off", "--tenant", slug, check=False)
    assert refused.returncode == 1 and "always on" in refused.stderr
