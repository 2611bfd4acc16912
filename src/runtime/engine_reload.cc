// Reload, for an instance that keeps running as MASTER: what it installed follows the new
// configuration (reference §1.5) — VIPs/eVIPs, virtual routes and rules no longer configured are
// removed, new ones added, unchanged ones stay in place (no gap for traffic using them).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "runtime/engine.h"

namespace vigil::runtime {

namespace {

template <class Specs>
void add_diff(net::NetlinkBatch& batch, const Specs& from, const Specs& to,
              net::Op op, std::vector<std::string>& what, std::string_view kind) {
  for (const auto& s : from) {
    if (std::find(to.begin(), to.end(), s) != to.end()) continue;
    batch.add(op, s);
    what.push_back(fmt::format("{} {}", op == net::Op::add ? "add" : "remove", kind));
  }
}

}  // namespace

void Engine::apply_reload_diff(RtInstance& in, const RtInstance& fresh) {
  if (!nl_ || in.fsm.state() != vrrp::State::master || !in.vips_installed) return;
  net::NetlinkBatch batch = nl_->batch();
  std::vector<std::string> what;  // per request, for the error line
  add_diff(batch, in.rule_specs, fresh.rule_specs, net::Op::remove, what, "virtual rule");
  add_diff(batch, in.route_specs, fresh.route_specs, net::Op::remove, what, "virtual route");
  add_diff(batch, in.vip_specs, fresh.vip_specs, net::Op::remove, what, "VIP");
  add_diff(batch, fresh.vip_specs, in.vip_specs, net::Op::add, what, "VIP");
  add_diff(batch, fresh.route_specs, in.route_specs, net::Op::add, what, "virtual route");
  add_diff(batch, fresh.rule_specs, in.rule_specs, net::Op::add, what, "virtual rule");
  if (batch.empty()) return;
  auto results = nl_->commit(batch);
  if (!results) {
    log(vrrp::LogLevel::error, fmt::format("({}) netlink: {}", in.name, results.error().str()));
    return;
  }
  for (std::size_t i = 0; i < results->size(); ++i) {
    const net::Status& st = (*results)[i];
    if (st) continue;
    const int code = st.error().code;
    const bool adding = what[i].starts_with("add");
    if (adding && code == EEXIST) continue;
    if (!adding && (code == EADDRNOTAVAIL || code == ENOENT || code == ESRCH || code == ENODEV)) continue;
    log(vrrp::LogLevel::error, fmt::format("({}) reload: cannot {}: {}", in.name, what[i], st.error().str()));
  }
}

}  // namespace vigil::runtime
