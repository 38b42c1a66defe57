"""The demo tenant's sample data is made through the services and is consistent."""

from core.db.tables import Client, Product, Subscription
from core.domain.money import Money
from core.services import demo, ledger


async def test_demo_data(make_tenant):
    tenant = await make_tenant()
    await demo.seed(tenant.actor)
    assert await Client.count().where(Client.tenant == tenant.id) == 3
    assert await Product.count().where(Product.tenant == tenant.id) == 4
    statuses = await Subscription.select(Subscription.status).where(Subscription.tenant == tenant.id)
    assert [s["status"] for s in statuses] == ["active"] * 4
    first = (await Client.select(Client.id).where(Client.tenant == tenant.id).order_by(Client.id).first())["id"]
    [account] = await ledger.accounts_of(tenant.actor, first)
    assert account.balance == Money.of("48336.00")
    assert await ledger.balance_matches_entries(tenant.id, account.id)
