#include "runtime/notify_setup.h"

#include <pwd.h>

#include <fmt/format.h>

namespace vigil::runtime {

namespace {

bool user_exists(const std::string& name) { return ::getpwnam(name.c_str()) != nullptr; }


std::optional<track::NotifyCommand> prepare(const config::Config& cfg, const std::optional<config::Command>& c,
                                            const std::function<void(std::string_view)>& log_error) {
  if (!c) return std::nullopt;
  auto creds = script_credentials(cfg, c->user, c->group, log_error);
  if (!creds) return std::nullopt;
  auto cmd = track::NotifyCommand::prepare(c->cmd, *creds);
  if (!cmd) {
    log_error(fmt::format("notify script '{}': {}", c->cmd, cmd.error().str()));
    return std::nullopt;
  }
  return std::move(*cmd);
}

}  // namespace

std::optional<track::Credentials> script_credentials(const config::Config& cfg, std::string user,
                                                    std::string group,
                                                    const std::function<void(std::string_view)>& log_error) {
  const auto& g = cfg.global_defs;
  if (user.empty() && g.script_user.is_set) {
    user = *g.script_user;
    group = *g.script_group;
  }
  if (user.empty() && user_exists("keepalived_script")) user = "keepalived_script";
  if (user.empty() || user == "root") return track::Credentials{};  // keep our own ids
  auto resolved = track::resolve_credentials(user, group, *g.set_supplementary_groups);
  if (!resolved) {
    log_error(fmt::format("Unable to set uid/gid for user '{}': {}", user, resolved.error().str()));
    return std::nullopt;
  }
  return std::move(*resolved);
}

track::NotifyScripts notify_scripts_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                       const std::function<void(std::string_view)>& log_error) {
  track::NotifyScripts s;
  s.master = prepare(cfg, vi.notify_master, log_error);
  s.backup = prepare(cfg, vi.notify_backup, log_error);
  s.fault = prepare(cfg, vi.notify_fault, log_error);
  s.stop = prepare(cfg, vi.notify_stop, log_error);
  s.deleted = prepare(cfg, vi.notify_deleted, log_error);
  s.generic = prepare(cfg, vi.notify, log_error);
  s.master_rx_lower_pri = prepare(cfg, vi.notify_master_rx_lower_pri, log_error);
  s.priority_changes = *vi.notify_priority_changes || *cfg.global_defs.vrrp_notify_priority_changes;
  return s;
}

bool wants_notifier(const config::Config& cfg) {
  if (cfg.global_defs.notify_fifo || cfg.global_defs.vrrp_notify_fifo) return true;
  for (const auto& vi : cfg.vrrp_instances) {
    if (vi.notify_master || vi.notify_backup || vi.notify_fault || vi.notify_stop || vi.notify_deleted ||
        vi.notify || vi.notify_master_rx_lower_pri) {
      return true;
    }
  }
  for (const auto& g : cfg.sync_groups) {
    if (g.notify_master || g.notify_backup || g.notify_fault || g.notify_stop || g.notify) return true;
  }
  return false;
}

}  // namespace vigil::runtime
