#include "vrrp/drop_reason.h"

namespace vigil::vrrp {

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::bad_ip_header: return "bad IP header";
    case DropReason::bad_length: return "bad length";
    case DropReason::bad_ttl: return "bad TTL/hop limit";
    case DropReason::bad_version: return "bad version";
    case DropReason::auth_type_invalid: return "invalid auth type";
    case DropReason::auth_type_mismatch: return "auth type mismatch";
    case DropReason::auth_failure: return "authentication failure";
    case DropReason::interval_mismatch: return "advert interval mismatch";
    case DropReason::invalid_interval: return "invalid advert interval";
    case DropReason::bad_type: return "bad type";
    case DropReason::bad_checksum: return "bad checksum";
    case DropReason::family_mismatch: return "address family mismatch";
    case DropReason::vrid_mismatch: return "VRID not ours";
    case DropReason::cast_mismatch: return "multicast/unicast mismatch";
    case DropReason::unicast_source: return "unicast source not a peer";
  }
  return "unknown drop reason";
}

RxStat stat_of(DropReason r) {
  switch (r) {
    case DropReason::bad_ip_header:
    case DropReason::bad_length: return RxStat::packet_length_errors;
    case DropReason::bad_ttl: return RxStat::ip_ttl_errors;
    case DropReason::bad_version: return RxStat::version_errors;
    case DropReason::auth_type_invalid: return RxStat::auth_invalid_type;
    case DropReason::auth_type_mismatch: return RxStat::auth_type_mismatch;
    case DropReason::auth_failure: return RxStat::auth_failures;
    case DropReason::interval_mismatch:
    case DropReason::invalid_interval: return RxStat::adv_interval_errors;
    case DropReason::bad_type: return RxStat::invalid_type;
    case DropReason::bad_checksum: return RxStat::checksum_errors;
    case DropReason::family_mismatch: return RxStat::family_mismatch;
    case DropReason::vrid_mismatch: return RxStat::vrid_errors;
    case DropReason::cast_mismatch: return RxStat::cast_mismatch;
    case DropReason::unicast_source: return RxStat::unicast_source_errors;
  }
  return RxStat::packet_length_errors;  // unreachable for valid enum values
}

ProtoErrReason proto_error_of(DropReason r) {
  switch (r) {
    case DropReason::bad_ttl: return ProtoErrReason::ip_ttl_error;
    case DropReason::bad_version: return ProtoErrReason::version_error;
    case DropReason::bad_checksum: return ProtoErrReason::checksum_error;
    case DropReason::vrid_mismatch: return ProtoErrReason::vr_id_error;
    default: return ProtoErrReason::no_error;
  }
}

std::string_view to_string(ProtoErrReason r) {
  switch (r) {
    case ProtoErrReason::no_error: return "noError";
    case ProtoErrReason::ip_ttl_error: return "ipTtlError";
    case ProtoErrReason::version_error: return "versionError";
    case ProtoErrReason::checksum_error: return "checksumError";
    case ProtoErrReason::vr_id_error: return "vrIdError";
  }
  return "noError";
}

namespace {

// Order must follow RxStat (checked below). keepalived labels are the lines of its stats file;
// the three authentication ones sit under "Authentication Errors:" there. keepalived prints
// "Advertisement Interval" but never increments it (reference §5.3); vigil does.
constexpr std::array<RxStatName, kRxStatCount> kNames{{
    // stat, id, RFC 6527 / RFC 2787 object, keepalived.stats section, label, JSON key
    {RxStat::adverts_received, "adverts_received", "vrrpv3StatisticsRcvdAdvertisements",
     "Advertisements", "Received", "advert_rcvd"},
    {RxStat::priority_zero_received, "priority_zero_received", "vrrpv3StatisticsRcvdPriZeroPackets",
     "Priority Zero", "Received", "pri_zero_rcvd"},
    {RxStat::address_list_errors, "address_list_errors", "vrrpv3StatisticsAddressListErrors",
     "Packet Errors", "Address List", "addr_list_err"},
    {RxStat::packet_length_errors, "packet_length_errors", "vrrpv3StatisticsPacketLengthErrors",
     "Packet Errors", "Length", "packet_len_err"},
    {RxStat::ip_ttl_errors, "ip_ttl_errors", "vrrpv3StatisticsIpTtlErrors",
     "Packet Errors", "TTL", "ip_ttl_err"},
    {RxStat::invalid_type, "invalid_type", "vrrpv3StatisticsRcvdInvalidTypePackets",
     "Packet Errors", "Invalid Type", "invalid_type_rcvd"},
    {RxStat::adv_interval_errors, "adv_interval_errors", "vrrpv3StatisticsAdvIntervalErrors",
     "Packet Errors", "Advertisement Interval", "advert_interval_err"},
    {RxStat::version_errors, "version_errors", "vrrpv3RouterVersionErrors",
     "", "", ""},
    {RxStat::checksum_errors, "checksum_errors", "vrrpv3RouterChecksumErrors",
     "", "", ""},
    {RxStat::vrid_errors, "vrid_errors", "vrrpv3RouterVrIdErrors",
     "", "", ""},
    {RxStat::auth_invalid_type, "auth_invalid_type", "vrrpStatsInvalidAuthType",
     "Authentication Errors", "Invalid Type", "invalid_authtype"},
    {RxStat::auth_type_mismatch, "auth_type_mismatch", "vrrpStatsAuthTypeMismatch",
     "Authentication Errors", "Type Mismatch", "authtype_mismatch"},
    {RxStat::auth_failures, "auth_failures", "vrrpStatsAuthFailures",
     "Authentication Errors", "Failure", "auth_failure"},
    {RxStat::family_mismatch, "family_mismatch", "",
     "", "", ""},
    {RxStat::cast_mismatch, "cast_mismatch", "",
     "", "", ""},
    {RxStat::unicast_source_errors, "unicast_source_errors", "",
     "", "", ""},
}};

constexpr bool names_in_order() {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (static_cast<std::size_t>(kNames[i].stat) != i) return false;
  }
  return true;
}
static_assert(names_in_order(), "kNames must list RxStat values in enum order");
static_assert(static_cast<std::size_t>(RxStat::unicast_source_errors) + 1 == kRxStatCount);
static_assert(static_cast<std::size_t>(DropReason::unicast_source) + 1 == kDropReasonCount);

}  // namespace

const std::array<RxStatName, kRxStatCount>& rx_stat_names() { return kNames; }

const RxStatName& name_of(RxStat s) { return kNames[static_cast<std::size_t>(s)]; }

}  // namespace vigil::vrrp
