// Tests of config/preprocess.h: @ID conditionals, $NAME definitions and their expansion, the
// predefined names, ~SEQ/~SEQx/~LST. Behaviour checked against keepalived 2.2.7 where noted.
#include <gtest/gtest.h>

#include <string>

#include "config/preprocess.h"
#include "preprocess_test_util.h"

namespace vigil::config {
namespace {

using test::Lines;
using test::Pre;

PreprocessOptions with_id(std::string id) {
  PreprocessOptions o = Pre::default_opts();
  o.config_id = std::move(id);
  return o;
}

TEST(PreprocessCond, AtIdKeepsLineOnlyForThatId) {
  const char* text = "@main router_id main_router\n@backup router_id backup_router\nx\n";
  EXPECT_EQ(Pre(text, with_id("main")).lines(), (Lines{{"router_id", "main_router"}, {"x"}}));
  EXPECT_EQ(Pre(text, with_id("backup")).lines(), (Lines{{"router_id", "backup_router"}, {"x"}}));
  EXPECT_EQ(Pre(text, with_id("other")).lines(), (Lines{{"x"}}));
}

TEST(PreprocessCond, NegatedIdKeepsLineForEveryOtherId) {
  const char* text = "@^main 1.2.3.4\n@^backup 1.2.3.5\n@^backup2 1.2.3.6\n";
  EXPECT_EQ(Pre(text, with_id("main")).lines(), (Lines{{"1.2.3.5"}, {"1.2.3.6"}}));
}

TEST(PreprocessCond, TokenLocationAfterPrefix) {
  Pre p("  @low   priority 1\n", with_id("low"));
  ASSERT_EQ(p.out.size(), 1u);
  EXPECT_EQ(p.out[0].tokens[0].loc.str(), "t.conf:1:10");
}

TEST(PreprocessCond, IdWithNothingAfterIsEmpty) {
  EXPECT_TRUE(Pre("@low\n@low   # c\n", with_id("low")).out.empty());
}

TEST(PreprocessDefine, SimpleDollarAndBraces) {
  Pre p("$P=240\npriority $P\npriority ${P}0\n");
  EXPECT_EQ(p.lines(), (Lines{{"priority", "240"}, {"priority", "2400"}}));
}

// keepalived 2.2.7: `$D$D` → `$Dsub` (only a use followed by white space or end is replaced).
TEST(PreprocessDefine, DollarNameNeedsWhiteSpaceAfter) {
  Pre p("$D=sub\nk $D$D $Dx $D/x $D\n");
  EXPECT_EQ(p.lines(), (Lines{{"k", "$Dsub", "$Dx", "$D/x", "sub"}}));
}

TEST(PreprocessDefine, UndefinedNamesStayUntouched) {
  Pre p("k $UNDEF ${UNDEF2}x\n");
  EXPECT_EQ(p.lines(), (Lines{{"k", "$UNDEF", "$", "{", "UNDEF2", "}", "x"}}));
  EXPECT_TRUE(p.diags.all().empty());
}

TEST(PreprocessDefine, ValueWithSpacesBecomesSeveralTokens) {
  Pre p("$X=   a b\nk $X\n");
  EXPECT_EQ(p.lines(), (Lines{{"k", "a", "b"}}));
}

TEST(PreprocessDefine, EmptyValue) {
  Pre p("$E=\nk $E x\n$E\n");
  EXPECT_EQ(p.lines(), (Lines{{"k", "x"}}));
}

TEST(PreprocessDefine, NotADefinitionWithSpaceBeforeEquals) {
  Pre p("$X =1\n");
  EXPECT_EQ(p.lines(), (Lines{{"$X", "=1"}}));
}

// keepalived.conf(5): replacement is lazy and recursive.
TEST(PreprocessDefine, RecursiveLazyExpansion) {
  Pre p("$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n"
        "$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\n");
  EXPECT_EQ(p.lines(), (Lines{{"10.2.0.100/32"}, {"10.2.10.100/32"}}));
}

TEST(PreprocessDefine, ValueCanHoldAConditional) {
  const char* text = "$IF_MAIN=@main\n$IF_MAIN priority 240\n";
  EXPECT_EQ(Pre(text, with_id("main")).lines(), (Lines{{"priority", "240"}}));
  EXPECT_TRUE(Pre(text, with_id("other")).out.empty());
}

TEST(PreprocessDefine, ConditionalDefinition) {
  const char* text = "@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n";
  EXPECT_EQ(Pre(text, with_id("backup")).lines(), (Lines{{"priority", "200"}}));
}

// corpus 044: `$X=${_HASH}` then `$X keyword` comments the line out. `${STRICT} $NO_STRICT=…`
// becomes a definition when STRICT is empty — and, as keepalived 2.2.7 does (checked: the
// keyword after `$NO_STRICT` is applied), the `#` from ${_HASH} comments out its own value.
TEST(PreprocessDefine, HashValueCommentsOutAndEmptyValueExposesDefinition) {
  Pre p("$PID_DIR=${_HASH}\n$PID_DIR use_pid_dir\n$STRICT=\n${STRICT} $NO_STRICT=${_HASH}\n"
        "$NO_STRICT vrrp_strict\nkeep\n");
  EXPECT_EQ(p.lines(), (Lines{{"vrrp_strict"}, {"keep"}}));
  Pre q("$STRICT=${_HASH}\n$NO_STRICT=\n${STRICT} $NO_STRICT=${_HASH}\n$NO_STRICT router_id good\n");
  EXPECT_EQ(q.lines(), (Lines{{"router_id", "good"}}));
}

// keepalived 2.2.7: `router_id ab${_HASH}cd` sets "ab"; `a${_BANG}b` sets "a".
TEST(PreprocessDefine, HashAndBangFromSubstitutionStartAComment) {
  Pre p("k ab${_HASH}cd\nk a${_BANG}b\nk \"q${_HASH}\"\n");
  EXPECT_EQ(p.lines(), (Lines{{"k", "ab"}, {"k", "a"}, {"k", "q#"}}));
}

TEST(PreprocessDefine, MultiLineDefinition) {
  Pre p("$INSTANCE= \\\nvrrp_instance VI_${NUM} { \\\n  @low priority 120 \\\n  @high priority 130 \\\n}\n"
        "$NUM=0\n$INSTANCE\n$NUM=1\n$INSTANCE\n");
  EXPECT_EQ(p.lines(), (Lines{{"vrrp_instance", "VI_0", "{"}, {"priority", "120"}, {"}"},
                              {"vrrp_instance", "VI_1", "{"}, {"priority", "120"}, {"}"}}));
}

TEST(PreprocessDefine, MultiLineFirstLineContentIsKept) {
  // keepalived 2.2.7: `$X=first \` then ` router_id second` → `first`, then `router_id second`.
  Pre p("$X=first \\\n router_id second\n$X\n");
  EXPECT_EQ(p.lines(), (Lines{{"first"}, {"router_id", "second"}}));
}

TEST(PreprocessDefine, NestedMultiLineDefinitions) {
  Pre p("$RS= \\\nreal_server 10.0.${VS}.${RS_NUM} { \\\n}\n"
        "$VSB= \\\nvirtual_server ${VS} { \\\n $RS_NUM=1 \\\n $RS \\\n $RS_NUM=2 \\\n $RS \\\n}\n"
        "$VS=7\n$VSB\n");
  EXPECT_EQ(p.lines(), (Lines{{"virtual_server", "7", "{"},
                              {"real_server", "10.0.7.1", "{"},
                              {"}"},
                              {"real_server", "10.0.7.2", "{"},
                              {"}"},
                              {"}"}}));
}

TEST(PreprocessDefine, MultiLineUsedMidLineSplitsTheLine) {
  Pre p("$M=a \\\nb\nx $M y\n");
  EXPECT_EQ(p.lines(), (Lines{{"x", "a"}, {"b", "y"}}));
}

TEST(PreprocessDefine, SubstitutedTokensPointAtTheUse) {
  Pre p("$V=10.0.0.1 10.0.0.2\n  addr $V ${V}\n");
  ASSERT_EQ(p.out.size(), 1u);
  ASSERT_EQ(p.out[0].tokens.size(), 5u);
  EXPECT_EQ(p.out[0].tokens[0].loc.str(), "t.conf:2:3");
  EXPECT_EQ(p.out[0].tokens[1].loc.str(), "t.conf:2:8");
  EXPECT_EQ(p.out[0].tokens[2].loc.str(), "t.conf:2:8");
  EXPECT_EQ(p.out[0].tokens[3].loc.str(), "t.conf:2:11");
  EXPECT_EQ(p.out[0].tokens[4].loc.str(), "t.conf:2:11");
}

TEST(PreprocessDefine, SelfReferenceIsCutOffWithAnError) {
  Pre p("$A=${B}\n$B=${A}\nk ${A}\nafter\n");
  EXPECT_EQ(p.lines(), (Lines{{"after"}}));
  ASSERT_FALSE(p.diags.all().empty());
  EXPECT_EQ(p.diags.all()[0].loc.str(), "t.conf:3:1");
  EXPECT_NE(p.diags.all()[0].message.find("uses itself"), std::string::npos);
}

TEST(PreprocessDefine, ExponentialGrowthIsCutOff) {
  Pre p("$A=${A}${A}x\nk ${A}\n");
  EXPECT_TRUE(p.out.empty());
  EXPECT_TRUE(p.diags.has_errors());
}

TEST(PreprocessDefine, ExponentialMultiLineGrowthIsCutOff) {
  PreprocessOptions o = Pre::default_opts();
  o.max_lines = 10000;
  Pre p("$A=\\\n$A\\\n$A\n$A\n", o);
  EXPECT_TRUE(p.diags.has_fatal());
}

TEST(PreprocessPredefined, Pwd) {
  Pre p("k ${_PWD}/x\n", Pre::default_opts(), "/etc/keepalived/keepalived.conf");
  EXPECT_EQ(p.lines(), (Lines{{"k", "/etc/keepalived/x"}}));
}

TEST(PreprocessPredefined, InstanceDefaultsToConfigId) {
  EXPECT_EQ(Pre("k ${_INSTANCE}\n", with_id("lb1")).lines(), (Lines{{"k", "lb1"}}));
  PreprocessOptions o = with_id("lb1");
  o.instance_name = "inst";
  EXPECT_EQ(Pre("k ${_INSTANCE}\n", o).lines(), (Lines{{"k", "inst"}}));
}

TEST(PreprocessPredefined, RandomIsInRangeAndSeeded) {
  PreprocessOptions o = Pre::default_opts();
  o.random_seed = 42;
  Pre a("k ${_RANDOM} ${_RANDOM 5} ${_RANDOM 7 7} ${_RANDOM 10 20}\n", o);
  Pre b("k ${_RANDOM} ${_RANDOM 5} ${_RANDOM 7 7} ${_RANDOM 10 20}\n", o);
  EXPECT_EQ(a.lines(), b.lines());
  ASSERT_EQ(a.out.size(), 1u);
  ASSERT_EQ(a.out[0].tokens.size(), 5u);
  const long r0 = std::stol(std::string(a.out[0].tokens[1].text));
  const long r1 = std::stol(std::string(a.out[0].tokens[2].text));
  const long r3 = std::stol(std::string(a.out[0].tokens[4].text));
  EXPECT_GE(r0, 0);
  EXPECT_LE(r0, 32767);
  EXPECT_GE(r1, 5);
  EXPECT_LE(r1, 32767);
  EXPECT_EQ(a.out[0].tokens[3].text, "7");
  EXPECT_GE(r3, 10);
  EXPECT_LE(r3, 20);
}

TEST(PreprocessPredefined, RandomWithBadArgumentsIsLeftAlone) {
  EXPECT_EQ(Pre("k ${_RANDOM x}\n").lines(), (Lines{{"k", "$", "{", "_RANDOM", "x", "}"}}));
}

TEST(PreprocessPredefined, Env) {
  PreprocessOptions o = Pre::default_opts();
  o.env = {{"VIGIL_T", "eth9"}};
  EXPECT_EQ(Pre("interface ${_ENV VIGIL_T} x${_ENV NOPE}y\n", o).lines(),
            (Lines{{"interface", "eth9", "xy"}}));
}

TEST(PreprocessPredefined, HashAndBang) {
  EXPECT_EQ(Pre("k \"${_HASH}${_BANG}\"\n").lines(), (Lines{{"k", "#!"}}));
}

TEST(PreprocessSeq, SeqForms) {
  EXPECT_EQ(Pre("~SEQ(S, 0, 3) ip 10.0.${S}.1\n").lines(),
            (Lines{{"ip", "10.0.0.1"}, {"ip", "10.0.1.1"}, {"ip", "10.0.2.1"}, {"ip", "10.0.3.1"}}));
  EXPECT_EQ(Pre("~SEQ(i, 3) k $i\n").lines(), (Lines{{"k", "1"}, {"k", "2"}, {"k", "3"}}));
  EXPECT_EQ(Pre("~SEQ(i, -2) k $i\n").lines(), (Lines{{"k", "-1"}, {"k", "-2"}}));
  EXPECT_EQ(Pre("~SEQ(i,5,-2,0) k $i\n").lines(), (Lines{{"k", "5"}, {"k", "3"}, {"k", "1"}}));
  EXPECT_EQ(Pre("~SEQ(i, 3, 1) k $i\n").lines(), (Lines{{"k", "3"}, {"k", "2"}, {"k", "1"}}));
  EXPECT_TRUE(Pre("~SEQ(i, 3, 1, 1) k $i\n").out.empty());
}

TEST(PreprocessSeq, SeqxIsHex) {
  EXPECT_EQ(Pre("~SEQx(S, 0x90, 0x10, 0xc0) ip fe80::20:${S}:1\n").lines(),
            (Lines{{"ip", "fe80::20:90:1"}, {"ip", "fe80::20:a0:1"}, {"ip", "fe80::20:b0:1"},
                   {"ip", "fe80::20:c0:1"}}));
  // keepalived 2.2.7: ~SEQx(i, 0x1e, -5, 0x10) ends at 14.
  Pre p("~SEQx(i, 0x1e, -5, 0x10) k $i\n");
  EXPECT_EQ(p.lines(), (Lines{{"k", "1e"}, {"k", "19"}, {"k", "14"}}));
}

TEST(PreprocessSeq, NestedSeq) {
  EXPECT_EQ(Pre("~SEQx(A, 0x90, 0x10, 0xa0) ~SEQx(B, 0x12, -1, 0x11) fe81::${A}:${B}\n").lines(),
            (Lines{{"fe81::90:12"}, {"fe81::90:11"}, {"fe81::a0:12"}, {"fe81::a0:11"}}));
}

TEST(PreprocessSeq, List) {
  EXPECT_EQ(Pre("~LST(IP, 1, 2) ~LST(IP1, 5,6) 192.169.${IP}.${IP1}\n").lines(),
            (Lines{{"192.169.1.5"}, {"192.169.1.6"}, {"192.169.2.5"}, {"192.169.2.6"}}));
}

TEST(PreprocessSeq, ListOfGroupsCombinedWithSeq) {
  EXPECT_EQ(Pre("~LST({IP, IP1}, {10, 1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}\n").lines(),
            (Lines{{"192.168.10.1"}, {"192.170.10.1"}, {"192.168.20.4"}, {"192.170.20.4"}}));
}

TEST(PreprocessSeq, SeqOverMultiLineDefinition) {
  Pre p("$VI= \\\nvrrp_instance v${ID} { \\\n}\n~SEQ(ID,1,2) $VI\n");
  EXPECT_EQ(p.lines(), (Lines{{"vrrp_instance", "v1", "{"}, {"}"}, {"vrrp_instance", "v2", "{"}, {"}"}}));
}

TEST(PreprocessSeq, SeqTokensPointAtTheBody) {
  Pre p("~SEQ(i, 2) k $i\n");
  ASSERT_EQ(p.out.size(), 2u);
  EXPECT_EQ(p.out[1].tokens[0].loc.str(), "t.conf:1:12");
  EXPECT_EQ(p.out[1].tokens[1].loc.str(), "t.conf:1:14");
}

TEST(PreprocessSeq, Errors) {
  struct Case {
    const char* text;
    const char* loc;
    const char* words;
  } cases[] = {
      {"~SEQ(i, 1, 0, 5) k\n", "t.conf:1:6", "step 0"},
      {"~SEQ(i, 1, 2, 3, 4) k\n", "t.conf:1:6", "takes"},
      {"~SEQ(i, x) k\n", "t.conf:1:6", "not a number"},
      {"~SEQ(1i, 3) k\n", "t.conf:1:6", "not a variable name"},
      {"  ~SEQ(i, 3 k\n", "t.conf:1:3", "no closing"},
      {"~LST(i) k\n", "t.conf:1:6", "at least one value"},
      {"~LST({a,b}, {1}) k\n", "t.conf:1:6", "1 item(s) but there are 2"},
      {"~SEQx(S, 0x90, 0x10, 0xcaaaaaaaaaaaaaaaaaaaaaaaa0) k\n", "t.conf:1:7", "not a number"},
      {"~SEQ(S, 99999999999999999999999) k\n", "t.conf:1:6", "not a number"},
      {"~LST(v, c, a b) k\n", "t.conf:1:6", "white space"},
  };
  for (const Case& c : cases) {
    Pre p(c.text);
    EXPECT_TRUE(p.out.empty()) << c.text;
    ASSERT_EQ(p.diags.all().size(), 1u) << c.text;
    EXPECT_EQ(p.diags.all()[0].loc.str(), c.loc) << c.text;
    EXPECT_NE(p.diags.all()[0].message.find(c.words), std::string::npos) << p.errors();
  }
}

TEST(PreprocessSeq, HugeSeqStopsAtTheLineLimit) {
  PreprocessOptions o = Pre::default_opts();
  o.max_lines = 1000;
  Pre p("~SEQ(i, 0, 1000000000000) @nobody k\n", o);
  EXPECT_TRUE(p.diags.has_fatal());
  EXPECT_TRUE(p.out.empty());
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

// corpus 044 (around line 912): a ~SEQ kept in a multi-line definition is repeated when the
// definition is used, and a `${_HASH}` before the use comments the whole use out — without
// leaving the `}` of the repeated definition behind.
TEST(PreprocessDefine, SeqInsideMultiLineDefinitionAndCommentedUse) {
  const char* defs = "$RS= \\\nreal_server 10.0.0.${R} { \\\n}\n\n$RS3= \\\n  ~SEQ(R,1,2) $RS\n\n";
  test::Pre on(std::string(defs) + "$OFF=\n$OFF\t$RS3\n");
  EXPECT_EQ(on.lines(), (test::Lines{{"real_server", "10.0.0.1", "{"}, {"}"},
                                     {"real_server", "10.0.0.2", "{"}, {"}"}}));
  test::Pre off(std::string(defs) + "$OFF=${_HASH}\n$OFF\t$RS3\n");
  EXPECT_TRUE(off.out.empty());
  EXPECT_TRUE(off.diags.all().empty());
}

// keepalived 2.2.7: a trailing `\` continues a definition even inside a comment, and an empty
// line ends it.
TEST(PreprocessDefine, MultiLineContinuationRules) {
  test::Pre a("$X= \\\n router_id a # comment \\\n router_id b\n$X\n");
  EXPECT_EQ(a.lines(), (test::Lines{{"router_id", "a"}, {"router_id", "b"}}));
  test::Pre b("$X= \\\n router_id a \\\n\n router_id b\n$X\n");
  EXPECT_EQ(b.lines(), (test::Lines{{"router_id", "b"}, {"router_id", "a"}}));
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

TEST(PreprocessCond, DefaultConfigIdIsHostNameUpToFirstDot) {
  const std::string id = default_config_id();
  EXPECT_EQ(id.find('.'), std::string::npos);
  PreprocessOptions o = test::Pre::default_opts();
  o.config_id.clear();  // use the default
  test::Pre p("@" + id + " mine\n@^" + id + " not_mine\n", o);
  EXPECT_EQ(p.lines(), (test::Lines{{"mine"}}));
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

// keepalived 2.2.7 (checked with -d): `router_id abc \` sets "abc\" and `def` on the next line
// is a line of its own; with $X=q, `router_id ${X }` reads as `router_id q }`.
TEST(PreprocessLexOddities, TrailingBackslashAndSpaceInBraces) {
  test::Pre a("router_id abc \\\ndef\n");
  EXPECT_EQ(a.lines(), (test::Lines{{"router_id", "abc\\"}, {"def"}}));
  test::Pre b("$X=q\nrouter_id ${X }\n");
  EXPECT_EQ(b.lines(), (test::Lines{{"router_id", "q", "}"}}));
  test::Pre c("k a\\ # comment \\\n");
  EXPECT_EQ(c.lines(), (test::Lines{{"k", "a\\"}}));
}

}  // namespace
}  // namespace vigil::config
