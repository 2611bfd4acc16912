#include "daemon/options.h"

#include <getopt.h>
#include <syslog.h>

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>

#include "daemon/signal_names.h"
#include "daemon/version_text.h"

namespace vigil::daemon {

Options::Options() : log_facility(LOG_DAEMON) {}

namespace {

// Values returned by getopt_long for long-only options (above any char).
enum LongOnly : int {
  kOptAll = 256,
  kOptFlushLogFile,
  kOptSignum,
  kOptIgnoreSigint,
  kOptDebug,
  kOptNoMemCheck,
};

// Leading ':' = report a missing argument as ':' (not '?') and print nothing ourselves.
// Optional arguments (`::`) are -g, -M, -t, as in keepalived.
constexpr const char* kShortOptions = ":vhlndDRS:f:p:PCBXVIu:g::Gr:c:b:as:mM::ei:t::xA:";

const option kLongOptions[] = {
    {"use-file", required_argument, nullptr, 'f'},
    {"vrrp", no_argument, nullptr, 'P'},
    {"check", no_argument, nullptr, 'C'},
    {"no_bfd", no_argument, nullptr, 'B'},
    {"all", no_argument, nullptr, kOptAll},
    {"log-console", no_argument, nullptr, 'l'},
    {"log-detail", no_argument, nullptr, 'D'},
    {"log-facility", required_argument, nullptr, 'S'},
    {"log-file", optional_argument, nullptr, 'g'},
    {"flush-log-file", no_argument, nullptr, kOptFlushLogFile},
    {"no-syslog", no_argument, nullptr, 'G'},
    {"umask", required_argument, nullptr, 'u'},
    {"release-vips", no_argument, nullptr, 'X'},
    {"dont-release-vrrp", no_argument, nullptr, 'V'},
    {"dont-release-ipvs", no_argument, nullptr, 'I'},
    {"dont-respawn", no_argument, nullptr, 'R'},
    {"dont-fork", no_argument, nullptr, 'n'},
    {"dump-conf", no_argument, nullptr, 'd'},
    {"pid", required_argument, nullptr, 'p'},
    {"vrrp_pid", required_argument, nullptr, 'r'},
    {"checkers_pid", required_argument, nullptr, 'c'},
    {"bfd_pid", required_argument, nullptr, 'b'},
    {"address-monitoring", no_argument, nullptr, 'a'},
    {"snmp", no_argument, nullptr, 'x'},
    {"snmp-agent-socket", required_argument, nullptr, 'A'},
    {"namespace", required_argument, nullptr, 's'},
    {"core-dump", no_argument, nullptr, 'm'},
    {"core-dump-pattern", optional_argument, nullptr, 'M'},
    {"all-config", no_argument, nullptr, 'e'},
    {"config-id", required_argument, nullptr, 'i'},
    {"signum", required_argument, nullptr, kOptSignum},
    {"config-test", optional_argument, nullptr, 't'},
    {"ignore-sigint", no_argument, nullptr, kOptIgnoreSigint},
    {"debug", optional_argument, nullptr, kOptDebug},
    {"no-mem-check", no_argument, nullptr, kOptNoMemCheck},
    {"version", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {nullptr, 0, nullptr, 0},
};

// The long name for a getopt value, for "Missing parameter for option --name".
const char* long_name_for(int val) {
  for (const option* o = kLongOptions; o->name != nullptr; ++o) {
    if (o->val == val) return o->name;
  }
  return "?";
}

// strtol base 0, like keepalived's -u: "077" is octal, "0x3f" hex, "63" decimal.
std::optional<mode_t> parse_umask(const char* text) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 0);
  if (errno != 0 || end == text || *end != '\0' || v < 0 || v > 0777) return std::nullopt;
  return static_cast<mode_t>(v);
}

ParseResult exit_with(std::string err, int code) {
  ParseResult r;
  r.action = Action::exit;
  r.err = std::move(err);
  r.exit_code = code;
  return r;
}

}  // namespace

std::optional<int> parse_log_facility(std::string_view text) {
  static constexpr int kLocal[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                   LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
  if (text == "user") return LOG_USER;
  if (text == "daemon") return LOG_DAEMON;
  if (text.starts_with("local")) text.remove_prefix(5);
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '7') return kLocal[text[0] - '0'];
  return std::nullopt;
}

ParseResult parse_command_line(std::span<const std::string> args) {
  // getopt_long permutes its argv: give it a private, writable copy.
  std::vector<std::string> storage(args.begin(), args.end());
  if (storage.empty()) storage.emplace_back("vigild");
  std::vector<char*> argv;
  argv.reserve(storage.size() + 1);
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(storage.size());

  ParseResult result;
  Options& o = result.options;
  optind = 0;  // 0 = full re-initialisation in glibc (also resets the permutation state)
  opterr = 0;

  for (;;) {
    int long_index = -1;
    const int c = getopt_long(argc, argv.data(), kShortOptions, kLongOptions, &long_index);
    if (c == -1) break;
    switch (c) {
      case 'v': {
        ParseResult r;
        r.action = Action::version;
        r.err = version_text(invoked_as_keepalived(storage.front()));
        return r;
      }
      case 'h': {
        ParseResult r;
        r.action = Action::help;
        r.err = usage_text(storage.front());
        return r;
      }
      case kOptSignum: {
        auto n = signal_number_for(optarg);
        if (!n) return exit_with(fmt::format("Unknown sigfunc {}\n", optarg), 1);
        ParseResult r;
        r.action = Action::signum;
        r.out = fmt::format("{}\n", *n);
        return r;
      }
      case 'f': o.config_file = optarg; break;
      case 'p': o.pidfile = optarg; o.pidfile_given = true; break;
      case 'r': o.vrrp_pidfile = optarg; o.vrrp_pidfile_given = true; break;
      case 'c': o.checkers_pidfile = optarg; break;
      case 'b': o.bfd_pidfile = optarg; break;
      case 'P': o.vrrp_only = true; break;
      case 'C': o.check_only = true; break;
      case 'B': o.no_bfd = true; break;
      case kOptAll: o.all_children = true; break;
      case 'l': o.log_console = true; break;
      case 'D': ++o.log_detail; break;
      case 'S':
        if (auto f = parse_log_facility(optarg)) {
          o.log_facility = *f;
        } else {
          o.warnings.push_back(fmt::format("Invalid log facility '{}'", optarg));
        }
        break;
      case 'g': o.log_file = optarg ? optarg : ""; break;
      case kOptFlushLogFile: o.flush_log_file = true; break;
      case 'G': o.no_syslog = true; break;
      case 'u':
        if (auto m = parse_umask(optarg)) {
          o.umask = *m;
        } else {
          o.warnings.push_back(fmt::format("Invalid --umask option {}", optarg));
        }
        break;
      case 'X': o.release_vips = true; break;
      case 'V': o.dont_release_vrrp = true; break;
      case 'I': o.dont_release_ipvs = true; break;
      case 'R': o.dont_respawn = true; break;
      case 'n': o.dont_fork = true; break;
      case 'd': o.dump_conf = true; break;
      case 'a': o.address_monitoring = true; break;
      case 'x': o.snmp = true; break;
      case 'A': o.snmp_agent_socket = optarg; break;
      case 's': o.net_namespace = optarg; break;
      case 'm': o.core_dump = true; break;
      case 'M': o.core_dump_pattern = optarg ? optarg : ""; break;
      case 'e': o.all_config = true; break;
      case 'i': o.config_id = optarg; break;
      case 't':
        o.config_test = true;
        o.config_test_log = optarg ? optarg : "";
        break;
      case kOptIgnoreSigint: o.ignore_sigint = true; break;
      case kOptDebug: o.debug.emplace_back(optarg ? optarg : ""); break;
      case kOptNoMemCheck: break;
      case ':': {
        // Missing argument: optopt is the short letter, or the long option's value. A long
        // option spelled with "--" is reported by its long name, a short one by its letter.
        const char* spelled = argv[static_cast<std::size_t>(optind - 1)];
        const bool as_long = spelled != nullptr && std::string_view(spelled).starts_with("--");
        if (as_long || optopt <= 0 || optopt >= 256) {
          return exit_with(fmt::format("Missing parameter for option --{}\n", long_name_for(optopt)),
                           1);
        }
        return exit_with(fmt::format("Missing parameter for option -{}\n", static_cast<char>(optopt)),
                         1);
      }
      case '?':
      default: {
        // Unknown, ambiguous, or given an argument it does not take. glibc sets optopt to the
        // letter of an unknown short option, to 0 for an unknown/ambiguous long one, and to the
        // option's value for `--dump-conf=3`; a known letter therefore means the long form,
        // whose whole spelling is argv[optind - 1] (keepalived prints `Unknown option --dump-conf=3`).
        const bool known_letter = optopt > 0 && optopt < 256 &&
                                  std::string_view(kShortOptions).find(static_cast<char>(optopt)) !=
                                      std::string_view::npos;
        if (optopt > 0 && optopt < 256 && !known_letter) {
          return exit_with(fmt::format("Unknown option -{}\n", static_cast<char>(optopt)), 1);
        }
        return exit_with(
            fmt::format("Unknown option {}\n", argv[static_cast<std::size_t>(optind - 1)]), 1);
      }
    }
  }
  for (int i = optind; i < argc; ++i) o.unexpected_args.emplace_back(argv[static_cast<std::size_t>(i)]);
  return result;
}

std::string usage_text(std::string_view program) {
  return fmt::format(
      "Usage: {} [OPTION...]\n"
      "  -f, --use-file=FILE          Use the specified configuration file\n"
      "                                default '{}'\n"
      "  -P, --vrrp                   Only run with VRRP subsystem\n"
      "  -C, --check                  Only run with Health-checker subsystem (vigil has none)\n"
      "  -B, --no_bfd                 Don't run BFD subsystem\n"
      "      --all                    Force all child processes to run, even if have no configuration\n"
      "  -l, --log-console            Log messages to local console\n"
      "  -D, --log-detail             Detailed log messages\n"
      "  -S, --log-facility=([0-7]|local[0-7]|user|daemon)\n"
      "                               Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)\n"
      "  -g, --log-file=FILE          Also log to FILE (default <tmp>/keepalived.log)\n"
      "      --flush-log-file         Flush log file on write\n"
      "  -G, --no-syslog              Don't log via syslog\n"
      "  -u, --umask=MASK             umask for file creation (in numeric form)\n"
      "  -X, --release-vips           Drop VIP on transition from signal.\n"
      "  -V, --dont-release-vrrp      Don't remove VRRP VIPs and VROUTEs on daemon stop\n"
      "  -I, --dont-release-ipvs      Don't remove IPVS topology on daemon stop\n"
      "  -R, --dont-respawn           Don't respawn child processes\n"
      "  -n, --dont-fork              Don't fork the daemon process\n"
      "  -d, --dump-conf              Dump the configuration data\n"
      "  -p, --pid=FILE               Use specified pidfile for parent process\n"
      "  -r, --vrrp_pid=FILE          Use specified pidfile for VRRP child process\n"
      "  -c, --checkers_pid=FILE      Use specified pidfile for checkers child process\n"
      "  -a, --address-monitoring     Report all address additions/deletions notified via netlink\n"
      "  -b, --bfd_pid=FILE           Use specified pidfile for BFD child process\n"
      "  -x, --snmp                   Enable SNMP subsystem\n"
      "  -A, --snmp-agent-socket=FILE Use the specified socket for master agent\n"
      "  -s, --namespace=NAME         Run in network namespace NAME (overrides config)\n"
      "  -m, --core-dump              Produce core dump if terminate abnormally\n"
      "  -M, --core-dump-pattern=PATN Also set /proc/sys/kernel/core_pattern to PATN (default 'core')\n"
      "  -e, --all-config             Error if any configuration file missing (same as includet)\n"
      "  -i, --config-id id           Skip any configuration lines beginning '@' that don't match id\n"
      "                                or any lines beginning @^ that do match.\n"
      "                                The config-id defaults to the node name if option not used\n"
      "      --signum=SIGFUNC         Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON\n"
      "  -t, --config-test[=LOG_FILE] Check the configuration for obvious errors, output to\n"
      "                                stderr by default\n"
      "      --ignore-sigint          Don't stop on SIGINT\n"
      "  -v, --version                Display the version number\n"
      "  -h, --help                   Display this help message\n",
      program, kDefaultConfigFile);
}

}  // namespace vigil::daemon
