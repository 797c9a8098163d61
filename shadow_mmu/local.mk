# shadow_mmu/: guest page walk, shadow protection rule, host-side guest address space.
shadow_mmu_sources = \
	shadow_mmu/gphys.h \
	shadow_mmu/walk.h shadow_mmu/walk.c \
	shadow_mmu/shadow_prot.h shadow_mmu/shadow_prot.c \
	shadow_mmu/space.h shadow_mmu/space.c

# libshadow.a: for unit tests and components built with $(SAN_CFLAGS) (ASan+UBSan).
noinst_LIBRARIES += shadow_mmu/libshadow.a
shadow_mmu_libshadow_a_SOURCES = $(shadow_mmu_sources)
shadow_mmu_libshadow_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)

# libshadow_prog.a: the same code for the bt386 program itself, which owns the
# low 4 GiB and therefore gets UBSan only ($(PROG_SAN_CFLAGS), see configure.ac).
noinst_LIBRARIES += shadow_mmu/libshadow_prog.a
shadow_mmu_libshadow_prog_a_SOURCES = $(shadow_mmu_sources)
shadow_mmu_libshadow_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)

EXTRA_DIST += shadow_mmu/README.md

check_PROGRAMS += tests/test_shadow_walk tests/test_shadow_prot tests/test_shadow_space
TESTS += tests/test_shadow_walk tests/test_shadow_prot tests/test_shadow_space

tests_test_shadow_walk_SOURCES = tests/test_shadow_walk.c
tests_test_shadow_walk_LDADD = shadow_mmu/libshadow.a $(CHECK_LIBS)
tests_test_shadow_walk_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_shadow_walk_LDFLAGS = $(SAN_CFLAGS)

tests_test_shadow_prot_SOURCES = tests/test_shadow_prot.c
tests_test_shadow_prot_LDADD = shadow_mmu/libshadow.a $(CHECK_LIBS)
tests_test_shadow_prot_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_shadow_prot_LDFLAGS = $(SAN_CFLAGS)

# The space test maps the low 4 GiB for real: no ASan (its shadow lives there).
tests_test_shadow_space_SOURCES = tests/test_shadow_space.c
tests_test_shadow_space_LDADD = shadow_mmu/libshadow_prog.a $(CHECK_LIBS)
tests_test_shadow_space_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PROG_SAN_CFLAGS)
tests_test_shadow_space_LDFLAGS = $(PROG_SAN_CFLAGS)
