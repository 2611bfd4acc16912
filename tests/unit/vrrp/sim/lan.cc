#include "sim/lan.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vigil::vrrp::sim {

Lan::Lan(std::uint64_t seed, NetConditions net) : rng_(seed), net_(net) {}

std::size_t Lan::add_router(InstanceConfig config) {
  nodes_.push_back(Node{.config = std::move(config)});
  return nodes_.size() - 1;
}

void Lan::at(TimePoint t, std::function<void(Lan&)> step) {
  controls_.push_back(std::move(step));
  push(Item{.at = t, .kind = Kind::control, .control = controls_.size() - 1});
}

void Lan::start(std::size_t r) {
  Node& n = nodes_[r];
  n.vi.emplace(n.config);
  n.alive = true;
  for (auto& g : n.timer_generation) ++g;  // nothing from a previous life fires
  feed(r, Event::of(EventKind::startup));
}

void Lan::crash(std::size_t r) {
  Node& n = nodes_[r];
  n.alive = false;
  for (auto& g : n.timer_generation) ++g;
}

void Lan::shutdown(std::size_t r) {
  if (!nodes_[r].alive) return;
  feed(r, Event::of(EventKind::shutdown));
  crash(r);
}

void Lan::set_weights(std::size_t r, std::int32_t total) {
  if (nodes_[r].alive) feed(r, Event::weights(total));
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
    if (nodes_[r].alive && nodes_[r].vi->state() == State::master) m.push_back(r);
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
        if (nodes_[item.router].alive) feed(item.router, Event::advert_from(item.advert));
        break;
      case Kind::timer: {
        const Node& n = nodes_[item.router];
        const auto g = n.timer_generation[static_cast<std::size_t>(item.timer)];
        if (n.alive && g == item.generation) feed(item.router, Event::expired(item.timer));
        break;
      }
    }
  }
  now_ = t;
}

// Performs a step's actions the way the daemon would, minus the kernel: adverts go on the wire,
// timers into the queue, transitions into the log. Address/GARP/notify actions have no effect
// on the election and are dropped.
void Lan::feed(std::size_t r, const Event& ev) {
  out_.clear();
  nodes_[r].vi->step(ev, now_, out_);
  if (verbose_) {
    fmt::print(stderr, "t={:.6f} router {} <- {}", std::chrono::duration<double>(now_ - epoch_).count(),
               r, to_string(ev.kind));
    if (ev.kind == EventKind::advert_received)
      fmt::print(stderr, " from {} prio {}", ev.advert.source.to_string(), ev.advert.priority.value);
    fmt::print(stderr, "\n");
    for (const Action& a : out_) {
      fmt::print(stderr, "    {}\n", a.kind == ActionKind::log ? format_log(a, nodes_[r].config.name)
                                                              : describe(a, epoch_));
    }
  }
  for (const Action& a : out_) {
    Node& n = nodes_[r];
    switch (a.kind) {
      case ActionKind::send_advert: broadcast(r, a.priority); break;
      case ActionKind::arm_timer: {
        auto& g = n.timer_generation[static_cast<std::size_t>(a.timer)];
        push(Item{.at = a.deadline, .kind = Kind::timer, .router = r, .timer = a.timer,
                  .generation = ++g});
        break;
      }
      case ActionKind::cancel_timer: ++n.timer_generation[static_cast<std::size_t>(a.timer)]; break;
      case ActionKind::state_changed:
        if (a.from != a.state) transitions_.push_back({now_, r, a.from, a.state});
        break;
      default: break;
    }
  }
}

void Lan::broadcast(std::size_t from, Priority priority) {
  ++adverts_sent_;
  const InstanceConfig& c = nodes_[from].config;
  const ReceivedAdvert advert{.source = c.primary_address, .priority = priority,
                              .interval = c.advert_interval, .version = c.version,
                              .addresses_match = true};
  for (std::size_t r = 0; r < nodes_.size(); ++r) {
    if (r == from || !nodes_[r].alive || nodes_[r].side != nodes_[from].side) continue;
    if (net_.loss > 0 && rng_.chance(net_.loss)) continue;
    const Duration delay{rng_.between(net_.min_delay.count(), net_.max_delay.count())};
    auto& last = nodes_[from].last_arrival;
    if (last.size() < nodes_.size()) last.resize(nodes_.size(), TimePoint{});
    last[r] = std::max(last[r], now_ + delay);
    push(Item{.at = last[r], .kind = Kind::deliver, .router = r, .advert = advert});
  }
}

std::string Lan::trace() const {
  std::string s;
  for (const Transition& t : transitions_) {
    s += fmt::format("  t={:.6f}s router {} ({}) {} -> {}\n",
                     std::chrono::duration<double>(t.at - epoch_).count(), t.router,
                     nodes_[t.router].config.primary_address.to_string(), to_string(t.from),
                     to_string(t.to));
  }
  return s;
}

}  // namespace vigil::vrrp::sim
