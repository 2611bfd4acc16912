// keywords_track.cc — tracker definitions and sync groups (reference §3.4–3.6):
// `vrrp_script`, `track_file` / `vrrp_track_file`, `vrrp_track_process`, `vrrp_sync_group`,
// `garp_group`, plus the shared pieces: tracker lists (`track_script { NAME weight N reverse }`)
// and notify commands (`CMD [user [group]]`).
#include <array>

#include "config/keyword.h"
#include "config/lex_command.h"

namespace vigil::config {

constexpr std::int64_t kSec = 1'000'000;

namespace {

// True when the command, split as keepalived runs it (split_command), names no program.
bool first_word_empty(std::string_view cmd) {
  const std::vector<std::string> argv = split_command(cmd);
  return argv.empty() || argv.front().empty();
}

}  // namespace

std::optional<Command> parse_command(ParseCtx& ctx, const Stmt& s, std::size_t first) {
  if (!ctx.need_args(s, first + 1, "COMMAND [user [group]]")) return std::nullopt;
  Command c;
  c.cmd = s.arg(first);
  c.loc = s.arg_token(first).loc;
  // Tokenised as keepalived runs it (quotes, escapes): a command of white space or empty quotes
  // runs nothing.
  if (first_word_empty(c.cmd)) {
    ctx.error(s.arg_token(first), fmt::format("empty command for '{}': write the program to run "
                                              "(quoted, with its arguments)",
                                              s.keyword().text));
    return std::nullopt;
  }
  if (s.nargs() > first + 1) {
    std::string u(s.arg(first + 1));
    if (auto colon = u.find(':'); colon != std::string::npos) {
      c.group = u.substr(colon + 1);
      u.resize(colon);
    }
    c.user = u;
  }
  if (s.nargs() > first + 2) {
    std::string g(s.arg(first + 2));
    if (!g.empty() && g.front() == ':') g.erase(0, 1);
    c.group = g;
  }
  if (s.nargs() > first + 3)
    ctx.warning(s.arg_token(first + 3),
                fmt::format("extra words after '{}' command ignored: quote the command to pass "
                            "arguments (\"{} args…\")", s.keyword().text, c.cmd));
  return c;
}

void parse_track_list(ParseCtx& ctx, const Stmt& s, std::vector<TrackRef>& out, int wmin,
                      int wmax, bool allow_noreverse) {
  for (const Stmt& e : s.block) {
    TrackRef r{std::string(e.keyword().text), std::nullopt, false, e.loc()};
    for (std::size_t i = 0; i < e.nargs(); ++i) {
      const std::string_view w = e.arg(i);
      if (w == "weight" && i + 1 < e.nargs()) {
        auto v = parse_int(e.arg(i + 1), wmin, wmax);
        if (!v) {
          ctx.error(e.arg_token(i + 1), fmt::format("invalid weight for {} '{}': {}",
                                                    s.keyword().text, r.name, v.error()));
        } else {
          r.weight = static_cast<int>(*v);
        }
        ++i;
      } else if (w == "reverse") {
        r.reverse = true;
      } else if (w == "noreverse" && allow_noreverse) {
        r.reverse = false;
      } else {
        ctx.error(e.arg_token(i), fmt::format("unexpected '{}' in {}: write 'NAME [weight N "
                                              "[reverse]]'", w, s.keyword().text));
        break;
      }
    }
    if (e.has_block) ctx.error(e.keyword(), "unexpected block inside a track list");
    out.push_back(std::move(r));
  }
}

namespace {

// ------------------------------------------------------------------ vrrp_script

template <class T>
void kw_weight(ParseCtx& ctx, const Stmt& s, T& o, std::int64_t lo, std::int64_t hi) {
  if (!ctx.need_args(s, 1, "N [reverse]")) return;
  auto v = parse_int(s.arg(0), lo, hi);
  if (!v) return ctx.bad_value(s, 0, v.error());
  o.weight.set(static_cast<decltype(o.weight.value)>(*v), s.loc());
  if (s.nargs() > 1) {
    if (s.arg(1) == "reverse") {
      o.weight_reverse.set(true, s.arg_token(1).loc);
    } else if (s.arg(1) != "noreverse") {
      ctx.bad_value(s, 1, fmt::format("'{}': only 'reverse' may follow the weight", s.arg(1)));
    }
  }
}

void script_weight(ParseCtx& ctx, const Stmt& s, VrrpScript& o) { kw_weight(ctx, s, o, -253, 253); }

void script_cmd(ParseCtx& ctx, const Stmt& s, VrrpScript& o) {
  if (!ctx.need_args(s, 1, "\"COMMAND args…\"", /*soft=*/true)) return;
  std::string cmd(s.arg(0));
  for (std::size_t i = 1; i < s.nargs(); ++i) (cmd += " ") += s.arg(i);  // unquoted args join
  if (first_word_empty(cmd)) {  // tokenised as keepalived runs it (quotes, escapes)
    ctx.error(s.arg_token(0), "empty script: write the program to run (quoted, with its "
                              "arguments)");
    return;
  }
  o.script.set(cmd, s.arg_token(0).loc);
}

void script_interval(ParseCtx& ctx, const Stmt& s, VrrpScript& o) {
  if (!ctx.need_args(s, 1, "SECONDS")) return;
  auto v = parse_seconds(s.arg(0), Duration{0}, Duration{4294 * kSec});
  if (!v) return ctx.bad_value(s, 0, v.error());
  Duration d = *v < Duration{1000} ? Duration{kSec} : *v;  // keepalived: 0 → 1 s
  o.interval.set(d, s.loc());
}

void script_user(ParseCtx& ctx, const Stmt& s, VrrpScript& o) {
  if (!ctx.need_args(s, 1, "USER [GROUP]")) return;
  std::string u(s.arg(0));
  if (auto colon = u.find(':'); colon != std::string::npos) {
    o.group.set(u.substr(colon + 1), s.loc());
    u.resize(colon);
  }
  o.user.set(u, s.loc());
  if (s.nargs() > 1) {
    std::string g(s.arg(1));
    if (!g.empty() && g.front() == ':') g.erase(0, 1);
    o.group.set(g, s.loc());
  }
}

constexpr auto kScriptKeywords = std::to_array<Keyword<VrrpScript>>({
    {"script", script_cmd},
    {"interval", script_interval},
    {"timeout", kw_secs<&VrrpScript::timeout, 1000, 4294 * kSec>},
    {"weight", script_weight},
    {"rise", kw_int<&VrrpScript::rise, 1, 0x7fffffff>},
    {"fall", kw_int<&VrrpScript::fall, 1, 0x7fffffff>},
    {"user", script_user},
    {"init_fail", kw_flag<&VrrpScript::init_fail>},
});

// ------------------------------------------------------------------ track_file

void file_weight(ParseCtx& ctx, const Stmt& s, TrackFile& o) {
  kw_weight(ctx, s, o, -2147483647, 2147483647);
}

void file_init(ParseCtx& ctx, const Stmt& s, TrackFile& o) {
  o.init_file.set(true, s.loc());
  for (std::size_t i = 0; i < s.nargs(); ++i) {
    if (s.arg(i) == "overwrite") {
      o.init_overwrite.set(true, s.arg_token(i).loc);
    } else if (auto v = parse_int(s.arg(i), -2147483647, 2147483647); v && i == 0) {
      o.init_value.set(*v, s.arg_token(i).loc);
    } else {
      ctx.bad_value(s, i, fmt::format("'{}': write 'init_file [VALUE] [overwrite]'", s.arg(i)));
    }
  }
}

constexpr auto kFileKeywords = std::to_array<Keyword<TrackFile>>({
    {"file", kw_string<&TrackFile::file>},
    {"weight", file_weight},
    {"init_file", file_init},
});

// ------------------------------------------------------------------ vrrp_track_process

void process_cmd(ParseCtx& ctx, const Stmt& s, TrackProcess& o) {
  if (!ctx.need_args(s, 1, "NAME [args…]")) return;
  o.process.set(std::string(s.arg(0)), s.arg_token(0).loc);
  std::vector<std::string> args;
  for (std::size_t i = 1; i < s.nargs(); ++i) args.emplace_back(s.arg(i));
  if (!args.empty()) o.args.set(std::move(args), s.loc());
}

void process_param_match(ParseCtx& ctx, const Stmt& s, TrackProcess& o) {
  if (!ctx.need_args(s, 1, "initial|partial")) return;
  if (s.arg(0) == "initial") return o.param_match.set(ParamMatch::initial, s.loc());
  if (s.arg(0) == "partial") return o.param_match.set(ParamMatch::partial, s.loc());
  ctx.bad_value(s, 0, fmt::format("'{}': write 'param_match initial' or 'param_match partial'",
                                  s.arg(0)));
}

void process_weight(ParseCtx& ctx, const Stmt& s, TrackProcess& o) { kw_weight(ctx, s, o, -254, 254); }

constexpr auto kProcessKeywords = std::to_array<Keyword<TrackProcess>>({
    {"process", process_cmd},
    {"param_match", process_param_match},
    {"weight", process_weight},
    {"quorum", kw_int<&TrackProcess::quorum, 1, 65535>},
    {"quorum_max", kw_int<&TrackProcess::quorum_max, 0, 65535>},
    {"delay", kw_secs<&TrackProcess::delay, 1, 3600 * kSec>},
    {"fork_delay", kw_secs<&TrackProcess::fork_delay, 1, 3600 * kSec>},
    {"terminate_delay", kw_secs<&TrackProcess::terminate_delay, 1, 3600 * kSec>},
    {"full_command", kw_flag<&TrackProcess::full_command>},
});

// ------------------------------------------------------------------ vrrp_sync_group

void sg_group(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  g.group_loc = s.loc();
  for (const Stmt& e : s.block) {
    for (const Token& w : e.words) {
      g.group.emplace_back(w.text);
      g.member_locs.push_back(w.loc);
    }
    if (e.has_block) ctx.error(e.keyword(), "unexpected block inside a sync group's group list");
  }
}
void sg_track_interface(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  parse_track_list(ctx, s, g.track_interface, -254, 254, false);
}
void sg_track_script(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  parse_track_list(ctx, s, g.track_script, -254, 254, true);
}
void sg_track_file(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  parse_track_list(ctx, s, g.track_file, -254, 254, true);
}
void sg_track_process(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  parse_track_list(ctx, s, g.track_process, -254, 254, true);
}
void sg_track_bfd(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  parse_track_list(ctx, s, g.track_bfd, -254, 254, true);
}
template <std::optional<Command> SyncGroup::*M>
void sg_notify(ParseCtx& ctx, const Stmt& s, SyncGroup& g) {
  if (auto c = parse_command(ctx, s)) g.*M = std::move(*c);
}

constexpr auto kSyncGroupKeywords = std::to_array<Keyword<SyncGroup>>({
    {"group", sg_group, Shape::block},
    {"track_interface", sg_track_interface, Shape::block},
    {"track_script", sg_track_script, Shape::block},
    {"track_file", sg_track_file, Shape::block},
    {"track_process", sg_track_process, Shape::block},
    {"track_bfd", sg_track_bfd, Shape::block},
    {"notify_master", sg_notify<&SyncGroup::notify_master>},
    {"notify_backup", sg_notify<&SyncGroup::notify_backup>},
    {"notify_fault", sg_notify<&SyncGroup::notify_fault>},
    {"notify_stop", sg_notify<&SyncGroup::notify_stop>},
    {"notify", sg_notify<&SyncGroup::notify>},
    {"smtp_alert", kw_flag<&SyncGroup::smtp_alert>},
    {"notify_priority_changes", kw_flag<&SyncGroup::notify_priority_changes>},
    {"sync_group_tracking_weight", kw_flag<&SyncGroup::sync_group_tracking_weight>},
    {"global_tracking", kw_flag<&SyncGroup::global_tracking>},
});

// ------------------------------------------------------------------ garp_group

void gg_interface(ParseCtx& ctx, const Stmt& s, GarpGroup& g) {
  if (!ctx.need_args(s, 1, "IFNAME")) return;
  g.interfaces.emplace_back(s.arg(0));
}
void gg_interfaces(ParseCtx&, const Stmt& s, GarpGroup& g) {
  for (const Stmt& e : s.block)
    for (const Token& w : e.words) g.interfaces.emplace_back(w.text);
}

constexpr auto kGarpGroupKeywords = std::to_array<Keyword<GarpGroup>>({
    {"garp_interval", kw_secs<&GarpGroup::garp_interval, 0, 4294 * kSec>},
    {"gna_interval", kw_secs<&GarpGroup::gna_interval, 0, 4294 * kSec>},
    {"interface", gg_interface},
    {"interfaces", gg_interfaces, Shape::block},
});

// `vrrp_script NAME {`: the name is required. keepalived stops reading at a nameless
// vrrp_script / track_file / vrrp_track_process ("missing a parameter", -t exit 2) but only
// reports a nameless vrrp_sync_group (exit 5): `soft`.
template <class T>
bool named(ParseCtx& ctx, const Stmt& s, T& obj, bool soft = false) {
  if (s.nargs() < 1) {
    std::string msg = fmt::format("'{}' is missing its name: write '{} NAME {{ … }}'",
                                  s.keyword().text, s.keyword().text);
    if (soft) ctx.diags.error(s.keyword().loc, std::move(msg));
    else ctx.diags.missing_parameter(s.keyword().loc, std::move(msg));
    return false;
  }
  obj.name = s.arg(0);
  obj.loc = s.arg_token(0).loc;
  return true;
}

}  // namespace

void parse_vrrp_script(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  VrrpScript o;
  if (!named(ctx, s, o)) return;
  walk_block<VrrpScript>(ctx, s.block, kScriptKeywords, o, "vrrp_script");
  cfg.vrrp_scripts.push_back(std::move(o));
}

void parse_track_file(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  TrackFile o;
  if (!named(ctx, s, o)) return;
  walk_block<TrackFile>(ctx, s.block, kFileKeywords, o, s.keyword().text);
  cfg.track_files.push_back(std::move(o));
}

void parse_track_process(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  TrackProcess o;
  if (!named(ctx, s, o)) return;
  walk_block<TrackProcess>(ctx, s.block, kProcessKeywords, o, "vrrp_track_process");
  cfg.track_processes.push_back(std::move(o));
}

void parse_sync_group(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  SyncGroup o;
  if (!named(ctx, s, o, /*soft=*/true)) return;
  walk_block<SyncGroup>(ctx, s.block, kSyncGroupKeywords, o, "vrrp_sync_group");
  cfg.sync_groups.push_back(std::move(o));
}

void parse_garp_group(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  GarpGroup o;
  o.loc = s.loc();
  walk_block<GarpGroup>(ctx, s.block, kGarpGroupKeywords, o, "garp_group");
  cfg.garp_groups.push_back(std::move(o));
}

}  // namespace vigil::config
