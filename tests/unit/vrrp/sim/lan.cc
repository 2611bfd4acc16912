#include "sim/lan.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <utility>

namespace vigil::vrrp::sim {

Lan::Lan(std::uint64_t seed, NetConditions net) : rng_(seed), net_(net) {}

std::size_t Lan::add_router(InstanceConfig config) {
  return add_router(std::vector<InstanceConfig>{std::move(config)}, false);
}

std::size_t Lan::add_router(std::vector<InstanceConfig> configs, bool sync_group) {
  Node n;
  n.sync = sync_group;
  for (auto& c : configs) {
    c.in_sync_group = sync_group;
    n.members.push_back(Member{.config = std::move(c)});
  }
  nodes_.push_back(std::move(n));
  return nodes_.size() - 1;
}

void Lan::at(TimePoint t, std::function<void(Lan&)> step) {
  controls_.push_back(std::move(step));
  push(Item{.at = t, .kind = Kind::control, .control = controls_.size() - 1});
}

void Lan::drop_timers(Node& n) {
  for (Member& m : n.members) {
    for (auto& g : m.timer_generation) ++g;
  }
}

void Lan::start(std::size_t r) {
  Node& n = nodes_[r];
  for (Member& m : n.members) m.vi.emplace(m.config);
  if (n.sync) n.group.emplace("G" + std::to_string(r), n.members.size());
  n.alive = true;
  drop_timers(n);  // nothing from a previous life fires
  for (std::size_t i = 0; i < n.members.size(); ++i) feed(r, i, Event::of(EventKind::startup));
}

void Lan::crash(std::size_t r) {
  nodes_[r].alive = false;
  drop_timers(nodes_[r]);
}

void Lan::shutdown(std::size_t r) {
  if (!nodes_[r].alive) return;
  for (std::size_t i = 0; i < nodes_[r].members.size(); ++i) {
    feed(r, i, Event::of(EventKind::shutdown));
  }
  crash(r);
}

void Lan::set_weights(std::size_t r, std::int32_t total) {
  if (!nodes_[r].alive) return;
  for (std::size_t i = 0; i < nodes_[r].members.size(); ++i) feed(r, i, Event::weights(total));
}

void Lan::inject(std::size_t r, std::size_t instance, const Event& ev) {
  if (nodes_[r].alive) feed(r, instance, ev);
}

void Lan::partition(const std::vector<int>& side_of_router) {
  for (std::size_t r = 0; r < nodes_.size(); ++r) nodes_[r].side = side_of_router.at(r);
}

void Lan::heal() {
  for (Node& n : nodes_) n.side = 0;
}

std::vector<std::size_t> Lan::masters() const {
  std::vector<std::size_t> m;
  for (std::size_t r = 0; r < nodes_.size(); ++r) {
    if (nodes_[r].alive && router(r).state() == State::master) m.push_back(r);
  }
  return m;
}

std::vector<std::size_t> Lan::masters(Vrid vrid) const {
  std::vector<std::size_t> m;
  for (std::size_t r = 0; r < nodes_.size(); ++r) {
    if (!nodes_[r].alive) continue;
    for (const Member& mem : nodes_[r].members) {
      if (mem.config.vrid == vrid && mem.vi->state() == State::master) m.push_back(r);
    }
  }
  return m;
}

void Lan::push(Item item) {
  item.seq = seq_++;
  queue_.push(item);
}

void Lan::run_until(TimePoint t) {
  while (!queue_.empty() && queue_.top().at <= t) {
    const Item item = queue_.top();
    queue_.pop();
    now_ = item.at;
    switch (item.kind) {
      case Kind::control: controls_[item.control](*this); break;
      case Kind::deliver:
        if (nodes_[item.router].alive) {
          feed(item.router, item.instance, Event::advert_from(item.advert));
        }
        break;
      case Kind::timer: {
        const Node& n = nodes_[item.router];
        const Member& m = n.members[item.instance];
        const auto g = m.timer_generation[static_cast<std::size_t>(item.timer)];
        if (n.alive && g == item.generation) {
          feed(item.router, item.instance, Event::expired(item.timer));
        }
        break;
      }
    }
  }
  now_ = t;
}

// Steps one instance, then delivers whatever its sync group decides to the other members (the
// daemon glue's job), until nothing is left.
void Lan::feed(std::size_t r, std::size_t i, const Event& ev) {
  std::deque<std::pair<std::size_t, Event>> work{{i, ev}};
  while (!work.empty()) {
    auto [member, e] = work.front();
    work.pop_front();
    std::vector<SyncAction> sync;
    perform(r, member, e, sync);
    for (const SyncAction& s : sync) {
      if (s.kind != SyncAction::Kind::force_member) continue;
      const EventKind k = s.state == State::master   ? EventKind::sync_force_master
                          : s.state == State::backup ? EventKind::sync_force_backup
                                                     : EventKind::sync_force_fault;
      work.emplace_back(s.member, Event::of(k));
    }
  }
}

// Performs a step's actions the way the daemon would, minus the kernel: adverts go on the wire,
// timers into the queue, transitions into the log and the sync group. Address/GARP/notify
// actions have no effect on the election and are dropped.
void Lan::perform(std::size_t r, std::size_t i, const Event& ev, std::vector<SyncAction>& sync) {
  Node& n = nodes_[r];
  Member& m = n.members[i];
  out_.clear();
  m.vi->step(ev, now_, out_);
  if (verbose_) {
    fmt::print(stderr, "t={:.6f} router {}.{} <- {}",
               std::chrono::duration<double>(now_ - epoch_).count(), r, i, to_string(ev.kind));
    if (ev.kind == EventKind::advert_received) {
      fmt::print(stderr, " from {} prio {}", ev.advert.source.to_string(), ev.advert.priority.value);
    }
    fmt::print(stderr, "\n");
    for (const Action& a : out_) {
      fmt::print(stderr, "    {}\n",
                 a.kind == ActionKind::log ? format_log(a, m.config.name) : describe(a, epoch_));
    }
  }
  for (const Action& a : out_) {
    switch (a.kind) {
      case ActionKind::send_advert: broadcast(r, i, a.priority); break;
      case ActionKind::arm_timer: {
        auto& g = m.timer_generation[static_cast<std::size_t>(a.timer)];
        push(Item{.at = a.deadline, .kind = Kind::timer, .router = r, .instance = i,
                  .timer = a.timer, .generation = ++g});
        break;
      }
      case ActionKind::cancel_timer: ++m.timer_generation[static_cast<std::size_t>(a.timer)]; break;
      case ActionKind::state_changed:
        if (a.from != a.state) transitions_.push_back({now_, r, i, a.from, a.state});
        if (n.group) n.group->on_member_state(i, a.state, sync);
        break;
      case ActionKind::want_master:
        if (n.group) n.group->on_member_wants_master(i, sync);
        break;
      case ActionKind::want_master_withdrawn:
        if (n.group) n.group->on_member_withdraws_master(i);
        break;
      default: break;
    }
  }
}

void Lan::broadcast(std::size_t from, std::size_t i, Priority priority) {
  const InstanceConfig& c = nodes_[from].members[i].config;
  const ReceivedAdvert advert{.source = c.primary_address, .priority = priority,
                              .interval = c.advert_interval, .version = c.version,
                              .addresses_match = true};
  for (std::size_t r = 0; r < nodes_.size(); ++r) {
    if (r == from || !nodes_[r].alive || nodes_[r].side != nodes_[from].side) continue;
    const auto& members = nodes_[r].members;
    auto target = std::find_if(members.begin(), members.end(),
                               [&](const Member& m) { return m.config.vrid == c.vrid; });
    if (target == members.end()) continue;
    if (net_.loss > 0 && rng_.chance(net_.loss)) continue;
    const Duration delay{rng_.between(net_.min_delay.count(), net_.max_delay.count())};
    auto& last = nodes_[from].last_arrival;
    if (last.size() < nodes_.size()) last.resize(nodes_.size(), TimePoint{});
    last[r] = std::max(last[r], now_ + delay);
    push(Item{.at = last[r], .kind = Kind::deliver, .router = r,
              .instance = static_cast<std::size_t>(target - members.begin()), .advert = advert});
  }
}

std::string Lan::trace() const {
  std::string s;
  for (const Transition& t : transitions_) {
    const InstanceConfig& c = nodes_[t.router].members[t.instance].config;
    s += fmt::format("  t={:.6f}s router {} ({}) {} {} -> {}\n",
                     std::chrono::duration<double>(t.at - epoch_).count(), t.router,
                     c.primary_address.to_string(), c.name, to_string(t.from), to_string(t.to));
  }
  return s;
}

}  // namespace vigil::vrrp::sim
