#include "config/values.h"

#include <array>

#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace vigil::config {

namespace {

// Strict: the whole token must be the number; hex with 0x prefix allowed.
template <class T>
bool to_number(std::string_view s, T& out) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty() || s.front() == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

Parsed<std::int64_t> parse_int(std::string_view s, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  if (!to_number(s, v)) return fail(fmt::format("'{}' is not a whole number", s));
  if (v < lo || v > hi)
    return fail(fmt::format("{} is outside the range {}..{}", v, lo, hi));
  return v;
}

Parsed<std::uint64_t> parse_uint(std::string_view s, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t v = 0;
  if (!to_number(s, v)) {
    std::int64_t neg = 0;
    if (to_number(s, neg))
      return fail(fmt::format("{} is outside the range {}..{}", neg, lo, hi));
    return fail(fmt::format("'{}' is not a whole number", s));
  }
  if (v < lo || v > hi)
    return fail(fmt::format("{} is outside the range {}..{}", v, lo, hi));
  return v;
}

Parsed<vrrp::Duration> parse_seconds(std::string_view s, vrrp::Duration lo, vrrp::Duration hi) {
  auto bad = [&] {
    return fail(
        fmt::format("'{}' is not a time in seconds (write e.g. 1 or 0.5, up to 6 decimals)", s));
  };
  std::string_view whole = s, frac;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
  }
  if (whole.empty() && frac.empty()) return bad();
  std::uint64_t secs = 0;
  if (!whole.empty()) {
    auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), secs);
    if (ec != std::errc{} || p != whole.data() + whole.size() || secs > 1'000'000'000) {
      if (!whole.empty() && whole.front() == '-')
        return fail(fmt::format("'{}' must not be negative", s));
      return bad();
    }
  }
  if (frac.size() > 6) return fail(fmt::format(
      "'{}' has more than 6 decimals (microsecond resolution)", s));
  std::uint64_t us = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    us *= 10;
    if (i < frac.size()) {
      if (frac[i] < '0' || frac[i] > '9') return bad();
      us += static_cast<std::uint64_t>(frac[i] - '0');
    }
  }
  vrrp::Duration d{static_cast<std::int64_t>(secs * 1'000'000 + us)};
  if (d < lo || d > hi)
    return fail(fmt::format("{} s is outside the range {}..{} s", s,
                                       format_seconds(lo), format_seconds(hi)));
  return d;
}

Parsed<bool> parse_bool(std::string_view s) {
  if (s == "on" || s == "true" || s == "yes") return true;
  if (s == "off" || s == "false" || s == "no") return false;
  return fail(fmt::format("'{}' is not a boolean: write on/off, true/false or yes/no", s));
}

Parsed<vrrp::IpAddress> parse_ip(std::string_view s) {
  if (auto a = vrrp::IpAddress::parse(s)) return *a;
  return fail(fmt::format("'{}' is not an IPv4 or IPv6 address", s));
}

// A dotted quad exactly as inet_pton(AF_INET) accepts it: four decimal parts of 1–3 digits,
// each at most 255, no leading zero. Anything else (IPv6, or text inet_pton would reject) gives
// nullopt and goes to IpAddress::parse, so the result never differs from inet_pton's.
namespace {

// Reads a dotted quad at the start of [p, end) as inet_pton(AF_INET) would; returns the end of
// it, or nullptr when the text is not one (or is one inet_pton would reject).
const char* read_quad(const char* p, const char* end, std::array<std::uint8_t, 4>& b) {
  for (std::size_t part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return nullptr;
      ++p;
    }
    const char* start = p;
    unsigned v = 0;
    while (p != end && p - start < 3 && static_cast<unsigned>(*p - '0') < 10)
      v = v * 10 + static_cast<unsigned>(*p++ - '0');
    if (p == start || v > 255 || (*start == '0' && p - start > 1)) return nullptr;
    b[part] = static_cast<std::uint8_t>(v);
  }
  return p;
}

}  // namespace

std::optional<vrrp::IpAddress> parse_plain_ipv4(std::string_view s) {
  std::array<std::uint8_t, 4> b{};
  const char* end = s.data() + s.size();
  if (read_quad(s.data(), end, b) != end) return std::nullopt;
  return vrrp::IpAddress::v4(b);
}

Parsed<IpPrefix> parse_ip_prefix(std::string_view s) {
  IpPrefix r;
  {  // the common case, "A.B.C.D" or "A.B.C.D/N" (N: 0..32 without a leading zero), in one pass
    std::array<std::uint8_t, 4> b{};
    const char* end = s.data() + s.size();
    const char* p = read_quad(s.data(), end, b);
    if (p == end) {
      r.addr = vrrp::IpAddress::v4(b);
      r.prefix = 32;
      return r;
    }
    if (p != nullptr && *p == '/' && end - p >= 2 && end - p <= 3 &&
        static_cast<unsigned>(p[1] - '0') < 10 && (end - p == 2 || (p[1] != '0' &&
        static_cast<unsigned>(p[2] - '0') < 10))) {
      const unsigned len = end - p == 2 ? static_cast<unsigned>(p[1] - '0')
                                        : static_cast<unsigned>((p[1] - '0') * 10 + (p[2] - '0'));
      if (len <= 32) {
        r.addr = vrrp::IpAddress::v4(b);
        r.prefix = static_cast<std::uint8_t>(len);
        r.has_prefix = true;
        return r;
      }
    }
  }
  std::string_view a = s;
  std::string_view len;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    a = s.substr(0, slash);
    len = s.substr(slash + 1);
    r.has_prefix = true;
  }
  std::optional<vrrp::IpAddress> ip = vrrp::IpAddress::parse(a);
  if (!ip) return fail(fmt::format("'{}' is not an IPv4 or IPv6 address", s));
  r.addr = *ip;
  unsigned max = ip->is_v4() ? 32 : 128;
  if (r.has_prefix) {
    auto p = parse_uint(len, 0, max);
    if (!p)
      return fail(fmt::format("'{}': prefix length must be 0..{}", s, max));
    r.prefix = static_cast<std::uint8_t>(*p);
  } else {
    r.prefix = static_cast<std::uint8_t>(max);
  }
  return r;
}

std::string format_seconds(vrrp::Duration d) {
  auto us = d.count();
  std::string out = fmt::format("{}", us / 1'000'000);
  if (auto frac = us % 1'000'000; frac != 0) {
    std::string f = fmt::format("{:06}", frac);
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

}  // namespace vigil::config
