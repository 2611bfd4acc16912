// runtime/instance_settings.cc — see instance_settings.h. Each field: model entry on the left,
// where the running instance keeps the same value on the right (instance_builder.cc fills it).
#include "runtime/instance_settings.h"

#include "runtime/instance_builder.h"
#include "runtime/rt_instance.h"

namespace vigil::runtime {

InstanceSettings settings_of(const config::VrrpInstance& vi) {
  InstanceSettings s;
  s.interface = *vi.interface;
  s.vrid = vi.virtual_router_id->value;
  s.priority = vi.priority->value;
  s.version = static_cast<int>(*vi.version);
  s.want_master = *vi.state == config::InitialState::master;
  s.advert_int = *vi.advert_int;
  s.accept = *vi.accept;
  s.nopreempt = *vi.nopreempt;
  s.promote_secondaries = *vi.promote_secondaries;
  s.preempt_delay = *vi.preempt_delay;
  s.garp_delay = *vi.garp_master_delay;
  s.garp_repeat = *vi.garp_master_repeat;
  s.garp_refresh = *vi.garp_master_refresh;
  s.garp_refresh_repeat = *vi.garp_master_refresh_repeat;
  s.garp_lower_prio_delay = *vi.garp_lower_prio_delay;
  s.garp_lower_prio_repeat = *vi.garp_lower_prio_repeat;
  s.down_timer_adverts = *vi.down_timer_adverts;
  s.lower_prio_no_advert = *vi.lower_prio_no_advert;
  s.higher_prio_send_advert = *vi.higher_prio_send_advert;
  s.dont_track_primary = *vi.dont_track_primary;
  s.skip_check_adv_addr = *vi.skip_check_adv_addr;
  s.strict_mode = *vi.strict_mode;
  s.auth_type = static_cast<int>(*vi.auth_type);
  for (const auto& a : vi.virtual_ipaddress) s.vips.push_back(vip_text(a, s.interface));
  for (const auto& a : vi.virtual_ipaddress_excluded) s.evips.push_back(vip_text(a, s.interface));
  return s;
}

InstanceSettings settings_of(const RtInstance& in) {
  const vrrp::InstanceConfig& c = in.fsm.config();  // fsm_config_of()
  InstanceSettings s;
  s.interface = in.ifname;
  s.vrid = c.vrid.value;
  s.priority = c.priority.value;
  s.version = static_cast<int>(c.version);
  s.want_master = c.want_master;
  s.advert_int = c.advert_interval;
  s.accept = c.accept;
  s.nopreempt = c.nopreempt;
  s.promote_secondaries = in.promote_secondaries;
  s.preempt_delay = c.preempt_delay;
  s.garp_delay = c.garp.master_delay;
  s.garp_repeat = c.garp.master_repeat;
  s.garp_refresh = c.garp.master_refresh;
  s.garp_refresh_repeat = c.garp.master_refresh_repeat;
  s.garp_lower_prio_delay = c.garp.lower_prio_delay;
  s.garp_lower_prio_repeat = c.garp.lower_prio_repeat;
  s.down_timer_adverts = c.down_timer_adverts;
  s.lower_prio_no_advert = c.lower_prio_no_advert;
  s.higher_prio_send_advert = c.higher_prio_send_advert;
  s.dont_track_primary = in.dont_track_primary;
  s.skip_check_adv_addr = !in.expect.check_vips;
  s.strict_mode = in.strict_mode;
  s.auth_type = static_cast<int>(in.expect.auth_type);
  // The texts name the configured interface; a VMAC instance's own texts name the VMAC.
  for (std::size_t i = 0; i < in.vip_specs.size(); ++i) {
    (i < in.vip_lines ? s.vips : s.evips).push_back(vip_text(in, i, /*configured_interface=*/true));
  }
  return s;
}

}  // namespace vigil::runtime
