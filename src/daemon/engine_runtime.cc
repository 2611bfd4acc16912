#include "daemon/engine_runtime.h"

#include "daemon/dump_format.h"

#include <string_view>
#include <unordered_map>

namespace vigil::daemon {

namespace {

VrrpState state_of(vrrp::State s) {
  switch (s) {
    case vrrp::State::backup: return VrrpState::backup;
    case vrrp::State::master: return VrrpState::master;
    case vrrp::State::fault: return VrrpState::fault;
    case vrrp::State::init:
    case vrrp::State::stop: return VrrpState::init;
  }
  return VrrpState::init;
}

InstanceStats stats_of(const runtime::InstanceView& v) {
  using vrrp::RxStat;
  InstanceStats s;
  s.advert_rcvd = v.rx[RxStat::adverts_received];
  s.advert_sent = v.tx.adverts_sent;
  s.become_master = v.tx.become_master;
  s.release_master = v.tx.release_master;
  s.packet_len_err = v.rx[RxStat::packet_length_errors];
  s.advert_interval_err = v.rx[RxStat::adv_interval_errors];
  s.ip_ttl_err = v.rx[RxStat::ip_ttl_errors];
  s.invalid_type_rcvd = v.rx[RxStat::invalid_type];
  s.addr_list_err = v.rx[RxStat::address_list_errors];
  s.invalid_authtype = v.rx[RxStat::auth_invalid_type];
  s.authtype_mismatch = v.rx[RxStat::auth_type_mismatch];
  s.auth_failure = v.rx[RxStat::auth_failures];
  s.pri_zero_rcvd = v.rx[RxStat::priority_zero_received];
  s.pri_zero_sent = v.tx.priority_zero_sent;
  return s;
}

}  // namespace

EngineRuntime::EngineRuntime(event::Loop& loop, Logger& log)
    : log_(log), engine_(loop, [&log](vrrp::LogLevel level, std::string_view m) {
        // The engine's text as it is (no copy through a format string); detail lines only with -D.
        switch (level) {
          case vrrp::LogLevel::debug:
            if (log.detail() > 0) log.log(LogLevel::info, m);
            break;
          case vrrp::LogLevel::info: log.log(LogLevel::info, m); break;
          case vrrp::LogLevel::warning: log.log(LogLevel::warning, m); break;
          case vrrp::LogLevel::error: log.log(LogLevel::err, m); break;
        }
      }) {
  engine_.set_debug_logging(log.detail() > 0);
}

void EngineRuntime::start(RunConfig cfg) {
  config_ = std::move(cfg);
  if (!config_.model) {
    log_.error("VRRP engine: no configuration model to run");
    return;
  }
  engine_.start(config_.model);
  config_.model.reset();  // the engine's from now on (it keeps what it still needs of it)
}

void EngineRuntime::reload(RunConfig cfg) {
  config_ = std::move(cfg);
  if (config_.model) engine_.reload(config_.model);
  config_.model.reset();
}

std::vector<InstanceRecord> EngineRuntime::records() const {
  std::vector<InstanceRecord> out;
  out.reserve(config_.instances.size());
  const auto views = engine_.snapshot();
  // By name (the last view of a name wins): a dump of 1,000 instances is not 1,000,000 name
  // comparisons.
  std::unordered_map<std::string_view, const runtime::InstanceView*> by_name;
  by_name.reserve(views.size());
  for (const auto& v : views) by_name.insert_or_assign(v.name, &v);
  for (const auto& c : config_.instances) {
    InstanceRecord r;
    r.config = c;
    r.effective_priority = c.priority;
    if (auto it = by_name.find(c.name); it != by_name.end()) {
      const runtime::InstanceView& v = *it->second;
      r.state = state_of(v.state);
      r.effective_priority = v.effective_priority.value;
      r.vipset = v.state == vrrp::State::master;
      r.master_priority = r.vipset ? v.effective_priority.value : v.master_priority.value;
      r.master_adver_int = v.master_adver_interval;
      r.last_transition = v.last_transition;
      r.stats = stats_of(v);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string EngineRuntime::dump_data() const { return format_data(config_, records()); }

std::string EngineRuntime::dump_stats() const { return format_stats(records()); }

std::optional<std::string> EngineRuntime::dump_json() const {
  if (config_.instances.empty()) return std::nullopt;
  return format_json(records(), config_.json_version);
}

}  // namespace vigil::daemon
