"""Amounts survive the database exactly on SQLite and PostgreSQL, sums included."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from piccolo.columns import BigInt, Integer
from piccolo.table import Table

from core.domain.money import amount_from_minor, amount_to_minor

amounts = st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=2)


class MoneyProbe(Table):
    batch = Integer()
    amount_minor = BigInt()


async def _probe_table(saldo_db):
    MoneyProbe._meta._db = None
    await MoneyProbe.create_table(if_not_exists=True)


async def test_extreme_amounts_round_trip(saldo_db):
    await _probe_table(saldo_db)
    values = [Decimal("0.01"), Decimal("-0.01"), Decimal("99999999999.99"), Decimal("0.10"), Decimal("1234567.89")]
    await MoneyProbe.insert(*[MoneyProbe(batch=-1, amount_minor=amount_to_minor(v)) for v in values])
    rows = await MoneyProbe.select(MoneyProbe.amount_minor).where(MoneyProbe.batch == -1).order_by(MoneyProbe.id)
    assert [amount_from_minor(r["amount_minor"]) for r in rows] == values


_batch = iter(range(10**9))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(amounts, min_size=1, max_size=30))
async def test_database_sum_is_exact(saldo_db, items):
    await _probe_table(saldo_db)
    batch = next(_batch)
    await MoneyProbe.insert(*[MoneyProbe(batch=batch, amount_minor=amount_to_minor(v)) for v in items])
    total = await MoneyProbe.raw("SELECT SUM(amount_minor) AS total FROM money_probe WHERE batch = {}", batch)
    assert amount_from_minor(int(total[0]["total"])) == sum(items, Decimal("0.00"))
