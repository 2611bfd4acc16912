// daemon/dump_format.h — the text of keepalived's dump files, from instance records. Pure.
//
// The layout is what third-party exporters parse (ecosystem.md §1, reference §5.2-5.4), taken
// from keepalived 2.2.7's own output:
//  * .data (SIGUSR1): `------< Section >------` headers; an instance starts with one space
//    (` VRRP Instance = VI_1`), its properties have three (`   State = INIT`), list items five
//    (`     10.0.0.1/24 dev eth0 scope global`). mehdy/keepalived-exporter reads State, Wantstate,
//    Interface, Gratuitous ARP delay, Virtual Router ID and the `Virtual IP (n):` list.
//  * .stats (SIGUSR2): `VRRP Instance: NAME` at column 0, sections at two spaces ending in `:`,
//    counters at four; `Became master` / `Released master` at two. Every value an integer.
//  * .json (SIGRTMIN+2): json_version 1 = an array of {"data": {...}, "stats": {...}}; version 2 =
//    {"vrrp": [...], "track_process": []}. Keys in keepalived's order (ordered_json).
// Fields the runtime does not report yet (master router, timers, sockets) are left out rather
// than invented.
#pragma once

#include <string>
#include <vector>

#include "daemon/run_config.h"
#include "daemon/runtime.h"

namespace vigil::daemon {

std::string format_data(const RunConfig& cfg, const std::vector<InstanceRecord>& records);
std::string format_stats(const std::vector<InstanceRecord>& records);
std::string format_json(const std::vector<InstanceRecord>& records, int json_version);

// `1795324677.027745 (Sun Nov 22 05:17:57.027745 2026)` — keepalived's "Last transition" value.
std::string format_transition_time(std::chrono::system_clock::time_point t);

}  // namespace vigil::daemon
