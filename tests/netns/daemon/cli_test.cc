// The vigild binary's command-line contract: what tools run before they ever start it.
#include <signal.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace vigil::daemon::test {
namespace {

TEST(VigildCli, SignumPrintsKeepalivedNumbers) {
  const std::pair<const char*, int> cases[] = {{"STOP", 15}, {"RELOAD", 1}, {"DATA", 10},
                                               {"STATS", 12}, {"STATS_CLEAR", SIGRTMAX - 1},
                                               {"JSON", SIGRTMIN + 2}};
  for (auto [name, num] : cases) {
    auto r = run_vigild({std::string("--signum=") + name});
    EXPECT_EQ(r.code, 0) << name;
    EXPECT_EQ(r.out, std::to_string(num) + "\n") << name;
  }
  auto bad = run_vigild({"--signum=NOPE"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err, "Unknown sigfunc NOPE\n");
}

TEST(VigildCli, VersionOnStderrVigilLineFirst) {
  auto r = run_vigild({"-v"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(lines_of(r.err).at(0).starts_with("vigil v"));
  EXPECT_EQ(lines_of(r.err).at(1), "compatible with Keepalived v2.2.7 (01/16,2022)");
}

TEST(VigildCli, UnknownOptionAndMissingParameter) {
  auto r = run_vigild({"-Z"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "Unknown option -Z\n");
  auto m = run_vigild({"-f"});
  EXPECT_EQ(m.code, 1);
  EXPECT_EQ(m.err, "Missing parameter for option -f\n");
}

TEST(VigildCli, ConfigTestExitCodes) {
  TempDir dir;
  Netns ns;
  ASSERT_TRUE(ns.ok());
  const std::string good = dir.file("good.conf"), bad = dir.file("bad.conf"),
                    log = dir.file("t.log");
  // The good file uses d0, which exists only inside the namespace: run -t there.
  write_file(good, one_instance_config());
  write_file(bad, "vrrp_instance VI_1 {\n  state BACKUP\n");
  auto in_ns = [&](const std::string& args) {
    return std::system(fmt::format("ip netns exec {} {} {} >/dev/null 2>&1", ns.name(),
                                   VIGILD_PATH, args).c_str());
  };
  EXPECT_EQ(WEXITSTATUS(in_ns("-t -f " + good)), 0);
  EXPECT_EQ(WEXITSTATUS(in_ns("-t -f " + bad)), 5);
  EXPECT_EQ(WEXITSTATUS(in_ns("--config-test=" + log + " -f " + bad)), 5);
  EXPECT_NE(read_file(log).find("never closed"), std::string::npos);
  EXPECT_EQ(WEXITSTATUS(in_ns("-t -f " + dir.file("missing.conf"))), 4);
}

TEST(VigildCli, MissingConfigFileExits6) {
  TempDir dir;
  auto r = run_vigild({"-n", "-l", "-G", "-f", dir.file("none.conf"), "-p", dir.file("p"), "-r",
                       dir.file("r")});
  EXPECT_EQ(r.code, 6);
  EXPECT_NE(r.err.find("Config files missing '" + dir.file("none.conf") + "'."), std::string::npos);
}

}  // namespace
}  // namespace vigil::daemon::test
