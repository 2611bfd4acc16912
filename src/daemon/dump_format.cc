#include "daemon/dump_format.h"

#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vigil::daemon {

const char* to_string(VrrpState s) {
  switch (s) {
    case VrrpState::init: return "INIT";
    case VrrpState::backup: return "BACKUP";
    case VrrpState::master: return "MASTER";
    case VrrpState::fault: return "FAULT";
  }
  return "UNKNOWN";
}

namespace {

const char* auth_name(int t) {
  switch (t) {
    case 1: return "SIMPLE_PASSWORD";
    case 2: return "IPSEC_AH";
    default: return "none";
  }
}

// keepalived prints whole seconds as "N sec", otherwise "N milli-sec".
std::string advert_interval(std::chrono::microseconds us) {
  if (us.count() % 1000000 == 0) return fmt::format("{} sec", us.count() / 1000000);
  return fmt::format("{} milli-sec", us.count() / 1000);
}

// keepalived prints whole numbers of seconds as integers (`"adver_int":1`); Go exporters decode
// some of these into int fields, which reject `1.0`.
nlohmann::ordered_json seconds_value(std::chrono::microseconds us) {
  if (us.count() % 1000000 == 0) return us.count() / 1000000;
  return std::chrono::duration<double>(us).count();
}

double epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void append_instance_data(std::string& out, const InstanceRecord& r) {
  const InstanceConfig& c = r.config;
  auto line = [&out](std::string_view text) {
    out += "   ";
    out += text;
    out += '\n';
  };
  out += fmt::format(" VRRP Instance = {}\n", c.name);
  line(fmt::format("VRRP Version = {}", c.version));
  line(fmt::format("State = {}", to_string(r.state)));
  line("Flags: none");
  line(fmt::format("Wantstate = {}", to_string(c.wanted)));
  line("Number of config faults = 0");
  line(fmt::format("Last transition = {}", format_transition_time(r.last_transition)));
  line(fmt::format("Interface = {}", c.interface));
  line(fmt::format("Gratuitous ARP delay = {}", c.garp_delay_s));
  line(fmt::format("Gratuitous ARP repeat = {}", c.garp_repeat));
  line(fmt::format("Gratuitous ARP refresh = {}", c.garp_refresh_s));
  line(fmt::format("Gratuitous ARP refresh repeat = {}", c.garp_refresh_repeat));
  line(fmt::format("Gratuitous ARP lower priority delay = {}", c.garp_lower_prio_delay_s));
  line(fmt::format("Gratuitous ARP lower priority repeat = {}", c.garp_lower_prio_repeat));
  line(fmt::format("Down timer adverts = {}", c.down_timer_adverts));
  line(fmt::format("Send advert after receive lower priority advert = {}",
                   c.lower_prio_no_advert ? "false" : "true"));
  line(fmt::format("Send advert after receive higher priority advert = {}",
                   c.higher_prio_send_advert ? "true" : "false"));
  line(fmt::format("Virtual Router ID = {}", c.vrid));
  line(fmt::format("Priority = {}", c.priority));
  line(fmt::format("Effective priority = {}", r.effective_priority));
  line(fmt::format("Total priority = {}", r.effective_priority));
  line(fmt::format("Advert interval = {}", advert_interval(c.advert_int)));
  line(fmt::format("Accept = {}", c.accept ? "enabled" : "disabled"));
  line(fmt::format("Preempt = {}", c.nopreempt ? "disabled" : "enabled"));
  line(fmt::format("Promote_secondaries = {}", c.promote_secondaries ? "enabled" : "disabled"));
  line(fmt::format("Authentication type = {}", auth_name(c.auth_type)));
  if (!c.vips.empty()) {
    line(fmt::format("Virtual IP ({}):", c.vips.size()));
    for (const auto& v : c.vips) out += fmt::format("     {}\n", v);
  }
  if (!c.evips.empty()) {
    line(fmt::format("Virtual IP Excluded ({}):", c.evips.size()));
    for (const auto& v : c.evips) out += fmt::format("     {}\n", v);
  }
}

}  // namespace

std::string format_transition_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  const long frac = static_cast<long>(us % 1000000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char day[32], year[8];
  std::strftime(day, sizeof day, "%a %b %e %H:%M:%S", &tm);
  std::strftime(year, sizeof year, "%Y", &tm);
  return fmt::format("{}.{:06} ({}.{:06} {})", static_cast<long long>(secs), frac, day, frac, year);
}

std::string format_data(const RunConfig& cfg, const std::vector<InstanceRecord>& records) {
  std::string out;
  out += "------< Global definitions >------\n";
  out += fmt::format(" Router ID = {}\n", cfg.router_id);
  out += fmt::format(" Child wait time = {} ms\n", cfg.child_wait_time.count());
  out += fmt::format(" JSON version = {}\n", cfg.json_version);
  out += "------< VRRP Topology >------\n";
  for (const auto& r : records) append_instance_data(out, r);
  return out;
}

std::string format_stats(const std::vector<InstanceRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    const InstanceStats& s = r.stats;
    out += fmt::format("VRRP Instance: {}\n", r.config.name);
    out += fmt::format("  Advertisements:\n    Received: {}\n    Sent: {}\n", s.advert_rcvd,
                       s.advert_sent);
    out += fmt::format("  Became master: {}\n  Released master: {}\n", s.become_master,
                       s.release_master);
    out += fmt::format(
        "  Packet Errors:\n    Length: {}\n    TTL: {}\n    Invalid Type: {}\n"
        "    Advertisement Interval: {}\n    Address List: {}\n",
        s.packet_len_err, s.ip_ttl_err, s.invalid_type_rcvd, s.advert_interval_err,
        s.addr_list_err);
    out += fmt::format(
        "  Authentication Errors:\n    Invalid Type: {}\n    Type Mismatch: {}\n    Failure: {}\n",
        s.invalid_authtype, s.authtype_mismatch, s.auth_failure);
    out += fmt::format("  Priority Zero:\n    Received: {}\n    Sent: {}\n", s.pri_zero_rcvd,
                       s.pri_zero_sent);
  }
  return out;
}

std::string format_json(const std::vector<InstanceRecord>& records, int json_version) {
  using nlohmann::ordered_json;
  ordered_json list = ordered_json::array();
  for (const auto& r : records) {
    const InstanceConfig& c = r.config;
    const InstanceStats& s = r.stats;
    ordered_json data;
    data["iname"] = c.name;
    data["dont_track_primary"] = c.dont_track_primary ? 1 : 0;
    data["skip_check_adv_addr"] = c.skip_check_adv_addr ? 1 : 0;
    data["strict_mode"] = c.strict_mode ? 1 : 0;
    data["vmac_ifname"] = "";
    data["ifp_ifname"] = c.interface;
    data["master_priority"] = r.master_priority;
    data["last_transition"] = epoch_seconds(r.last_transition);
    data["garp_delay"] = c.garp_delay_s;
    data["garp_refresh"] = c.garp_refresh_s;
    data["garp_rep"] = c.garp_repeat;
    data["garp_refresh_rep"] = c.garp_refresh_repeat;
    data["garp_lower_prio_delay"] = c.garp_lower_prio_delay_s;
    data["garp_lower_prio_rep"] = c.garp_lower_prio_repeat;
    data["lower_prio_no_advert"] = c.lower_prio_no_advert ? 1 : 0;
    data["higher_prio_send_advert"] = c.higher_prio_send_advert ? 1 : 0;
    data["vrid"] = c.vrid;
    data["base_priority"] = c.priority;
    data["effective_priority"] = r.effective_priority;
    data["vipset"] = r.vipset;
    data["promote_secondaries"] = c.promote_secondaries;
    data["adver_int"] = seconds_value(c.advert_int);
    data["master_adver_int"] =
        seconds_value(r.master_adver_int.count() > 0 ? r.master_adver_int : c.advert_int);
    data["accept"] = c.accept ? 1 : 0;
    data["nopreempt"] = c.nopreempt;
    data["preempt_delay"] = seconds_value(c.preempt_delay);
    data["state"] = static_cast<int>(r.state);
    data["wantstate"] = static_cast<int>(c.wanted);
    data["version"] = c.version;
    data["smtp_alert"] = false;
    data["notify_deleted"] = false;
    data["vips"] = c.vips;
    if (!c.evips.empty()) data["evips"] = c.evips;
    data["auth_type"] = c.auth_type;
    ordered_json stats;
    stats["advert_rcvd"] = s.advert_rcvd;
    stats["advert_sent"] = s.advert_sent;
    stats["become_master"] = s.become_master;
    stats["release_master"] = s.release_master;
    stats["packet_len_err"] = s.packet_len_err;
    stats["advert_interval_err"] = s.advert_interval_err;
    stats["ip_ttl_err"] = s.ip_ttl_err;
    stats["invalid_type_rcvd"] = s.invalid_type_rcvd;
    stats["addr_list_err"] = s.addr_list_err;
    stats["invalid_authtype"] = s.invalid_authtype;
    stats["authtype_mismatch"] = s.authtype_mismatch;
    stats["auth_failure"] = s.auth_failure;
    stats["pri_zero_rcvd"] = s.pri_zero_rcvd;
    stats["pri_zero_sent"] = s.pri_zero_sent;
    ordered_json item;
    item["data"] = std::move(data);
    item["stats"] = std::move(stats);
    list.push_back(std::move(item));
  }
  if (json_version == 2) {
    ordered_json top;
    top["vrrp"] = std::move(list);
    top["track_process"] = ordered_json::array();
    return top.dump();
  }
  return list.dump();
}

}  // namespace vigil::daemon
