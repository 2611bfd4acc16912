// sim/lan.h — a simulated LAN of VRRP routers running the real vrrp::Instance (and SyncGroup).
//
// A discrete-event simulation with its own scheduler: a priority queue of (time, seq, item),
// where an item is a packet delivery, a timer expiry or a scripted control step (partition,
// crash, restart, priority change…). A router runs one or more instances (one per VRID),
// optionally tied by a sync group that the Lan wires like the daemon glue does. Adverts go to the
// instance with the same VRID on every live router on the same side of the current partition,
// each copy independently lost with probability `loss` and delayed uniformly in
// [min_delay, max_delay] — but never overtaking an earlier packet on the same sender→receiver
// path, as on a real segment. Timers follow the machine's arm/cancel actions exactly: a
// cancelled or re-armed timer's old expiry is dropped by generation number. Deterministic for a
// seed.
//
//   sim::Lan lan{seed, {.min_delay = 1ms, .max_delay = 5ms}};
//   auto a = lan.add_router(config_a);
//   lan.at(lan.epoch(), [a](sim::Lan& l) { l.start(a); });
//   lan.run_until(lan.epoch() + 30s);
//   EXPECT_EQ(lan.masters().size(), 1u);
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "vrrp/instance.h"
#include "vrrp/sync_group.h"

namespace vigil::vrrp::sim {

struct NetConditions {
  Duration min_delay{0};
  Duration max_delay{0};
  double loss = 0.0;
};

struct Transition {
  TimePoint at;
  std::size_t router;
  std::size_t instance;
  State from;
  State to;
};

class Lan {
 public:
  explicit Lan(std::uint64_t seed, NetConditions net = {});

  // A router with one instance, or several (distinct VRIDs), optionally in one sync group.
  std::size_t add_router(InstanceConfig config);
  std::size_t add_router(std::vector<InstanceConfig> configs, bool sync_group);

  // Schedules a control step at an absolute time.
  void at(TimePoint t, std::function<void(Lan&)> step);

  // Control steps (call from `at` callbacks, or before running).
  void start(std::size_t r);           // (re)create the instances, feed startup
  void crash(std::size_t r);           // vanish silently: no priority-0 advert, timers dropped
  void shutdown(std::size_t r);        // graceful: the machines resign, then the router is gone
  void set_weights(std::size_t r, std::int32_t total);  // every instance of the router
  void inject(std::size_t r, std::size_t instance, const Event& ev);  // e.g. interface_down
  void partition(const std::vector<int>& side_of_router);
  void heal();
  void set_conditions(NetConditions net) { net_ = net; }
  // Print every event and action to stderr (for replaying a failing seed).
  void set_verbose(bool v) { verbose_ = v; }

  void run_until(TimePoint t);

  TimePoint epoch() const { return epoch_; }
  TimePoint now() const { return now_; }
  std::size_t size() const { return nodes_.size(); }
  bool alive(std::size_t r) const { return nodes_[r].alive; }
  const Instance& router(std::size_t r, std::size_t instance = 0) const {
    return *nodes_[r].members[instance].vi;
  }
  std::size_t instances(std::size_t r) const { return nodes_[r].members.size(); }
  // Live routers whose instance for `vrid` (default: the first instance) is MASTER.
  std::vector<std::size_t> masters() const;
  std::vector<std::size_t> masters(Vrid vrid) const;
  const std::vector<Transition>& transitions() const { return transitions_; }
  std::string trace() const;

 private:
  enum class Kind : std::uint8_t { deliver, timer, control };
  struct Item {
    TimePoint at{};
    std::uint64_t seq = 0;
    Kind kind = Kind::control;
    std::size_t router = 0;
    std::size_t instance = 0;
    Timer timer = Timer::master_down;
    std::uint64_t generation = 0;
    ReceivedAdvert advert{};
    std::size_t control = 0;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  struct Member {
    InstanceConfig config{};
    std::optional<Instance> vi{};
    std::array<std::uint64_t, kTimerCount> timer_generation{};
  };
  struct Node {
    std::vector<Member> members{};
    std::optional<SyncGroup> group{};
    bool sync = false;
    bool alive = false;
    int side = 0;
    std::vector<TimePoint> last_arrival{};  // per receiver: a link never reorders (FIFO)
  };

  void push(Item item);
  void feed(std::size_t r, std::size_t i, const Event& ev);
  void perform(std::size_t r, std::size_t i, const Event& ev, std::vector<SyncAction>& sync);
  void broadcast(std::size_t from, std::size_t i, Priority priority);
  void drop_timers(Node& n);

  TimePoint epoch_ = TimePoint{} + std::chrono::hours{1};
  TimePoint now_ = epoch_;
  Rng rng_;
  NetConditions net_;
  std::vector<Node> nodes_;
  std::vector<std::function<void(Lan&)>> controls_;
  std::priority_queue<Item, std::vector<Item>, Later> queue_;
  std::uint64_t seq_ = 0;
  std::vector<Transition> transitions_;
  ActionBuffer out_;
  bool verbose_ = false;
};

}  // namespace vigil::vrrp::sim
