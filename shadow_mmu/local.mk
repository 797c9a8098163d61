# shadow_mmu/: guest page walk, shadow protection rule, host-side guest address space.
shadow_mmu_sources = \
	shadow_mmu/gphys.h \
	shadow_mmu/walk.h shadow_mmu/walk.c \
	shadow_mmu/shadow_prot.h shadow_mmu/shadow_prot.c

# libshadow.a: for unit tests and components built with $(SAN_CFLAGS) (ASan+UBSan).
noinst_LIBRARIES += shadow_mmu/libshadow.a
shadow_mmu_libshadow_a_SOURCES = $(shadow_mmu_sources)
shadow_mmu_libshadow_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)

check_PROGRAMS += tests/test_shadow_walk tests/test_shadow_prot
TESTS += tests/test_shadow_walk tests/test_shadow_prot

tests_test_shadow_walk_SOURCES = tests/test_shadow_walk.c
tests_test_shadow_walk_LDADD = shadow_mmu/libshadow.a $(CHECK_LIBS)
tests_test_shadow_walk_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_shadow_walk_LDFLAGS = $(SAN_CFLAGS)

tests_test_shadow_prot_SOURCES = tests/test_shadow_prot.c
tests_test_shadow_prot_LDADD = shadow_mmu/libshadow.a $(CHECK_LIBS)
tests_test_shadow_prot_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_shadow_prot_LDFLAGS = $(SAN_CFLAGS)
