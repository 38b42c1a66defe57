"""Clients: the list with search and filters, the new-client form and the client card
(profile with the seed card's flags, custom fields, notes, contacts, merge)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.db.queries.clients import ClientRecord
from core.domain.clients import CLIENT_STATUSES, CLIENT_TYPES, CONTACT_ROLES, FLAGS, TEXT_FIELDS
from core.domain.roles import MANAGE_BILLING
from core.services import client_details, client_groups, client_merge, clients, custom_fields, sellers, users
from core.services.errors import Conflict, InvalidInput, NotFound
from web.principal import Principal
from web.ui.client_billing import client_billing
from web.ui.portal_access import portal_section
from web.ui.render import field_errors, form_data, page, redirect

PAGE_SIZE = 50
REFERENCES = ("manager_id", "group_id", "seller_id")
CUSTOM = "custom_fields."


async def _options(principal: Principal) -> dict:
    """What the client forms choose from: managers, groups, seller entities, custom fields."""
    actor = principal.actor
    staff = [u for u in await users.list_users(actor) if u.is_active]
    fields = [f.public() | {"options": [(c, c) for c in f.choices]} for f in await custom_fields.list_fields(actor)]
    return {
        "client_types": CLIENT_TYPES, "client_statuses": CLIENT_STATUSES, "contact_roles": CONTACT_ROLES,
        "manager_options": [(u.id, u.name or u.email) for u in staff],
        "group_options": [(g.id, g.name) for g in await client_groups.list_groups(actor)],
        "seller_options": [(s.id, s.short_name or s.name) for s in await sellers.list_sellers(actor)],
        "custom_fields": fields,
        "can_edit": actor.can(MANAGE_BILLING),
    }


def record_form(client: ClientRecord, values: dict) -> dict:
    """The form's values for a saved client."""
    public = client.public()
    form = {k: public[k] for k in (*TEXT_FIELDS, *FLAGS, "type", "status", "credit_limit")}
    form |= {name: "" if public[name] is None else public[name] for name in (*REFERENCES, "block_exempt_until")}
    return form | {f"{CUSTOM}{code}": value for code, value in values.items()}


def submitted(form: dict, fields: list[dict]) -> tuple[dict, dict]:
    """The service's keyword arguments from a posted client form (and the form to show back).
    Unchecked checkboxes are absent from a form, so they mean False."""
    values: dict = {name: form.get(name, "") for name in (*TEXT_FIELDS, "type", "status")}
    values |= {name: bool(form.get(name)) for name in FLAGS}
    values["credit_limit"] = form.get("credit_limit") or "0"
    text_date = (form.get("block_exempt_until") or "").strip()
    try:
        values["block_exempt_until"] = date.fromisoformat(text_date) if text_date else None
    except ValueError:
        raise InvalidInput.field("block_exempt_until", "must be a date as YYYY-MM-DD") from None
    for name in REFERENCES:
        text = (form.get(name) or "").strip()
        if text and not text.isdigit():
            raise InvalidInput.field(name, "must be chosen from the list")
        values[name] = int(text) if text else None
    custom = {}
    for field in fields:
        key = f"{CUSTOM}{field['code']}"
        custom[field["code"]] = bool(form.get(key)) if field["type"] == "flag" else form.get(key, "")
    values["custom_fields"] = custom
    return values, form


async def client_page(request: Request, principal: Principal, client_id: int, *, status_code: int = 200,
                      errors: dict | None = None, values: dict | None = None, section: str = "") -> Template:
    """The client card; ``section`` (profile, note, contact, merge, account) names the form whose
    ``errors`` and submitted ``values`` are shown again."""
    actor = principal.actor
    client = await clients.get(actor, client_id)
    options = await _options(principal)
    saved = await custom_fields.values_by_code(actor.tenant_id, client_id)
    form = values if section == "profile" and values is not None else record_form(client, saved)
    forms = {name: ((errors or {}) if section == name else {}, (values or {}) if section == name else {})
             for name in ("note", "contact", "merge")}
    return await page(
        request, principal, "client.html", active="clients", status_code=status_code, subject=client,
        form=form, errors=(errors or {}) if section == "profile" else {},
        notes=await client_details.notes(actor, client_id), contacts=await client_details.contacts(actor, client_id),
        recipients=await client_details.document_recipients(client),
        note_errors=forms["note"][0], note_values=forms["note"][1],
        contact_errors=forms["contact"][0], contact_values=forms["contact"][1],
        merge_errors=forms["merge"][0], merge_values=forms["merge"][1], **options,
        **await client_billing(principal, client_id, section=section, errors=errors, values=values),
        **await portal_section(principal, client_id, section=section, errors=errors, values=values),
    )


class ClientsPages(Controller):
    path = "/clients"

    @get("/")
    async def index(self, request: Request, principal: Principal, search: str = "", status: str = "",
                    type: str = "", group_id: str = "", page_number: int = 1) -> Template:
        """Clients by name; ``page_number`` pages through them (``?page_number=2``)."""
        page_number = max(page_number, 1)
        group = int(group_id) if group_id.isdigit() else None
        found, total = await clients.search(principal.actor, status=status or None, client_type=type or None,
                                            group_id=group, search=search or None, limit=PAGE_SIZE,
                                            offset=(page_number - 1) * PAGE_SIZE)
        filters = {"search": search, "status": status, "type": type, "group_id": group_id}

        def page_link(number: int) -> str:
            return "/clients?" + urlencode({k: v for k, v in filters.items() if v} | {"page_number": number})

        options = await _options(principal)
        return await page(
            request, principal, "clients.html", active="clients", items=found, total=total, filters=filters,
            groups=options["group_options"], page_link=page_link,
            previous_page=page_number - 1 if page_number > 1 else None,
            next_page=page_number + 1 if page_number * PAGE_SIZE < total else None, **options,
        )

    @get("/new")
    async def new(self, request: Request, principal: Principal) -> Template:
        principal.actor.require(MANAGE_BILLING)
        return await page(request, principal, "client_new.html", active="clients", form={}, errors={},
                          **await _options(principal))

    @post("/")
    async def create(self, request: Request, principal: Principal) -> Template | Redirect:
        options = await _options(principal)
        form = await form_data(request)
        try:
            values, form = submitted(form, options["custom_fields"])
            client = await clients.create(principal.actor, **values)
        except (InvalidInput, Conflict) as exc:
            return await page(request, principal, "client_new.html", active="clients", form=form,
                              errors=field_errors(exc), status_code=HTTP_422_UNPROCESSABLE_ENTITY, **options)
        return redirect(f"/clients/{client.id}", "clients.created")

    @get("/{client_id:int}")
    async def show(self, request: Request, principal: Principal, client_id: int) -> Template:
        return await client_page(request, principal, client_id)

    @post("/{client_id:int}")
    async def update(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        form = await form_data(request)
        fields = (await _options(principal))["custom_fields"]
        try:
            values, form = submitted(form, fields)
            await clients.update(principal.actor, client_id, **values)
        except (InvalidInput, Conflict) as exc:
            return await client_page(request, principal, client_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                     errors=field_errors(exc), values=form, section="profile")
        return redirect(f"/clients/{client_id}", "clients.saved")

    @post("/{client_id:int}/merge")
    async def merge(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        form = await form_data(request)
        into = (form.get("into") or "").strip()
        try:
            if not into.isdigit():
                raise InvalidInput.field("into", "give the number of the client to merge into")
            await clients.get(principal.actor, client_id)
            try:
                target = await client_merge.merge(principal.actor, client_id, int(into))
            except NotFound:
                raise InvalidInput.field("into", "no such client") from None
        except (InvalidInput, Conflict) as exc:
            return await client_page(request, principal, client_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                     errors=field_errors(exc), values=form, section="merge")
        return redirect(f"/clients/{target.id}", "clients.merged")
