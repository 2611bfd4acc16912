// Kernel-timestamped VRRP adverts (IP protocol 112) arriving on one interface of a test
// namespace, from construction on — to measure the gaps between a router's adverts.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace vigil::daemon::test {

class AdvertCapture {
 public:
  AdvertCapture(const std::string& netns, const std::string& ifname);  // the socket stays there
  ~AdvertCapture();
  AdvertCapture(const AdvertCapture&) = delete;
  AdvertCapture& operator=(const AdvertCapture&) = delete;
  bool ok() const { return fd_ >= 0; }

  // Reads what is queued; returns the receive times (CLOCK_REALTIME, from the kernel) of every
  // advert for `vrid` seen so far.
  const std::vector<std::chrono::nanoseconds>& times(int vrid);
  // Largest gap between consecutive adverts of `vrid` seen so far (0 with fewer than two).
  std::chrono::nanoseconds max_gap(int vrid);

 private:
  void poll();
  int fd_ = -1;
  std::vector<std::pair<int, std::chrono::nanoseconds>> seen_;
  std::vector<std::chrono::nanoseconds> out_;
};

}  // namespace vigil::daemon::test
