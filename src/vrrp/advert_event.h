// vrrp/advert_event.h — the one bridge between the codec (packet.h) and the state machine
// (instance.h): turns a validated, decoded advert into the event the machine consumes.
//
//   Verdict v = validate(advert, meta, expect);
//   count(counters, v, advert);
//   if (v.accepted()) instance.step(Event::advert_from(to_received_advert(advert, meta, v, expect)), now, out);
//
// Address list (reference §4.2 item 12): a different count is only counted, the packet is still
// used; with equal counts a missing VIP means the advert does not count for the election.
#pragma once

#include <chrono>

#include "vrrp/events.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {

inline ReceivedAdvert to_received_advert(const Advert& a, const RxMeta& meta, const Verdict& v,
                                         const Expectations& e) {
  return ReceivedAdvert{
      .source = meta.source,
      .priority = a.priority,
      .interval = std::chrono::duration_cast<Duration>(a.interval()),
      .version = a.version,
      .addresses_match = !(v.address_list_mismatch && a.address_count() == e.vips.size())};
}

}  // namespace vigil::vrrp
