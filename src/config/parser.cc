// parser.cc — the top-level keyword table and the entry point.
#include "config/parser.h"

#include <algorithm>
#include <array>
#include <functional>

#include "config/checker_side.h"
#include "config/keyword.h"
#include "config/tree.h"

namespace vigil::config {

namespace {

constexpr std::int64_t kSec = 1'000'000;

void top_global_defs(ParseCtx& ctx, const Stmt& s, Config& c) { parse_global_defs(ctx, s, c); }
void top_instance(ParseCtx& ctx, const Stmt& s, Config& c) { parse_vrrp_instance(ctx, s, c); }
void top_script(ParseCtx& ctx, const Stmt& s, Config& c) { parse_vrrp_script(ctx, s, c); }
void top_track_file(ParseCtx& ctx, const Stmt& s, Config& c) { parse_track_file(ctx, s, c); }
void top_track_process(ParseCtx& ctx, const Stmt& s, Config& c) { parse_track_process(ctx, s, c); }
void top_sync_group(ParseCtx& ctx, const Stmt& s, Config& c) { parse_sync_group(ctx, s, c); }
void top_garp_group(ParseCtx& ctx, const Stmt& s, Config& c) { parse_garp_group(ctx, s, c); }

void top_static_ipaddress(ParseCtx& ctx, const Stmt& s, Config& c) {
  for (const Stmt& l : s.block)
    if (auto a = parse_address_line(ctx, l.words, true)) c.static_ipaddress.push_back(*a);
}
void top_static_routes(ParseCtx& ctx, const Stmt& s, Config& c) {
  for (const Stmt& l : s.block)
    if (auto r = parse_route_line(ctx, l.words, true)) c.static_routes.push_back(*r);
}
void top_static_rules(ParseCtx& ctx, const Stmt& s, Config& c) {
  for (const Stmt& l : s.block)
    if (auto r = parse_rule_line(ctx, l.words, true)) c.static_rules.push_back(*r);
}

void top_linkbeat_interfaces(ParseCtx& ctx, const Stmt& s, Config& c) {
  for (const Stmt& l : s.block) {
    LinkbeatInterface li{std::string(l.keyword().text), std::string(l.nargs() > 0 ? l.arg(0) : ""),
                         l.loc()};
    if (!li.method.empty() && li.method != "MII" && li.method != "ETHTOOL" &&
        li.method != "IOCTL") {
      ctx.error(l.arg_token(0), fmt::format("unknown linkbeat method '{}': write MII, ETHTOOL or "
                                            "IOCTL", li.method));
      continue;
    }
    c.linkbeat_interfaces.push_back(li);
  }
}

void top_up_down_delays(ParseCtx& ctx, const Stmt& s, Config& c) {
  for (const Stmt& l : s.block) {
    if (l.nargs() < 1) {
      ctx.error(l.keyword(), "interface_up_down_delays entry needs a delay: write 'IFNAME DOWN "
                             "[UP]' (seconds)");
      continue;
    }
    auto down = parse_seconds(l.arg(0), Duration{0}, Duration{255 * kSec});
    if (!down) {
      ctx.error(l.arg_token(0), "invalid down delay: " + down.error());
      continue;
    }
    Duration up = *down;
    if (l.nargs() > 1) {
      auto u = parse_seconds(l.arg(1), Duration{0}, Duration{255 * kSec});
      if (!u) {
        ctx.error(l.arg_token(1), "invalid up delay: " + u.error());
        continue;
      }
      up = *u;
    }
    c.interface_up_down_delays.push_back({std::string(l.keyword().text), *down, up, l.loc()});
  }
}

void top_track_group(ParseCtx& ctx, const Stmt& s, Config& c) {
  if (!ctx.need_args(s, 1, "NAME { group { VI_1 … } }", /*soft=*/true)) return;
  TrackGroup tg{std::string(s.arg(0)), {}, s.arg_token(0).loc};
  for (const Stmt& l : s.block) {
    if (l.keyword().text == "group" && l.has_block) {
      for (const Stmt& e : l.block)
        for (const Token& w : e.words) tg.group.emplace_back(w.text);
    } else {
      ctx.diags.counted_warning(
          l.keyword().loc,
          fmt::format("Unknown keyword '{}' in track_group: ignored", l.keyword().text));
    }
  }
  c.track_groups.push_back(std::move(tg));
}

template <Field<std::string> Config::*M>
void top_string(ParseCtx& ctx, const Stmt& s, Config& c) {
  if (!ctx.need_args(s, 1, "NAME", /*soft=*/true)) return;
  (c.*M).set(std::string(s.arg(0)), s.loc());
}

template <Field<bool> Config::*M>
void top_flag(ParseCtx&, const Stmt& s, Config& c) {
  (c.*M).set(true, s.loc());
}

void top_child_wait_time(ParseCtx& ctx, const Stmt& s, Config& c) {
  if (!ctx.need_args(s, 1, "SECONDS")) return;
  auto v = parse_seconds(s.arg(0), Duration{0}, Duration{3600 * kSec});
  if (!v) return ctx.bad_value(s, 0, v.error());
  c.child_wait_time.set(*v, s.loc());
}

constexpr auto kTopKeywords = std::to_array<Keyword<Config>>({
    {"global_defs", top_global_defs, Shape::block},
    {"vrrp_instance", top_instance, Shape::block},
    {"vrrp_script", top_script, Shape::block},
    {"track_file", top_track_file, Shape::block},
    {"vrrp_track_file", top_track_file, Shape::block},
    {"vrrp_track_process", top_track_process, Shape::block},
    {"vrrp_sync_group", top_sync_group, Shape::block},
    {"garp_group", top_garp_group, Shape::block},
    {"static_ipaddress", top_static_ipaddress, Shape::block},
    {"static_routes", top_static_routes, Shape::block},
    {"static_rules", top_static_rules, Shape::block},
    {"linkbeat_interfaces", top_linkbeat_interfaces, Shape::block},
    {"interface_up_down_delays", top_up_down_delays, Shape::block},
    {"track_group", top_track_group, Shape::block},
    {"net_namespace", top_string<&Config::net_namespace>},
    {"net_namespace_ipvs", top_string<&Config::net_namespace_ipvs>},
    {"instance", top_string<&Config::instance>},
    {"namespace_with_ipsets", top_flag<&Config::namespace_with_ipsets>},
    {"use_pid_dir", top_flag<&Config::use_pid_dir>},
    {"linkbeat_use_polling", top_flag<&Config::linkbeat_use_polling>},
    {"child_wait_time", top_child_wait_time},
    {"virtual_server", parse_checker_block, Shape::any},
    {"virtual_server_group", parse_checker_block, Shape::any},
    {"real_server", parse_checker_block, Shape::any},
    {"bfd_instance", parse_checker_block, Shape::any},
    {"SSL", parse_checker_block, Shape::any},
    {"vrrp_track_bfd", parse_checker_block, Shape::any},
});

}  // namespace

void parse_top_statement(ParseCtx& ctx, const Stmt& s) {
  walk_block<Config>(ctx, std::span<const Stmt>(&s, 1), kTopKeywords, ctx.cfg, "the top level");
}

Config parse_config(const std::vector<Line>& lines, Diagnostics& diags) {
  Config cfg;
  ParseCtx ctx(cfg, diags);
  for_each_statement(lines, diags, [&](const Stmt& s) { parse_top_statement(ctx, s); });
  return cfg;
}

}  // namespace vigil::config
