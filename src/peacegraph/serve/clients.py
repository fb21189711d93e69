"""Who a client is: its address, or the one a trusted reverse proxy forwards; and its connections.

Limits per client (queries running and waiting: ``admission.py``; open connections: here) are
counted by address. Behind a reverse proxy every request comes from the proxy's address, so the
client's is taken from ``X-Forwarded-For`` — but only when the connection comes from a proxy the
operator named (``--trusted-proxy``): anyone else could write any address there. The header is
read from the right: the first address that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Proxies:
    """The reverse proxies whose ``X-Forwarded-For`` is believed (addresses or networks)."""

    def __init__(self, proxies: Iterable[str] = ()):
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(p, strict=False) for p in proxies)

    def trusted(self, address: str) -> bool:
        if not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(self, peer: str, headers: Iterable[tuple[bytes, bytes]]) -> str:
        """The client's address: the peer's, unless the peer is a trusted proxy that forwards another."""
        if not self.trusted(peer):
            return peer
        hops = [
            hop.strip().decode("latin-1")
            for name, value in headers
            if name.lower() == b"x-forwarded-for"
            for hop in value.split(b",")
        ]
        for hop in reversed(hops):
            if hop and not self.trusted(hop):
                return hop[:64]  # an address, not a text a proxy let through whole
        return peer


class Connection(Protocol):
    """What :class:`Connections` asks of a connection: whether it is idle, whether it waits on its
    client (idle, a request still arriving, or an answer the client does not read), and to close it."""

    @property
    def idle(self) -> bool: ...

    @property
    def waiting_on_client(self) -> bool: ...

    def close(self) -> None: ...


class Connections:
    """The open connections, by client address, oldest first.

    A connection is idle when no request is on its way in or being answered: just opened, or
    kept alive after an answer (the connection tells, when asked: nothing is done here per
    request). When the server or one address has as many connections as it may, the oldest idle
    one is closed (its client reconnects when it needs to). When the server is full and none is
    idle, the oldest connection that waits on its client, of the address that holds the most, is
    closed: clients that send their requests a byte at a time from many addresses (each within
    its share) would otherwise keep everyone else out. Only when no connection waits on its
    client (every one is being answered) is the new connection turned away.
    """

    def __init__(self, most: int, per_client: int, proxies: Proxies):
        self.most, self.per_client, self.proxies = most, per_client, proxies
        self._all: dict[Connection, str] = {}  # in the order they were opened
        self._count: Counter[str] = Counter()

    def opened(self, connection: Connection, address: str) -> bool:
        """Count a new connection; False if it must be turned away (nothing idle to close)."""
        self._all[connection] = address
        self._count[address] += 1
        crowded = self._count[address] > self.per_client and not self.proxies.trusted(address)
        if crowded and not self._close_idle(address, connection):
            return False
        return len(self._all) <= self.most or self._close_idle(None, connection) or self._close_slow(connection)

    def _close_idle(self, address: str | None, keep: Connection) -> bool:
        for connection, owner in self._all.items():
            if connection.idle and connection is not keep and (address is None or owner == address):
                self.closed(connection)
                connection.close()
                return True
        return False

    def _close_slow(self, keep: Connection) -> bool:
        """Close the oldest connection that waits on its client, of the address with the most connections."""
        for address, _count in self._count.most_common():
            for connection, owner in self._all.items():
                if owner == address and connection is not keep and connection.waiting_on_client:
                    self.closed(connection)
                    connection.close()
                    return True
        return False

    def closed(self, connection: Connection) -> None:
        address = self._all.pop(connection, None)
        if address is not None:
            self._count[address] -= 1
            if self._count[address] <= 0:
                del self._count[address]
