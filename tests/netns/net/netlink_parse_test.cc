// parse_netlink() on hand-made and hostile bytes (pure; no namespace needed).
#include "net/netlink_message.h"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cstring>

#include "net/netlink_request.h"

namespace vigil::net {
namespace {

std::vector<std::uint8_t> with_type(std::vector<std::uint8_t> msg, std::uint16_t type) {
  std::memcpy(msg.data() + 4, &type, 2);
  return msg;
}

TEST(NetlinkParse, OurOwnAddressRequestParsesBack) {
  AddressSpec s{.ifindex = 3, .address = *vrrp::IpAddress::parse("10.0.0.5"), .prefix = 24,
                .label = "eth0:v", .broadcast = *vrrp::IpAddress::parse("10.0.0.255"),
                .noprefixroute = true};
  auto req = build_address(Op::add, s, true);
  ASSERT_TRUE(req);
  auto r = parse_netlink(*req);  // RTM_NEWADDR requests and notifications share a layout
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& e = std::get<AddressEvent>(r.messages[0]);
  EXPECT_EQ(e.ifindex, 3);
  EXPECT_EQ(e.address, s.address);
  EXPECT_FALSE(e.peer);
  EXPECT_EQ(e.broadcast, s.broadcast);
  EXPECT_EQ(e.label, "eth0:v");
  EXPECT_EQ(e.prefix, 24);
  EXPECT_EQ(e.proto, kProtoKeepalived);
  EXPECT_TRUE(e.flags & IFA_F_NOPREFIXROUTE);
}

TEST(NetlinkParse, AckAndErrorWithExtendedMessage) {
  // NLMSG_ERROR, capped, with NLMSGERR_ATTR_MSG "boom".
  std::vector<std::uint8_t> m(16 + 4 + 16 + 8);
  nlmsghdr h{static_cast<std::uint32_t>(m.size()), NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 42, 0};
  std::memcpy(m.data(), &h, sizeof h);
  int err = -EEXIST;
  std::memcpy(m.data() + 16, &err, 4);
  nlmsghdr orig{16, RTM_NEWADDR, 0, 42, 0};
  std::memcpy(m.data() + 20, &orig, 16);
  std::uint16_t alen = 9, atype = NLMSGERR_ATTR_MSG;
  std::memcpy(m.data() + 36, &alen, 2);
  std::memcpy(m.data() + 38, &atype, 2);
  std::memcpy(m.data() + 40, "boom", 4);  // no NUL, and the attr claims one more byte than sent
  m.resize(m.size() + 4);
  h.nlmsg_len = static_cast<std::uint32_t>(m.size());
  std::memcpy(m.data(), &h, sizeof h);
  auto r = parse_netlink(m);
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& ack = std::get<AckMessage>(r.messages[0]);
  EXPECT_EQ(ack.seq, 42u);
  EXPECT_EQ(ack.error, EEXIST);
  EXPECT_EQ(ack.ext_message, "boom");
}

TEST(NetlinkParse, TruncatedAndHostileInputIsAnErrorNotACrash) {
  auto req = build_address(Op::add, {.ifindex = 1, .address = *vrrp::IpAddress::parse("fd00::1"),
                                     .prefix = 64}, true);
  ASSERT_TRUE(req);
  for (std::size_t n = 0; n < req->size(); ++n) {
    std::vector<std::uint8_t> cut(req->begin(), req->begin() + static_cast<std::ptrdiff_t>(n));
    auto r = parse_netlink(cut);
    EXPECT_TRUE(r.messages.empty()) << n;
    if (n > 0) {
      EXPECT_TRUE(r.error) << n;
    }
  }
  // Attribute length running past the message.
  std::vector<std::uint8_t> bad = *req;
  std::uint16_t huge = 0x7fff;
  std::memcpy(bad.data() + 16 + 8, &huge, 2);
  EXPECT_TRUE(parse_netlink(bad).error);
  // Unknown message types are counted, not decoded.
  auto r = parse_netlink(with_type(*req, 0x7777));
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.ignored, 1u);
  // Odd (unaligned) start.
  std::vector<std::uint8_t> shifted(req->size() + 1);
  std::memcpy(shifted.data() + 1, req->data(), req->size());
  auto s = parse_netlink(std::span<const std::uint8_t>(shifted).subspan(1));
  EXPECT_EQ(s.messages.size(), 1u);
}

TEST(NetlinkParse, DumpInterruptedFlagIsReported) {
  auto req = build_address(Op::add, {.ifindex = 1, .address = *vrrp::IpAddress::parse("10.0.0.1")}, false);
  ASSERT_TRUE(req);
  EXPECT_FALSE(parse_netlink(*req).dump_interrupted);
  std::uint16_t flags = NLM_F_MULTI | NLM_F_DUMP_INTR;
  std::memcpy(req->data() + 6, &flags, 2);
  auto r = parse_netlink(*req);
  EXPECT_TRUE(r.dump_interrupted);
  EXPECT_EQ(r.messages.size(), 1u);
}

TEST(NetlinkParse, IfaProtoProbeFromRelease) {
  EXPECT_TRUE(kernel_supports_ifa_proto("6.1.0-13-amd64"));
  EXPECT_TRUE(kernel_supports_ifa_proto("6.18.44-fc"));
  EXPECT_TRUE(kernel_supports_ifa_proto("7.0"));
  EXPECT_FALSE(kernel_supports_ifa_proto("6.0.12"));
  EXPECT_FALSE(kernel_supports_ifa_proto("5.10.0-26-amd64"));
  EXPECT_FALSE(kernel_supports_ifa_proto("garbage"));
  EXPECT_FALSE(kernel_supports_ifa_proto(""));
}

}  // namespace
}  // namespace vigil::net
