// Rise/fall counting of vrrp_script results on injected results (reference §3.4; the first-result
// behaviour was checked against keepalived 2.2.7, see script_state.h).
#include "track/script_state.h"

#include <gtest/gtest.h>

namespace vigil::track {
namespace {

const RunResult kOk = RunResult::exited(0);
const RunResult kFail = RunResult::exited(1);

TEST(TrackScriptState, StartsUnknownThenOneSuccessIsEnough) {
  ScriptState s(ScriptCounting{.rise = 3, .fall = 2});
  EXPECT_TRUE(s.initialising());
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(s.failed());
  const ScriptChange c = s.record(kOk, "chk");
  EXPECT_TRUE(c.first_result);
  EXPECT_TRUE(c.state_changed);
  EXPECT_EQ(c.log, std::vector<std::string>{"VRRP_Script(chk) succeeded"});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.counter(), 4u);  // rise + fall - 1
}

TEST(TrackScriptState, FirstFailureLogsFailedEvenBelowRise) {
  ScriptState s(ScriptCounting{.rise = 2, .fall = 2});
  const ScriptChange c = s.record(kFail, "chk_rise");
  EXPECT_TRUE(c.state_changed);
  EXPECT_EQ(c.log, (std::vector<std::string>{"Script `chk_rise` now returning 1",
                                             "VRRP_Script(chk_rise) failed (exited with status 1)"}));
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.counter(), 0u);
}

TEST(TrackScriptState, InitFailNeedsRiseSuccesses) {
  ScriptState s(ScriptCounting{.rise = 3, .fall = 1, .init_fail = true});
  EXPECT_FALSE(s.initialising());
  EXPECT_TRUE(s.failed());
  EXPECT_FALSE(s.record(kOk, "x").state_changed);
  EXPECT_FALSE(s.record(kOk, "x").state_changed);
  EXPECT_TRUE(s.failed());
  const ScriptChange c = s.record(kOk, "x");
  EXPECT_TRUE(c.state_changed);
  EXPECT_EQ(c.log, std::vector<std::string>{"VRRP_Script(x) succeeded"});
  EXPECT_TRUE(s.ok());
}

TEST(TrackScriptState, FallNeedsConsecutiveFailures) {
  ScriptState s(ScriptCounting{.rise = 2, .fall = 3});
  (void)s.record(kOk, "x");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s.record(kFail, "x").state_changed);
  EXPECT_FALSE(s.record(kFail, "x").state_changed);
  // A success in between refills the budget.
  EXPECT_FALSE(s.record(kOk, "x").state_changed);
  EXPECT_FALSE(s.record(kFail, "x").state_changed);
  EXPECT_FALSE(s.record(kFail, "x").state_changed);
  EXPECT_TRUE(s.ok());
  const ScriptChange c = s.record(kFail, "x");
  EXPECT_TRUE(c.state_changed);
  EXPECT_EQ(c.log.back(), "VRRP_Script(x) failed (exited with status 1)");
  EXPECT_TRUE(s.failed());
  // Staying down: no more lines (exit code unchanged), no change.
  const ScriptChange again = s.record(kFail, "x");
  EXPECT_FALSE(again.state_changed);
  EXPECT_TRUE(again.log.empty());
  // Rising again needs `rise` successes from 0.
  EXPECT_FALSE(s.record(kOk, "x").state_changed);
  EXPECT_TRUE(s.record(kOk, "x").state_changed);
}

TEST(TrackScriptState, ExitCodeChangesAreLogged) {
  ScriptState s(ScriptCounting{});
  EXPECT_TRUE(s.record(kOk, "x").log.size() == 1);  // only "succeeded": 0 is the initial code
  const ScriptChange c = s.record(RunResult::exited(2), "x");
  EXPECT_EQ(c.log.front(), "Script `x` now returning 2");
  const ScriptChange d = s.record(RunResult::exited(3), "x");
  EXPECT_EQ(d.log, std::vector<std::string>{"Script `x` now returning 3"});
  const ScriptChange e = s.record(kOk, "x");
  EXPECT_EQ(e.log, (std::vector<std::string>{"Script `x` now returning 0",
                                             "VRRP_Script(x) succeeded"}));
}

TEST(TrackScriptState, TimeoutAndSignalWording) {
  ScriptState s(ScriptCounting{});
  (void)s.record(kOk, "slow");
  EXPECT_EQ(s.record(RunResult::timed_out(), "slow").log,
            std::vector<std::string>{"VRRP_Script(slow) timed_out"});
  ScriptState t(ScriptCounting{});
  EXPECT_EQ(t.record(RunResult::signalled(9), "sig").log,
            std::vector<std::string>{"VRRP_Script(sig) failed (due to signal 9)"});
}

TEST(TrackScriptState, ZeroRiseFallAreTreatedAsOne) {
  ScriptState s(ScriptCounting{.rise = 0, .fall = 0});
  EXPECT_TRUE(s.record(kOk, "x").state_changed);
  EXPECT_TRUE(s.record(kFail, "x").state_changed);
}

}  // namespace
}  // namespace vigil::track
