# translator/: decode guest code with Zydis, classify it, emit translations.
translator_sources = \
	translator/insn_class.h \
	translator/decode.h translator/decode.c \
	translator/classify.h translator/classify.c \
	translator/emit.h translator/emit.c
noinst_LIBRARIES += translator/libtranslator.a translator/libtranslator_prog.a
translator_libtranslator_a_SOURCES = $(translator_sources)
translator_libtranslator_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
# The same code for the bt386 program and tests that run guest code (UBSan only).
translator_libtranslator_prog_a_SOURCES = $(translator_sources)
translator_libtranslator_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)

# Translated code really runs: blocks, exits, chaining, sites, faults, the interrupt gate.
check_PROGRAMS += tests/test_translate
TESTS += tests/test_translate
tests_test_translate_SOURCES = tests/test_translate.c tests/unit.h
tests_test_translate_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PROG_SAN_CFLAGS)
tests_test_translate_LDFLAGS = $(PROG_SAN_CFLAGS)
tests_test_translate_LDADD = translator/libtranslator_prog.a cache/libcache_prog.a \
	monitor/libworld.a $(ZYDIS_LIBS) $(CHECK_LIBS)
EXTRA_DIST += translator/README.md

# Hand-written classification cases.
check_PROGRAMS += tests/test_classify
TESTS += tests/test_classify
tests_test_classify_SOURCES = tests/test_classify.c tests/unit.h
tests_test_classify_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_classify_LDADD = translator/libtranslator.a $(ZYDIS_LIBS) $(CHECK_LIBS)
tests_test_classify_LDFLAGS = $(SAN_CFLAGS)

# Systematic cross-check of lengths and classes against Capstone.
check_PROGRAMS += tests/test_classify_capstone
TESTS += tests/test_classify_capstone
tests_test_classify_capstone_SOURCES = tests/test_classify_capstone.c tests/unit.h
tests_test_classify_capstone_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CAPSTONE_CFLAGS) $(SAN_CFLAGS)
tests_test_classify_capstone_LDADD = translator/libtranslator.a $(ZYDIS_LIBS) $(CAPSTONE_LIBS) $(CHECK_LIBS)
tests_test_classify_capstone_LDFLAGS = $(SAN_CFLAGS)
