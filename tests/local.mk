# tests/: guest-level tests. Unit tests are registered by each component's local.mk.
EXTRA_DIST += tests/unit.h tests/battery-qemu.sh
TESTS += tests/battery-qemu.sh
CLEANFILES += tests/battery-qemu.out tests/battery-qemu.out.stderr
