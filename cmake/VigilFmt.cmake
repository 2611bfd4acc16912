# vigil_fmt: what vigil's libraries link for fmt. Always fmt's headers; libfmt.so only for an
# executable that does not compile fmt in itself. vigild does (src/daemon/fmt_inline.cc) and is
# linked statically (VIGIL_STATIC; Debian ships no libfmt.a): it says so with the target property
# VIGIL_FMT_COMPILED_IN, read here on the executable being linked, so the libraries vigild shares
# with the tests need no second build.
add_library(vigil_fmt INTERFACE)
target_include_directories(vigil_fmt INTERFACE $<TARGET_PROPERTY:fmt::fmt,INTERFACE_INCLUDE_DIRECTORIES>)
target_link_libraries(vigil_fmt INTERFACE $<$<NOT:$<BOOL:$<TARGET_PROPERTY:VIGIL_FMT_COMPILED_IN>>>:fmt::fmt>)
