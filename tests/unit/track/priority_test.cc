// Tracker contributions and effective priority arithmetic (reference §4.5).
#include <gtest/gtest.h>

#include <vector>

#include "track/contribution.h"
#include "track/priority.h"

namespace vigil::track {
namespace {

using vrrp::Priority;

TEST(TrackContribution, UpDownWeights) {
  EXPECT_EQ(up_down_contribution(10, false, Health::up).delta, 10);
  EXPECT_EQ(up_down_contribution(10, false, Health::down).delta, 0);
  EXPECT_EQ(up_down_contribution(-10, false, Health::up).delta, 0);
  EXPECT_EQ(up_down_contribution(-10, false, Health::down).delta, -10);
  // reverse: w>0 subtracts while up; w<0 adds while down.
  EXPECT_EQ(up_down_contribution(10, true, Health::up).delta, -10);
  EXPECT_EQ(up_down_contribution(10, true, Health::down).delta, 0);
  EXPECT_EQ(up_down_contribution(-10, true, Health::down).delta, 10);
  EXPECT_EQ(up_down_contribution(-10, true, Health::up).delta, 0);
}

TEST(TrackContribution, WeightZeroFaults) {
  EXPECT_TRUE(up_down_contribution(0, false, Health::down).fault);
  EXPECT_FALSE(up_down_contribution(0, false, Health::up).fault);
  EXPECT_TRUE(up_down_contribution(0, true, Health::up).fault);
  EXPECT_FALSE(up_down_contribution(0, true, Health::down).fault);
}

TEST(TrackContribution, UnknownAddsNothingAndWeightZeroIsPending) {
  EXPECT_EQ(up_down_contribution(-5, false, Health::unknown), Contribution{});
  EXPECT_EQ(up_down_contribution(0, false, Health::unknown), Contribution{.pending = true});
}

TEST(TrackContribution, FileValues) {
  EXPECT_EQ(file_contribution(3, 2, false).delta, 6);
  EXPECT_EQ(file_contribution(3, 2, true).delta, -6);
  EXPECT_EQ(file_contribution(-3, 5, false).delta, -15);
  EXPECT_EQ(file_contribution(1000, 1, false).delta, 253);  // capped
  EXPECT_FALSE(file_contribution(-253, 1, false).fault);
  EXPECT_TRUE(file_contribution(-254, 1, false).fault);
  EXPECT_TRUE(file_contribution(127, 2, true).fault);
  EXPECT_TRUE(file_contribution(7, 0, false).fault);
  EXPECT_FALSE(file_contribution(0, 0, false).fault);
  // No overflow with extreme values.
  EXPECT_EQ(file_contribution(INT64_MAX, 2147483647, false).delta, 253);
  EXPECT_TRUE(file_contribution(INT64_MIN, 2147483647, false).fault);
}

TEST(TrackPriority, ClampsBetween1And254) {
  std::vector<Contribution> up{{.delta = 200}};
  EXPECT_EQ(compute_priority(Priority{100}, up).effective, Priority{254});
  std::vector<Contribution> down{{.delta = -150}};
  EXPECT_EQ(compute_priority(Priority{100}, down).effective, Priority{1});
  std::vector<Contribution> some{{.delta = -10}, {.delta = 25}, {.delta = 0}};
  const PriorityResult r = compute_priority(Priority{100}, some);
  EXPECT_EQ(r.effective, Priority{115});
  EXPECT_EQ(r.total_delta, 15);
  EXPECT_FALSE(r.fault);
}

TEST(TrackPriority, OwnerIgnoresWeightsButNotFaults) {
  std::vector<Contribution> parts{{.delta = -50}};
  EXPECT_EQ(compute_priority(Priority{255}, parts).effective, Priority{255});
  parts.push_back({.fault = true});
  const PriorityResult r = compute_priority(Priority{255}, parts);
  EXPECT_EQ(r.effective, Priority{255});
  EXPECT_TRUE(r.fault);
}

TEST(TrackPriority, TrackerReportsOnlyChanges) {
  PriorityTracker t("VI_1", Priority{100});
  std::vector<Contribution> parts{{.delta = -10}};
  PriorityUpdate u = t.update(parts);
  EXPECT_TRUE(u.priority_changed);
  EXPECT_FALSE(u.fault_changed);
  ASSERT_TRUE(u.log.has_value());
  EXPECT_EQ(*u.log, "(VI_1) Changing effective priority from 100 to 90");
  u = t.update(parts);
  EXPECT_FALSE(u.priority_changed);
  EXPECT_FALSE(u.log.has_value());
  parts.push_back({.fault = true});
  u = t.update(parts);
  EXPECT_TRUE(u.fault_changed);
  EXPECT_TRUE(u.now.fault);
  EXPECT_FALSE(u.priority_changed);
}

}  // namespace
}  // namespace vigil::track
