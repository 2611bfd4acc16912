// config/values.h — keepalived's value syntaxes, text → typed value or a reason.
//
// Numbers are decimal (keepalived also takes 0x… for a few; we accept it everywhere), <TIMER> is
// seconds with up to 6 decimals (microsecond resolution), <BOOL> is on|off|true|false|yes|no.
// Each parser returns a Parsed<T> (value or reason; std::expected is not usable with clang 14 +
// libstdc++ 12, which the fuzz build needs): the error text says what was wrong and what range or form is
// expected, ready to be put after "file:line:col: error:".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "vrrp/types.h"

namespace vigil::config {

struct Failure {
  std::string why;
};
inline Failure fail(std::string why) { return Failure{std::move(why)}; }

template <class T>
class Parsed {
 public:
  Parsed(T v) : value_(std::move(v)) {}                 // NOLINT: implicit like std::expected
  Parsed(Failure f) : error_(std::move(f.why)) {}       // NOLINT
  explicit operator bool() const { return value_.has_value(); }
  bool has_value() const { return value_.has_value(); }
  const T& operator*() const { return *value_; }
  const T* operator->() const { return &*value_; }
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

Parsed<std::int64_t> parse_int(std::string_view s, std::int64_t lo, std::int64_t hi);
Parsed<std::uint64_t> parse_uint(std::string_view s, std::uint64_t lo, std::uint64_t hi);
// Decimal seconds ("1", "0.5", "2.000001") → microseconds, checked against [lo, hi].
Parsed<vrrp::Duration> parse_seconds(std::string_view s, vrrp::Duration lo, vrrp::Duration hi);
Parsed<bool> parse_bool(std::string_view s);
Parsed<vrrp::IpAddress> parse_ip(std::string_view s);

struct IpPrefix {
  vrrp::IpAddress addr;
  std::uint8_t prefix = 0;
  bool has_prefix = false;
};
// "ADDR" or "ADDR/LEN"; LEN must fit the family.
// A dotted quad as inet_pton(AF_INET) reads it, or nullopt (then try vrrp::IpAddress::parse).
std::optional<vrrp::IpAddress> parse_plain_ipv4(std::string_view s);
Parsed<IpPrefix> parse_ip_prefix(std::string_view s);

// The inverse of parse_seconds: "1", "0.5", "0.000001" (no trailing zeros).
std::string format_seconds(vrrp::Duration d);

}  // namespace vigil::config
