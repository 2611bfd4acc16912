// The static vigild's user/group lookups (src/daemon/nss_getent.cc: getent(1) instead of NSS
// modules in the process). Linked into this test they replace libc's for the whole process;
// libc's own are reached with dlsym(RTLD_NEXT) and must give the same answers for the users and
// groups of this machine.
#include <dlfcn.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace {

using PwnamR = int (*)(const char*, passwd*, char*, size_t, passwd**);
using PwuidR = int (*)(uid_t, passwd*, char*, size_t, passwd**);
using GrnamR = int (*)(const char*, group*, char*, size_t, group**);
using Grouplist = int (*)(const char*, gid_t, gid_t*, int*);

template <class F>
F libc(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

struct Pw {
  bool found = false;
  std::string name, dir, shell;
  uid_t uid = 0;
  gid_t gid = 0;
};

template <class Lookup>
Pw pw_with(Lookup lookup) {
  passwd pw{};
  passwd* r = nullptr;
  char buf[4096];
  Pw out;
  EXPECT_EQ(lookup(&pw, buf, sizeof buf, &r), 0);
  if (r == nullptr) return out;
  EXPECT_EQ(r, &pw);
  return {true, pw.pw_name, pw.pw_dir, pw.pw_shell, pw.pw_uid, pw.pw_gid};
}

void expect_same(const Pw& a, const Pw& b) {
  EXPECT_EQ(a.found, b.found);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.dir, b.dir);
  EXPECT_EQ(a.shell, b.shell);
  EXPECT_EQ(a.uid, b.uid);
  EXPECT_EQ(a.gid, b.gid);
}

// root and nobody are on every Debian system; the third is a name no system has.
const char* const kUsers[] = {"root", "nobody", "vigil-no-such-user-x"};

TEST(NssGetent, UsersByNameAsLibc) {
  const auto real = libc<PwnamR>("getpwnam_r");
  ASSERT_NE(real, nullptr);
  for (const char* u : kUsers) {
    SCOPED_TRACE(u);
    expect_same(pw_with([&](passwd* p, char* b, size_t n, passwd** r) { return ::getpwnam_r(u, p, b, n, r); }),
                pw_with([&](passwd* p, char* b, size_t n, passwd** r) { return real(u, p, b, n, r); }));
  }
  EXPECT_TRUE(pw_with([](passwd* p, char* b, size_t n, passwd** r) { return ::getpwnam_r("root", p, b, n, r); }).found);
  EXPECT_FALSE(pw_with([](passwd* p, char* b, size_t n, passwd** r) {
                 return ::getpwnam_r("vigil-no-such-user-x", p, b, n, r);
               }).found);
}

TEST(NssGetent, UsersByUidAsLibc) {
  const auto real = libc<PwuidR>("getpwuid_r");
  ASSERT_NE(real, nullptr);
  for (uid_t uid : {uid_t{0}, uid_t{65534}, uid_t{4000000000u}}) {
    SCOPED_TRACE(uid);
    expect_same(pw_with([&](passwd* p, char* b, size_t n, passwd** r) { return ::getpwuid_r(uid, p, b, n, r); }),
                pw_with([&](passwd* p, char* b, size_t n, passwd** r) { return real(uid, p, b, n, r); }));
  }
}

// getent looks a numeric key up as an id; getpwnam("0") looks for a user named "0": none.
TEST(NssGetent, NumericNameIsNotAUid) {
  EXPECT_FALSE(pw_with([](passwd* p, char* b, size_t n, passwd** r) { return ::getpwnam_r("0", p, b, n, r); }).found);
  EXPECT_EQ(::getpwnam("0"), nullptr);
  passwd* root = ::getpwnam("root");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->pw_uid, 0u);
}

TEST(NssGetent, SmallBufferIsErange) {
  passwd pw{};
  passwd* r = nullptr;
  char buf[4];
  EXPECT_EQ(::getpwnam_r("root", &pw, buf, sizeof buf, &r), ERANGE);
  EXPECT_EQ(r, nullptr);
  group gr{};
  group* g = nullptr;
  EXPECT_EQ(::getgrnam_r("root", &gr, buf, sizeof buf, &g), ERANGE);
  EXPECT_EQ(g, nullptr);
}

TEST(NssGetent, GroupsByNameAsLibc) {
  const auto real = libc<GrnamR>("getgrnam_r");
  ASSERT_NE(real, nullptr);
  for (const char* name : {"root", "nogroup", "vigil-no-such-group-x", "0"}) {
    SCOPED_TRACE(name);
    group a{}, b{};
    group *ra = nullptr, *rb = nullptr;
    char ba[4096], bb[4096];
    ASSERT_EQ(::getgrnam_r(name, &a, ba, sizeof ba, &ra), 0);
    ASSERT_EQ(real(name, &b, bb, sizeof bb, &rb), 0);
    ASSERT_EQ(ra != nullptr, rb != nullptr);
    if (ra == nullptr) continue;
    EXPECT_STREQ(a.gr_name, b.gr_name);
    EXPECT_EQ(a.gr_gid, b.gr_gid);
    std::vector<std::string> ma, mb;
    for (char** m = a.gr_mem; *m != nullptr; ++m) ma.emplace_back(*m);
    for (char** m = b.gr_mem; *m != nullptr; ++m) mb.emplace_back(*m);
    EXPECT_EQ(ma, mb);
  }
}

TEST(NssGetent, GroupListAsLibc) {
  const auto real = libc<Grouplist>("getgrouplist");
  ASSERT_NE(real, nullptr);
  for (const char* user : {"root", "nobody", "vigil-no-such-user-x"}) {
    SCOPED_TRACE(user);
    gid_t a[64], b[64];
    int na = 64, nb = 64;
    ASSERT_GE(::getgrouplist(user, 12345, a, &na), 0);
    ASSERT_GE(real(user, 12345, b, &nb), 0);
    std::vector<gid_t> va(a, a + na), vb(b, b + nb);
    ASSERT_FALSE(va.empty());
    EXPECT_EQ(va.front(), 12345u);
    std::sort(va.begin(), va.end());
    std::sort(vb.begin(), vb.end());
    EXPECT_EQ(va, vb);
  }
  gid_t one[1];
  int n = 1;
  EXPECT_EQ(::getgrouplist("root", 12345, one, &n), n == 1 ? 1 : -1);
}

}  // namespace
