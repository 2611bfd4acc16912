#include "runtime/tracking.h"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/notify_setup.h"

namespace vigil::runtime {

using track::Health;
using track::TrackedKind;
using track::TrackedRef;

Trackers::Trackers(event::Loop& loop, track::Spawner* spawner, track::LogFn log, OnChange on_change)
    : loop_(loop), spawner_(spawner), log_(std::move(log)), on_change_(std::move(on_change)) {}

Trackers::~Trackers() = default;

void Trackers::configure(const config::Config& cfg, net::Netlink& nl) {
  nl_ = &nl;
  configure_scripts(cfg);
  configure_files(cfg);
  configure_processes(cfg);
  // Interfaces: re-read the link state of every one the new config names (refs_of adds them).
  for (auto& i : interfaces_) {
    auto link = nl.get_link(i.name);
    i.ifindex = link ? link->ifindex : 0;
    i.up = link && link->oper_up();
  }
}

void Trackers::start() {
  started_ = true;
  if (scripts_) scripts_->start();
  if (processes_) processes_->start();
}

namespace {

std::string script_definition(const config::VrrpScript& vs) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}", *vs.script, vs.interval->count(),
                     vs.timeout->count(), *vs.rise, *vs.fall, *vs.init_fail, *vs.user, *vs.group);
}

}  // namespace

void Trackers::configure_scripts(const config::Config& cfg) {
  if (cfg.vrrp_scripts.empty() && !scripts_) return;
  if (spawner_ == nullptr) return;
  auto log_error = [this](std::string_view m) { if (log_) log_(event::Severity::error, m); };
  const bool fresh_runner = !scripts_;
  if (!scripts_) {
    scripts_ = std::make_unique<track::ScriptRunner>(
        loop_, *spawner_, log_, [this](std::size_t i, Health) { on_change_(TrackedKind::script, i); },
        track::ScriptSecurityOptions{.check = true, .enabled = *cfg.global_defs.enable_script_security});
  }
  std::map<std::string, ScriptSlot, std::less<>> next;
  for (const auto& vs : cfg.vrrp_scripts) {
    if (vs.disabled) continue;
    std::string def = script_definition(vs);
    if (auto it = script_by_name_.find(vs.name); it != script_by_name_.end() && it->second.definition == def) {
      next.emplace(vs.name, std::move(it->second));  // unchanged: keeps running, keeps its state
      script_by_name_.erase(it);
      continue;
    }
    auto creds = script_credentials(cfg, *vs.user, *vs.group, log_error);
    if (!creds) continue;
    track::ScriptConfig sc{.name = vs.name,
                           .command = *vs.script,
                           .interval = *vs.interval,
                           .counting = {.rise = *vs.rise, .fall = *vs.fall, .init_fail = *vs.init_fail},
                           .creds = std::move(*creds)};
    if (vs.timeout->count() > 0) sc.timeout = *vs.timeout;
    auto added = scripts_->add(std::move(sc));  // runs at once when the runner has started
    if (added) next.emplace(vs.name, ScriptSlot{.index = *added, .definition = std::move(def)});
  }
  for (auto& [name, slot] : script_by_name_) scripts_->retire(slot.index);  // removed or changed
  script_by_name_ = std::move(next);
  if (fresh_runner && started_) scripts_->start();  // the first scripts came with a reload
}

void Trackers::configure_files(const config::Config& cfg) {
  files_.reset();
  file_by_name_.clear();
  if (cfg.track_files.empty()) return;
  try {
    files_ = std::make_unique<track::TrackFileWatcher>(
        loop_, log_, [this](std::size_t i, std::int64_t) { on_change_(TrackedKind::file, i); });
  } catch (const std::exception& e) {
    if (log_) log_(event::Severity::error, fmt::format("track_file cannot be watched: {}", e.what()));
    return;
  }
  for (const auto& tf : cfg.track_files) {
    auto added = files_->add(track::TrackFileConfig{.name = tf.name,
                                                    .path = *tf.file,
                                                    .init_file = *tf.init_file,
                                                    .init_value = *tf.init_value,
                                                    .init_overwrite = *tf.init_overwrite});
    if (added) file_by_name_.emplace(tf.name, *added);
  }
}

void Trackers::configure_processes(const config::Config& cfg) {
  processes_.reset();
  process_by_name_.clear();
  if (cfg.track_processes.empty()) return;
  processes_ = std::make_unique<track::ProcessTracker>(
      loop_, log_, [this](std::size_t i, Health) { on_change_(TrackedKind::process, i); });
  for (const auto& tp : cfg.track_processes) {
    auto ns = [](const vrrp::Duration& d) { return std::chrono::duration_cast<std::chrono::nanoseconds>(d); };
    track::TrackProcessConfig pc{.name = tp.name,
                                 .process = *tp.process,
                                 .args = *tp.args,
                                 .param_match = static_cast<track::ParamMatch>(*tp.param_match),
                                 .full_command = *tp.full_command,
                                 .quorum = *tp.quorum,
                                 .quorum_max = *tp.quorum_max,
                                 .fork_delay = ns(*tp.delay),
                                 .terminate_delay = ns(*tp.delay)};
    if (tp.fork_delay.is_set) pc.fork_delay = ns(*tp.fork_delay);
    if (tp.terminate_delay.is_set) pc.terminate_delay = ns(*tp.terminate_delay);
    process_by_name_.emplace(tp.name, processes_->add(std::move(pc)));
  }
  if (started_) processes_->start();
}

std::size_t Trackers::interface_index(const std::string& name, net::Netlink* nl) {
  for (std::size_t i = 0; i < interfaces_.size(); ++i) {
    if (interfaces_[i].name == name) return i;
  }
  TrackedInterface ti{.name = name};
  if (nl != nullptr) {
    if (auto link = nl->get_link(name)) {
      ti.ifindex = link->ifindex;
      ti.up = link->oper_up();
    }
  }
  interfaces_.push_back(std::move(ti));
  return interfaces_.size() - 1;
}

bool Trackers::on_link(int ifindex, bool up) {
  bool changed = false;
  for (std::size_t i = 0; i < interfaces_.size(); ++i) {
    TrackedInterface& ti = interfaces_[i];
    if (ti.ifindex == 0 && nl_ != nullptr) {  // not there before: maybe this is it, created
      if (auto link = nl_->get_link(ti.name); link && link->ifindex == ifindex) ti.ifindex = ifindex;
    }
    if (ti.ifindex != ifindex || ti.up == up) continue;
    ti.up = up;
    changed = true;
    on_change_(TrackedKind::interface, i);
  }
  return changed;
}

std::vector<TrackedRef> Trackers::refs_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                          const std::function<void(std::string_view)>& log_warning) {
  const config::SyncGroup* group = nullptr;
  for (const auto& g : cfg.sync_groups) {
    if (std::find(g.group.begin(), g.group.end(), vi.name) != g.group.end()) group = &g;
  }
  // Without sync_group_tracking_weight a member's trackers may not weigh (reference §4.5).
  const bool weightless = group != nullptr && !*group->sync_group_tracking_weight;
  std::vector<TrackedRef> out;
  auto add_lists = [&](const std::vector<config::TrackRef>& ifs, const std::vector<config::TrackRef>& scripts,
                       const std::vector<config::TrackRef>& files, const std::vector<config::TrackRef>& procs) {
    for (const auto& r : ifs) {
      out.push_back(TrackedRef{.kind = TrackedKind::interface,
                               .index = interface_index(r.name, nl_),
                               .weight = weightless ? 0 : r.weight.value_or(0),
                               .reverse = r.reverse});
    }
    for (const auto& r : scripts) {
      auto it = script_by_name_.find(r.name);
      const config::VrrpScript* vs = cfg.find_script(r.name);
      if (it == script_by_name_.end() || vs == nullptr) continue;
      const std::int64_t w = r.weight.value_or(*vs->weight);
      if (weightless && !r.weight && w != 0) {
        log_warning(fmt::format("({}) is in sync group {}: tracked script {} has a weight - "
                                "not tracked (add sync_group_tracking_weight to the group)",
                                vi.name, group->name, r.name));
        continue;
      }
      out.push_back(TrackedRef{.kind = TrackedKind::script, .index = it->second.index, .weight = w,
                               .reverse = r.reverse || *vs->weight_reverse});
    }
    for (const auto& r : files) {
      auto it = file_by_name_.find(r.name);
      auto tf = std::find_if(cfg.track_files.begin(), cfg.track_files.end(),
                             [&](const config::TrackFile& f) { return f.name == r.name; });
      if (it == file_by_name_.end() || tf == cfg.track_files.end()) continue;
      out.push_back(TrackedRef{.kind = TrackedKind::file, .index = it->second,
                               .weight = weightless ? 0 : r.weight.value_or(*tf->weight),
                               .reverse = r.reverse || *tf->weight_reverse});
    }
    for (const auto& r : procs) {
      auto it = process_by_name_.find(r.name);
      auto tp = std::find_if(cfg.track_processes.begin(), cfg.track_processes.end(),
                             [&](const config::TrackProcess& p) { return p.name == r.name; });
      if (it == process_by_name_.end() || tp == cfg.track_processes.end()) continue;
      const std::int64_t w = r.weight.value_or(*tp->weight);
      if (weightless && !r.weight && w != 0) {
        log_warning(fmt::format("({}) is in sync group {}: tracked process {} has a weight - "
                                "not tracked (add sync_group_tracking_weight to the group)",
                                vi.name, group->name, r.name));
        continue;
      }
      out.push_back(TrackedRef{.kind = TrackedKind::process, .index = it->second, .weight = w,
                               .reverse = r.reverse || *tp->weight_reverse});
    }
  };
  add_lists(vi.track_interface, vi.track_script, vi.track_file, vi.track_process);
  if (group != nullptr) {
    add_lists(group->track_interface, group->track_script, group->track_file, group->track_process);
  }
  return out;
}

Health Trackers::interface_health(std::size_t i) const {
  return interfaces_.at(i).up ? Health::up : Health::down;
}

Health Trackers::script_health(std::size_t i) const {
  return scripts_ ? scripts_->health(i) : Health::unknown;
}

Health Trackers::process_health(std::size_t i) const {
  return processes_ ? processes_->health(i) : Health::unknown;
}

std::int64_t Trackers::file_value(std::size_t i) const { return files_ ? files_->value(i) : 0; }

}  // namespace vigil::runtime
