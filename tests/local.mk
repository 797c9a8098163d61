# tests/: guest-level tests. Unit tests are registered by each component's local.mk.
EXTRA_DIST += tests/unit.h tests/battery-qemu.sh tests/battery-bt386.sh tests/bt386-errors.sh
# The battery on the reference machine; then on bt386, compared with QEMU in the same run;
# then bad input and crashing guests.
TESTS += tests/battery-qemu.sh tests/battery-bt386.sh tests/bt386-errors.sh
CLEANFILES += tests/battery-qemu.out tests/battery-qemu.out.stderr \
	tests/battery-compare-qemu.out tests/battery-compare-qemu.out.tap \
	tests/battery-bt386.out tests/battery-bt386.out.stderr tests/battery-bt386.stats.json
