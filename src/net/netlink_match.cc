#include "net/netlink_match.h"

namespace vigil::net {

bool same_address(const AddressSpec& spec, const AddressEvent& ev) {
  return ev.ifindex == spec.ifindex && ev.address == spec.address && ev.prefix == spec.prefix;
}

bool same_route(const RouteSpec& spec, const RouteEvent& ev) {
  if (ev.family != spec.family || ev.table != spec.table || ev.dst_prefix != spec.dst_prefix) return false;
  if (ev.dst.has_value() != spec.dst.has_value() || (spec.dst && *ev.dst != *spec.dst)) return false;
  if (ev.type != static_cast<std::uint8_t>(spec.type)) return false;
  // The kernel reports no RTA_PRIORITY for metric 0 (and IPv6 fills in 1024 when none is given).
  if (spec.metric && ev.metric.value_or(0) != *spec.metric) return false;
  if (spec.gateway && ev.gateway != spec.gateway) return false;
  if (spec.oif != 0 && ev.oif != 0 && ev.oif != spec.oif) return false;
  return true;
}

bool same_rule(const RuleSpec& spec, const RuleEvent& ev) {
  if (ev.family != spec.family || ev.table != spec.table) return false;
  if (spec.priority && ev.priority != spec.priority) return false;
  if (ev.from_prefix != spec.from_prefix || ev.to_prefix != spec.to_prefix) return false;
  if (spec.from && ev.from != spec.from) return false;
  if (spec.to && ev.to != spec.to) return false;
  if (spec.fwmark && ev.fwmark != spec.fwmark) return false;
  return ev.iif == spec.iif && ev.oif == spec.oif;
}

}  // namespace vigil::net
