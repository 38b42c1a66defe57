"""The catalog pages: product groups, the product list, the product card with its prices by
cycle, options and add-ons, and the product forms, in Russian and English."""

from __future__ import annotations

from datetime import date

from core.db.tables import AuditEvent, ConfigurableOption, OptionPrice, Product, ProductGroup, ProductPrice
from core.domain.catalog_checks import APPLY_MODES, CYCLES, KINDS, PAYMENT_MODELS, VAT_RATES
from core.services import catalog, catalog_options, catalog_prices, sellers
from web.i18n import EN, RU

from tests.web.billing_pages import access_product, on_day, signed_in, staff

NBSP = "\u00a0"
PRODUCT = {"code": "vps-s", "name": "VPS S", "kind": "recurring", "unit": "мес", "unit_okei": "",
           "vat_rate": "22", "vat_included": "added", "payment_model": "postpaid", "is_active": "1",
           "description": "2 vCPU, 4 ГБ"}


async def count(table, tenant) -> int:
    return await table.count().where(table.tenant == tenant.id)


def test_every_catalog_value_has_a_label_in_both_languages():
    for prefix, values in (("product_kind.", KINDS), ("payment_model.", PAYMENT_MODELS), ("vat_rate.", VAT_RATES),
                           ("cycle.", CYCLES), ("apply_mode.", APPLY_MODES)):
        for value in values:
            assert f"{prefix}{value}" in RU and f"{prefix}{value}" in EN, f"{prefix}{value}"


async def test_catalog_pages_render_in_russian_and_english(client, make_tenant):
    tenant = await make_tenant()
    group = await catalog.create_group(tenant.actor, name="Облако")
    product = await access_product(tenant)
    await catalog.update(tenant.actor, product.id, group_id=group.id)
    option = await catalog_options.create(tenant.actor, product.id, code="disk5", name="Диск 5 Гбайт", unit="Гбайт",
                                          max_quantity=20)
    await catalog_prices.add_option_price(tenant.actor, option.id, cycle="semiannual", unit_price="300")
    addon = await catalog.create(tenant.actor, code="backup", name="Резервное копирование", kind="recurring",
                                 addon_of=product.id)
    await signed_in(client, tenant)
    try:
        for path in ("/catalog", "/catalog/products/new", f"/catalog/products/{product.id}",
                     f"/catalog/options/{option.id}", f"/catalog/products/{addon.id}", f"/catalog?group_id={group.id}",
                     "/catalog/products/new?addon_of=1"):
            page = await client.get(path)
            assert page.status_code == 200, path
            assert "Traceback" not in page.text
        listing = (await client.get("/catalog")).text
        assert 'href="/catalog"' in listing and "Каталог" in listing and "Облако" in listing
        assert "Доступ на пользователя «Стандарт»" in listing and "Регулярная услуга" in listing
        card = (await client.get(f"/catalog/products/{product.id}")).text
        for text in ("Раз в полгода", f"4{NBSP}800,00", "Действует", "Диск 5 Гбайт", "Резервное копирование",
                     "Сразу, с перерасчётом", "Со следующего периода", "в том числе", "Предоплата", "Без НДС"):
            assert text in card, text
        english = (await client.get(f"/catalog/products/{product.id}?lang=en")).text
        for text in ("Semi-annually", "4,800.00", "In effect", "At once, prorated", "From the next period", "Add-ons"):
            assert text in english, text
        found = (await client.get("/catalog?search=резерв&lang=ru")).text
        assert "Резервное копирование" in found and "Доступ на пользователя" not in found
    finally:
        client.cookies.clear()


async def test_a_product_with_prices_and_options_is_made_through_the_forms(client, make_tenant):
    tenant = await make_tenant()
    seller = await sellers.create(tenant.actor, name="ООО «Тайф-технологии»", short_name="Тайф", inn="7709983032",
                                  kpp="770901001", vat_status="vat22")
    csrf = await signed_in(client, tenant)
    try:
        group = await client.post("/catalog/groups", data={"_csrf": csrf, "name": "Серверы", "position": "1"},
                                  follow_redirects=False)
        assert group.status_code == 303
        [saved_group] = await catalog.list_groups(tenant.actor)
        created = await client.post("/catalog/products", data=PRODUCT | {
            "_csrf": csrf, "group_id": str(saved_group.id), "seller_id": str(seller.id)}, follow_redirects=False)
        assert created.status_code == 303, created.text
        product_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
        product = await catalog.get(tenant.actor, product_id)
        assert (product.unit, product.unit_okei) == ("мес", "362")  # the ОКЕИ code completed from the unit
        assert (product.vat_rate, product.vat_included, product.payment_model) == ("22", False, "postpaid")
        assert (product.group_id, product.seller_id) == (saved_group.id, seller.id)
        assert "Продукт создан." in (await client.get(created.headers["location"])).text

        base = f"/catalog/products/{product_id}"
        first = await client.post(f"{base}/prices", data={"_csrf": csrf, "cycle": "monthly", "unit_price": "1 000,50",
                                                          "effective_from": "2026-01-01"}, follow_redirects=False)
        assert first.status_code == 303
        # A second price of the cycle needs the explicit choice of when it applies.
        prices_before = await count(ProductPrice, tenant)
        unchosen = await client.post(f"{base}/prices", data={"_csrf": csrf, "cycle": "monthly", "unit_price": "1200",
                                                             "effective_from": "2026-03-15"})
        assert unchosen.status_code == 422
        assert 'id="apply_mode-error"' in unchosen.text and "у цикла уже есть цена" in unchosen.text
        assert 'value="1200"' in unchosen.text
        assert await count(ProductPrice, tenant) == prices_before
        chosen = await client.post(f"{base}/prices", data={"_csrf": csrf, "cycle": "monthly", "unit_price": "1200",
                                                           "effective_from": "2026-03-15",
                                                           "apply_mode": "prorate_now"}, follow_redirects=False)
        assert chosen.status_code == 303
        history = await catalog_prices.product_prices(tenant.actor, product_id)
        assert [(str(p.unit_price), p.apply_mode.value) for p in history] == [("1000.5000", "next_period"),
                                                                              ("1200.0000", "prorate_now")]
        await on_day(tenant, date(2026, 3, 20))
        card = (await client.get(base)).text
        assert f"1{NBSP}200,00" in card and f"1{NBSP}000,50" in card and "Сразу, с перерасчётом" in card

        option = await client.post(f"{base}/options", data={"_csrf": csrf, "code": "users", "name": "Пользователи",
                                                            "min_quantity": "1", "max_quantity": "50"},
                                   follow_redirects=False)
        assert option.status_code == 303
        [saved_option] = await catalog_options.options_of(tenant.actor, product_id)
        assert (saved_option.unit, saved_option.min_quantity, saved_option.max_quantity) == ("шт", 1, 50)
        priced = await client.post(f"/catalog/options/{saved_option.id}/prices", data={
            "_csrf": csrf, "cycle": "monthly", "unit_price": "150"}, follow_redirects=False)
        assert priced.status_code == 303
        assert "150,00" in (await client.get(f"/catalog/options/{saved_option.id}")).text
        renamed = await client.post(f"/catalog/options/{saved_option.id}", data={
            "_csrf": csrf, "name": "Рабочие места", "unit": "шт", "unit_okei": "796", "min_quantity": "1",
            "max_quantity": "", "position": "0"}, follow_redirects=False)
        assert renamed.status_code == 303
        assert (await catalog_options.get(tenant.actor, saved_option.id)).max_quantity is None

        edited = await client.post(base, data=PRODUCT | {"_csrf": csrf, "name": "VPS S (2026)", "vat_rate": "10",
                                                         "vat_included": "included", "is_active": ""},
                                   follow_redirects=False)
        assert edited.status_code == 303
        product = await catalog.get(tenant.actor, product_id)
        assert (product.name, product.vat_rate, product.vat_included, product.is_active) == ("VPS S (2026)", "10",
                                                                                           True, False)
        assert product.group_id is None  # the group select was left empty
        renamed_group = await client.post(f"/catalog/groups/{saved_group.id}", data={
            "_csrf": csrf, "name": "Виртуальные серверы", "position": "2"}, follow_redirects=False)
        assert renamed_group.status_code == 303
        assert (await catalog.get_group(tenant.actor, saved_group.id)).name == "Виртуальные серверы"
    finally:
        client.cookies.clear()


async def test_bad_catalog_input_is_shown_at_its_field_and_changes_nothing(client, make_tenant):
    tenant = await make_tenant()
    product = await access_product(tenant)
    await catalog.create_group(tenant.actor, name="Облако")
    csrf = await signed_in(client, tenant)
    try:
        before = {table: await count(table, tenant) for table in (Product, ProductPrice, ProductGroup, AuditEvent,
                                                                  ConfigurableOption, OptionPrice)}
        bad = await client.post("/catalog/products", data=PRODUCT | {"_csrf": csrf, "code": "vps s!",
                                                                     "unit": "штука", "unit_okei": "12"})
        assert bad.status_code == 422
        assert 'id="code-error"' in bad.text and "латинские буквы, цифры, точки" in bad.text
        assert 'id="unit_okei-error"' in bad.text and "код ОКЕИ — 3 или 4 цифры" in bad.text
        assert 'value="штука"' in bad.text  # the form keeps what was typed
        taken = await client.post("/catalog/products", data=PRODUCT | {"_csrf": csrf, "code": product.code})
        assert taken.status_code == 422 and "продукт с таким кодом уже есть" in taken.text
        group = await client.post("/catalog/groups", data={"_csrf": csrf, "name": "Облако"})
        assert group.status_code == 422 and "группа с таким названием уже есть" in group.text
        base = f"/catalog/products/{product.id}"
        price = await client.post(f"{base}/prices", data={"_csrf": csrf, "cycle": "monthly", "unit_price": "1,23456",
                                                          "apply_mode": "next_period"})
        assert price.status_code == 422 and "не больше 4 знаков после запятой" in price.text
        one_time = await client.post(f"{base}/prices", data={"_csrf": csrf, "cycle": "one_time", "unit_price": "10"})
        assert one_time.status_code == 422 and "продукт этого типа так не продаётся" in one_time.text
        same_day = await client.post(f"{base}/prices", data={"_csrf": csrf, "cycle": "semiannual", "unit_price": "5000",
                                                             "effective_from": "2018-01-01",
                                                             "apply_mode": "next_period"})
        assert same_day.status_code == 422 and "цена этого цикла с этой даты уже есть" in same_day.text
        option = await client.post(f"{base}/options", data={"_csrf": csrf, "code": "users", "name": "Пользователи",
                                                           "min_quantity": "5", "max_quantity": "2"})
        assert option.status_code == 422 and 'id="max_quantity-error"' in option.text
        blank = await client.post(base, data=PRODUCT | {"_csrf": csrf, "name": " "})
        assert blank.status_code == 422 and 'id="name-error"' in blank.text and "не может быть пустым" in blank.text
        after = {table: await count(table, tenant) for table in before}
        assert after == before
        assert (await catalog.get(tenant.actor, product.id)).name == product.name
    finally:
        client.cookies.clear()


async def test_a_viewer_reads_the_catalog_but_cannot_change_it(client, make_tenant):
    tenant = await make_tenant()
    product = await access_product(tenant)
    option = await catalog_options.create(tenant.actor, product.id, code="disk5", name="Диск")
    group = await catalog.create_group(tenant.actor, name="Облако")
    viewer = await staff(tenant, "viewer")
    csrf = await signed_in(client, tenant, viewer.email)
    try:
        listing = (await client.get("/catalog")).text
        assert 'id="new-product"' not in listing and 'id="group-form"' not in listing
        card = (await client.get(f"/catalog/products/{product.id}")).text
        assert 'id="price-form"' not in card and 'id="option-form"' not in card
        assert "доступ только для просмотра" in card
        assert (await client.get("/catalog/products/new")).status_code == 403
        base = f"/catalog/products/{product.id}"
        for path, data in (("/catalog/products", PRODUCT), (base, PRODUCT),
                           (f"{base}/prices", {"cycle": "monthly", "unit_price": "1"}),
                           (f"{base}/options", {"code": "x", "name": "X"}),
                           (f"/catalog/options/{option.id}", {"name": "Y"}),
                           (f"/catalog/options/{option.id}/prices", {"cycle": "monthly", "unit_price": "1"}),
                           ("/catalog/groups", {"name": "Другая"}), (f"/catalog/groups/{group.id}", {"name": "Z"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 403, path
        assert await count(Product, tenant) == 1 and await count(ProductPrice, tenant) == 1
        assert (await catalog_options.get(tenant.actor, option.id)).name == "Диск"
    finally:
        client.cookies.clear()


async def test_another_tenants_products_and_options_are_not_found(client, make_tenant):
    victim, intruder = await make_tenant(), await make_tenant()
    product = await access_product(victim)
    option = await catalog_options.create(victim.actor, product.id, code="disk5", name="Диск")
    group = await catalog.create_group(victim.actor, name="Облако")
    csrf = await signed_in(client, intruder)
    try:
        for path in (f"/catalog/products/{product.id}", f"/catalog/options/{option.id}"):
            assert (await client.get(path)).status_code == 404, path
        base = f"/catalog/products/{product.id}"
        for path, data in ((base, PRODUCT), (f"{base}/prices", {"cycle": "monthly", "unit_price": "1",
                                                                "apply_mode": "next_period"}),
                           (f"{base}/options", {"code": "x", "name": "X"}),
                           (f"/catalog/options/{option.id}", {"name": "Y"}),
                           (f"/catalog/options/{option.id}/prices", {"cycle": "semiannual", "unit_price": "1",
                                                                    "apply_mode": "next_period"}),
                           (f"/catalog/groups/{group.id}", {"name": "Z"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 404, path
        assert "Доступ на пользователя" not in (await client.get("/catalog")).text
        assert await count(ProductPrice, victim) == 1 and await count(OptionPrice, victim) == 0
        assert (await catalog.get_group(victim.actor, group.id)).name == "Облако"
    finally:
        client.cookies.clear()
