"""The client's address: the peer's, or the one a trusted proxy forwarded (TRUSTED_PROXIES).

Each proxy appends the address it received the request from to X-Forwarded-For, so only the
entries written by trusted proxies can be believed. Read from the right, the entries that are
trusted proxies are skipped and the first other address is the client. From any other peer the
header is ignored: a client could write anything there, and a new address on every request
would escape the login throttle. The server in front of the application (uvicorn, gunicorn)
trusts the same proxies, from the same setting.
"""

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(value: str) -> tuple[Network, ...]:
    """TRUSTED_PROXIES: IP addresses or CIDR networks, comma-separated; empty trusts no proxy.

    ValueError for an entry that is neither, or a network with host bits set (10.0.0.1/8).
    """
    entries = (entry.strip() for entry in value.split(","))
    return tuple(ipaddress.ip_network(entry) for entry in entries if entry)


def client_address(peer: str, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The client's address, from the peer's address and the X-Forwarded-For header (if any)."""
    if not forwarded_for or not _is_trusted(_address(peer), trusted):
        return peer
    address = None
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            return peer  # a proxy wrote something that is not an address: believe none of it
        if not _is_trusted(address, trusted):
            break
    # The first untrusted address, or the leftmost when every hop is a trusted proxy.
    return str(address)


def _address(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 from a dual-stack socket is 10.0.0.1
    return address


def _is_trusted(address: Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)
