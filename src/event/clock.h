// event/clock.h — the time source the loop is built on, injected so tests never sleep.
//
// TimePoint is std::chrono::steady_clock::time_point, the same type as vigil::vrrp::TimePoint, so
// deadlines computed by the pure VRRP engine go straight into Loop::add_timer_at / Loop::retime.
//
//   MonotonicClock real;              // the daemon: CLOCK_MONOTONIC
//   ManualClock manual;               // tests: time moves only when told
//   manual.advance(std::chrono::seconds(1));
//
// The loop reads the clock once per poll step (Loop::now() returns that cached reading) and fires
// every deadline <= now through the same ready queue whichever clock it was given.
#pragma once

#include <chrono>

namespace vigil::event {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;  // nanoseconds; microseconds convert implicitly

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // True when now() reads CLOCK_MONOTONIC itself, so the loop may arm its timerfd with absolute
  // deadlines. Other clocks get the timerfd armed with (deadline - now()) of their own time.
  virtual bool is_kernel_monotonic() const { return false; }
};

// CLOCK_MONOTONIC (std::chrono::steady_clock on Linux).
class MonotonicClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  bool is_kernel_monotonic() const override { return true; }
};

// A clock that only moves when the test says so. Starts at an arbitrary fixed point well away from
// the epoch (so "deadline - 5 s" never underflows).
class ManualClock final : public Clock {
 public:
  ManualClock() = default;
  explicit ManualClock(TimePoint start) : now_(start) {}

  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_{std::chrono::hours(1000)};
};

}  // namespace vigil::event
