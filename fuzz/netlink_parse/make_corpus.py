#!/usr/bin/env python3
"""Writes seed inputs for fuzz_netlink_parse into corpus/: one rtnetlink datagram per file,
shaped like what the kernel sends (link, address v4/v6, ack with extended message, done)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def msg(t, flags, seq, body):
    return struct.pack("=IHHII", 16 + len(body), t, flags, seq, 0) + body


def link(t):
    ifi = struct.pack("=BxHiII", 0, 1, 2, 0x11043, 0)
    info = attr(1, b"macvlan\0") + attr(2, attr(1, struct.pack("=I", 1)))
    body = ifi + attr(3, b"vrrp.52\0") + attr(1, bytes([0, 0, 0x5E, 0, 1, 0x34])) \
        + attr(4, struct.pack("=I", 1500)) + attr(16, bytes([6])) + attr(5, struct.pack("=I", 2)) \
        + attr(18, info)
    return msg(t, 0, 0, body)


def addr4(t):
    ifa = struct.pack("=BBBBI", 2, 24, 0x80, 0, 2)
    body = ifa + attr(2, bytes([10, 99, 0, 1])) + attr(1, bytes([10, 99, 0, 1])) \
        + attr(4, bytes([10, 99, 0, 255])) + attr(3, b"eth0:vip\0") + attr(8, struct.pack("=I", 0x280)) \
        + attr(11, bytes([18])) + attr(6, struct.pack("=IIII", 0xFFFFFFFF, 0xFFFFFFFF, 1, 1))
    return msg(t, 0, 0, body)


def addr6(t):
    ifa = struct.pack("=BBBBI", 10, 64, 0x02, 253, 2)
    a = bytes([0xFE, 0x80] + [0] * 12 + [0, 0x53])
    return msg(t, 0, 0, ifa + attr(1, a) + attr(8, struct.pack("=I", 0x202)))


def route(t):
    rtm = struct.pack("=BBBBBBBBI", 2, 24, 0, 0, 100, 18, 0, 1, 0)
    body = rtm + attr(1, bytes([192, 0, 2, 0])) + attr(5, bytes([10, 99, 0, 2])) \
        + attr(4, struct.pack("=I", 2)) + attr(15, struct.pack("=I", 100)) + attr(6, struct.pack("=I", 7))
    return msg(t, 0, 0, body)


def rule(t):
    frh = struct.pack("=BBBBBBBBI", 2, 0, 32, 0, 100, 0, 0, 1, 0)
    body = frh + attr(2, bytes([10, 99, 0, 100])) + attr(6, struct.pack("=I", 500)) \
        + attr(10, struct.pack("=I", 5)) + attr(3, b"eth0\0") + attr(15, struct.pack("=I", 100)) \
        + attr(21, bytes([18]))
    return msg(t, 0, 0, body)


def ack(err, text):
    orig = struct.pack("=IHHII", 16, 20, 0x605, 7, 0)
    body = struct.pack("=i", err) + orig + attr(1, text)
    return msg(2, 0x300, 7, body)


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {
        "newlink-macvlan": link(16),
        "dellink": link(17),
        "newaddr-v4": addr4(20),
        "deladdr-v4": addr4(21),
        "newaddr-v6": addr6(20),
        "ack-ok": ack(0, b""),
        "ack-eexist": ack(-17, b"Address already assigned\0"),
        "done": msg(3, 2, 9, struct.pack("=i", 0)),
        "newroute": route(24),
        "delroute": route(25),
        "newrule": rule(32),
        "delrule": rule(33),
        "multi": link(16) + addr4(20) + addr6(21) + msg(3, 2, 9, struct.pack("=i", 0)),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
