// Tests for daemon/log.h.
#include "daemon/log.h"

#include <gtest/gtest.h>

namespace vigil::daemon {
namespace {

TEST(DaemonLog, DetailLinesOnlyWithDashD) {
  std::vector<std::string> plain_lines, detail_lines;
  Logger plain(0), detailed(1);
  plain.add_sink(std::make_unique<MemorySink>(plain_lines));
  detailed.add_sink(std::make_unique<MemorySink>(detail_lines));
  for (Logger* l : {&plain, &detailed}) {
    l->info("Starting VRRP child process, pid={}", 42);
    l->detail("(VI_1) setting VIPs.");
  }
  EXPECT_EQ(plain_lines, std::vector<std::string>{"Starting VRRP child process, pid=42"});
  EXPECT_EQ(detail_lines.size(), 2u);
}

TEST(DaemonLog, ConsoleFormatMatchesKeepalived) {
  // Sun Nov 22 05:17:52 2026: message
  const auto line = console_line(std::chrono::system_clock::now(), "Stopping");
  ASSERT_GT(line.size(), 26u);
  EXPECT_EQ(line.substr(24, 2), ": ");
  EXPECT_TRUE(line.ends_with(": Stopping\n"));
}

TEST(DaemonLog, ChildLogFileName) {
  EXPECT_EQ(child_log_file_name("/tmp/keepalived.log", "vrrp"), "/tmp/keepalived_vrrp.log");
  EXPECT_EQ(child_log_file_name("/var/log/ka", "vrrp"), "/var/log/ka_vrrp");
  EXPECT_EQ(child_log_file_name("/var.d/log", "vrrp"), "/var.d/log_vrrp");
  EXPECT_EQ(child_log_file_name("a.b.c", "vrrp"), "a.b_vrrp.c");
}

TEST(DaemonLog, FileSinkAppendsLines) {
  char dir[] = "/tmp/vigil-logtest-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/k.log";
  {
    Logger l;
    auto sink = std::make_unique<FileSink>(path);
    ASSERT_TRUE(sink->ok());
    l.add_sink(std::move(sink));
    l.info("one");
    l.notice("two");
  }
  FILE* f = fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[256];
  std::vector<std::string> lines;
  while (fgets(buf, sizeof buf, f)) lines.emplace_back(buf);
  fclose(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].ends_with(": one\n"));
  EXPECT_TRUE(lines[1].ends_with(": two\n"));
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace vigil::daemon
