// The speed-ups must not change a result: each fast path is compared with the general code it
// short-cuts — the one-pass tokenizer (lex::tokenize_plain) with the full line pipeline, and the
// dotted-quad prefix reader with inet_pton + parse_uint — on hand-picked and generated input.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "config/lex_line.h"
#include "config/preprocess.h"
#include "config/values.h"

namespace vigil::config {
namespace {

// What parse_ip_prefix gave before the fast path: IpAddress::parse (inet_pton) + parse_uint.
std::optional<IpPrefix> reference_prefix(std::string_view s) {
  IpPrefix r;
  std::string_view a = s, len;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    a = s.substr(0, slash);
    len = s.substr(slash + 1);
    r.has_prefix = true;
  }
  auto ip = vrrp::IpAddress::parse(a);
  if (!ip) return std::nullopt;
  r.addr = *ip;
  const unsigned max = ip->is_v4() ? 32 : 128;
  if (r.has_prefix) {
    auto p = parse_uint(len, 0, max);
    if (!p) return std::nullopt;
    r.prefix = static_cast<std::uint8_t>(*p);
  } else {
    r.prefix = static_cast<std::uint8_t>(max);
  }
  return r;
}

void expect_same_prefix(const std::string& s) {
  const auto want = reference_prefix(s);
  const auto got = parse_ip_prefix(s);
  ASSERT_EQ(static_cast<bool>(got), want.has_value()) << "'" << s << "'";
  if (!want) return;
  EXPECT_EQ(got->addr, want->addr) << s;
  EXPECT_EQ(got->prefix, want->prefix) << s;
  EXPECT_EQ(got->has_prefix, want->has_prefix) << s;
}

TEST(FastPath, DottedQuadPrefixAgreesWithInetPton) {
  for (const char* s : {"10.0.0.1", "10.0.0.1/24", "0.0.0.0/0", "255.255.255.255/32", "1.2.3.4/33",
                        "1.2.3.4/024", "1.2.3.4/", "1.2.3.4/+4", "01.2.3.4", "1.2.3.04/8",
                        "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
                        "1.2.3.4/08", "1.2.3.4/0", "1.2.3.4/00", "1000.1.1.1", "fe80::1/64",
                        "::ffff:1.2.3.4", "1.2.3.4/2x", "", "/", "1.2.3.4//8", "0x1.2.3.4"})
    expect_same_prefix(s);
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789./";
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    const int len = static_cast<int>(rng() % 20);
    for (int i = 0; i < len; ++i) s += alphabet[rng() % alphabet.size()];
    expect_same_prefix(s);
  }
  for (int n = 0; n < 5000; ++n) {  // mostly well-formed
    std::string s = std::to_string(rng() % 300) + "." + std::to_string(rng() % 300) + "." +
                    std::to_string(rng() % 300) + "." + std::to_string(rng() % 300);
    if (rng() % 2) s += "/" + std::to_string(rng() % 40);
    expect_same_prefix(s);
  }
}

struct Tok {
  std::string text;
  std::uint32_t col;
  bool quoted;
  bool operator==(const Tok&) const = default;
};

// The full pipeline's tokens for one line (preprocess_text without the fast path's shortcut:
// the line is given a leading "@ID " that matches, which only the full path handles).
std::vector<Tok> full_path(const std::string& line) {
  SourceFiles files;
  Diagnostics diags;
  PreprocessOptions o;
  o.config_id = "x";
  o.use_process_env = false;
  o.allow_includes = false;
  std::vector<Tok> out;
  for (const Line& l : preprocess_text("@x " + line, "t.conf", o, files, diags))
    for (const Token& t : l.tokens) out.push_back({std::string(t.text), t.loc.col - 3u, t.quoted});
  return out;
}

TEST(FastPath, PlainLineTokensMatchTheFullPipeline) {
  const std::vector<std::string> lines = {
      "  priority 100", "\tinterface eth0\r", "vrrp_instance VI_1 {", "}", "a{b}c", "x\"y z\"w",
      "name # comment", "word#tail more", "a!b", "\"quoted # not a comment\" next",
      "virtual_ipaddress { 10.0.0.1/24 dev eth0 }", "  ", "# only a comment", "! bang",
      "notify \"/bin/x a b\"", "k \"\" v", "a\v b\f c", "}}{{", "x;y", "smtp_server 1.2.3.4 25"};
  std::vector<Token> fast;
  for (const std::string& line : lines) {
    ASSERT_TRUE(lex::tokenize_plain(line, FileName{}, 1, fast)) << line;
    std::vector<Tok> got;
    for (const Token& t : fast) got.push_back({std::string(t.text), t.loc.col, t.quoted});
    EXPECT_EQ(got, full_path(line)) << "'" << line << "'";
  }
  // Lines with something for the preprocessor to do take the full path.
  for (const char* line : {"$X=1", "a $X", "@low a", "~SEQ(i,1,2) a", "include x.conf",
                           "a \"$X\"", "a \\", "a \"b\\\"c\"", "\"unterminated"})
    EXPECT_FALSE(lex::tokenize_plain(line, FileName{}, 1, fast)) << line;
}

}  // namespace
}  // namespace vigil::config
