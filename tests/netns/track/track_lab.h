// tests/netns/track/track_lab.h — what the tracking scenarios need beyond vrrp_lab.h.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "netns_harness.h"

namespace vigil::testing {

// A second LAN: bridge br1 in the topology's bridge namespace and eth1 on every router
// (10.98.0.<index>/24), so an instance on eth1 is on another segment than one on eth0. Taking a
// router's eth1 down leaves the others' up (the bridge port goes down, not the peer). Everything
// lives in the topology's namespaces and goes with them. Returns once links are up and ports
// forward (same 10 s allowance as Topology: two linkwatch rounds plus slack).
void add_second_lan(const Topology& topo, const std::vector<std::string>& roles);

// The lines of a file (empty if absent).
std::vector<std::string> lines_of(const std::string& path);

}  // namespace vigil::testing
