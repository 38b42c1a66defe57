"""The «Закрытие дня» pages through the test client: the runs list and the form to run a
date, a confirm-mode run with its accounts, an account's computed day, and confirming,
cancelling with a reason and re-running accounts; the dashboard's notice; the rules form."""

from __future__ import annotations

import re
from datetime import date

from core.db.tables import DayCloseAccount, LedgerEntry
from core.domain.money import Money
from core.services import day_close, tenants
from tests.web.billing_pages import signed_in, staff
from tests.web.test_api_day_close import due_vps
from tests.web.test_subscriptions import balance

NBSP = "\u00a0"


async def confirm_tenant(make_tenant):
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    await tenants.update_settings(tenant.actor, rules={"day_close_mode": "confirm"})
    return tenant


async def waiting_run(tenant, plugin_registry, *emails):
    buyers = [(await due_vps(tenant, email=e))[0] for e in (emails or ("buh@fabrika.ru",))]
    run = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    results, _ = await day_close.accounts(tenant.actor, plugin_registry, run.id)
    return run, buyers, results


async def test_the_runs_page_runs_a_date_in_the_tenants_mode(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    await due_vps(tenant)
    csrf = await signed_in(client, tenant)
    page = await client.get("/day-close")
    assert page.status_code == 200
    assert "Закрытие дня" in page.text and 'class="nav-day_close active"' in page.text
    assert "Закрытий дня ещё не было." in page.text
    assert 'value="2026-03-10"' in page.text  # yesterday by the tenant clock
    assert "Как в настройках: С подтверждением" in page.text

    not_ended = await client.post("/day-close/runs", data={"_csrf": csrf, "business_date": "2026-03-11", "mode": ""})
    assert not_ended.status_code == 422
    assert "этот день ещё не закончился по часам организации" in not_ended.text

    started = await client.post("/day-close/runs", data={"_csrf": csrf, "business_date": "2026-03-10", "mode": ""},
                                follow_redirects=False)
    assert started.status_code == 303
    location = started.headers["location"]
    assert re.fullmatch(r"/day-close/runs/\d+\?done=day_close.run_done", location)
    shown = await client.get(location)
    assert "Закрытие дня выполнено." in shown.text
    assert "Ожидает подтверждения" in shown.text and "С подтверждением" in shown.text
    assert f"2{NBSP}200,00" in shown.text and "Подтвердить все (1)" in shown.text
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0

    listed = await client.get("/day-close")
    assert "10.03.2026" in listed.text and f"2{NBSP}200,00" in listed.text
    assert 'class="num count-pending">1<' in listed.text


async def test_a_sandbox_run_from_the_form_changes_nothing(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    await due_vps(tenant)
    csrf = await signed_in(client, tenant)
    started = await client.post("/day-close/runs", data={"_csrf": csrf, "business_date": "2026-03-10",
                                                         "mode": "sandbox"})
    assert started.status_code == 200
    assert "Песочница только показывает расчёт" in started.text and "Подтвердить" not in started.text
    assert "Предпросмотр" in started.text
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0
    wrong = await client.post("/day-close/runs", data={"_csrf": csrf, "business_date": "", "mode": "sandbox"})
    assert wrong.status_code == 422


async def test_a_manager_reviews_an_account_and_confirms_it(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    run, [buyer], [result] = await waiting_run(tenant, plugin_registry)
    manager = await staff(tenant, "manager")
    csrf = await signed_in(client, tenant, manager.email)

    dashboard = await client.get("/")
    assert "Закрытие дня за 10.03.2026 ждёт подтверждения: 1 сч." in dashboard.text
    assert f'href="/day-close/runs/{run.id}?state=pending"' in dashboard.text

    detail = await client.get(f"/day-close/accounts/{result.id}")
    assert detail.status_code == 200
    assert "ООО «Фабрика Бизнеса»: закрытие дня за 10.03.2026" in detail.text
    assert "VPS buh@fabrika.ru" in detail.text and "10.03.2026 – 31.03.2026" in detail.text
    assert "Документы, которые будут выписаны" in detail.text and "Счёт на оплату" in detail.text
    assert "Движение подписок" in detail.text and "01.04.2026" in detail.text  # the next charge
    assert f"2{NBSP}200,00 RUB" in detail.text and 'id="cancel-form"' in detail.text

    confirmed = await client.post(f"/day-close/runs/{run.id}/confirm", data={
        "_csrf": csrf, "result_id": str(result.id), "next": f"/day-close/accounts/{result.id}"},
        follow_redirects=False)
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"/day-close/accounts/{result.id}?done=day_close.confirmed"
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")
    after = await client.get(confirmed.headers["location"])
    assert "Расчёт подтверждён и записан." in after.text and "Выписанные документы" in after.text
    assert 'id="cancel-form"' not in after.text
    assert "day-close-notice" not in (await client.get("/")).text

    twice = await client.post(f"/day-close/runs/{run.id}/confirm", data={"_csrf": csrf, "result_id": str(result.id)})
    assert twice.status_code == 409 and "счёт уже не ждёт подтверждения" in twice.text
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")


async def test_cancel_with_a_reason_then_rerun_and_confirm_all(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    run, buyers, results = await waiting_run(tenant, plugin_registry, "one@fabrika.ru", "two@fabrika.ru")
    csrf = await signed_in(client, tenant)
    first = results[0]

    cancelled = await client.post(f"/day-close/runs/{run.id}/cancel", data={
        "_csrf": csrf, "result_id": str(first.id), "reason": "ошибка в акте",
        "next": f"/day-close/accounts/{first.id}"})
    assert cancelled.status_code == 200
    assert "Расчёт отменён." in cancelled.text and "ошибка в акте" in cancelled.text
    assert "Отменён" in cancelled.text and "Перезапустить" in cancelled.text

    run_page = await client.get(f"/day-close/runs/{run.id}", params={"state": "cancelled"})
    assert run_page.text.count('class="result result-') == 1 and "ошибка в акте" in run_page.text
    pending_only = await client.get(f"/day-close/runs/{run.id}", params={"state": "pending"})
    assert pending_only.text.count('class="result result-') == 1 and f'data-result="{results[1].id}"' in pending_only.text
    nobody = await client.get(f"/day-close/runs/{run.id}", params={"q": "нет такого клиента"})
    assert "Нет счетов с таким отбором." in nobody.text

    rerun = await client.post(f"/day-close/runs/{run.id}/retry", data={"_csrf": csrf, "result_id": str(first.id)},
                              follow_redirects=False)
    assert rerun.status_code == 303 and rerun.headers["location"].endswith("done=day_close.retried")
    assert (await day_close.account_result(tenant.actor, first.id)).state == "pending"

    everything = await client.post(f"/day-close/runs/{run.id}/confirm", data={"_csrf": csrf})
    assert everything.status_code == 200 and "Расчёт подтверждён и записан." in everything.text
    assert "Выполнен" in everything.text
    assert [await balance(tenant, b.id) for b in buyers] == [Money.of("-2200.00")] * 2


async def test_retry_parked_accounts_from_the_run_page(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    run, _, [result] = await waiting_run(tenant, plugin_registry)
    await DayCloseAccount.update({DayCloseAccount.state: "parked", DayCloseAccount.error: "RuntimeError: boom"}).where(
        DayCloseAccount.id == result.id)
    await day_close.retry(tenant.actor, plugin_registry, run.id, [])  # refreshes the run's totals
    csrf = await signed_in(client, tenant)
    page = await client.get(f"/day-close/runs/{run.id}")
    assert "RuntimeError: boom" in page.text and "Перезапустить счета с ошибками (1)" in page.text
    detail = await client.get(f"/day-close/accounts/{result.id}")
    assert "Ошибка расчёта" in detail.text and "RuntimeError: boom" in detail.text
    retried = await client.post(f"/day-close/runs/{run.id}/retry", data={"_csrf": csrf})
    assert retried.status_code == 200 and "Подтвердить все (1)" in retried.text


async def test_a_viewer_reads_the_pages_without_buttons_and_cannot_post(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    run, _, [result] = await waiting_run(tenant, plugin_registry)
    viewer = await staff(tenant, "viewer")
    csrf = await signed_in(client, tenant, viewer.email)
    assert "day-close-notice" not in (await client.get("/")).text
    runs = await client.get("/day-close")
    assert runs.status_code == 200 and 'id="run-form"' not in runs.text
    page = await client.get(f"/day-close/runs/{run.id}")
    assert page.status_code == 200 and "Подтвердить" not in page.text
    detail = await client.get(f"/day-close/accounts/{result.id}")
    assert detail.status_code == 200 and 'id="cancel-form"' not in detail.text
    refused = await client.post(f"/day-close/runs/{run.id}/confirm", data={"_csrf": csrf, "result_id": str(result.id)})
    assert refused.status_code == 403
    started = await client.post("/day-close/runs", data={"_csrf": csrf, "business_date": "2026-03-10"})
    assert started.status_code == 403
    assert (await day_close.account_result(tenant.actor, result.id)).state == "pending"


async def test_another_tenants_run_and_account_are_not_found(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    run, _, [result] = await waiting_run(tenant, plugin_registry)
    other = await make_tenant()
    csrf = await signed_in(client, other)
    assert (await client.get(f"/day-close/runs/{run.id}")).status_code == 404
    assert (await client.get(f"/day-close/accounts/{result.id}")).status_code == 404
    posted = await client.post(f"/day-close/runs/{run.id}/confirm", data={"_csrf": csrf, "result_id": str(result.id)})
    assert posted.status_code == 404
    assert (await day_close.account_result(tenant.actor, result.id)).state == "pending"


async def test_the_pages_speak_english(client, make_tenant, plugin_registry):
    tenant = await confirm_tenant(make_tenant)
    run, _, [result] = await waiting_run(tenant, plugin_registry)
    await signed_in(client, tenant)
    page = await client.get(f"/day-close/runs/{run.id}", params={"lang": "en"})
    assert "Day close of 2026-03-10" in page.text and "Awaiting confirmation" in page.text
    detail = await client.get(f"/day-close/accounts/{result.id}", params={"lang": "en"})
    assert "Documents that will be issued" in detail.text and "Invoice" in detail.text


async def test_the_rules_form_sets_the_day_close_mode_and_time(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    form = await client.get("/pricing")
    assert 'name="day_close_mode"' in form.text and 'name="day_close_time"' in form.text
    assert 'value="04:00"' in form.text
    saved = await client.post("/pricing/rules", data={
        "_csrf": csrf, "plan_change_policy": "at_once", "day_close_mode": "confirm", "day_close_time": "03:30"},
        follow_redirects=False)
    assert saved.status_code == 303
    rules = (await tenants.get(tenant.id)).settings["rules"]
    assert (rules["day_close_mode"], rules["day_close_time"]) == ("confirm", "03:30")
    wrong = await client.post("/pricing/rules", data={
        "_csrf": csrf, "plan_change_policy": "at_once", "day_close_mode": "confirm", "day_close_time": "25:00"})
    assert wrong.status_code == 422
    assert 'id="day_close_time-error"' in wrong.text and "время в виде 04:00" in wrong.text
    assert 'value="25:00"' in wrong.text
    assert (await tenants.get(tenant.id)).settings["rules"]["day_close_time"] == "03:30"
