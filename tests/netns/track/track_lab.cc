#include "track_lab.h"

#include <fstream>
#include <stdexcept>

namespace vigil::testing {

void add_second_lan(const Topology& topo, const std::vector<std::string>& roles) {
  const std::string sw = topo.bridge_ns();
  sh("ip -n " + sw + " link add br1 type bridge stp_state 0 forward_delay 0 mcast_snooping 0");
  sh("ip -n " + sw + " link set br1 up");
  for (const auto& role : roles) {
    const auto& n = topo.node(role);
    const std::string port = "q" + std::to_string(n.index);
    sh("ip -n " + n.ns + " link add eth1 type veth peer name " + port + " netns " + sw);
    sh("ip -n " + sw + " link set " + port + " master br1 up");
    sh("ip -n " + n.ns + " addr add 10.98.0." + std::to_string(n.index) + "/24 dev eth1");
    sh("ip -n " + n.ns + " link set eth1 up");
  }
  auto up = [](const std::string& out) { return out.find(" state UP ") != std::string::npos; };
  const bool ok = wait_until([&] {
    for (const auto& role : roles) {
      const auto& n = topo.node(role);
      if (!up(run("ip -n " + n.ns + " -o link show dev eth1").out)) return false;
      const std::string port = run("ip -n " + sw + " -d -o link show dev q" + std::to_string(n.index)).out;
      if (!up(port) || port.find(" state forwarding ") == std::string::npos) return false;
    }
    return true;
  }, std::chrono::seconds(10));
  if (!ok) throw std::runtime_error("second LAN: links did not come up within 10 s");
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace vigil::testing
