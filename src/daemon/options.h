// daemon/options.h — vigild's command line, compatible with keepalived's (reference §1.6).
//
// parse_command_line() is pure apart from getopt_long's own state, which it resets: it turns argv
// into an Options value or into a "print this and exit with that code" outcome (help, version,
// --signum, unknown option, missing parameter). main() acts on the outcome; nothing here prints.
//
// Parsing follows getopt_long itself (GNU semantics): arguments are permuted, long options may
// be abbreviated to any unambiguous prefix, and options with an optional argument (-t, -g, -M)
// take it only when attached (`-tFILE`, `--config-test=FILE`). Messages match keepalived 2.2.7:
// `Unknown option -x` / `Unknown option --xyz` and exit 1; `Missing parameter for option -x`
// and exit 1 (keepalived 2.2.7 prints `--X` for a long option here; we print the option's real
// name — see docs/compat.md). Stray arguments are collected, not fatal
// (`Unexpected argument(s): …`, printed by the caller).
//
//   auto r = vigil::daemon::parse_command_line(args);
//   if (r.action != Action::run) { print r.out / r.err; return r.exit_code; }
#pragma once

#include <sys/types.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::daemon {

inline constexpr std::string_view kDefaultConfigFile = "/etc/keepalived/keepalived.conf";
inline constexpr std::string_view kDefaultPidfile = "/run/keepalived.pid";
inline constexpr std::string_view kDefaultVrrpPidfile = "/run/vrrp.pid";
inline constexpr std::string_view kDefaultCheckersPidfile = "/run/checkers.pid";
inline constexpr std::string_view kDefaultBfdPidfile = "/run/bfd.pid";

struct Options {
  std::string config_file{kDefaultConfigFile};  // -f
  std::string pidfile{kDefaultPidfile};          // -p
  std::string vrrp_pidfile{kDefaultVrrpPidfile};  // -r
  std::string checkers_pidfile{kDefaultCheckersPidfile};  // -c (accepted; vigil runs no checker)
  std::string bfd_pidfile{kDefaultBfdPidfile};            // -b (accepted; vigil runs no BFD)
  bool pidfile_given = false;       // -p was on the command line (beats instance/namespace names)
  bool vrrp_pidfile_given = false;  // -r likewise

  bool vrrp_only = false;        // -P
  bool check_only = false;       // -C (vigil has no checker: nothing to run)
  bool no_bfd = false;           // -B
  bool all_children = false;     // --all

  bool log_console = false;      // -l
  int log_detail = 0;            // -D, counted
  int log_facility;              // -S; syslog facility value (LOG_DAEMON by default)
  bool no_syslog = false;        // -G
  std::optional<std::string> log_file;  // -g[FILE]; "" = the default <tmp>/keepalived.log
  bool flush_log_file = false;   // --flush-log-file

  std::optional<mode_t> umask;   // -u MASK (numeric; octal with a leading 0, like strtol base 0)
  bool release_vips = false;     // -X
  bool dont_release_vrrp = false;  // -V
  bool dont_release_ipvs = false;  // -I
  bool dont_respawn = false;     // -R
  bool dont_fork = false;        // -n
  bool dump_conf = false;        // -d
  bool address_monitoring = false;  // -a
  bool snmp = false;             // -x
  std::string snmp_agent_socket; // -A
  std::string net_namespace;     // -s
  bool core_dump = false;        // -m
  std::optional<std::string> core_dump_pattern;  // -M[PAT] ("" = keepalived's default "core")
  bool all_config = false;       // -e
  std::string config_id;         // -i ("" = hostname up to the first dot)
  bool config_test = false;      // -t[LOG]
  std::string config_test_log;   // "" = stderr
  bool ignore_sigint = false;    // --ignore-sigint
  std::vector<std::string> debug;  // --debug[=LETTERS] (accepted, ignored)

  std::vector<std::string> unexpected_args;  // stray non-option arguments
  std::vector<std::string> warnings;         // non-fatal problems (bad -S/-u value…)

  Options();
};

enum class Action { run, help, version, signum, exit };

struct ParseResult {
  Action action = Action::run;
  Options options;
  std::string out;    // text for stdout (--signum)
  std::string err;    // text for stderr (help, version, errors), newline-terminated
  int exit_code = 0;  // for every action but run
};

// `args` is the full argv including argv[0].
ParseResult parse_command_line(std::span<const std::string> args);

// keepalived's `-S` values: 0-7 (= local0-7), local0-7, user, daemon. nullopt if invalid.
std::optional<int> parse_log_facility(std::string_view text);

// The text of `vigild --help` (keepalived's layout, vigil's program name).
std::string usage_text(std::string_view program);

}  // namespace vigil::daemon
