"""Who sent a notification: the peer address, or behind trusted reverse proxies the last
address in X-Forwarded-For that is not one of them."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Iterable, Mapping

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


def _address(text: str) -> Address | None:
    try:
        found = ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped is not None:  # a dual-stack socket's IPv4 peer
        return found.ipv4_mapped
    return found


def inside(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever the case of its name ("" when absent)."""
    return next((value for key, value in headers.items() if key.lower() == name), "")


def sender(remote_addr: str, headers: Mapping[str, str], trusted_proxies: Iterable[Network]) -> Address | None:
    """The notification's sender; None when an address on the way is not an IP address.

    X-Forwarded-For is read from the right, one hop per trusted proxy: each proxy vouches
    only for the address it received the request from, so hops a client wrote itself
    (to the left of the first untrusted one) are never believed.
    """
    trusted = list(trusted_proxies)
    hop = _address(remote_addr)
    chain = [part for part in header(headers, "x-forwarded-for").split(",") if part.strip()]
    while hop is not None and chain and inside(hop, trusted):
        hop = _address(chain.pop())
    return hop
