#!/usr/bin/env python3
"""Writes the fuzz_vrrp_fsm seed corpus: a few scenarios in the input layout fuzz_vrrp_fsm.cc
reads (16 configuration bytes, then 3-byte operations), so the fuzzer starts from elections,
failovers, faults and reloads rather than from nothing. Run from anywhere:
  python3 fuzz/vrrp_fsm/make_corpus.py
"""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

# Operation selectors (low 5 bits; see run_op in fuzz_vrrp_fsm.cc).
FIRE, ADVANCE, ADVERT, SHUTDOWN, IF_UP, IF_DOWN, TRACK_FAULT, TRACK_OK = 0, 6, 7, 8, 9, 10, 11, 12
WEIGHTS, RELOAD, VIP_LOST, FORCE_MASTER, FORCE_BACKUP, FORCE_FAULT, STRAY = 13, 14, 15, 16, 17, 18, 19


def config(flags=0, prio=100, interval=0, down=2, preempt=0, teb=0, garp=(5, 5, 0, 1, 5, 5, 0),
           startup=0, primary=10):
    return bytes([flags, prio, interval, down, preempt, teb, *garp, startup, primary, 0])


def op(sel, p1=0, p2=0):
    return bytes([sel, p1, p2])


SCENARIOS = {
    # v2 priority 100: becomes MASTER, hears a higher priority, yields, takes over again.
    "v2_election": config() + op(FIRE) + op(FIRE) + op(ADVERT, 200, 20) + op(FIRE) + op(FIRE)
    + op(ADVERT, 50, 5) + op(SHUTDOWN),
    # v3 owner wanting MASTER, Accept_Mode off (bit 7 clear), GARP refresh and extra_if on.
    "v3_owner": config(0x05, 0, 9, garp=(2, 3, 2, 1, 1, 2, 3)) + op(FIRE) + op(ADVANCE, 0x40, 0x9c)
    + op(ADVERT, 255, 99) + op(ADVERT, 255, 99) + op(ADVANCE, 0x10, 0x27) + op(ADVERT, 255, 99),
    # faults and tracker weights in every state
    "faults": config(0x80, 150) + op(TRACK_FAULT) + op(FIRE) + op(TRACK_OK) + op(FIRE)
    + op(WEIGHTS, 0xf0, 3) + op(IF_DOWN) + op(IF_UP) + op(FIRE) + op(VIP_LOST) + op(FIRE),
    # reloads while MASTER and BACKUP (priority, accept, GARP timers)
    "reload": config(0x01, 120, 49) + op(FIRE) + op(RELOAD, 90, 0x18) + op(ADVANCE, 0xff, 0xff)
    + op(RELOAD, 130, 0x01) + op(ADVERT, 200, 3) + op(RELOAD, 0, 0x3c) + op(FIRE) + op(FIRE),
    # sync group member with startup delay and nopreempt + timer_expired_backup
    "sync_group": config(0x08, 100, 1, teb=254, startup=0x82) + op(FIRE) + op(FIRE) + op(FIRE)
    + op(FORCE_MASTER) + op(ADVANCE, 0xff, 0xff) + op(FORCE_BACKUP) + op(FORCE_FAULT)
    + op(FORCE_MASTER) + op(STRAY, 1) + op(FIRE),
}


def main():
    out = HERE / "corpus"
    out.mkdir(exist_ok=True)
    for name, data in SCENARIOS.items():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
