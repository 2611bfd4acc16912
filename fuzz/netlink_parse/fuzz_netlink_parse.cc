// fuzz_netlink_parse: parse_netlink() (src/net/netlink_message.h) on arbitrary bytes, as a
// hostile or buggy kernel/peer could hand them to the monitor. It must never crash, read out of
// bounds, or produce an event that breaks its own invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>

#include "net/netlink_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = vigil::net::parse_netlink(std::span<const std::uint8_t>(data, size));
  if (r.seqs.size() != r.messages.size()) std::abort();
  for (const auto& m : r.messages) {
    if (const auto* a = std::get_if<vigil::net::AddressEvent>(&m)) {
      bool v4 = a->family == vigil::vrrp::Family::inet;
      if (a->address.is_v4() != v4) std::abort();
      if (a->peer && a->peer->is_v4() != v4) std::abort();
    } else if (const auto* l = std::get_if<vigil::net::LinkEvent>(&m)) {
      if (l->name.size() > size || l->mac.size() > size) std::abort();
    } else if (const auto* k = std::get_if<vigil::net::AckMessage>(&m)) {
      if (k->error < 0) std::abort();
    }
  }
  return 0;
}
