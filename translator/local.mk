# translator/: decode guest code with Zydis, classify it, (later) emit translations.
noinst_LIBRARIES += translator/libtranslator.a
translator_libtranslator_a_SOURCES = \
	translator/insn_class.h \
	translator/decode.h translator/decode.c \
	translator/classify.h translator/classify.c
translator_libtranslator_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
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
