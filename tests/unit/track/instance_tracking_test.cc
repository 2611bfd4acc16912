// An instance's trackers → effective priority and FAULT (reference §4.5), on a fake state table.
#include "track/instance_tracking.h"

#include <gtest/gtest.h>

#include <map>

namespace vigil::track {
namespace {

using vrrp::Priority;

struct FakeStates final : TrackedStates {
  std::map<std::size_t, Health> interfaces, scripts, processes;
  std::map<std::size_t, std::int64_t> files;
  static Health get(const std::map<std::size_t, Health>& m, std::size_t i) {
    auto it = m.find(i);
    return it == m.end() ? Health::unknown : it->second;
  }
  Health interface_health(std::size_t i) const override { return get(interfaces, i); }
  Health script_health(std::size_t i) const override { return get(scripts, i); }
  Health process_health(std::size_t i) const override { return get(processes, i); }
  std::int64_t file_value(std::size_t i) const override {
    auto it = files.find(i);
    return it == files.end() ? 0 : it->second;
  }
};

TEST(TrackInstanceTracking, SumsEveryKindAndLogsChanges) {
  FakeStates st;
  st.interfaces[0] = Health::up;
  st.scripts[0] = Health::unknown;  // no result yet: adds nothing
  st.files[0] = 3;
  st.processes[0] = Health::up;
  InstanceTracking vi("VI_1", Priority{100},
                      {{.kind = TrackedKind::interface, .index = 0, .weight = 10},
                       {.kind = TrackedKind::script, .index = 0, .weight = -20},
                       {.kind = TrackedKind::file, .index = 0, .weight = 2, .reverse = true},
                       {.kind = TrackedKind::process, .index = 0, .weight = 5}});
  PriorityUpdate u = vi.recompute(st);
  EXPECT_EQ(u.now.effective, Priority{109});  // 100 + 10 - 6 + 5
  EXPECT_EQ(*u.log, "(VI_1) Changing effective priority from 100 to 109");
  st.scripts[0] = Health::down;
  u = vi.recompute(st);
  EXPECT_EQ(u.now.effective, Priority{89});
  EXPECT_EQ(*u.log, "(VI_1) Changing effective priority from 109 to 89");
  EXPECT_FALSE(u.now.fault);
  u = vi.recompute(st);  // nothing changed: nothing to report
  EXPECT_FALSE(u.priority_changed);
  EXPECT_FALSE(u.log.has_value());
}

TEST(TrackInstanceTracking, WeightZeroTrackersFaultAndWait) {
  FakeStates st;
  InstanceTracking vi("VI_1", Priority{100},
                      {{.kind = TrackedKind::script, .index = 1, .weight = 0},
                       {.kind = TrackedKind::interface, .index = 2, .weight = 0, .reverse = true}});
  st.interfaces[2] = Health::down;
  PriorityUpdate u = vi.recompute(st);
  EXPECT_TRUE(vi.pending());  // the script has not reported yet
  EXPECT_FALSE(u.now.fault);
  st.scripts[1] = Health::down;
  u = vi.recompute(st);
  EXPECT_FALSE(vi.pending());
  EXPECT_TRUE(u.fault_changed);
  EXPECT_TRUE(u.now.fault);
  st.scripts[1] = Health::up;
  st.interfaces[2] = Health::up;  // reverse: FAULT while up
  u = vi.recompute(st);
  EXPECT_TRUE(u.now.fault);
  EXPECT_FALSE(u.fault_changed);
  st.interfaces[2] = Health::down;
  u = vi.recompute(st);
  EXPECT_FALSE(u.now.fault);
  EXPECT_TRUE(u.fault_changed);
}

TEST(TrackInstanceTracking, OwnerKeeps255ButStillFaults) {
  FakeStates st;
  st.scripts[0] = Health::down;
  st.files[0] = -300;  // ≤ -254: FAULT even for weight 1
  InstanceTracking vi("VI_O", Priority{255},
                      {{.kind = TrackedKind::script, .index = 0, .weight = -50},
                       {.kind = TrackedKind::file, .index = 0, .weight = 1}});
  const PriorityUpdate u = vi.recompute(st);
  EXPECT_EQ(u.now.effective, Priority{255});
  EXPECT_FALSE(u.priority_changed);
  EXPECT_TRUE(u.now.fault);
}

TEST(TrackInstanceTracking, ClampsAndBoundsWeights) {
  FakeStates st;
  st.scripts[0] = Health::up;
  st.scripts[1] = Health::up;
  InstanceTracking vi("VI_1", Priority{200},
                      {{.kind = TrackedKind::script, .index = 0, .weight = 1000},
                       {.kind = TrackedKind::script, .index = 1, .weight = 254}});
  EXPECT_EQ(vi.recompute(st).now.effective, Priority{254});
  st.scripts[0] = Health::down;
  st.scripts[1] = Health::down;
  InstanceTracking low("VI_2", Priority{5}, {{.kind = TrackedKind::script, .index = 0, .weight = -254}});
  EXPECT_EQ(low.recompute(st).now.effective, Priority{1});
}

}  // namespace
}  // namespace vigil::track
