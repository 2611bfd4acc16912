// The dumps show an instance's configuration from the running RtInstance when it runs and from
// its model entry when it does not (runtime/instance_settings.h). Both mappings must print the
// same thing: instances with many non-default settings are built on the loopback interface (the
// builder only looks the interface up; no socket, no VMAC) and their settings compared with the
// model entry's, field by field. (The file names eth0: the config rules refuse VRRP on lo, so
// the checked model is pointed at lo afterwards.)
#include "runtime/instance_settings.h"

#include <gtest/gtest.h>

#include "config/check.h"
#include "net/netlink.h"
#include "runtime/instance_builder.h"
#include "runtime/rt_instance.h"

namespace vigil::runtime {
namespace {

constexpr const char* kConfig = R"(
vrrp_instance DEFAULTS {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    10.7.0.1/24
  }
}
vrrp_instance MANY {
  interface eth0
  virtual_router_id 2
  priority 150
  advert_int 3
  nopreempt
  garp_master_delay 7
  garp_master_repeat 2
  garp_master_refresh 60
  garp_master_refresh_repeat 3
  garp_lower_prio_delay 4
  garp_lower_prio_repeat 6
  down_timer_adverts 5
  lower_prio_no_advert
  higher_prio_send_advert
  dont_track_primary
  skip_check_adv_addr
  promote_secondaries
  no_accept
  authentication {
    auth_type PASS
    auth_pass secret
  }
  virtual_ipaddress {
    10.7.1.1/24 dev lo scope link
    10.7.1.2
  }
  virtual_ipaddress_excluded {
    10.7.2.1/32
    10.7.2.2/16 scope host
  }
}
vrrp_instance V3 {
  interface eth0
  virtual_router_id 3
  version 3
  advert_int 0.25
  preempt_delay 12
  priority 20
  virtual_ipaddress {
    10.7.3.1/24
  }
}
vrrp_instance SIX {
  state MASTER
  interface eth0
  virtual_router_id 4
  version 3
  virtual_ipaddress {
    fd00:7::1/64
  }
}
vrrp_instance STRICT {
  interface eth0
  virtual_router_id 5
  version 3
  strict_mode
  virtual_ipaddress {
    10.7.5.1/24
  }
}
)";

void expect_same(const InstanceSettings& a, const InstanceSettings& b) {
  EXPECT_EQ(a.interface, b.interface);
  EXPECT_EQ(a.vrid, b.vrid);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.want_master, b.want_master);
  EXPECT_EQ(a.advert_int, b.advert_int);
  EXPECT_EQ(a.accept, b.accept);
  EXPECT_EQ(a.nopreempt, b.nopreempt);
  EXPECT_EQ(a.promote_secondaries, b.promote_secondaries);
  EXPECT_EQ(a.preempt_delay, b.preempt_delay);
  EXPECT_EQ(a.garp_delay, b.garp_delay);
  EXPECT_EQ(a.garp_repeat, b.garp_repeat);
  EXPECT_EQ(a.garp_refresh, b.garp_refresh);
  EXPECT_EQ(a.garp_refresh_repeat, b.garp_refresh_repeat);
  EXPECT_EQ(a.garp_lower_prio_delay, b.garp_lower_prio_delay);
  EXPECT_EQ(a.garp_lower_prio_repeat, b.garp_lower_prio_repeat);
  EXPECT_EQ(a.down_timer_adverts, b.down_timer_adverts);
  EXPECT_EQ(a.lower_prio_no_advert, b.lower_prio_no_advert);
  EXPECT_EQ(a.higher_prio_send_advert, b.higher_prio_send_advert);
  EXPECT_EQ(a.dont_track_primary, b.dont_track_primary);
  EXPECT_EQ(a.skip_check_adv_addr, b.skip_check_adv_addr);
  EXPECT_EQ(a.strict_mode, b.strict_mode);
  EXPECT_EQ(a.auth_type, b.auth_type);
  EXPECT_EQ(a.vips, b.vips);
  EXPECT_EQ(a.evips, b.evips);
  EXPECT_TRUE(a == b);  // and nothing the list above forgot
}

TEST(InstanceSettings, RunningInstanceShowsWhatItsModelEntrySays) {
  const auto checked = config::check_text(kConfig, "settings.conf", {});
  for (const auto& d : checked.diagnostics) ADD_FAILURE() << d.str();
  ASSERT_TRUE(checked.runnable);
  config::Config cfg = *checked.config;
  for (auto& vi : cfg.vrrp_instances) vi.interface.value = "lo";
  ASSERT_EQ(cfg.vrrp_instances.size(), 5u);
  auto nl = net::Netlink::open();
  ASSERT_TRUE(nl) << nl.error().str();
  KernelView kv(*nl);
  for (const auto& vi : cfg.vrrp_instances) {
    SCOPED_TRACE(vi.name);
    auto built = build_instance(cfg, vi, kv);
    ASSERT_TRUE(built) << built.error().str();
    expect_same(settings_of(**built), settings_of(vi));
  }
}

TEST(InstanceSettings, ModelEntryMapping) {
  const auto checked = config::check_text(kConfig, "settings.conf", {});
  ASSERT_TRUE(checked.runnable);
  const InstanceSettings many = settings_of(checked.config->vrrp_instances[1]);
  EXPECT_EQ(many.interface, "eth0");
  EXPECT_EQ(many.vrid, 2);
  EXPECT_EQ(many.priority, 150);
  EXPECT_FALSE(many.want_master);
  EXPECT_TRUE(settings_of(checked.config->vrrp_instances[3]).want_master);
  EXPECT_EQ(many.advert_int, std::chrono::seconds(3));
  EXPECT_FALSE(many.accept);
  EXPECT_TRUE(many.nopreempt);
  EXPECT_EQ(many.garp_delay, std::chrono::seconds(7));
  EXPECT_EQ(many.garp_refresh_repeat, 3u);
  EXPECT_EQ(many.auth_type, 1);
  EXPECT_EQ(many.vips, (std::vector<std::string>{"10.7.1.1/24 dev lo scope link", "10.7.1.2/32 dev eth0 scope global"}));
  EXPECT_EQ(many.evips, (std::vector<std::string>{"10.7.2.1/32 dev eth0 scope global", "10.7.2.2/16 dev eth0 scope host"}));
}

}  // namespace
}  // namespace vigil::runtime
