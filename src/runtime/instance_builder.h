// runtime/instance_builder.h — one config::VrrpInstance → one RtInstance, ready to run.
//
//   KernelView kv(nl);                                 // one per start-up / reload pass
//   auto built = build_instance(cfg, cfg.vrrp_instances[i], kv);
//   if (!built) log(built.error().str());            // e.g. interface gone: the instance is skipped
//
// Maps the typed model onto the state machine's InstanceConfig (priorities, intervals, preempt,
// GARP timing, tie-break address), the codec's Expectations (version, auth, VIPs, peers,
// checksum rule) and the netlink AddressSpecs of its VIPs/eVIPs. Looks up what only the kernel
// knows (interface index and MAC, primary IPv4 / link-local IPv6 source) and creates the VMAC
// when `use_vmac` is set. Does not open VRRP sockets: instances share those (channel.h).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "net/netlink.h"
#include "net/result.h"
#include "runtime/rt_instance.h"

namespace vigil::runtime {

// What the kernel knows about links and addresses, read once per start-up or reload pass:
// 1,000 instances on 4 interfaces cost 4 link lookups and one address dump per family, not
// 1,000 of each (at a reload the master's dump holds every VIP: per-instance dumps were
// quadratic). Only successful lookups are kept; drop the view when the pass ends.
class KernelView {
 public:
  explicit KernelView(net::Netlink& nl) : nl_(nl) {}
  net::Netlink& nl() { return nl_; }
  net::Result<net::LinkEvent> link(const std::string& name);
  net::Result<net::LinkEvent> link(int ifindex);
  net::Result<vrrp::IpAddress> primary_ipv4(int ifindex);
  net::Result<vrrp::IpAddress> link_local_ipv6(int ifindex);
  // auto_source_address() from this view.
  std::optional<vrrp::IpAddress> source_address(vrrp::Family family, int ifindex);

 private:
  net::Result<const std::vector<net::AddressEvent>*> addresses(int family);
  net::Netlink& nl_;
  std::map<std::string, net::LinkEvent> by_name_;
  std::map<int, net::LinkEvent> by_index_;
  std::optional<std::vector<net::AddressEvent>> v4_, v6_;
  // Per interface: 1,000 instances on 4 interfaces scan the (VIP-sized) address list 4 times.
  std::map<int, net::Result<vrrp::IpAddress>> primary4_, link_local6_;
};

net::Result<std::unique_ptr<RtInstance>> build_instance(const config::Config& cfg,
                                                        const config::VrrpInstance& vi,
                                                        KernelView& kv);

// The state machine's view of an instance (pure: no lookups). `source` is the tie-break address.
vrrp::InstanceConfig fsm_config_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                   const vrrp::IpAddress& source);

// The advert source keepalived picks when none is configured: the interface's primary IPv4
// address, or its first usable link-local IPv6 address. nullopt: none (the instance is FAULT).
std::optional<vrrp::IpAddress> auto_source_address(net::Netlink& nl, vrrp::Family family, int ifindex);
vrrp::IpAddress unspecified_address(vrrp::Family family);  // 0.0.0.0 / ::

// One virtual_routes / static_routes line as a netlink request; nullopt: a form vigil does not
// map yet (multipath, ip-route metrics such as mtu, route types beyond unicast/blackhole/
// unreachable/prohibit/throw). `default_oif` for a unicast route with neither dev nor via.
net::Result<std::optional<net::RouteSpec>> route_spec_of(const config::RouteLine& r, KernelView& kv,
                                                         int default_oif);
net::RuleSpec rule_spec_of(const config::RuleLine& r);

// static_ipaddress / static_routes / static_rules: installed at start whatever the VRRP states,
// re-installed if someone deletes them, removed at stop (reference §4.10, §1.5).
struct StaticSet {
  std::vector<net::AddressSpec> addresses;
  std::vector<std::string> address_texts;  // for log lines
  std::vector<net::RouteSpec> routes;
  std::vector<net::RuleSpec> rules;
  std::vector<std::string> problems;       // lines that could not be mapped: logged, skipped
};
net::Result<StaticSet> build_statics(const config::Config& cfg, KernelView& kv);

// keepalived's VIP text for dumps: "10.0.0.1/24 dev eth0 scope global".
std::string vip_text(const config::AddressLine& a, const std::string& dev);

}  // namespace vigil::runtime
