// Tests for daemon/options.h: keepalived-compatible command line parsing.
#include "daemon/options.h"
#include "daemon/version_text.h"

#include <gtest/gtest.h>
#include <syslog.h>

#include <csignal>

namespace vigil::daemon {
namespace {

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "vigild");
  return parse_command_line(args);
}

TEST(DaemonOptions, DefaultsAreKeepalivedsPaths) {
  auto r = parse({});
  ASSERT_EQ(r.action, Action::run);
  EXPECT_EQ(r.options.config_file, "/etc/keepalived/keepalived.conf");
  EXPECT_EQ(r.options.pidfile, "/run/keepalived.pid");
  EXPECT_EQ(r.options.vrrp_pidfile, "/run/vrrp.pid");
  EXPECT_EQ(r.options.log_facility, LOG_DAEMON);
  EXPECT_FALSE(r.options.dont_fork);
  EXPECT_FALSE(r.options.config_test);
}

TEST(DaemonOptions, EveryFlagShortForm) {
  auto r = parse({"-P", "-C", "-B", "-l", "-D", "-D", "-G", "-X", "-V", "-I", "-R", "-n", "-d",
                  "-a", "-x", "-m", "-e"});
  ASSERT_EQ(r.action, Action::run) << r.err;
  const Options& o = r.options;
  EXPECT_TRUE(o.vrrp_only && o.check_only && o.no_bfd && o.log_console && o.no_syslog);
  EXPECT_EQ(o.log_detail, 2);
  EXPECT_TRUE(o.release_vips && o.dont_release_vrrp && o.dont_release_ipvs && o.dont_respawn);
  EXPECT_TRUE(o.dont_fork && o.dump_conf && o.address_monitoring && o.snmp && o.core_dump);
  EXPECT_TRUE(o.all_config);
}

TEST(DaemonOptions, EveryFlagLongForm) {
  auto r = parse({"--vrrp", "--check", "--no_bfd", "--all", "--log-console", "--log-detail",
                  "--no-syslog", "--release-vips", "--dont-release-vrrp", "--dont-release-ipvs",
                  "--dont-respawn", "--dont-fork", "--dump-conf", "--address-monitoring", "--snmp",
                  "--core-dump", "--all-config", "--flush-log-file", "--ignore-sigint"});
  ASSERT_EQ(r.action, Action::run) << r.err;
  const Options& o = r.options;
  EXPECT_TRUE(o.vrrp_only && o.check_only && o.no_bfd && o.all_children && o.log_console);
  EXPECT_EQ(o.log_detail, 1);
  EXPECT_TRUE(o.no_syslog && o.release_vips && o.dont_release_vrrp && o.dont_release_ipvs);
  EXPECT_TRUE(o.dont_respawn && o.dont_fork && o.dump_conf && o.address_monitoring && o.snmp);
  EXPECT_TRUE(o.core_dump && o.all_config && o.flush_log_file && o.ignore_sigint);
}

TEST(DaemonOptions, OptionsWithArguments) {
  auto r = parse({"-f", "/x/k.conf", "-p", "/x/p.pid", "-r", "/x/r.pid", "-c", "/x/c.pid", "-b",
                  "/x/b.pid", "-s", "ns1", "-i", "lb1", "-A", "/x/agentx", "-S", "local3", "-u",
                  "077"});
  ASSERT_EQ(r.action, Action::run) << r.err;
  const Options& o = r.options;
  EXPECT_EQ(o.config_file, "/x/k.conf");
  EXPECT_EQ(o.pidfile, "/x/p.pid");
  EXPECT_EQ(o.vrrp_pidfile, "/x/r.pid");
  EXPECT_EQ(o.checkers_pidfile, "/x/c.pid");
  EXPECT_EQ(o.bfd_pidfile, "/x/b.pid");
  EXPECT_EQ(o.net_namespace, "ns1");
  EXPECT_EQ(o.config_id, "lb1");
  EXPECT_EQ(o.snmp_agent_socket, "/x/agentx");
  EXPECT_EQ(o.log_facility, LOG_LOCAL3);
  ASSERT_TRUE(o.umask.has_value());
  EXPECT_EQ(*o.umask, 077u);
  EXPECT_TRUE(o.warnings.empty());
}

TEST(DaemonOptions, LongOptionsWithEqualsAndSeparateArgument) {
  auto r = parse({"--use-file=/a.conf", "--pid", "/p", "--vrrp_pid=/r", "--log-facility=user",
                  "--namespace=blue", "--config-id", "id7", "--umask=0x3f"});
  ASSERT_EQ(r.action, Action::run) << r.err;
  EXPECT_EQ(r.options.config_file, "/a.conf");
  EXPECT_EQ(r.options.pidfile, "/p");
  EXPECT_EQ(r.options.vrrp_pidfile, "/r");
  EXPECT_EQ(r.options.log_facility, LOG_USER);
  EXPECT_EQ(r.options.net_namespace, "blue");
  EXPECT_EQ(r.options.config_id, "id7");
  EXPECT_EQ(*r.options.umask, 0x3fu);
}

TEST(DaemonOptions, LogFacilityForms) {
  EXPECT_EQ(parse_log_facility("0"), LOG_LOCAL0);
  EXPECT_EQ(parse_log_facility("7"), LOG_LOCAL7);
  EXPECT_EQ(parse_log_facility("local5"), LOG_LOCAL5);
  EXPECT_EQ(parse_log_facility("daemon"), LOG_DAEMON);
  EXPECT_EQ(parse_log_facility("user"), LOG_USER);
  EXPECT_FALSE(parse_log_facility("8"));
  EXPECT_FALSE(parse_log_facility("local8"));
  EXPECT_FALSE(parse_log_facility("kern"));
}

TEST(DaemonOptions, BadFacilityAndUmaskAreWarningsLikeKeepalived) {
  auto r = parse({"-S", "9", "-u", "abc"});
  ASSERT_EQ(r.action, Action::run);
  EXPECT_EQ(r.options.log_facility, LOG_DAEMON);
  EXPECT_FALSE(r.options.umask.has_value());
  ASSERT_EQ(r.options.warnings.size(), 2u);
  EXPECT_EQ(r.options.warnings[0], "Invalid log facility '9'");
  EXPECT_EQ(r.options.warnings[1], "Invalid --umask option abc");
}

// -t/--config-test takes its LOG_FILE only when attached.
TEST(DaemonOptions, ConfigTestOptionalArgumentForms) {
  auto bare = parse({"-t"});
  EXPECT_TRUE(bare.options.config_test);
  EXPECT_EQ(bare.options.config_test_log, "");

  auto attached = parse({"-t/tmp/log"});
  EXPECT_TRUE(attached.options.config_test);
  EXPECT_EQ(attached.options.config_test_log, "/tmp/log");

  auto separate = parse({"-t", "/tmp/log"});
  EXPECT_TRUE(separate.options.config_test);
  EXPECT_EQ(separate.options.config_test_log, "");
  EXPECT_EQ(separate.options.unexpected_args, std::vector<std::string>{"/tmp/log"});

  auto long_eq = parse({"--config-test=/tmp/l2"});
  EXPECT_EQ(long_eq.options.config_test_log, "/tmp/l2");

  auto long_bare = parse({"--config-test", "/tmp/l3"});
  EXPECT_TRUE(long_bare.options.config_test);
  EXPECT_EQ(long_bare.options.config_test_log, "");
  EXPECT_EQ(long_bare.options.unexpected_args, std::vector<std::string>{"/tmp/l3"});

  // In a cluster, the rest of the cluster is -t's argument.
  auto cluster = parse({"-nt/x"});
  EXPECT_TRUE(cluster.options.dont_fork);
  EXPECT_EQ(cluster.options.config_test_log, "/x");
}

TEST(DaemonOptions, OtherOptionalArguments) {
  auto r = parse({"-g", "-M"});
  ASSERT_TRUE(r.options.log_file && r.options.core_dump_pattern);
  EXPECT_EQ(*r.options.log_file, "");
  EXPECT_EQ(*r.options.core_dump_pattern, "");
  auto r2 = parse({"-g/var/log/k.log", "--core-dump-pattern=pat", "--debug=DE"});
  EXPECT_EQ(*r2.options.log_file, "/var/log/k.log");
  EXPECT_EQ(*r2.options.core_dump_pattern, "pat");
  EXPECT_EQ(r2.options.debug, std::vector<std::string>{"DE"});
}

TEST(DaemonOptions, PermutationCollectsStrayArguments) {
  auto r = parse({"stray1", "-n", "stray2", "-f", "/c", "stray3"});
  ASSERT_EQ(r.action, Action::run);
  EXPECT_TRUE(r.options.dont_fork);
  EXPECT_EQ(r.options.config_file, "/c");
  EXPECT_EQ(r.options.unexpected_args, (std::vector<std::string>{"stray1", "stray2", "stray3"}));
}

TEST(DaemonOptions, DoubleDashEndsOptions) {
  auto r = parse({"-n", "--", "-l"});
  EXPECT_TRUE(r.options.dont_fork);
  EXPECT_FALSE(r.options.log_console);
  EXPECT_EQ(r.options.unexpected_args, std::vector<std::string>{"-l"});
}

TEST(DaemonOptions, LongOptionAbbreviation) {
  auto r = parse({"--dont-f", "--log-con", "--use=/abbr.conf", "--dump"});
  ASSERT_EQ(r.action, Action::run) << r.err;
  EXPECT_TRUE(r.options.dont_fork);
  EXPECT_TRUE(r.options.log_console);
  EXPECT_TRUE(r.options.dump_conf);
  EXPECT_EQ(r.options.config_file, "/abbr.conf");
}

TEST(DaemonOptions, AmbiguousAbbreviationIsUnknown) {
  auto r = parse({"--v"});  // --vrrp, --vrrp_pid, --version
  EXPECT_EQ(r.action, Action::exit);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Unknown option --v\n");
}

TEST(DaemonOptions, UnknownShortOption) {
  auto r = parse({"-Z"});
  EXPECT_EQ(r.action, Action::exit);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Unknown option -Z\n");
  // Inside a cluster, after a long option: still the letter.
  auto r2 = parse({"--vrrp", "-Zl"});
  EXPECT_EQ(r2.err, "Unknown option -Z\n");
}

TEST(DaemonOptions, UnknownLongOption) {
  auto r = parse({"--foo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Unknown option --foo\n");
}

TEST(DaemonOptions, ArgumentToFlagIsUnknownOptionLikeKeepalived) {
  auto r = parse({"--dump-conf=3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Unknown option --dump-conf=3\n");
}

TEST(DaemonOptions, MissingParameter) {
  auto r = parse({"-f"});
  EXPECT_EQ(r.action, Action::exit);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Missing parameter for option -f\n");
  EXPECT_EQ(parse({"-n", "-S"}).err, "Missing parameter for option -S\n");
  EXPECT_EQ(parse({"--use-file"}).err, "Missing parameter for option --use-file\n");
  EXPECT_EQ(parse({"--pid"}).err, "Missing parameter for option --pid\n");
  EXPECT_EQ(parse({"--sig"}).err, "Missing parameter for option --signum\n");
}

TEST(DaemonOptions, SignumPrintsKeepalivedNumbers) {
  const std::pair<const char*, int> cases[] = {
      {"STOP", 15}, {"RELOAD", 1}, {"DATA", 10}, {"STATS", 12},
      {"STATS_CLEAR", SIGRTMAX - 1}, {"JSON", SIGRTMIN + 2}};
  for (auto [name, num] : cases) {
    auto r = parse({std::string("--signum=") + name});
    EXPECT_EQ(r.action, Action::signum) << name;
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, std::to_string(num) + "\n") << name;
  }
  // glibc's values, which exporters hard-code.
  EXPECT_EQ(parse({"--signum=JSON"}).out, "36\n");
  EXPECT_EQ(parse({"--signum=STATS_CLEAR"}).out, "63\n");
  EXPECT_EQ(parse({"--signum", "DATA"}).out, "10\n");
}

TEST(DaemonOptions, SignumUnknownName) {
  auto r = parse({"--signum=TDUMP"});
  EXPECT_EQ(r.action, Action::exit);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Unknown sigfunc TDUMP\n");
  EXPECT_TRUE(r.out.empty());
}

TEST(DaemonOptions, VersionFirstLineIsVigil) {
  for (const char* opt : {"-v", "--version", "--vers"}) {
    auto r = parse({opt});
    EXPECT_EQ(r.action, Action::version) << opt;
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(r.out.empty());  // -v goes to stderr only
    const std::string first = r.err.substr(0, r.err.find('\n'));
    EXPECT_TRUE(first.starts_with("vigil v")) << first;
    EXPECT_NE(r.err.find("\ncompatible with Keepalived v2.2.7 (01/16,2022)\n"), std::string::npos);
    EXPECT_NE(r.err.find("--enable-json"), std::string::npos);
  }
}

TEST(DaemonOptions, VersionFirstLineIsKeepalivedWhenInvokedAsKeepalived) {
  // Neutron and the exporters run `keepalived -v` and parse the first line's second word.
  for (const char* argv0 : {"keepalived", "/usr/sbin/keepalived"}) {
    const std::vector<std::string> args{argv0, "-v"};
    auto r = parse_command_line(args);
    EXPECT_EQ(r.action, Action::version) << argv0;
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')), "Keepalived v2.2.7 (01/16,2022)") << argv0;
    EXPECT_NE(r.err.find("\nvigil v"), std::string::npos);
  }
  EXPECT_FALSE(invoked_as_keepalived("/usr/sbin/keepalived-old"));
  EXPECT_FALSE(invoked_as_keepalived("vigild"));
}

TEST(DaemonOptions, Help) {
  auto r = parse({"-h"});
  EXPECT_EQ(r.action, Action::help);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.err.starts_with("Usage: vigild [OPTION...]\n"));
  EXPECT_NE(r.err.find("--config-test[=LOG_FILE]"), std::string::npos);
}

TEST(DaemonOptions, ParsingTwiceIsIndependent) {
  auto a = parse({"-n", "-f", "/a"});
  auto b = parse({"-l"});
  EXPECT_TRUE(a.options.dont_fork);
  EXPECT_FALSE(b.options.dont_fork);
  EXPECT_EQ(b.options.config_file, "/etc/keepalived/keepalived.conf");
}

}  // namespace
}  // namespace vigil::daemon
