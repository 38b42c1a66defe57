"""Numbers in the admin UI: amounts, unit prices and quantities as each language writes them.

Russian: «3 977,90» (a no-break space between thousands, a decimal comma); English:
«3,977.90». Amounts always show 2 places, unit prices 2 to 4, quantities only the places
they need («6», «1,5»). Values are Money, Decimal or their exact strings, never floats.
"""

from __future__ import annotations

from jinja2 import pass_context

from core.domain.money import as_decimal, format_number


def plain(value) -> str:
    """The exact value as the services write it («3977.90»), for data attributes and forms."""
    number = as_decimal(value)
    return "" if number is None else str(number)


def _lang(context) -> str:
    from web.i18n import _context_language

    return _context_language(context)


@pass_context
def _money(context, value) -> str:
    return format_number(_lang(context), value, 2, 2)


@pass_context
def _price(context, value) -> str:
    return format_number(_lang(context), value, 2, 4)


@pass_context
def _quantity(context, value) -> str:
    return format_number(_lang(context), value, 0, 3)


def install_number_filters(env) -> None:
    """``money``, ``price``, ``quantity`` and ``plain`` filters for the templates."""
    env.filters["money"] = _money
    env.filters["price"] = _price
    env.filters["quantity"] = _quantity
    env.filters["plain"] = plain
