// An rtnetlink address subscription inside a test namespace: every RTM_NEWADDR / RTM_DELADDR
// from the moment it is constructed, so a test can assert that an address was never removed,
// not even for a moment (what `ip monitor address` shows, without parsing its text).
#pragma once

#include <string>
#include <vector>

namespace vigil::daemon::test {

class AddressWatch {
 public:
  struct Event {
    bool added = false;    // RTM_NEWADDR (false: RTM_DELADDR)
    std::string address;   // "10.9.9.9" / "fd00::1"
    int ifindex = 0;
  };

  explicit AddressWatch(const std::string& netns);  // the socket lives in `netns` for good
  ~AddressWatch();
  AddressWatch(const AddressWatch&) = delete;
  AddressWatch& operator=(const AddressWatch&) = delete;
  bool ok() const { return fd_ >= 0; }

  // Reads everything queued so far and appends it to events().
  void poll();
  const std::vector<Event>& events() const { return events_; }
  // How many removals (or additions) of `address` were seen.
  int count(const std::string& address, bool added);

 private:
  int fd_ = -1;
  std::vector<Event> events_;
};

}  // namespace vigil::daemon::test
