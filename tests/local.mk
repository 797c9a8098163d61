# tests/: guest-level tests. Unit tests are registered by each component's local.mk.
EXTRA_DIST += tests/unit.h tests/battery-qemu.sh tests/battery-bt386.sh tests/bt386-errors.sh \
	tests/linux-guest.sh
# The battery on the reference machine; then on bt386, compared with QEMU in the same run;
# then bad input and crashing guests.
TESTS += tests/battery-qemu.sh tests/battery-bt386.sh tests/bt386-errors.sh tests/linux-guest.sh
CLEANFILES += tests/battery-qemu.out tests/battery-qemu.out.stderr \
	tests/battery-compare-qemu.out tests/battery-compare-qemu.out.tap \
	tests/battery-bt386.out tests/battery-bt386.out.stderr tests/battery-bt386.stats.json \
	tests/linux-qemu.out tests/linux-qemu.out.stderr tests/linux-bt386.out \
	tests/linux-bt386.out.stderr tests/linux-qemu.script tests/linux-bt386.script \
	tests/linux-times tests/linux-build.log tests/linux-bt386.stats.json
