#include "daemon/engine_runtime.h"

#include "daemon/dump_format.h"

#include <string_view>
#include <vector>

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

int whole_seconds(std::chrono::microseconds d) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

// The dump's InstanceConfig (run_config.h), as the loader's digest maps the model entry.
InstanceConfig config_of(const runtime::InstanceView& v) {
  const runtime::InstanceSettings& s = v.settings;
  InstanceConfig c;
  c.name = v.name;
  c.vrid = s.vrid;
  c.interface = s.interface;
  c.wanted = s.want_master ? VrrpState::master : VrrpState::backup;
  c.priority = s.priority;
  c.version = s.version;
  c.advert_int = s.advert_int;
  c.accept = s.accept;
  c.nopreempt = s.nopreempt;
  c.preempt_delay = s.preempt_delay;
  c.promote_secondaries = s.promote_secondaries;
  c.garp_delay_s = whole_seconds(s.garp_delay);
  c.garp_repeat = static_cast<int>(s.garp_repeat);
  c.garp_refresh_s = whole_seconds(s.garp_refresh);
  c.garp_refresh_repeat = static_cast<int>(s.garp_refresh_repeat);
  c.garp_lower_prio_delay_s = whole_seconds(s.garp_lower_prio_delay);
  c.garp_lower_prio_repeat = static_cast<int>(s.garp_lower_prio_repeat);
  c.down_timer_adverts = static_cast<int>(s.down_timer_adverts);
  c.lower_prio_no_advert = s.lower_prio_no_advert;
  c.higher_prio_send_advert = s.higher_prio_send_advert;
  c.dont_track_primary = s.dont_track_primary;
  c.skip_check_adv_addr = s.skip_check_adv_addr;
  c.strict_mode = s.strict_mode;
  c.auth_type = s.auth_type;
  c.vips = s.vips;
  c.evips = s.evips;
  return c;
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

// The instance list the loader digested is not kept: the engine answers the dumps from what it
// runs (runtime/instance_settings.h), ~0.3 KB per instance less in the VRRP child.
void EngineRuntime::take(RunConfig cfg) {
  config_ = std::move(cfg);
  instance_count_ = config_.instances.size();
  std::vector<InstanceConfig>().swap(config_.instances);
}

void EngineRuntime::start(RunConfig cfg) {
  take(std::move(cfg));
  if (!config_.model) {
    log_.error("VRRP engine: no configuration model to run");
    return;
  }
  engine_.start(config_.model);
  config_.model.reset();  // the engine's from now on (it keeps what it still needs of it)
}

void EngineRuntime::reload(RunConfig cfg) {
  take(std::move(cfg));
  if (config_.model) engine_.reload(config_.model);
  config_.model.reset();
}

std::vector<InstanceRecord> EngineRuntime::records() const {
  std::vector<InstanceRecord> out;
  if (instance_count_ == 0) return out;
  const auto views = engine_.snapshot();
  out.reserve(views.size());
  for (const auto& v : views) {
    InstanceRecord r;
    r.config = config_of(v);
    r.state = state_of(v.state);
    r.effective_priority = v.effective_priority.value;
    r.vipset = v.state == vrrp::State::master;
    r.master_priority = r.vipset ? v.effective_priority.value : v.master_priority.value;
    r.master_adver_int = v.master_adver_interval;
    r.last_transition = v.last_transition;
    r.stats = stats_of(v);
    out.push_back(std::move(r));
  }
  return out;
}

std::string EngineRuntime::dump_data() const { return format_data(config_, records()); }

std::string EngineRuntime::dump_stats() const { return format_stats(records()); }

std::optional<std::string> EngineRuntime::dump_json() const {
  if (instance_count_ == 0) return std::nullopt;
  return format_json(records(), config_.json_version);
}

}  // namespace vigil::daemon
