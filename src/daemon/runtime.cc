#include "daemon/runtime.h"

#include "daemon/dump_format.h"

namespace vigil::daemon {

namespace {

InstanceRecord fresh_record(const InstanceConfig& c, std::chrono::system_clock::time_point now) {
  InstanceRecord r;
  r.config = c;
  r.state = VrrpState::init;  // no engine yet: nothing moves an instance out of INIT
  r.effective_priority = c.priority;
  r.last_transition = now;
  return r;
}

}  // namespace

void ConfigOnlyRuntime::start(RunConfig cfg) {
  config_ = cfg;
  records_.clear();
  const auto now = now_();
  for (const auto& c : cfg.instances) records_.push_back(fresh_record(c, now));
}

void ConfigOnlyRuntime::reload(RunConfig cfg) {
  std::vector<InstanceRecord> next;
  next.reserve(cfg.instances.size());
  const auto now = now_();
  for (const auto& c : cfg.instances) {
    InstanceRecord r = fresh_record(c, now);
    for (auto& old : records_) {
      if (old.config.reload_key() == c.reload_key()) {
        // Same virtual router (maybe renamed): keep its state, history and counters.
        r.state = old.state;
        r.last_transition = old.last_transition;
        r.stats = old.stats;
        break;
      }
    }
    next.push_back(std::move(r));
  }
  config_ = cfg;
  records_ = std::move(next);
}

std::string ConfigOnlyRuntime::dump_data() const { return format_data(config_, records_); }

std::string ConfigOnlyRuntime::dump_stats() const { return format_stats(records_); }

std::optional<std::string> ConfigOnlyRuntime::dump_json() const {
  if (records_.empty()) return std::nullopt;
  return format_json(records_, config_.json_version);
}

void ConfigOnlyRuntime::clear_stats() {
  for (auto& r : records_) r.stats = InstanceStats{};
}

}  // namespace vigil::daemon
