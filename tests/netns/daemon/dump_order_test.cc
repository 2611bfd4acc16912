// The dump files name every configured instance in configuration order, with its configuration,
// whether it runs or not (fixture: vigild_process_fixture.h). The VRRP child answers dumps from
// the running instances and, for one that waits for its interface (dynamic_interfaces), from
// its entry in the compacted model (runtime/instance_settings.h, model_slim.cc): here the middle
// instance of three waits, then starts late — and still prints in the middle.
#include <cstdlib>
#include <thread>

#include "vigild_process_fixture.h"

namespace vigil::daemon::test {
namespace {

constexpr const char* kThree = R"(global_defs {
  dynamic_interfaces
}
vrrp_instance VI_A {
  state BACKUP
  interface d0
  virtual_router_id 11
  priority 90
  advert_int 1
  virtual_ipaddress {
    10.9.1.1/24
  }
}
vrrp_instance VI_W {
  state BACKUP
  interface late0
  virtual_router_id 12
  priority 80
  advert_int 1
  garp_master_delay 7
  virtual_ipaddress {
    10.9.2.1/24
  }
  virtual_ipaddress_excluded {
    10.9.3.1/24 scope host
  }
}
vrrp_instance VI_C {
  state BACKUP
  interface d0
  virtual_router_id 13
  priority 70
  advert_int 1
  virtual_ipaddress {
    10.9.4.1/24 dev d0 scope link
  }
}
)";

// One instance's block of the .data dump (from its header to the next one).
std::string block_of(const std::string& data, const std::string& name) {
  const auto at = data.find(" VRRP Instance = " + name + "\n");
  if (at == std::string::npos) return {};
  return data.substr(at, data.find(" VRRP Instance = ", at + 1) - at);
}

TEST_F(VigildProcess, DumpsListEveryInstanceInConfigOrderWaitingOrRunning) {
  write_file(conf_, kThree);
  auto d = start();
  const std::string data = dir_.file("keepalived.data"), json = dir_.file("keepalived.json");
  auto dump_data = [&] {
    ::unlink(data.c_str());
    if (signal_pid(d->pid(), SIGUSR1) != 0) return std::string();
    wait_until([&] { return !read_file(data).empty(); }, kDumpTimeout);
    return read_file(data);
  };
  auto expect_order = [](const std::string& text) {
    const auto a = text.find("= VI_A\n"), w = text.find("= VI_W\n"), c = text.find("= VI_C\n");
    ASSERT_NE(a, std::string::npos) << text;
    ASSERT_NE(w, std::string::npos) << text;
    ASSERT_NE(c, std::string::npos) << text;
    EXPECT_LT(a, w);
    EXPECT_LT(w, c);
  };

  // VI_W waits for late0: INIT, its configuration from the model entry.
  std::string text = dump_data();
  expect_order(text);
  std::string w = block_of(text, "VI_W");
  EXPECT_NE(w.find("   State = INIT\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Interface = late0\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Gratuitous ARP delay = 7\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Virtual Router ID = 12\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Priority = 80\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Virtual IP (1):\n     10.9.2.1/24 dev late0 scope global\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Virtual IP Excluded (1):\n     10.9.3.1/24 dev late0 scope host\n"), std::string::npos) << w;
  // The child drops the running instances' model entries 200 ms after start (child.cc
  // trim_soon): 500 ms on, the same dump comes from the compacted model. (Nothing changes in
  // between: d0 has no address, so VI_A and VI_C sit in FAULT since start.)
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(dump_data(), text);
  const std::string c = block_of(text, "VI_C");
  EXPECT_NE(c.find("   Priority = 70\n"), std::string::npos) << c;
  EXPECT_NE(c.find("     10.9.4.1/24 dev d0 scope link\n"), std::string::npos) << c;

  // late0 appears: VI_W starts (d0 and late0 have no IPv4 address, so FAULT) and keeps its place.
  ASSERT_EQ(std::system(fmt::format("ip -n {0} link add late0 type veth peer name late1 && "
                                    "ip -n {0} link set late0 up && ip -n {0} link set late1 up",
                                    ns_.name())
                            .c_str()),
            0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("Interface late0 added - starting (VI_W)"); }, kDumpTimeout))
      << d->log();
  text = dump_data();
  expect_order(text);
  w = block_of(text, "VI_W");
  EXPECT_EQ(w.find("   State = INIT\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Interface = late0\n"), std::string::npos) << w;
  EXPECT_NE(w.find("   Virtual IP Excluded (1):\n     10.9.3.1/24 dev late0 scope host\n"), std::string::npos) << w;

  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  const auto j = nlohmann::json::parse(read_file(json));
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["data"]["iname"], "VI_A");
  EXPECT_EQ(j[1]["data"]["iname"], "VI_W");
  EXPECT_EQ(j[1]["data"]["ifp_ifname"], "late0");
  EXPECT_EQ(j[1]["data"]["garp_delay"], 7);
  EXPECT_EQ(j[1]["data"]["evips"][0], "10.9.3.1/24 dev late0 scope host");
  EXPECT_EQ(j[2]["data"]["iname"], "VI_C");
  EXPECT_EQ(j[2]["data"]["base_priority"], 70);
}

}  // namespace
}  // namespace vigil::daemon::test
