// bench_engine: nanoseconds per received advert through the VRRP engine's whole CPU path:
// decode_ipv4 + validate + count (the codec) + mapping to vrrp::ReceivedAdvert + Instance::step
// (the state machine), for a BACKUP instance receiving its master's adverts — the path every
// backup runs once per advert interval per instance. Also: the step alone.
//
// Reference: keepalived's receive path cannot be called in-process (GPL code woven into its
// socket handling), so the reference printed beside the figures is the codec alone
// (decode + validate + count) on the same packets: the ratio is what the state machine adds.
// The goal is < 200 ns per advert (decode + validate + step).
//
// Each figure is the median of kRuns runs over N adverts (default 1,000,000), in thread CPU
// time. Usage: bench_engine [adverts]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "microbench.h"
#include "vrrp/actions.h"
#include "vrrp/advert_event.h"
#include "vrrp/events.h"
#include "vrrp/instance.h"
#include "vrrp/packet.h"

namespace {

using namespace vigil::vrrp;
using vigil::bench::keep;
using vigil::bench::kRuns;
using vigil::bench::median_ns;
using namespace std::chrono_literals;

IpAddress ip(const char* t) { return *IpAddress::parse(t); }

struct Case {
  const char* name;
  Version version;
  std::vector<IpAddress> vips;
};

void run(const Case& c, long adverts) {
  const IpAddress master = ip("192.168.1.1");
  const IpAddress group = IpAddress::vrrp_group(Family::inet);
  const Centiseconds interval = c.version == Version::v2 ? Centiseconds{100} : Centiseconds{100};
  AdvertFields f{.version = c.version, .family = Family::inet, .vrid = Vrid{51},
                 .priority = Priority{150}, .interval = interval, .addresses = c.vips};
  std::array<std::uint8_t, 2048> buf{};
  auto len = encode_ipv4(f, Ipv4Fields{.source = master, .destination = group}, ChecksumRule{}, buf);
  if (!len) {
    std::fprintf(stderr, "encode failed\n");
    std::exit(1);
  }
  const std::span<const std::uint8_t> packet{buf.data(), *len};

  Expectations expect;
  expect.version = c.version;
  expect.vrid = Vrid{51};
  expect.advert_interval = interval;
  expect.vips = c.vips;
  InstanceConfig cfg{.name = "VI_1", .vrid = Vrid{51}, .version = c.version,
                     .priority = Priority{100}, .primary_address = ip("192.168.1.2")};
  Instance vi{cfg};
  ActionBuffer out;
  const TimePoint t0 = TimePoint{} + 1h;
  vi.step(Event::of(EventKind::startup), t0, out);
  RxCounters counters;

  // Reference: the codec alone.
  const double codec = median_ns(adverts, [&](long) {
    RxMeta meta;
    meta.ifindex = 2;
    auto a = decode_ipv4(packet, meta);
    Verdict v = validate(*a, meta, expect);
    count(counters, v, *a);
    keep(v);
  });

  // decode + validate + count + step; each advert 1 s after the previous (virtual time).
  long base = 0;
  const double full = median_ns(adverts, [&](long i) {
    RxMeta meta;
    meta.ifindex = 2;
    auto a = decode_ipv4(packet, meta);
    if (!a) std::abort();
    Verdict v = validate(*a, meta, expect);
    count(counters, v, *a);
    if (!v.accepted()) std::abort();
    out.clear();
    vi.step(Event::advert_from(to_received_advert(*a, meta, v, expect)), t0 + Duration{(base + i) * 1000000},
            out);
    keep(out);
  });
  base += adverts * kRuns;
  if (vi.state() != State::backup || out.size() != 1 || out[0].kind != ActionKind::arm_timer) {
    std::fprintf(stderr, "unexpected machine state: the benchmark is not measuring the hot path\n");
    std::exit(1);
  }

  // The step alone, on a pre-built event.
  RxMeta meta;
    meta.ifindex = 2;
  auto a = decode_ipv4(packet, meta);
  const Event ev = Event::advert_from(to_received_advert(*a, meta, validate(*a, meta, expect), expect));
  const double step = median_ns(adverts, [&](long i) {
    out.clear();
    vi.step(ev, t0 + Duration{(base + i) * 1000000}, out);
    keep(out);
  });

  std::printf("%-28s vigil decode+validate+step %6.1f ns/advert | step alone %5.1f ns | "
              "reference codec alone %6.1f ns | ratio full/codec %.2f | goal 200 ns: %s\n",
              c.name, full, step, codec, full / codec, full < 200 ? "met" : "MISSED");
}

}  // namespace

int main(int argc, char** argv) {
  const long adverts = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  std::printf("bench_engine: %ld adverts per run, median of %d runs, thread CPU time\n", adverts,
              kRuns);
  run({"v2 IPv4, 1 VIP", Version::v2, {ip("192.168.1.100")}}, adverts);
  run({"v3 IPv4, 1 VIP", Version::v3, {ip("192.168.1.100")}}, adverts);
  run({"v3 IPv4, 8 VIPs", Version::v3,
       {ip("10.1.0.1"), ip("10.1.0.2"), ip("10.1.0.3"), ip("10.1.0.4"), ip("10.1.0.5"),
        ip("10.1.0.6"), ip("10.1.0.7"), ip("10.1.0.8")}},
      adverts);
  return 0;
}
