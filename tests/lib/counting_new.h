// tests/lib/counting_new.h — a test binary that links vigil_counting_new has its global operator
// new/delete replaced by malloc/free versions that count every allocation, so a test can prove
// that a code path allocates nothing:
//
//   const long before = vigil::testing::allocations();
//   hot_path();
//   EXPECT_EQ(vigil::testing::allocations(), before);
//
// The replacement applies to the whole binary: keep such tests in an executable of their own.
#pragma once

namespace vigil::testing {

// How many times operator new / new[] has been called in this process so far.
long allocations();

}  // namespace vigil::testing
