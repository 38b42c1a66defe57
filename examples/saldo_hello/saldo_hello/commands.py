"""``saldo hello discount AMOUNT [--percent P]``."""

from __future__ import annotations

from decimal import Decimal

import click

from core.domain.money import Money

from saldo_hello.config import HelloConfig
from saldo_hello.discount import discount


@click.group()
def hello() -> None:
    """The hello example plugin."""


@hello.command("discount")
@click.argument("amount", type=Decimal)
@click.option("--percent", type=Decimal, default=None, help="Discount in percent (default: the plugin's default).")
def discount_command(amount: Decimal, percent: Decimal | None) -> None:
    """Show the discount the plugin gives on AMOUNT roubles."""
    config = HelloConfig() if percent is None else HelloConfig(percent=percent)
    base = Money.of(amount)
    adjustment = discount(config, base)
    off = adjustment.amount if adjustment else Money.zero()
    click.echo(f"{base}  {config.reason} {config.percent}%: {off}  to pay: {base + off}")
