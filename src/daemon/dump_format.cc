#include "daemon/dump_format.h"

#include <cmath>
#include <cstdint>
#include <ctime>
#include <fmt/format.h>

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

// The JSON is written straight into the string, compact, in the form nlohmann::json's dump()
// gives (what exporters were tested against): no spaces, keys in keepalived's order, doubles as
// the shortest text that reads back the same with ".0" on whole numbers. A dump of 1,000
// instances through a JSON tree took ~14 ms of CPU (a node and a search per key); this ~1 ms.
namespace {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void open(char bracket) {
    comma();
    out_ += bracket;
    first_ = true;
  }
  void close(char bracket) {
    out_ += bracket;
    first_ = false;
  }
  void key(std::string_view k) {
    comma();
    string(k);
    out_ += ':';
    first_ = true;  // the value follows without a comma
  }
  void value(std::string_view v) {
    comma();
    string(v);
  }
  void value(const char* v) { value(std::string_view(v)); }
  void value(bool v) {
    comma();
    out_ += v ? "true" : "false";
  }
  void value(std::int64_t v) {
    comma();
    const fmt::format_int text(v);
    out_.append(text.data(), text.size());
  }
  void value(int v) { value(static_cast<std::int64_t>(v)); }
  void value(std::uint64_t v) {
    comma();
    const fmt::format_int text(v);
    out_.append(text.data(), text.size());
  }
  void value(double v) {
    comma();
    if (!std::isfinite(v)) {
      out_ += "null";  // as nlohmann writes NaN and infinities
      return;
    }
    // fmt::format, not format_to: fmt::vformat is the one entry point compiled into vigild
    // (fmt_inline.cc); format_to would link libfmt.so and libstdc++.so back in.
    const std::string t = fmt::format("{}", v);
    out_ += t;
    if (t.find_first_of(".e") == std::string::npos) out_ += ".0";
  }
  // keepalived prints whole numbers of seconds as integers (`"adver_int":1`); Go exporters
  // decode some of these into int fields, which reject `1.0`.
  void seconds(std::chrono::microseconds us) {
    if (us.count() % 1000000 == 0) {
      value(static_cast<std::int64_t>(us.count() / 1000000));
    } else {
      value(std::chrono::duration<double>(us).count());
    }
  }
  void strings(const std::vector<std::string>& list) {
    open('[');
    for (const auto& s : list) value(s);
    close(']');
  }

 private:
  void comma() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  // JSON escapes; bytes that are not UTF-8 become U+FFFD (nlohmann's dump would throw).
  void string(std::string_view s) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size();) {
      // The run of bytes that need no escape, in one append.
      std::size_t plain = i;
      while (plain < s.size() && needs_nothing(static_cast<unsigned char>(s[plain]))) ++plain;
      out_.append(s.substr(i, plain - i));
      i = plain;
      if (i == s.size()) break;
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        const std::size_t n = utf8_length(s.substr(i));
        if (n == 0) {
          out_ += "\xEF\xBF\xBD";
          ++i;
        } else {
          out_.append(s.substr(i, n));
          i += n;
        }
        continue;
      }
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            out_ += fmt::format("\\u{:04x}", c);
          } else {
            out_ += static_cast<char>(c);
          }
      }
      ++i;
    }
    out_ += '"';
  }

  static bool needs_nothing(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

  // Length of the well-formed UTF-8 sequence at the start of `s`, 0 if there is none.
  static std::size_t utf8_length(std::string_view s) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c = b(0);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return 0;
    }
    if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i) {
      if (b(i) < 0x80 || b(i) > 0xBF) return 0;
    }
    return n;
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace

std::string format_json(const std::vector<InstanceRecord>& records, int json_version) {
  std::string out;
  out.reserve(records.size() * 1024);
  JsonWriter w(out);
  if (json_version == 2) {
    w.open('{');
    w.key("vrrp");
  }
  w.open('[');
  for (const auto& r : records) {
    const InstanceConfig& c = r.config;
    const InstanceStats& s = r.stats;
    w.open('{');
    w.key("data");
    w.open('{');
    w.key("iname"); w.value(c.name);
    w.key("dont_track_primary"); w.value(c.dont_track_primary ? 1 : 0);
    w.key("skip_check_adv_addr"); w.value(c.skip_check_adv_addr ? 1 : 0);
    w.key("strict_mode"); w.value(c.strict_mode ? 1 : 0);
    w.key("vmac_ifname"); w.value("");
    w.key("ifp_ifname"); w.value(c.interface);
    w.key("master_priority"); w.value(r.master_priority);
    w.key("last_transition"); w.value(epoch_seconds(r.last_transition));
    w.key("garp_delay"); w.value(c.garp_delay_s);
    w.key("garp_refresh"); w.value(c.garp_refresh_s);
    w.key("garp_rep"); w.value(c.garp_repeat);
    w.key("garp_refresh_rep"); w.value(c.garp_refresh_repeat);
    w.key("garp_lower_prio_delay"); w.value(c.garp_lower_prio_delay_s);
    w.key("garp_lower_prio_rep"); w.value(c.garp_lower_prio_repeat);
    w.key("lower_prio_no_advert"); w.value(c.lower_prio_no_advert ? 1 : 0);
    w.key("higher_prio_send_advert"); w.value(c.higher_prio_send_advert ? 1 : 0);
    w.key("vrid"); w.value(c.vrid);
    w.key("base_priority"); w.value(c.priority);
    w.key("effective_priority"); w.value(r.effective_priority);
    w.key("vipset"); w.value(r.vipset);
    w.key("promote_secondaries"); w.value(c.promote_secondaries);
    w.key("adver_int"); w.seconds(c.advert_int);
    w.key("master_adver_int");
    w.seconds(r.master_adver_int.count() > 0 ? r.master_adver_int : c.advert_int);
    w.key("accept"); w.value(c.accept ? 1 : 0);
    w.key("nopreempt"); w.value(c.nopreempt);
    w.key("preempt_delay"); w.seconds(c.preempt_delay);
    w.key("state"); w.value(static_cast<int>(r.state));
    w.key("wantstate"); w.value(static_cast<int>(c.wanted));
    w.key("version"); w.value(c.version);
    w.key("smtp_alert"); w.value(false);
    w.key("notify_deleted"); w.value(false);
    w.key("vips"); w.strings(c.vips);
    if (!c.evips.empty()) {
      w.key("evips"); w.strings(c.evips);
    }
    w.key("auth_type"); w.value(c.auth_type);
    w.close('}');
    w.key("stats");
    w.open('{');
    w.key("advert_rcvd"); w.value(s.advert_rcvd);
    w.key("advert_sent"); w.value(s.advert_sent);
    w.key("become_master"); w.value(s.become_master);
    w.key("release_master"); w.value(s.release_master);
    w.key("packet_len_err"); w.value(s.packet_len_err);
    w.key("advert_interval_err"); w.value(s.advert_interval_err);
    w.key("ip_ttl_err"); w.value(s.ip_ttl_err);
    w.key("invalid_type_rcvd"); w.value(s.invalid_type_rcvd);
    w.key("addr_list_err"); w.value(s.addr_list_err);
    w.key("invalid_authtype"); w.value(s.invalid_authtype);
    w.key("authtype_mismatch"); w.value(s.authtype_mismatch);
    w.key("auth_failure"); w.value(s.auth_failure);
    w.key("pri_zero_rcvd"); w.value(s.pri_zero_rcvd);
    w.key("pri_zero_sent"); w.value(s.pri_zero_sent);
    w.close('}');
    w.close('}');
  }
  w.close(']');
  if (json_version == 2) {
    w.key("track_process");
    w.open('[');
    w.close(']');
    w.close('}');
  }
  return out;
}

}  // namespace vigil::daemon
