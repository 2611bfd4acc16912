// net/netlink_match.h — does a kernel object (from a notification or a dump) correspond to one of
// our requests? Used to notice that someone else deleted a VIP, virtual route or rule of ours
// (reference §4.10) and to check that it is really gone.
//
//   if (ev.deleted && same_address(spec, ev)) ...   // RTM_DELADDR for our VIP
//
// Identity follows the kernel's own keys: an address is (interface, address, prefix); a route
// is (family, table, destination/prefix, metric) plus type; a rule is (family, table, priority,
// selectors). Attributes the kernel may fill in by itself (scope, flags, preferred source, a
// gateway we did not give) do not take part.
#pragma once

#include "net/netlink_message.h"
#include "net/netlink_request.h"

namespace vigil::net {

bool same_address(const AddressSpec& spec, const AddressEvent& ev);
bool same_route(const RouteSpec& spec, const RouteEvent& ev);
bool same_rule(const RuleSpec& spec, const RuleEvent& ev);

}  // namespace vigil::net
