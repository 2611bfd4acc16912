#include "daemon/config_loader.h"

#include <net/if.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <fmt/format.h>

#include "config/check.h"
#include "config/dump.h"
#include "daemon/config_test_heap.h"

namespace vigil::daemon {

namespace {

int whole_seconds(std::chrono::microseconds d) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

// keepalived's VIP text: `10.9.9.9/24 dev eth0 scope global`.
std::string vip_text(const config::AddressLine& a, const std::string& instance_if) {
  std::string scope = "global";
  if (a.scope) {
    switch (*a.scope) {
      case config::Scope::global: scope = "global"; break;
      case config::Scope::site: scope = "site"; break;
      case config::Scope::link: scope = "link"; break;
      case config::Scope::host: scope = "host"; break;
      case config::Scope::nowhere: scope = "nowhere"; break;
    }
  }
  return fmt::format("{}/{} dev {} scope {}", a.addr.to_string(), a.prefix,
                     a.dev.empty() ? instance_if : a.dev, scope);
}

InstanceConfig digest(const config::VrrpInstance& in) {
  InstanceConfig c;
  c.name = in.name;
  c.vrid = in.virtual_router_id->value;
  c.interface = *in.interface;
  c.unicast = !in.unicast_peer.empty();
  c.wanted = *in.state == config::InitialState::master ? VrrpState::master : VrrpState::backup;
  c.priority = in.priority->value;
  c.version = static_cast<int>(*in.version);
  c.advert_int = *in.advert_int;
  c.accept = *in.accept;
  c.nopreempt = *in.nopreempt;
  c.preempt_delay = *in.preempt_delay;
  c.promote_secondaries = *in.promote_secondaries;
  c.garp_delay_s = whole_seconds(*in.garp_master_delay);
  c.garp_repeat = static_cast<int>(*in.garp_master_repeat);
  c.garp_refresh_s = whole_seconds(*in.garp_master_refresh);
  c.garp_refresh_repeat = static_cast<int>(*in.garp_master_refresh_repeat);
  c.garp_lower_prio_delay_s = whole_seconds(*in.garp_lower_prio_delay);
  c.garp_lower_prio_repeat = static_cast<int>(*in.garp_lower_prio_repeat);
  c.down_timer_adverts = static_cast<int>(*in.down_timer_adverts);
  c.lower_prio_no_advert = *in.lower_prio_no_advert;
  c.higher_prio_send_advert = *in.higher_prio_send_advert;
  c.dont_track_primary = *in.dont_track_primary;
  c.skip_check_adv_addr = *in.skip_check_adv_addr;
  c.strict_mode = *in.strict_mode;
  c.auth_type = static_cast<int>(*in.auth_type);
  for (const auto& a : in.virtual_ipaddress) {
    c.vips.push_back(vip_text(a, c.interface));
    if (!a.addr.is_v4()) c.ipv6 = true;
  }
  for (const auto& a : in.virtual_ipaddress_excluded) c.evips.push_back(vip_text(a, c.interface));
  return c;
}

// `keyword [ARG…]` kept verbatim in global_defs (config/keywords_global.cc accepts these without
// acting on them; the daemon does).
const config::RawStatement* global_raw(const config::Config& cfg, std::string_view keyword) {
  const config::RawStatement* found = nullptr;
  for (const auto& r : cfg.global_defs.ignored) {
    if (!r.words.empty() && r.words.front() == keyword) found = &r;  // the last one wins
  }
  return found;
}

std::string raw_arg(const config::RawStatement* r) {
  return r != nullptr && r->words.size() > 1 ? r->words[1] : std::string();
}

// keepalived's true/false words for optional boolean arguments; no argument = true.
bool raw_flag(const config::RawStatement* r) {
  if (r == nullptr) return false;
  if (r->words.size() < 2) return true;
  const std::string& v = r->words[1];
  return !(v == "false" || v == "no" || v == "off" || v == "0");
}

ProcessSettings settings_of(const config::Config& cfg) {
  ProcessSettings p;
  p.net_namespace = *cfg.net_namespace;
  p.instance = *cfg.instance;
  p.use_pid_dir = *cfg.use_pid_dir;
  p.state_dump_file = raw_arg(global_raw(cfg, "state_dump_file"));
  p.stats_dump_file = raw_arg(global_raw(cfg, "stats_dump_file"));
  p.json_dump_file = raw_arg(global_raw(cfg, "json_dump_file"));
  p.data_use_instance = raw_flag(global_raw(cfg, "data_use_instance"));
  if (const auto* r = global_raw(cfg, "reload_check_config")) {
    p.reload_check_config = true;
    p.reload_check_log = raw_arg(r);
  }
  return p;
}

RunConfig digest(const config::Config& cfg) {
  RunConfig rc;
  rc.router_id = *cfg.global_defs.router_id;
  rc.child_wait_time = std::chrono::duration_cast<std::chrono::milliseconds>(*cfg.child_wait_time);
  rc.json_version = static_cast<int>(*cfg.global_defs.json_version);
  rc.settings = settings_of(cfg);
  rc.instances.reserve(cfg.vrrp_instances.size());
  for (const auto& in : cfg.vrrp_instances) rc.instances.push_back(digest(in));
  rc.has_instances = !rc.instances.empty();
  return rc;
}

config::CheckOptions check_options(const Options& o) {
  config::CheckOptions opts;
  if (!o.config_id.empty()) opts.preprocess.config_id = o.config_id;
  if (o.all_config) opts.preprocess.include_check = config::kIncludeAll;
  // Host facts for the rules (src/config itself makes no syscalls). Interface answers are
  // memoized per check: a large config names the same few interfaces thousands of times, and
  // each if_nametoindex() is three syscalls (10,000 VIPs: 40 ms of `-t`).
  auto known = std::make_shared<std::map<std::string, bool, std::less<>>>();
  opts.env.interface_exists = [known](std::string_view name) {
    if (auto it = known->find(name); it != known->end()) return it->second;
    const bool ok = ::if_nametoindex(std::string(name).c_str()) != 0;
    known->emplace(std::string(name), ok);
    return ok;
  };
  opts.env.script_usable = [](std::string_view path) {
    const std::string p(path);
    return p.find('/') == std::string::npos || ::access(p.c_str(), X_OK) == 0;
  };
  opts.env.user_exists = [](std::string_view user) {
    return ::getpwnam(std::string(user).c_str()) != nullptr;
  };
  return opts;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class CheckedConfigLoader final : public ConfigLoader {
 public:
  explicit CheckedConfigLoader(const Options& o) : options_(o) {}

  LoadResult load(const std::string& path, std::shared_ptr<const FileTexts> snapshot) override {
    return read(path, /*digest=*/true, std::move(snapshot));
  }
  // `-t`: the verdict and messages only — no RunConfig (its VIP texts alone cost more than the
  // whole check on a large file).
  LoadResult test(const std::string& path) { return read(path, /*digest=*/false, {}); }

 private:
  LoadResult read(const std::string& path, bool want_digest, std::shared_ptr<const FileTexts> snapshot) {
    LoadResult r;
    if (!file_exists(path) && !(snapshot && snapshot->contains(path))) {
      r.missing = true;
      r.test_exit_code = 4;
      r.messages.push_back(fmt::format("Config files missing '{}'.", path));
      return r;
    }
    // Fresh host facts (and interface cache) for every load: interfaces change between reloads.
    config::CheckOptions opts = check_options(options_);
    FileTexts files;
    if (want_digest) {
      opts.preprocess.read_from = snapshot;
      opts.preprocess.record_into = &files;
    }
    auto checked = config::check_config(path, opts);
    for (const auto& d : checked.diagnostics) r.messages.push_back(d.str());
    r.test_exit_code = checked.exit_code;
    if (checked.config) r.settings = settings_of(*checked.config);
    // vigil runs a configuration only if it has no error (CheckResult::runnable): warnings are
    // fine — even an unknown keyword, which -t counts (code 5) but keepalived runs with — and
    // so are scripts configured without script security (code 6, keepalived runs them too).
    // Other code-5 errors ("keepalived would correct and run") are refused — stricter than
    // keepalived, see docs/compat.md.
    if (want_digest && checked.runnable && checked.config) {
      r.config = digest(*checked.config);
      r.config->model = checked.config;
      r.config->files = std::make_shared<const FileTexts>(std::move(files));
    }
    return r;
  }

  Options options_;
};

}  // namespace

std::unique_ptr<ConfigLoader> make_config_loader(const Options& options) {
  return std::make_unique<CheckedConfigLoader>(options);
}

int run_config_test(const Options& options) {
  FILE* out = stderr;
  FILE* opened = nullptr;
  if (!options.config_test_log.empty()) {
    opened = std::fopen(options.config_test_log.c_str(), "we");
    if (opened == nullptr) {
      std::fprintf(stderr, "Unable to open config-test log file %s %d - %s\n",
                   options.config_test_log.c_str(), errno, std::strerror(errno));
      return 1;
    }
    out = opened;
  }
  prepare_heap_for_config_test(options.config_file);  // large files: huge pages for the model
  CheckedConfigLoader loader(options);
  const LoadResult r = loader.test(options.config_file);
  for (const auto& m : r.messages) std::fprintf(out, "%s\n", m.c_str());
  if (opened != nullptr) std::fclose(opened);
  return r.test_exit_code;
}

std::optional<std::string> dump_config_json(const Options& options, std::string& why_not) {
  if (!file_exists(options.config_file)) {
    why_not = fmt::format("Config files missing '{}'.", options.config_file);
    return std::nullopt;
  }
  auto checked = config::check_config(options.config_file, check_options(options));
  if (!checked.config) {
    why_not = "configuration could not be parsed";
    return std::nullopt;
  }
  return config::dump_json(*checked.config);
}

}  // namespace vigil::daemon
