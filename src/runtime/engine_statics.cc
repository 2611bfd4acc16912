// static_ipaddress / static_routes / static_rules (reference §4.10, §1.5): installed when the
// engine starts, whatever the VRRP states; one deleted by someone else is put back; a reload
// removes the entries no longer configured and adds the new ones; removed at stop (kept with -V).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "net/netlink_match.h"
#include "runtime/engine.h"
#include "runtime/instance_builder.h"

namespace vigil::runtime {

using vrrp::LogLevel;

namespace {

template <class Spec>
void diff_into(net::NetlinkBatch& batch, const std::vector<Spec>& from, const std::vector<Spec>& to, net::Op op,
               std::vector<bool>& adding) {
  for (const auto& s : from) {
    if (std::find(to.begin(), to.end(), s) != to.end()) continue;
    batch.add(op, s);
    adding.push_back(op == net::Op::add);
  }
}

}  // namespace

// Moves the kernel from the statics in force to `next` (either may be empty).
void Engine::apply_statics(StaticSet next) {
  if (!nl_) return;
  for (const auto& p : next.problems) log(LogLevel::warning, p);
  next.problems.clear();
  const StaticSet none;
  const StaticSet& now = statics_ ? *statics_ : none;
  net::NetlinkBatch batch = nl_->batch();
  std::vector<bool> adding;
  diff_into(batch, now.rules, next.rules, net::Op::remove, adding);
  diff_into(batch, now.routes, next.routes, net::Op::remove, adding);
  diff_into(batch, now.addresses, next.addresses, net::Op::remove, adding);
  diff_into(batch, next.addresses, now.addresses, net::Op::add, adding);
  diff_into(batch, next.routes, now.routes, net::Op::add, adding);
  diff_into(batch, next.rules, now.rules, net::Op::add, adding);
  statics_ = std::make_unique<StaticSet>(std::move(next));
  if (batch.empty()) return;
  auto results = nl_->commit(batch);
  if (!results) {
    log(LogLevel::error, fmt::format("static addresses/routes/rules: netlink: {}", results.error().str()));
    return;
  }
  for (std::size_t i = 0; i < results->size(); ++i) {
    const net::Status& st = (*results)[i];
    if (st) continue;
    const int code = st.error().code;
    if (adding[i] && code == EEXIST) continue;
    if (!adding[i] && (code == EADDRNOTAVAIL || code == ENOENT || code == ESRCH || code == ENODEV)) continue;
    log(LogLevel::error, fmt::format("cannot {} a static address/route/rule: {}", adding[i] ? "add" : "remove",
                                     st.error().str()));
  }
}

void Engine::restore_static_address(const net::AddressEvent& ev) {
  if (!statics_ || !nl_ || stopped_) return;
  for (std::size_t i = 0; i < statics_->addresses.size(); ++i) {
    const net::AddressSpec& spec = statics_->addresses[i];
    if (!net::same_address(spec, ev)) continue;
    log(LogLevel::info, fmt::format("static address {} was deleted - restoring it", statics_->address_texts[i]));
    net::NetlinkBatch b = nl_->batch();
    b.add(net::Op::add, spec);
    auto r = nl_->commit(b);
    if (r && !r->empty() && !(*r)[0] && (*r)[0].error().code != EEXIST) {
      log(LogLevel::error, fmt::format("cannot restore static address {}: {}", statics_->address_texts[i],
                                       (*r)[0].error().str()));
    }
  }
}

void Engine::restore_static_route(const net::RouteEvent& ev) {
  if (!statics_ || !nl_ || stopped_) return;
  for (const auto& spec : statics_->routes) {
    if (!net::same_route(spec, ev)) continue;
    log(LogLevel::info, fmt::format("static route to {}/{} was deleted - restoring it",
                                    ev.dst ? ev.dst->to_string() : "default", ev.dst_prefix));
    net::NetlinkBatch b = nl_->batch();
    b.add(net::Op::add, spec);
    (void)nl_->commit(b);
  }
}

void Engine::restore_static_rule(const net::RuleEvent& ev) {
  if (!statics_ || !nl_ || stopped_) return;
  for (const auto& spec : statics_->rules) {
    if (!net::same_rule(spec, ev)) continue;
    log(LogLevel::info, fmt::format("static rule to table {} was deleted - restoring it", ev.table));
    net::NetlinkBatch b = nl_->batch();
    b.add(net::Op::add, spec);
    (void)nl_->commit(b);
  }
}

}  // namespace vigil::runtime
