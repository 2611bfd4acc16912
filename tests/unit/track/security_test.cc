// enable_script_security checks and running scripts as another user (reference §3.4, §5.5).
// Needs root (chown, setuid); skipped otherwise.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "helpers.h"
#include "track/credentials.h"
#include "track/script_runner.h"
#include "track/script_security.h"

namespace vigil::track {
namespace {

using namespace std::chrono_literals;
using K = ScriptCheck::Kind;
using testing::TempDir;

constexpr uid_t kNobody = 65534;

class TrackSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  }
  TempDir dir;  // 0700 root-owned inside sticky /tmp: a safe place to start from
};

TEST_F(TrackSecurity, RootOwnedScriptInRootOwnedDirsIsSafe) {
  const auto s = testing::write_script(dir.file("ok.sh"), "exit 0");
  EXPECT_EQ(check_script_file(s, 0).kind, K::ok);
}

TEST_F(TrackSecurity, WorldWritableScriptIsUnsafe) {
  const auto s = testing::write_script(dir.file("ww.sh"), "exit 0", 0777);
  EXPECT_EQ(check_script_file(s, 0).kind, K::unsafe);
  EXPECT_EQ(check_script_file(s, kNobody).kind, K::ok);  // only root-run scripts are checked
}

TEST_F(TrackSecurity, ScriptOwnedByAnotherUserIsUnsafe) {
  const auto s = testing::write_script(dir.file("other.sh"), "exit 0");
  ASSERT_EQ(::chown(s.c_str(), kNobody, 0), 0);
  EXPECT_EQ(check_script_file(s, 0).kind, K::unsafe);
}

TEST_F(TrackSecurity, WritableDirectoryOnThePathIsUnsafe) {
  const auto sub = dir.file("grp");
  ASSERT_EQ(::mkdir(sub.c_str(), 0775), 0);
  ASSERT_EQ(::chmod(sub.c_str(), 0775), 0);  // past the umask
  ASSERT_EQ(::chown(sub.c_str(), 0, kNobody), 0);
  const auto s = testing::write_script(sub + "/chk.sh", "exit 0");
  EXPECT_EQ(check_script_file(s, 0).kind, K::unsafe);
  // World-writable without sticky: unsafe; with sticky and a root-owned entry: safe.
  const auto ww = dir.file("ww");
  ASSERT_EQ(::mkdir(ww.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(ww.c_str(), 0777), 0);
  const auto s2 = testing::write_script(ww + "/chk.sh", "exit 0");
  EXPECT_EQ(check_script_file(s2, 0).kind, K::unsafe);
  ASSERT_EQ(::chmod(ww.c_str(), 01777), 0);
  EXPECT_EQ(check_script_file(s2, 0).kind, K::ok);
}

TEST_F(TrackSecurity, SymlinksAreCheckedAtTheirTarget) {
  const auto target = testing::write_script(dir.file("real.sh"), "exit 0", 0777);
  const auto link = dir.file("link.sh");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(check_script_file(link, 0).kind, K::unsafe);
}

TEST_F(TrackSecurity, MissingOrNotExecutable) {
  const ScriptCheck missing = check_script_file(dir.file("nope.sh"), 0);
  EXPECT_EQ(missing.kind, K::not_found);
  EXPECT_EQ(missing.error, ENOENT);
  const auto s = testing::write_script(dir.file("noexec.sh"), "exit 0", 0644);
  EXPECT_EQ(check_script_file(s, 0).kind, K::not_found);
}

TEST_F(TrackSecurity, VettingMessagesMatchKeepalived) {
  const Vetting on = vet_track_script("chk", "/x/u.sh", {K::unsafe}, true);
  EXPECT_TRUE(on.disable);
  EXPECT_EQ(on.log, (std::vector<std::string>{"Unsafe permissions found for script '/x/u.sh' - disabling.",
                                              "Disabling track script chk due to insecure"}));
  const Vetting off = vet_track_script("chk", "/x/u.sh", {K::unsafe}, false);
  EXPECT_FALSE(off.disable);
  EXPECT_TRUE(off.unsafe);
  EXPECT_EQ(off.log, std::vector<std::string>{"Unsafe permissions found for script '/x/u.sh'."});
  const Vetting gone = vet_track_script("chk", "/x/n.sh", {K::not_found, ENOENT}, false);
  EXPECT_EQ(gone.log, (std::vector<std::string>{
                          "Script /x/n.sh cannot be accessed - No such file or directory",
                          "Disabling track script chk since not found/accessible"}));
}

TEST_F(TrackSecurity, RunnerRefusesUnsafeScriptWhenSecurityEnabled) {
  event::MonotonicClock clock;
  event::Loop loop(clock);
  Spawner spawner;
  testing::LogCapture log;
  ScriptRunner runner(loop, spawner, log.sink(), nullptr, {.check = true, .enabled = true});
  const auto s = testing::write_script(dir.file("ww.sh"), "exit 0", 0777);
  EXPECT_FALSE(runner.add(ScriptConfig{.name = "chk", .command = s}).has_value());
  EXPECT_TRUE(log.contains("Unsafe permissions found for script '" + s + "' - disabling."));
  EXPECT_TRUE(log.contains("Disabling track script chk due to insecure"));
  EXPECT_TRUE(runner.any_unsafe());

  ScriptRunner lax(loop, spawner, log.sink(), nullptr, {.check = true, .enabled = false});
  EXPECT_TRUE(lax.add(ScriptConfig{.name = "chk", .command = s}).has_value());
  EXPECT_TRUE(lax.any_unsafe());
}

TEST_F(TrackSecurity, ScriptRunsAsTheConfiguredUser) {
  auto creds = resolve_credentials("nobody", "", false);
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->uid, kNobody);
  EXPECT_FALSE(resolve_credentials("no-such-user-vigil", "", false).has_value());
  EXPECT_FALSE(resolve_credentials("root", "no-such-group-vigil", false).has_value());

  ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);
  const auto out_dir = dir.file("out");
  ASSERT_EQ(::mkdir(out_dir.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(out_dir.c_str(), 0777), 0);
  const auto out = out_dir + "/id";
  const auto s = testing::write_script(dir.file("id.sh"), "echo $(id -u) $(id -g) $(id -G) > " + out);
  event::MonotonicClock clock;
  event::Loop loop(clock);
  Spawner spawner;
  bool done = false;
  ScriptRunner runner(loop, spawner, nullptr, [&](std::size_t, Health) { done = true; });
  ScriptConfig cfg{.name = "id", .command = s};
  cfg.creds = *creds;
  ASSERT_TRUE(runner.add(std::move(cfg)).has_value());
  runner.start();
  ASSERT_TRUE(testing::run_until(loop, [&] { return done; }, 5s));  // one short script
  EXPECT_EQ(runner.health(0), Health::up);
  const std::string gid = std::to_string(creds->gid);
  EXPECT_EQ(testing::read_file(out), "65534 " + gid + " " + gid + "\n");
}

}  // namespace
}  // namespace vigil::track
