// Differential test: for every primary corpus file, `keepalived -t -f FILE -i ID` (Debian's
// keepalived 2.2.7, the ground truth) and vigil's check_config give the same exit code (0 ok,
// 2 missing parameter, 4 fatal, 5 config error, 6 script security), not only valid / invalid.
//
// Method. keepalived -t checks that the interfaces a config names exist, so it runs inside a
// network namespace this test creates (name carries our pid, always deleted) that holds exactly
// the interfaces vigil's parse of the file names (instance interface, track_interface, VIP/route
// devices). The links are bridges: this kernel has no dummy module, and a bridge is an ordinary
// multicast-capable link, which is all keepalived looks at. vigil is given the same facts
// through its Environment: an interface exists iff the test created it; scripts and users are
// looked up on this host exactly as keepalived does (same file system, same passwd).
// Files with `net_namespace NAME` make keepalived -t switch to namespace NAME (and silently
// return 0 when it does not exist), so for those the test also creates NAME (only if absent)
// with the same links, and deletes it afterwards.
// Only processes this test starts are run, via `ip netns exec`; nothing is killed by name.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/config/host_env.h"
#include "config/check.h"

namespace vigil::config {
namespace {

const std::string kCorpus = VIGIL_CORPUS_DIR;
const char* kKeepalived = "/usr/sbin/keepalived";

int sh(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

struct Netns {
  std::string name;
  bool created = false;
  explicit Netns(std::string n) : name(std::move(n)) {
    created = sh("ip netns add " + name + " 2>/dev/null") == 0;
  }
  ~Netns() {
    if (created) sh("ip netns del " + name + " 2>/dev/null");
  }
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  void add_link(const std::string& ifname) {
    sh("ip -n " + name + " link add '" + ifname + "' type bridge 2>/dev/null");
    sh("ip -n " + name + " link set '" + ifname + "' up 2>/dev/null");
  }
};

bool valid_ifname(const std::string& n) {
  if (n.empty() || n.size() > 15 || n == "lo") return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

// The links a config expects to exist. VMAC names are left out: keepalived creates those
// itself (and refuses an existing non-macvlan link of that name).
std::set<std::string> interfaces_of(const Config& c) {
  std::set<std::string> vmacs, out;
  for (const VrrpInstance& vi : c.vrrp_instances)
    if (vi.use_vmac.value) vmacs.insert(vi.vmac_name.value);
  auto add = [&](const std::string& n) {
    if (valid_ifname(n) && !vmacs.count(n)) out.insert(n);
  };
  for (const VrrpInstance& vi : c.vrrp_instances) {
    add(vi.interface.value);
    for (const TrackRef& t : vi.track_interface) add(t.name);
    for (const auto* l : {&vi.virtual_ipaddress, &vi.virtual_ipaddress_excluded})
      for (const AddressLine& a : *l) add(a.dev);
    for (const RouteLine& r : vi.virtual_routes) {
      add(r.dev);
      for (const Nexthop& n : r.nexthops) add(n.dev);
    }
  }
  for (const AddressLine& a : c.static_ipaddress) add(a.dev);
  for (const RouteLine& r : c.static_routes) add(r.dev);
  for (const SyncGroup& g : c.sync_groups)
    for (const TrackRef& t : g.track_interface) add(t.name);
  return out;
}

struct CorpusFile {
  std::string nnn, tags, file;
};

std::vector<CorpusFile> corpus() {
  std::ifstream in(kCorpus + "/SOURCES.md");
  std::vector<CorpusFile> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0 || line.size() < 6 || !std::isdigit(static_cast<unsigned char>(line[2])))
      continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '|')) {
      auto a = c.find_first_not_of(" `"), b = c.find_last_not_of(" `");
      cols.push_back(a == std::string::npos ? "" : c.substr(a, b - a + 1));
    }
    if (cols.size() >= 7) out.push_back({cols[1], cols[5], cols[6]});
  }
  return out;
}

// 009 and 020–045 were written for a two-namespace rig: run them as both nodes (-i low and
// -i high). Other files get an id no `@` line uses.
std::vector<std::string> config_ids(const std::string& nnn) {
  int n = std::stoi(nnn);
  if (n == 9 || (n >= 20 && n <= 45)) return {"low", "high"};
  return {"vigil-test"};
}

// Files where vigil's exit code may differ from keepalived's, and why. Each is checked to still
// differ, so the list cannot go stale. Empty: every corpus file agrees exactly (the checker-side
// values keepalived counts are checked by checker_side.h; "missing a parameter" gives 2).
const std::map<std::string, std::string> kKnownDivergences = {};

TEST(KeepalivedDiff, ExitCodeAgreesOnTheCorpus) {
  if (geteuid() != 0 || access(kKeepalived, X_OK) != 0 || sh("ip netns list >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs root, ip netns and " << kKeepalived;
  int same = 0, same_class = 0, total = 0;
  std::string summary;
  for (const CorpusFile& f : corpus()) {
    for (const std::string& id : config_ids(f.nnn)) {
      SCOPED_TRACE(f.file + " -i " + id);
      const std::string path = kCorpus + "/" + f.file;
      CheckOptions plain;
      plain.preprocess.config_id = id;
      CheckResult parsed = check_config(path, plain);
      std::set<std::string> ifs = interfaces_of(*parsed.config);

      Netns ns("vigil-cfgp-" + std::to_string(getpid()));
      ASSERT_TRUE(ns.created);
      for (const auto& i : ifs) ns.add_link(i);
      std::vector<std::unique_ptr<Netns>> named;
      const std::string& want_ns = parsed.config->net_namespace.value;
      if (!want_ns.empty() && valid_ifname(want_ns) &&
          !std::filesystem::exists("/var/run/netns/" + want_ns)) {
        named.push_back(std::make_unique<Netns>(want_ns));
        for (const auto& i : ifs) named.back()->add_link(i);
      }
      int k = sh("ip netns exec " + ns.name + " " + kKeepalived + " -t -f '" + path + "' -i " +
                 id + " >/dev/null 2>&1");

      CheckOptions opts = plain;
      opts.env = host_environment();
      opts.env.interface_exists = [&](std::string_view n) { return ifs.count(std::string(n)) > 0; };
      const CheckResult checked = check_config(path, opts);
      const int v = checked.exit_code;
      std::string vigil_says;  // shown when the codes differ
      for (std::size_t i = 0; i < checked.diagnostics.size() && i < 8; ++i)
        vigil_says += "\n  " + checked.diagnostics[i].str();

      ++total;
      same += k == v;
      same_class += (k == 0) == (v == 0);
      const bool agree = k == v;
      summary += f.nnn + (id == "high" ? "h" : "") + ":" + std::to_string(k) + "/" +
                 std::to_string(v) + " ";
      if (auto it = kKnownDivergences.find(f.nnn); it != kKnownDivergences.end()) {
        EXPECT_FALSE(agree) << "known divergence no longer diverges, remove it: " << it->second;
        continue;
      }
      EXPECT_EQ(k, v) << "keepalived -t exit " << k << ", vigil " << v << vigil_says;
    }
  }
  std::printf("keepalived/vigil exit codes: %s\nsame code %d/%d, same class %d/%d\n",
              summary.c_str(), same, total, same_class, total);
  EXPECT_EQ(total, 93 + 27);  // 27 files are run as both nodes
}

// One rule at a time: small configs, each checked against keepalived -t the same way. These
// pin the severities (keepalived 2.2.7 counts most corrections as config errors, exit 5).
TEST(KeepalivedDiff, RuleSnippetsAgree) {
  if (geteuid() != 0 || access(kKeepalived, X_OK) != 0 || sh("ip netns list >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs root, ip netns and " << kKeepalived;
  const std::string b = "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
                        " virtual_ipaddress {\n 10.0.0.1\n }\n";
  struct Case {
    const char* name;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"valid", b + "}\n"},
      {"unknown keyword", b + " frob 1\n}\n"},
      {"unknown state", b + " state SLAVE\n}\n"},
      {"bad priority", b + " priority 256\n}\n"},
      {"missing vrid", "vrrp_instance A {\n interface eth0\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n"},
      {"no vip", "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n}\n"},
      {"duplicate vrid", b + "}\nvrrp_instance B {\n interface eth0\n virtual_router_id 1\n"
                             " virtual_ipaddress {\n 10.0.0.2\n }\n}\n"},
      {"duplicate name", b + "}\n" + b + "}\n"},
      {"nopreempt master", b + " state MASTER\n nopreempt\n}\n"},
      {"nopreempt delay", b + " nopreempt\n preempt_delay 5\n}\n"},
      {"v2 advert rounding", b + " advert_int 1.5\n}\n"},
      {"v3 advert rounding", b + " version 3\n advert_int 0.015\n}\n"},
      {"v3 auth", b + " version 3\n authentication {\n auth_type PASS\n auth_pass x\n }\n}\n"},
      {"pass without password", b + " authentication {\n auth_type PASS\n }\n}\n"},
      {"long password", b + " authentication {\n auth_type PASS\n auth_pass 123456789\n }\n}\n"},
      {"mcast dst", b + " mcast_dst_ip 10.1.1.1\n}\n"},
      {"owner weight", b + " priority 255\n track_interface {\n eth1 weight 10\n }\n}\n"},
      {"own interface", b + " track_interface {\n eth0\n }\n}\n"},
      {"missing script", b + " track_script {\n nosuch\n }\n}\n"},
      {"v6 version 2", "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n version 2\n"
                       " virtual_ipaddress {\n fe80::1\n }\n}\n"},
      {"v6 scope", "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
                   " virtual_ipaddress {\n fe80::1 scope link\n }\n}\n"},
      {"strict master", "global_defs {\n vrrp_strict\n}\n" + b + " state MASTER\n priority 100\n}\n"},
      {"strict accept", "global_defs {\n vrrp_strict\n}\n" + b + " accept\n}\n"},
      {"strict v6 not link-local", "global_defs {\n vrrp_strict\n}\nvrrp_instance A {\n"
                                   " interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n"
                                   " 2001:db8::1\n }\n}\n"},
      {"sync group one member", b + "}\nvrrp_sync_group G {\n group {\n A\n }\n}\n"},
      {"sync group weight", b + " track_interface {\n eth1 weight 10\n }\n}\n"
                                "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
                                " virtual_ipaddress {\n 10.0.0.2\n }\n}\n"
                                "vrrp_sync_group G {\n group {\n A\n B\n }\n}\n"},
      {"rule without preference", b + " virtual_rules {\n from 1.1.1.1 table 5\n }\n}\n"},
      {"route without dev", b + " virtual_routes {\n 1.2.3.0/24 via 10.0.0.254\n }\n}\n"},
      {"missing interface", "vrrp_instance A {\n interface eth7\n virtual_router_id 1\n"
                            " virtual_ipaddress {\n 10.0.0.1\n }\n}\n"},
      {"extra brace", b + "}\n}\n"},
      // Missing values: keepalived stops reading (exit 2) for most keywords, and only counts a
      // config error (exit 5) for the few marked soft in the parser.
      {"missing priority", b + " priority\n}\n"},
      {"missing state", b + " state\n}\n"},
      {"missing auth_type", b + " authentication {\n auth_type\n }\n}\n"},
      {"missing notify_master", b + " notify_master\n}\n"},
      {"nameless vrrp_script", "vrrp_script {\n script /bin/true\n}\n" + b + "}\n"},
      {"nameless track_file", "vrrp_track_file {\n file /tmp/x\n}\n" + b + "}\n"},
      {"nameless sync group", "vrrp_sync_group {\n group {\n A\n }\n}\n" + b + "}\n"},
      {"nameless track_group", "track_group {\n group {\n A\n }\n}\n" + b + "}\n"},
      {"nameless instance", "vrrp_instance {\n interface eth0\n}\n"},
      {"missing net_namespace", "net_namespace\n" + b + "}\n"},
      {"missing child_wait_time", "child_wait_time\n" + b + "}\n"},
      {"missing router_id", "global_defs {\n router_id\n}\n" + b + "}\n"},
      {"missing script_user", "global_defs {\n script_user\n}\n" + b + "}\n"},
      {"missing notify_fifo", "global_defs {\n notify_fifo\n}\n" + b + "}\n"},
      {"missing vrrp_version", "global_defs {\n vrrp_version\n}\n" + b + "}\n"},
      {"missing script", "vrrp_script x {\n script\n}\n" + b + "}\n"},
      {"missing interval", "vrrp_script x {\n script /bin/true\n interval\n}\n" + b + "}\n"},
      {"keyword with braces, no value", b + " interface { eth0 }\n}\n"},
      // Scripts with no vrrp_instance never run: no script-security verdict.
      {"scripts without instance", "vrrp_script chk {\n script \"/usr/bin/true\"\n}\n"},
      {"unused script", "vrrp_script chk {\n script \"/usr/bin/true\"\n}\n" + b + "}\n"},
      // Checker side (checker_side.h): the values keepalived counts, and its check scripts.
      {"persistence_timeout 0", b + "}\nvirtual_server 10.0.0.1 80 {\n persistence_timeout 0\n}\n"},
      {"quorum 0", b + "}\nvirtual_server 10.0.0.1 80 {\n quorum 0\n}\n"},
      {"lb_kind FNAT", b + "}\nvirtual_server 10.0.0.1 80 {\n lb_kind FNAT\n}\n"},
      {"lb_kind lower case", b + "}\nvirtual_server 10.0.0.1 80 {\n lb_kind nat\n}\n"},
      {"valid virtual_server", b + "}\nvirtual_server 10.0.0.1 80 {\n lb_kind DR\n"
                               " persistence_timeout 50\n quorum 1\n real_server 10.0.0.2 80 {\n"
                               " weight 1\n TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n"},
      {"virtual_server without address", b + "}\nvirtual_server {\n}\n"},
      {"check script as root", b + "}\nvirtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n"
                               " MISC_CHECK {\n misc_path \"/usr/bin/true\"\n }\n }\n}\n"},
      {"quorum_up script as root", b + "}\nvirtual_server 10.0.0.1 80 {\n"
                                   " quorum_up \"/usr/bin/true\"\n}\n"},
      {"missing check script", b + "}\nvirtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n"
                               " MISC_CHECK {\n misc_path \"/nonexistent/x\"\n }\n }\n}\n"},
  };
  Netns ns("vigil-cfgs-" + std::to_string(getpid()));
  ASSERT_TRUE(ns.created);
  ns.add_link("eth0");
  ns.add_link("eth1");
  const std::set<std::string> ifs = {"eth0", "eth1"};
  const std::string file = "/tmp/vigil-cfgs-" + std::to_string(getpid()) + ".conf";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    { std::ofstream(file) << c.text; }
    int k = sh("ip netns exec " + ns.name + " " + kKeepalived + " -t -f " + file +
               " >/dev/null 2>&1");
    CheckOptions opts;
    opts.env = host_environment();
    opts.env.interface_exists = [&](std::string_view n) { return ifs.count(std::string(n)) > 0; };
    int v = check_config(file, opts).exit_code;
    EXPECT_EQ(k, v) << c.text;
  }
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace vigil::config
