"""The admin pages of clients, client card settings and seller entities, in Russian and English."""

from __future__ import annotations

import re

from core.db.tables import AuditEvent, Client, ClientContact, ClientNote, SellerEntity
from core.domain.clients import CLIENT_STATUSES, CLIENT_TYPES, CONTACT_ROLES
from core.domain.custom_fields import FIELD_TYPES
from core.domain.sellers import VAT_STATUSES
from core.services import client_details, clients, custom_fields, users
from web.i18n import EN, RU

LOGIN_TOKEN = re.compile(r'name="_login" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')

CARD = {
    "type": "legal", "status": "active", "company_name": "ООО «Фабрика Бизнеса»", "first_name": "Сергей",
    "last_name": "Саркисов", "email": "s.sarkisov@oteli-apelsin.ru", "phone": "9169939985", "country": "RU",
    "currency": "RUB", "language": "ru", "inn": "7708305901", "kpp": "770801001", "bik": "044525593",
    "correspondent_account": "30101810200000000593", "settlement_account": "40702810502080001823",
    "credit_limit": "0", "no_late_fees": "1", "auto_block_exempt": "1", "block_exempt_until": "2018-08-10",
}


async def signed_in(client, tenant, email=None) -> str:
    page = await client.get("/login")
    token = LOGIN_TOKEN.search(page.text).group(1)
    response = await client.post("/login", data={
        "_login": token, "next": "/", "organisation": tenant.slug, "email": email or tenant.owner.email,
        "password": tenant.password}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return CSRF_TOKEN.search((await client.get("/")).text).group(1)


async def _client(tenant, **changes):
    values = {k: v for k, v in CARD.items() if k not in ("no_late_fees", "auto_block_exempt", "block_exempt_until",
                                                          "credit_limit", "status")}
    return await clients.create(tenant.actor, **values | changes)


def test_every_value_label_exists_in_both_catalogs():
    for prefix, values in (("client_type.", CLIENT_TYPES), ("client_status.", CLIENT_STATUSES),
                           ("contact_role.", CONTACT_ROLES), ("vat.", VAT_STATUSES), ("field_type.", FIELD_TYPES)):
        for value in values:
            assert f"{prefix}{value}" in RU and f"{prefix}{value}" in EN, f"{prefix}{value}"


async def test_client_pages_render_in_russian_and_english(client, make_tenant):
    tenant = await make_tenant()
    card = await _client(tenant)
    field = await custom_fields.create(tenant.actor, code="license_form", label="Форма собственности лицензий 1С",
                                       type="choice", choices=["Неизвестно", "Аренда"])
    await client_details.add_note(tenant.actor, card.id, text="привели id 12460 и 12118")
    await signed_in(client, tenant)
    try:
        pages = ["/clients", "/clients/new", f"/clients/{card.id}", "/seller-entities", "/client-settings",
                 f"/client-settings/fields/{field.id}"]
        for path in pages:
            page = await client.get(path)
            assert page.status_code == 200, path
            assert "Traceback" not in page.text
        listing = (await client.get("/clients")).text
        assert "ООО «Фабрика Бизнеса»" in listing and "Юридическое лицо" in listing and 'href="/clients"' in listing
        shown = (await client.get(f"/clients/{card.id}")).text
        for text in ("НЕ ОТКЛЮЧАТЬ автоматическим отключателем", "Не штрафовать за просрочку", "Заметки (1)",
                     "Форма собственности лицензий 1С", "Объединить с другим клиентом", "Отметить как важное"):
            assert text in shown, text
        english = (await client.get(f"/clients/{card.id}?lang=en")).text
        assert "Never block automatically" in english and "Notes (1)" in english and "Legal entity" in english
    finally:
        client.cookies.clear()


async def test_a_client_is_created_and_changed_through_the_forms(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    try:
        response = await client.post("/clients", data=CARD | {"_csrf": csrf}, follow_redirects=False)
        assert response.status_code == 303, response.text
        client_id = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])
        saved = await clients.get(tenant.actor, client_id)
        assert saved.no_late_fees and saved.auto_block_exempt and not saved.tax_exempt
        assert saved.block_exempt_until.isoformat() == "2018-08-10"
        changed = await client.post(f"/clients/{client_id}", data=CARD | {
            "_csrf": csrf, "tax_exempt": "1", "auto_block_exempt": "", "phone": "+7 495 540-61-51"},
            follow_redirects=False)
        assert changed.status_code == 303
        saved = await clients.get(tenant.actor, client_id)
        assert saved.tax_exempt and not saved.auto_block_exempt and saved.phone == "+7 495 540-61-51"
        assert "Карточка клиента сохранена." in (await client.get(changed.headers["location"])).text
    finally:
        client.cookies.clear()


async def test_bad_client_input_is_shown_next_to_the_field_and_saves_nothing(client, make_tenant):
    tenant = await make_tenant()
    existing = await _client(tenant)
    csrf = await signed_in(client, tenant)
    try:
        clients_before = await Client.count().where(Client.tenant == tenant.id)
        events_before = await AuditEvent.count().where(AuditEvent.tenant == tenant.id)
        bad_inn = await client.post("/clients", data=CARD | {"_csrf": csrf, "email": "new@x.ru", "inn": "7708305902"})
        assert bad_inn.status_code == 422
        assert 'id="inn-error"' in bad_inn.text and "неверное контрольное число" in bad_inn.text
        assert 'value="new@x.ru"' in bad_inn.text  # the form keeps what was typed
        individual = CARD | {"_csrf": csrf, "email": "ip@x.ru", "type": "individual", "inn": ""}
        kpp = await client.post("/clients", data=individual)
        assert kpp.status_code == 422 and "КПП бывает только у юридического лица" in kpp.text
        duplicate = await client.post("/clients", data=CARD | {"_csrf": csrf, "email": existing.email.upper()})
        assert duplicate.status_code == 422 and "эта почта уже у другого клиента" in duplicate.text
        bad_date = await client.post(f"/clients/{existing.id}", data=CARD | {"_csrf": csrf,
                                                                            "block_exempt_until": "10.08.2018"})
        assert bad_date.status_code == 422 and 'id="block_exempt_until-error"' in bad_date.text
        assert await Client.count().where(Client.tenant == tenant.id) == clients_before
        assert await AuditEvent.count().where(AuditEvent.tenant == tenant.id) == events_before
    finally:
        client.cookies.clear()


async def test_notes_contacts_and_merge_through_the_card(client, make_tenant):
    tenant = await make_tenant()
    source = await _client(tenant, email="old@oteli.ru")
    target = await _client(tenant, email="new@oteli.ru", inn="7708318386")
    csrf = await signed_in(client, tenant)
    try:
        base = f"/clients/{source.id}"
        await client.post(f"{base}/notes", data={"_csrf": csrf, "text": "На сопровождении"})
        await client.post(f"{base}/notes", data={"_csrf": csrf, "text": "старый КПП 772101001", "important": "1"})
        page = (await client.get(base)).text
        assert page.index("старый КПП 772101001") < page.index("На сопровождении")
        empty = await client.post(f"{base}/notes", data={"_csrf": csrf, "text": " "})
        assert empty.status_code == 422 and 'id="text-error"' in empty.text
        no_email = await client.post(f"{base}/contacts", data={"_csrf": csrf, "name": "Бухгалтер",
                                                               "role_billing": "1"})
        assert no_email.status_code == 422 and "контакту для документов нужна почта" in no_email.text
        added = await client.post(f"{base}/contacts", data={"_csrf": csrf, "name": "Бухгалтер",
                                                            "email": "buh@oteli.ru", "role_billing": "1"})
        assert added.status_code == 201 or added.status_code == 200
        assert "buh@oteli.ru" in (await client.get(base)).text
        [contact] = await client_details.contacts(tenant.actor, source.id)
        assert contact.roles == ("billing",)
        note = (await client_details.notes(tenant.actor, source.id))[1]
        deleted = await client.post(f"{base}/notes/{note.id}/delete", data={"_csrf": csrf}, follow_redirects=False)
        assert deleted.status_code == 303
        assert await ClientNote.count().where(ClientNote.client == source.id) == 1

        itself = await client.post(f"{base}/merge", data={"_csrf": csrf, "into": str(source.id)})
        assert itself.status_code == 422 and "это тот же клиент" in itself.text
        missing = await client.post(f"{base}/merge", data={"_csrf": csrf, "into": "999999999"})
        assert missing.status_code == 422 and "нет такого клиента" in missing.text
        merged = await client.post(f"{base}/merge", data={"_csrf": csrf, "into": str(target.id)},
                                   follow_redirects=False)
        assert merged.status_code == 303 and merged.headers["location"].startswith(f"/clients/{target.id}")
        assert await ClientContact.count().where(ClientContact.client == target.id) == 1
        assert (await clients.get(tenant.actor, source.id)).merged_into == target.id
    finally:
        client.cookies.clear()


async def test_seller_entities_and_card_settings_through_the_forms(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    try:
        seller = {"_csrf": csrf, "name": "ООО «Тайф-технологии»", "inn": "7709983032", "kpp": "770901001",
                  "vat_status": "no_vat", "bik": "044525593", "correspondent_account": "30101810200000000593",
                  "settlement_account": "40702810502080001823"}
        bad = await client.post("/seller-entities", data=seller | {"settlement_account": "40702810502080001824"})
        assert bad.status_code == 422 and "не соответствует БИК" in bad.text
        assert await SellerEntity.count().where(SellerEntity.tenant == tenant.id) == 0
        created = await client.post("/seller-entities", data=seller, follow_redirects=False)
        assert created.status_code == 303
        page = (await client.get(created.headers["location"])).text
        assert "Основное" in page and "Без НДС (УСН)" in page

        group = await client.post("/client-settings/groups", data={"_csrf": csrf, "name": "Отели"},
                                  follow_redirects=False)
        assert group.status_code == 303
        again = await client.post("/client-settings/groups", data={"_csrf": csrf, "name": "Отели"})
        assert again.status_code == 422 and "группа с таким названием уже есть" in again.text
        field = await client.post("/client-settings/fields", data={
            "_csrf": csrf, "label": "Код контрагента в Юнион", "code": "union_code", "type": "text"},
            follow_redirects=False)
        assert field.status_code == 303
        choice = await client.post("/client-settings/fields", data={
            "_csrf": csrf, "label": "Форма", "code": "form", "type": "choice", "choices": ""})
        assert choice.status_code == 422 and "хотя бы один вариант" in choice.text
        settings = (await client.get("/client-settings")).text
        assert "Код контрагента в Юнион" in settings and "Отели" in settings
    finally:
        client.cookies.clear()


async def test_a_viewer_reads_but_cannot_change(client, make_tenant):
    tenant = await make_tenant()
    card = await _client(tenant)
    viewer = await users.create(tenant.actor, email="viewer@x.ru", password=tenant.password, role="viewer")
    csrf = await signed_in(client, tenant, email=viewer.email)
    try:
        page = await client.get(f"/clients/{card.id}")
        assert page.status_code == 200 and 'id="note-form"' not in page.text and 'id="merge"' not in page.text
        assert "доступ только для просмотра" in page.text
        assert 'href="/clients/new"' not in (await client.get("/clients")).text
        assert (await client.get("/clients/new")).status_code == 403
        for path, data in (("/clients", CARD), (f"/clients/{card.id}", CARD), (f"/clients/{card.id}/notes",
                                                                               {"text": "x"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 403, path
        assert await ClientNote.count().where(ClientNote.client == card.id) == 0
    finally:
        client.cookies.clear()


async def test_another_tenants_client_pages_are_not_found(client, make_tenant):
    victim, intruder = await make_tenant(), await make_tenant()
    card = await _client(victim)
    note = await client_details.add_note(victim.actor, card.id, text="секрет")
    csrf = await signed_in(client, intruder)
    try:
        assert (await client.get(f"/clients/{card.id}")).status_code == 404
        for path, data in ((f"/clients/{card.id}", CARD), (f"/clients/{card.id}/notes", {"text": "x"}),
                           (f"/clients/{card.id}/notes/{note.id}/delete", {}),
                           (f"/clients/{card.id}/merge", {"into": "1"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 404, path
        assert "ООО «Фабрика Бизнеса»" not in (await client.get("/clients")).text
        assert [n.text for n in await client_details.notes(victim.actor, card.id)] == ["секрет"]
    finally:
        client.cookies.clear()
