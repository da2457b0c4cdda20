"""DNS through the operating system's resolver: every address a host has, IPv4 and IPv6."""

from __future__ import annotations

import ipaddress
import socket

from ledgerline.domain.webhooks import IPAddress, literal_address


def system_resolver(host: str, port: int) -> list[IPAddress]:
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses
