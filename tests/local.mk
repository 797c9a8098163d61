# tests/: guest-level tests. Unit tests are registered by each component's local.mk.
EXTRA_DIST += tests/unit.h
