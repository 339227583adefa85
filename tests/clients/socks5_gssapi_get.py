#!/usr/bin/python3
"""An RFC 1961 SOCKS5 client on python3-gssapi (MIT Kerberos), used where Debian's curl 7.88 cannot be:
its do_SOCKS5 forgets --socks5-gssapi when the server's method choice is not already there on its first
read ("SOCKS5 GSSAPI per-message authentication is not supported"). The exchange is curl's own
(lib/socks_gssapi.c): krb5 mechanism, mutual authentication, then the protection level 0 wrapped with
conf_req FALSE. It then CONNECTs to HOST:PORT by name and GETs PATH, writing the body to OUTPUT.

Usage: socks5_gssapi_get.py PROXY_HOST PROXY_PORT SERVICE HOST PORT PATH OUTPUT
Exit: 0 body written, 2 the proxy aborted (0xFF) or refused, 1 anything else.
"""
import socket
import struct
import sys

import gssapi


def fail(code, message):
    print(message, file=sys.stderr)
    sys.exit(code)


def recv_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            fail(2, f"proxy closed after {len(data)} of {count} bytes")
        data += chunk
    return data


def read_message(sock, expected_type):
    version, mtyp = recv_exact(sock, 2)
    if mtyp == 0xFF:
        fail(2, "proxy aborted the GSS-API exchange (01 ff)")
    if version != 1 or mtyp != expected_type:
        fail(1, f"unexpected GSS-API message {version:02x} {mtyp:02x}")
    (length,) = struct.unpack("!H", recv_exact(sock, 2))
    return recv_exact(sock, length)


def send_message(sock, mtyp, token):
    sock.sendall(struct.pack("!BBH", 1, mtyp, len(token)) + token)


def main():
    proxy_host, proxy_port, service, host, port, path, output = sys.argv[1:8]
    sock = socket.create_connection((proxy_host, int(proxy_port)), timeout=20)
    sock.sendall(b"\x05\x01\x01")
    choice = recv_exact(sock, 2)
    if choice != b"\x05\x01":
        fail(2, f"proxy chose method {choice.hex()}")

    target = gssapi.Name(f"{service}@{proxy_host}", gssapi.NameType.hostbased_service)
    flags = gssapi.RequirementFlag.mutual_authentication | gssapi.RequirementFlag.integrity
    context = gssapi.SecurityContext(name=target, mech=gssapi.MechType.kerberos, flags=flags, usage="initiate")
    token = context.step()
    while True:
        if token:
            send_message(sock, 1, token)
        if context.complete:
            break
        token = context.step(read_message(sock, 1))

    send_message(sock, 2, context.wrap(b"\x00", False).message)
    level = context.unwrap(read_message(sock, 2)).message
    if level != b"\x00":
        fail(1, f"proxy chose protection level {level.hex()}, this client does clear only")

    name = host.encode()
    sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", int(port)))
    reply = recv_exact(sock, 4)
    if reply[1] != 0:
        fail(2, f"proxy refused the request: reply {reply[1]}")
    address = {1: 4, 4: 16}.get(reply[3]) or recv_exact(sock, 1)[0]
    recv_exact(sock, address + 2)

    sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
    response = b""
    while chunk := sock.recv(65536):
        response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\r\n")[0]:
        fail(1, f"unexpected HTTP response: {head[:80]!r}")
    with open(output, "wb") as file:
        file.write(body)


if __name__ == "__main__":
    main()
