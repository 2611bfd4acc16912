// Corpus tests (cfgparse): every real-world keepalived.conf in /work/shared/configs/corpus.
//  - files not tagged template/malformed: no error except the listed ones, each of which keepalived
//    2.2.7 also reports for that file (see config_keepalived_diff_test for the exit codes);
//  - malformed files: the error (or keepalived's warning) at the right line;
//  - the model of 20 files (names, VRIDs, interfaces, priorities, VIPs, scripts, peers);
//  - round trip: parse → print_conf → parse gives the same JSON dump, for every non-template file.
// No Environment is given (interfaces/scripts/users are not checked here): those depend on the
// host and are covered by the differential test.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/check.h"
#include "config/dump.h"

namespace vigil::config {
namespace {

const std::string kCorpus = VIGIL_CORPUS_DIR;

struct CorpusFile {
  std::string nnn, tags, file;
  bool tagged(std::string_view t) const { return (" " + tags + " ").find(" " + std::string(t) + " ") != std::string::npos; }
};

std::string trim(std::string s) {
  auto a = s.find_first_not_of(" `");
  auto b = s.find_last_not_of(" `");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The primary files and their tags, from SOURCES.md's table.
std::vector<CorpusFile> corpus() {
  std::ifstream in(kCorpus + "/SOURCES.md");
  std::vector<CorpusFile> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 6 || line.rfind("| ", 0) != 0 || !std::isdigit(static_cast<unsigned char>(line[2])))
      continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '|')) cols.push_back(trim(c));
    if (cols.size() < 7) continue;
    out.push_back({cols[1], cols[5], cols[6]});
  }
  return out;
}

// 009 and 020–045 were written for keepalived's maintainer's two-namespace rig: run with -i low.
std::string config_id(const std::string& nnn) {
  int n = std::stoi(nnn);
  return (n == 9 || (n >= 20 && n <= 45)) ? "low" : "vigil-test";
}

CheckResult run(const CorpusFile& f, std::string id = "") {
  CheckOptions o;
  o.preprocess.config_id = id.empty() ? config_id(f.nnn) : id;
  return check_config(kCorpus + "/" + f.file, o);
}

struct Expected {
  std::string nnn;
  std::uint32_t line;
  std::string fragment;
};

// Errors vigil reports on files that are not tagged malformed. Each one is also reported by
// keepalived 2.2.7 -t for the same file and line (it counts them as config errors: exit 5/6).
const std::vector<Expected> kExpectedErrors = {
    {"013", 4, R"(Unknown keyword 'lvs_id')"},
    {"013", 7, R"(Unknown keyword 'static_route')"},
    {"042", 20, R"(Unknown keyword 'email_faults')"},
    {"046", 9, R"(Unknown keyword 'garp_master_delay')"},
    {"051", 9, R"(Unknown keyword 'lvs_id')"},
    {"004", 30, R"("or" for routes is deprecated)"},
    {"004", 32, R"("gw" for routes is deprecated)"},
    {"004", 29, R"(cannot track a route)"},
    {"004", 30, R"(cannot track a route)"},
    {"004", 31, R"(cannot track a route)"},
    {"004", 32, R"(cannot track a route)"},
    {"007", 25, R"(cannot track a route)"},
    {"010", 31, R"(cannot track a route)"},
    {"013", 29, R"(cannot track a route)"},
    {"014", 14, R"(incompatible with AH)"},
    {"017", 20, R"(State MASTER must match being address owner)"},
    {"017", 26, R"(Strict mode does not support authentication)"},
    {"025", 66, R"(since own interface)"},
    {"027", 48, R"(since own interface)"},
    {"027", 75, R"(since own interface)"},
    {"027", 102, R"(since own interface)"},
    {"027", 128, R"(since own interface)"},
    {"027", 154, R"(since own interface)"},
    {"028", 41, R"(since own interface)"},
    {"028", 88, R"(Rule has no preference)"},
    {"028", 89, R"(Rule has no preference)"},
    {"028", 90, R"(Rule has no preference)"},
    {"028", 91, R"(Rule has no preference)"},
    {"028", 92, R"(Rule has no preference)"},
    {"029", 51, R"(cannot track a route)"},
    {"029", 52, R"(cannot track a route)"},
    {"029", 53, R"(cannot track a route)"},
    {"029", 54, R"(cannot track a route)"},
    {"034", 129, R"(No VIP specified)"},
    {"035", 6, R"(SECURITY VIOLATION)"},
    {"036", 56, R"(not found, ignoring)"},
    {"036", 57, R"(not found, ignoring)"},
    {"037", 66, R"(auth_pass is longer than 8)"},
    {"037", 119, R"(auth_pass is longer than 8)"},
    {"037", 172, R"(auth_pass is longer than 8)"},
    {"037", 47, R"(has only 1 virtual router)"},
    {"037", 100, R"(has only 1 virtual router)"},
    {"037", 153, R"(has only 1 virtual router)"},
    {"038", 26, R"(Rule has no preference)"},
    {"038", 22, R"(cannot track a route)"},
    {"039", 41, R"(State MASTER must match being address owner)"},
    {"040", 13, R"(No VIP specified)"},
    {"044", 100, R"(SECURITY VIOLATION)"},
    {"045", 66, R"(nopreempt will not work)"},
    {"045", 112, R"(nopreempt will not work)"},
    {"048", 1, R"(SECURITY VIOLATION)"},
    {"051", 12, R"(has only 1 virtual router)"},
    {"052", 14, R"(unknown unicast_peer option)"},
    {"052", 14, R"(unknown unicast_peer option)"},
    {"054", 21, R"(No VIP specified)"},
    {"055", 30, R"(auth_pass is longer than 8)"},
    {"055", 23, R"(since own interface)"},
    {"056", 46, R"(auth_pass is longer than 8)"},
    {"061", 14, R"('lvs_sync_daemon_interface' is deprecated)"},
    {"061", 36, R"('lvs_sync_daemon_interface' is deprecated)"},
    {"061", 21, R"(nopreempt will not work)"},
    {"063", 10, R"(auth_pass is longer than 8)"},
    {"066", 16, R"(has only 1 virtual router)"},
    {"067", 34, R"(auth_pass is longer than 8)"},
    {"067", 36, R"('lvs_sync_daemon_interface' is deprecated)"},
    {"067", 37, R"(nopreempt will not work)"},
    {"070", 20, R"(auth_pass is longer than 8)"},
    {"071", 32, R"(auth_pass is longer than 8)"},
    {"071", 2, R"(SECURITY VIOLATION)"},
    {"080", 24, R"(auth_pass is longer than 8)"},
    {"083", 7, R"(unknown authentication type 'PASS;')"},
    {"084", 15, R"(auth_pass is longer than 8)"},
    // Checker side (checker_side.h): the values keepalived's -t counts as config errors.
    {"041", 59, R"(persistence_timeout 0: must be a number in [1, 2678400])"},
    {"044", 1091, R"(SECURITY VIOLATION - check scripts)"},
    {"053", 27, R"(quorum 0: must be a number in [1, 4294967295])"},
    {"068", 32, R"(persistence_timeout 0)"},
    {"068", 67, R"(persistence_timeout 0)"},
    {"068", 102, R"(persistence_timeout 0)"},
    {"068", 137, R"(persistence_timeout 0)"},
    {"068", 172, R"(persistence_timeout 0)"},
    {"073", 9, R"(unknown routing method 'FNAT' for lb_kind)"},
    {"074", 10, R"(persistence_timeout 0)"},
    {"063", 18, R"(no forwarding method set)"},
};

TEST(Corpus, SourcesTableIsRead) {
  auto files = corpus();
  EXPECT_EQ(files.size(), 93u);
  EXPECT_TRUE(files.at(4).tagged("malformed"));  // 005
}

TEST(Corpus, WellFormedFilesHaveOnlyTheErrorsKeepalivedAlsoReports) {
  for (const CorpusFile& f : corpus()) {
    if (f.tagged("template") || f.tagged("malformed")) continue;
    SCOPED_TRACE(f.file);
    CheckResult r = run(f);
    std::vector<const Expected*> want;
    for (const Expected& e : kExpectedErrors)
      if (e.nnn == f.nnn) want.push_back(&e);
    std::vector<bool> seen(want.size());
    for (const Diagnostic& d : r.diagnostics) {
      // Unknown keywords are warnings (the daemon runs) that -t counts: listed like errors.
      if (d.severity == Severity::warning && d.kind != DiagKind::counted_warning) continue;
      bool listed = false;
      for (std::size_t i = 0; i < want.size(); ++i) {
        if (!seen[i] && d.loc.line == want[i]->line &&
            d.message.find(want[i]->fragment) != std::string::npos) {
          seen[i] = listed = true;
          break;
        }
      }
      EXPECT_TRUE(listed) << "unexpected: " << d.str();
    }
    for (std::size_t i = 0; i < want.size(); ++i)
      EXPECT_TRUE(seen[i]) << "missing at line " << want[i]->line << ": " << want[i]->fragment;
  }
}

TEST(Corpus, WarningsAreOnlyForWhatVigilDeliberatelyDoesNotDo) {
  // Allowed warning kinds on well-formed files: features vigil does not implement (SNMP,
  // e-mail, DBus, checker/LVS/BFD), missing includes, a missing script_user.
  const std::vector<std::string> allowed = {"not implemented by vigil",
                                            "checker/LVS/BFD side", "include",
                                            "Error setting global script uid/gid"};
  for (const CorpusFile& f : corpus()) {
    if (f.tagged("template") || f.tagged("malformed")) continue;
    CheckResult r = run(f);
    for (const Diagnostic& d : r.diagnostics) {
      if (d.severity != Severity::warning || d.kind == DiagKind::counted_warning) continue;
      bool ok = false;
      for (const auto& a : allowed) ok = ok || d.message.find(a) != std::string::npos;
      EXPECT_TRUE(ok) << f.file << ": " << d.str();
    }
  }
}

// An unknown keyword is a warning (vigild runs, as keepalived does) that -t counts as an error
// (exit 5, as keepalived's -t): DiagKind::counted_warning. Every malformed file fails -t.
TEST(Corpus, MalformedFilesAreReportedAtTheRightLine) {
  struct M { std::string nnn; Severity sev; std::uint32_t line; std::string fragment; };
  const std::vector<M> cases = {
      {"003", Severity::warning, 4, "Unknown keyword 'VI_2' in vrrp_sync_group"},
      {"003", Severity::error, 3, "Sync group VG1 has no virtual router(s)"},
      {"005", Severity::error, 11, "invalid rule address '192.168.100./24'"},
      {"033", Severity::warning, 3, "Unknown keyword 'alternatives'"},
      {"047", Severity::warning, 19, "Unknown keyword 'lvs_sync_daemon_inteface'"},
      {"049", Severity::warning, 133, "Unknown keyword 'group'"},
      {"049", Severity::error, 126, "MUST be of the same family"},
      {"050", Severity::error, 33, "invalid priority value"},
      {"079", Severity::error, 16, "unknown state 'SLAVE', defaulting to BACKUP"},
      {"085", Severity::error, 6, "'vrrp_script' is missing its name"},
      {"085", Severity::error, 24, "track script check_script not found"},
      {"088", Severity::warning, 1, "Unknown keyword 'lizx01@22app121p:/etc/keepalived$'"},
  };
  std::map<std::string, CorpusFile> by_nnn;
  for (const CorpusFile& f : corpus()) by_nnn[f.nnn] = f;
  for (const M& m : cases) {
    SCOPED_TRACE(m.nnn);
    ASSERT_TRUE(by_nnn.count(m.nnn));
    EXPECT_TRUE(by_nnn[m.nnn].tagged("malformed"));
    CheckResult r = run(by_nnn[m.nnn]);
    bool found = false;
    for (const Diagnostic& d : r.diagnostics)
      found = found || (d.severity == m.sev && d.loc.line == m.line &&
                        d.message.find(m.fragment) != std::string::npos);
    EXPECT_TRUE(found) << m.fragment;
    EXPECT_NE(r.exit_code, 0);
  }
}

struct InstanceExpect {
  std::string nnn, name;
  int vrid;
  std::string ifname;
  int priority;
  std::string state;
  int version;
  std::vector<std::string> first_vips;  // address/prefix of the first VIPs
  std::size_t nvips;
  std::vector<std::string> scripts;  // track_script names
  std::vector<std::string> peers;
};

std::string vip(const AddressLine& a) { return a.addr.to_string() + "/" + std::to_string(a.prefix); }

TEST(Corpus, ModelOfTwentyFiles) {
  const std::vector<InstanceExpect> cases = {
      {"001", "VI_1", 51, "eth0", 100, "MASTER", 2, {"192.168.200.16/32", "192.168.200.17/32"}, 4, {}, {}},
      {"001", "VI_2", 50, "eth0", 50, "BACKUP", 2, {"192.168.200.13/32"}, 3, {}, {}},
      {"002", "VI_1", 51, "eth0", 100, "MASTER", 2, {"192.168.200.18/25"}, 1,
       {"chk_sshd", "chk_haproxy", "chk_http_port", "chk_https_port", "chk_smtp_port"}, {}},
      {"006", "VI_2", 52, "eth0", 150, "MASTER", 2, {"192.168.200.100/27"}, 1, {}, {}},
      {"008", "VI_3", 53, "eth0", 100, "BACKUP", 2, {"192.168.200.19/27"}, 1, {}, {}},
      {"018", "VI_1", 127, "eth0", 100, "BACKUP", 2, {"10.247.254.2/32"}, 1, {}, {}},
      {"019", "VI_1", 253, "enp1s0", 220, "BACKUP", 3, {"192.168.122.201/32", "192.168.122.202/32"}, 2, {}, {}},
      {"020", "VI_eth1", 2, "eth1", 100, "BACKUP", 2, {"10.94.20.89/32", "82.94.225.89/24"}, 2, {}, {}},
      {"025", "VR_13", 13, "ha-f64d319f-ed", 50, "BACKUP", 2, {"169.254.0.13/24"}, 1, {"ha_health_check_13"}, {}},
      {"026", "LAN", 50, "eth2", 100, "BACKUP", 3, {"10.2.2.100/32"}, 1, {}, {}},
      {"027", "vip_17.113.112.68", 109, "eth1", 100, "BACKUP", 3, {"17.113.112.68/32"}, 1,
       {"node_health_check"}, {"17.113.112.66", "17.113.112.67"}},
      {"030", "instance1", 150, "eth0", 50, "BACKUP", 3, {"fe80::1234/128"}, 1, {}, {}},
      {"031", "VI_2", 43, "eth0", 80, "BACKUP", 3, {"2001:470:69dd:200::10/128"}, 1,
       {"check_mysqld"}, {"2001:470:69dd:200::1"}},
      {"046", "pvt_a", 62, "ens7f1.57", 150, "BACKUP", 2, {"172.16.57.7/24"}, 1, {}, {}},
      {"052", "VI_1", 21, "eth0", 150, "BACKUP", 2, {"192.168.0.10/32"}, 1, {}, {"192.168.0.11"}},
      {"054", "VI_1", 53, "eth0", 100, "BACKUP", 2, {}, 0, {"chk_run"}, {"172.16.6.167"}},
      {"065", "aii_siu_ha", 51, "ens33", 90, "BACKUP", 2, {"10.10.10.18/32"}, 1,
       {"check_application", "check_retry"}, {"10.10.10.14"}},
      {"069", "VI_1", 51, "ens3", 10, "BACKUP", 2, {"192.168.210.20/32"}, 1, {"chk_haproxy"},
       {"192.168.210.5", "192.168.210.24"}},
      {"072", "MAIN", 3, "eth0", 190, "BACKUP", 2, {"192.168.2.1/21"}, 1, {}, {"192.168.0.61"}},
      {"083", "VI_K8S_MASTER", 51, "eth0", 255, "MASTER", 2, {"192.168.1.100/32"}, 1, {}, {}},
      {"086", "VI_1", 33, "eth0@if5", 200, "MASTER", 3, {"10.10.5.100/32"}, 1, {"chk_nginx_service"}, {}},
      {"087", "pbx_cloud", 105, "ens19", 101, "MASTER", 2, {"192.168.10.10/25", "172.16.30.15/24"}, 2,
       {"chk_sip"}, {"172.16.30.14"}},
  };
  std::map<std::string, CorpusFile> by_nnn;
  for (const CorpusFile& f : corpus()) by_nnn[f.nnn] = f;
  for (const InstanceExpect& e : cases) {
    SCOPED_TRACE(e.nnn + " " + e.name);
    CheckResult r = run(by_nnn.at(e.nnn));
    const VrrpInstance* vi = r.config->find_instance(e.name);
    ASSERT_NE(vi, nullptr);
    EXPECT_EQ(vi->virtual_router_id->value, e.vrid);
    EXPECT_EQ(vi->interface.value, e.ifname);
    EXPECT_EQ(vi->priority->value, e.priority);
    EXPECT_EQ(vi->state.value == InitialState::master ? "MASTER" : "BACKUP", e.state);
    EXPECT_EQ(vi->version.value == Version::v2 ? 2 : 3, e.version);
    ASSERT_EQ(vi->virtual_ipaddress.size(), e.nvips);
    for (std::size_t i = 0; i < e.first_vips.size(); ++i)
      EXPECT_EQ(vip(vi->virtual_ipaddress[i]), e.first_vips[i]);
    std::vector<std::string> scripts, peers;
    for (const TrackRef& t : vi->track_script) scripts.push_back(t.name);
    for (const UnicastPeer& p : vi->unicast_peer) peers.push_back(p.addr.to_string());
    EXPECT_EQ(scripts, e.scripts);
    EXPECT_EQ(peers, e.peers);
  }
  // Sync groups and instance counts.
  auto r008 = run(by_nnn.at("008"));
  ASSERT_EQ(r008.config->sync_groups.size(), 2u);
  EXPECT_EQ(r008.config->sync_groups[1].group, (std::vector<std::string>{"VI_3", "VI_4"}));
  EXPECT_EQ(r008.config->vrrp_instances.size(), 9u);
  auto r012 = run(by_nnn.at("012"));  // LVS only
  EXPECT_TRUE(r012.config->vrrp_instances.empty());
  EXPECT_FALSE(r012.config->unsupported_blocks.empty());
}

TEST(Corpus, RoundTripPrintThenParseGivesTheSameModel) {
  for (const CorpusFile& f : corpus()) {
    if (f.tagged("template")) continue;
    SCOPED_TRACE(f.file);
    CheckResult a = run(f);
    std::string text = print_conf(*a.config);
    CheckOptions o;
    CheckResult b = check_text(text, "printed.conf", o);
    std::string ja = dump_json(*a.config), jb = dump_json(*b.config);
    if (ja == jb) continue;
    // Report the first differing line of the dumps, and the printed text around it.
    std::istringstream sa(ja), sb(jb);
    std::string la, lb;
    int n = 0;
    while (std::getline(sa, la) && std::getline(sb, lb) && la == lb) ++n;
    ADD_FAILURE() << "dumps differ at line " << n + 1 << ":\n  parsed:  " << la
                  << "\n  printed: " << lb << "\nprinted text starts:\n" << text.substr(0, 1500);
    break;  // one report is enough to debug
  }
}

TEST(Corpus, TemplatesNeverCrashAndAreRejected) {
  for (const CorpusFile& f : corpus()) {
    if (!f.tagged("template")) continue;
    CheckResult r = run(f);
    EXPECT_NE(r.exit_code, 0) << f.file;
  }
}

}  // namespace
}  // namespace vigil::config
