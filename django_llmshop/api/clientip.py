"""The shopper's IP address, read through the proxies that ``LLMSHOP["TRUSTED_PROXIES"]`` names.

Without trusted proxies the address is ``REMOTE_ADDR``. ``X-Forwarded-For`` is read only when
``REMOTE_ADDR`` is a trusted proxy, and then from the right: the first address that is not a
trusted proxy is the client, so whatever a client writes into the header itself is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from django_llmshop.conf import llmshop_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[Any]) -> list[Network]:
    """The networks of a list of IP addresses and CIDRs; ``ValueError`` names a bad entry."""
    networks = []
    for entry in entries:
        if not isinstance(entry, str):
            raise ValueError(f"{entry!r} is not a string")
        networks.append(ipaddress.ip_network(entry.strip(), strict=False))
    return networks


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _forwarded_chain(request: HttpRequest, remote: str) -> list[str]:
    """The addresses a request passed, client first and ``REMOTE_ADDR`` last."""
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    return [part.strip() for part in header.split(",") if part.strip()] + [remote]


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as a string ("" when the request carries none)."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    trusted = llmshop_settings.TRUSTED_PROXIES
    if not trusted or _address(remote) is None:
        return remote
    chain = _forwarded_chain(request, remote)
    if isinstance(trusted, int) and not isinstance(trusted, bool):
        # A number of hops: the app is reachable only through that many proxies, each of
        # which appends the address it received the request from.
        picked = chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
        return picked if _address(picked) is not None else remote
    networks = _networks(trusted)
    known = remote
    for value in reversed(chain):
        address = _address(value)
        if address is None:
            # Not written by a trusted proxy: the best address known is the proxy's peer.
            return known
        if not any(address in network for network in networks):
            return str(address)
        known = str(address)
    return known


_parsed: dict[str, list[Network]] = {}


def _networks(entries: Any) -> list[Network]:
    # Parsed once per value of the setting: this runs on every throttled request.
    key = repr(entries)
    if key not in _parsed:
        try:
            _parsed[key] = parse_networks(entries if isinstance(entries, list | tuple) else [])
        except ValueError:
            _parsed[key] = []  # a bad entry is reported by the system check llmshop.E014
    return _parsed[key]
