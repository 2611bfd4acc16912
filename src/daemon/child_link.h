// daemon/child_link.h — what vigild's parent and its VRRP child say to each other.
//
// The parent never parses the configuration (it stays small: issue 8): the child reads the file,
// reports what the parent needs from it, and the parent answers. One SOCK_SEQPACKET socketpair
// carries both directions; every message is one datagram: a kind byte, the sender's pid, a
// payload, and at most one file descriptor (SCM_RIGHTS).
//
// Child → parent
//   'S' settings  after reading the file at start, respawn or a start by a reload: a ChildReport
//                 (+ the snapshot memfd when the file is usable). The child then waits for 'G'/'Q'.
//   'L' loaded    its runtime runs.
//   'R' reloaded  a reload was applied: ChildReport + snapshot memfd.
//   'F' failed    a reload was refused (errors in the file, a renamed instance…): nothing changed.
// Parent → child
//   'G' go        run (+ the VRRP pidfile's fd: the lock the parent took, shared).
//   'Q' quit      exit 0 at once (nothing to run, another daemon holds the pidfiles, stopping).
//   'H' reload    read the file again and apply it (as SIGHUP does).
//
// The snapshot: the bytes of every file the running configuration was read from, in a sealed
// memfd the parent holds without mapping it (keepalived keeps its configuration in a memfd too).
// A respawned child parses those bytes, so it runs what was checked, not a half-edited file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/run_config.h"

namespace vigil::daemon {

inline constexpr char kReportSettings = 'S';
inline constexpr char kReportLoaded = 'L';
inline constexpr char kReportReloaded = 'R';
inline constexpr char kReportReloadFailed = 'F';
inline constexpr char kOrderGo = 'G';
inline constexpr char kOrderQuit = 'Q';
inline constexpr char kOrderReload = 'H';

// What the parent needs from the configuration.
struct ChildReport {
  bool usable = false;         // the file can be run
  bool has_instances = false;  // it has VRRP instances
  ProcessSettings settings;    // also from a file with errors, as far as it was read
  std::string router_id;       // keepalived_parent.data
  std::chrono::milliseconds child_wait_time{5000};
};

std::string encode_report(const ChildReport& report);
std::optional<ChildReport> decode_report(std::string_view bytes);

struct LinkMessage {
  char kind = 0;
  pid_t pid = 0;
  std::string payload;
  int fd = -1;  // owned by the receiver (close it)
};

// A non-blocking socketpair: [0] the parent's end, [1] the child's. false on error (errno set).
bool make_link(int fds[2]);

// One message. false if it could not be sent whole (full buffer, peer gone).
bool send_message(int sock, char kind, std::string_view payload = {}, int fd = -1);

enum class Received { message, none, closed };
// One message into `out`; `wait`: block until one arrives. Malformed datagrams are skipped.
Received receive_message(int sock, LinkMessage& out, bool wait);

// The files in a sealed memfd; -1 on error.
int snapshot_to_memfd(const FileTexts& files);
// Back from such a memfd (read with pread: the caller's pages only while parsing).
std::optional<FileTexts> snapshot_from_fd(int fd);

}  // namespace vigil::daemon
