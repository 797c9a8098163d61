# cache/: translation-cache memory and the block table. See cache/README.md.
cache_sources = cache/tc.c cache/tc.h cache/blocks.c cache/blocks.h
noinst_LIBRARIES += cache/libcache.a cache/libcache_prog.a
cache_libcache_a_SOURCES = $(cache_sources)
cache_libcache_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
cache_libcache_prog_a_SOURCES = $(cache_sources)
cache_libcache_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)
EXTRA_DIST += cache/README.md

check_PROGRAMS += tests/test_blocks
TESTS += tests/test_blocks
tests_test_blocks_SOURCES = tests/test_blocks.c
tests_test_blocks_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_blocks_LDFLAGS = $(SAN_CFLAGS)
tests_test_blocks_LDADD = cache/libcache.a $(CHECK_LIBS)
