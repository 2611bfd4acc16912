// Tests for daemon/respawn.h: keepalived's restart back-off.
#include "daemon/respawn.h"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::daemon {
namespace {

using namespace std::chrono_literals;

TEST(DaemonRespawn, QuickDeathsFollowKeepalivedsSequence) {
  RespawnBackoff b;
  std::vector<long> got;
  for (int i = 0; i < 10; ++i) got.push_back(b.next_delay(1s).count());
  EXPECT_EQ(got, (std::vector<long>{0, 1, 2, 4, 8, 16, 32, 60, 60, 60}));
}

TEST(DaemonRespawn, LongRunResetsToImmediate) {
  RespawnBackoff b;
  for (int i = 0; i < 5; ++i) (void)b.next_delay(0s);  // 0 1 2 4 8
  EXPECT_EQ(b.next_delay(61s).count(), 0);
  EXPECT_EQ(b.next_delay(1s).count(), 1);
  EXPECT_EQ(b.next_delay(1s).count(), 2);
}

TEST(DaemonRespawn, ExactlySixtySecondsIsNotStable) {
  RespawnBackoff b;
  (void)b.next_delay(0s);
  (void)b.next_delay(0s);
  EXPECT_EQ(b.next_delay(60s).count(), 2);  // "more than 60 s" resets; 60 s does not
}

}  // namespace
}  // namespace vigil::daemon
