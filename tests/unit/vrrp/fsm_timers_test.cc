// Timer and priority arithmetic: reference §4.3 / §4.5 figures, to the microsecond.
#include <gtest/gtest.h>

#include "vrrp/priority.h"
#include "vrrp/timers.h"

namespace vigil::vrrp {
namespace {

using namespace std::chrono_literals;

TEST(FsmTimers, V2SkewIsIndependentOfInterval) {
  // RFC 3768 §6.1: (256 − 100) / 256 s = 0.609375 s, whatever the advert interval.
  EXPECT_EQ(skew_time(Version::v2, Priority{100}, 1s), 609375us);
  EXPECT_EQ(skew_time(Version::v2, Priority{100}, 5s), 609375us);
}

TEST(FsmTimers, V2MasterDownMatchesReferenceExamples) {
  // Reference §4.3: advert 1 s, prio 100 → 3.609375 s; prio 254 → 3.0078 s.
  EXPECT_EQ(master_down_interval(Version::v2, Priority{100}, 1s, 3), 3609375us);
  EXPECT_EQ(master_down_interval(Version::v2, Priority{254}, 1s, 3), 3007812us);
}

TEST(FsmTimers, V3SkewScalesWithMasterAdverInterval) {
  // RFC 5798 §6.1: ((256 − 100) × 100 cs) / 256 = 0.609375 s at 1 s; 60937 us at 100 ms.
  EXPECT_EQ(skew_time(Version::v3, Priority{100}, 1s), 609375us);
  EXPECT_EQ(skew_time(Version::v3, Priority{100}, 100ms), 60937us);
  EXPECT_EQ(master_down_interval(Version::v3, Priority{200}, 100ms, 3), 321875us);
}

TEST(FsmTimers, DownTimerAdvertsMultipliesTheInterval) {
  EXPECT_EQ(master_down_interval(Version::v2, Priority{100}, 2s, 5), 10s + 609375us);
  EXPECT_EQ(master_down_interval(Version::v2, Priority{100}, 1s, 1), 1609375us);
}

TEST(FsmTimers, MinimalSkewIsOne256th) {
  EXPECT_EQ(minimal_skew(Version::v2, 1s), 3906us);
  EXPECT_EQ(minimal_skew(Version::v3, 2560ms), 10ms);
}

TEST(FsmPriority, WeightsAddToBase) {
  EXPECT_EQ(effective_priority(Priority{100}, 20), Priority{120});
  EXPECT_EQ(effective_priority(Priority{100}, -30), Priority{70});
}

TEST(FsmPriority, ClampedTo1And254) {
  EXPECT_EQ(effective_priority(Priority{100}, 200), Priority{254});
  EXPECT_EQ(effective_priority(Priority{100}, -200), Priority{1});
  EXPECT_EQ(effective_priority(Priority{254}, 1), Priority{254});
}

TEST(FsmPriority, OwnerIgnoresWeights) {
  EXPECT_EQ(effective_priority(Priority{255}, -50), Priority{255});
  EXPECT_EQ(effective_priority(Priority{255}, 50), Priority{255});
}

}  // namespace
}  // namespace vigil::vrrp
