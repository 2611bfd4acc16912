// fsm_harness.h — drives one vrrp::Instance on a manual clock and renders its actions as short
// strings, so a test states the exact action list ("arm_timer master_down @+3609375us") of a step.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "vrrp/actions.h"
#include "vrrp/events.h"
#include "vrrp/instance.h"

namespace vigil::vrrp::testing {

using namespace std::chrono_literals;

inline IpAddress addr(const char* text) { return *IpAddress::parse(text); }

// VI_1, v2, priority 100, advert 1 s, our address 10.0.0.2, defaults otherwise.
inline InstanceConfig basic_config() {
  InstanceConfig c;
  c.name = "VI_1";
  c.vrid = Vrid{51};
  c.primary_address = addr("10.0.0.2");
  return c;
}

inline ReceivedAdvert advert(const char* from, std::uint8_t prio, Duration interval = 1s,
                             Version v = Version::v2) {
  return ReceivedAdvert{.source = addr(from), .priority = Priority{prio}, .interval = interval,
                        .version = v, .addresses_match = true};
}

inline std::string render(const Action& a, TimePoint epoch, const std::string& name) {
  if (a.kind == ActionKind::log) return "log " + format_log(a, name);
  return describe(a, epoch);
}

struct Harness {
  explicit Harness(InstanceConfig c = basic_config()) : vi(std::move(c)) {}

  // Steps at epoch + at; returns the rendered actions of this step only.
  std::vector<std::string> step(const Event& ev, Duration at) {
    out.clear();
    vi.step(ev, epoch + at, out);
    std::vector<std::string> lines;
    for (const Action& a : out) lines.push_back(render(a, epoch, vi.config().name));
    return lines;
  }
  std::vector<std::string> step(EventKind k, Duration at) { return step(Event::of(k), at); }
  std::vector<std::string> rx(const ReceivedAdvert& a, Duration at) {
    return step(Event::advert_from(a), at);
  }
  // Microseconds from the epoch to a timer's deadline, -1 if it is not armed.
  long long deadline_us(Timer t) const {
    auto d = vi.deadline(t);
    return d ? std::chrono::duration_cast<Duration>(*d - epoch).count() : -1;
  }
  // Startup, then the down timer runs out: MASTER at `at`.
  void make_master(Duration at = 3609375us) {
    step(EventKind::startup, 0us);
    step(EventKind::master_down_expired, at);
  }

  TimePoint epoch = TimePoint{} + std::chrono::hours{1};
  Instance vi;
  ActionBuffer out;
};

}  // namespace vigil::vrrp::testing
