#!/usr/bin/env python3
"""Writes the fuzz_vrrp_decode seed corpus from the golden captures (tests/unit/vrrp/data).

Each seed is the 4-byte control prefix fuzz_vrrp_decode.cc reads (see there), chosen so the
captured advert validates against the instance it describes, followed by the captured bytes:
the whole IPv4 packet (IPv4 path) or the VRRP message (IPv6 path). Run from anywhere:
  python3 fuzz/vrrp_decode/make_corpus.py
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent.parent / "tests/unit/vrrp/data"


def frames(path):
    raw = path.read_bytes()
    off = 24
    while off + 16 <= len(raw):
        incl = struct.unpack_from("<I", raw, off + 8)[0]
        off += 16
        yield raw[off:off + incl]
        off += incl


def seeds():
    for pcap in sorted(DATA.glob("*.pcap")):
        name = pcap.stem
        seen = set()
        for f in frames(pcap):
            ethertype = f[12] << 8 | f[13]
            ip = f[14:]
            if ethertype == 0x0800 and ip[9] == 112:
                total = ip[2] << 8 | ip[3]
                pkt, msg, inet6 = ip[:total], ip[(ip[0] & 15) * 4:total], False
            elif ethertype == 0x86DD and ip[6] == 112:
                plen = ip[4] << 8 | ip[5]
                pkt, msg, inet6 = ip[40:40 + plen], ip[40:40 + plen], True
            else:
                continue
            if pkt in seen:
                continue
            seen.add(pkt)
            v2 = msg[0] >> 4 == 2
            unicast = "unicast" in name
            b0 = (0x01 if inet6 else 0) | (0x02 if inet6 else 0) | (0x04 if unicast else 0)
            b0 |= 0x08 if unicast else 0
            b0 |= (2 << 4) if "old-checksum" in name else 0
            b0 |= 0x40  # detect old unicast checksum
            b0 |= 0x80 if v2 else 0
            auth = msg[4] if v2 else 0
            interval_s = msg[5] if v2 else 1
            b3 = auth | 0x04 | (interval_s << 3)
            yield f"{name}-{len(seen)}", bytes([b0, 255, msg[1], b3]) + pkt


for seed_name, data in seeds():
    (HERE / "corpus" / seed_name).write_bytes(data)
