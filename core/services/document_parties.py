"""The seller's and the buyer's requisites as they are frozen into a document at posting."""

from __future__ import annotations

from core.db.queries.clients import ClientRecord
from core.db.queries.sellers import SellerRecord
from core.domain.documents import Party


def seller_party(seller: SellerRecord | None, tenant_name: str) -> Party:
    """The seller entity's requisites; a tenant without seller entities sells under its name."""
    if seller is None:
        return Party(tenant_name)
    return Party(seller.name, seller.inn, seller.kpp, seller.legal_address, seller.ogrn, seller.bank_name, seller.bik,
                 seller.correspondent_account, seller.settlement_account, seller.director_name,
                 seller.chief_accountant_name)


def buyer_party(client: ClientRecord) -> Party:
    return Party(client.display_name, client.inn, client.kpp, client.legal_address, client.ogrn, client.bank_name,
                 client.bik, client.correspondent_account, client.settlement_account)
