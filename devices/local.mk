# devices/: the PC platform devices as pure register state machines (see devices/README.md).
noinst_LIBRARIES += devices/libdevices.a devices/libdevices_prog.a
devices_sources = \
	devices/io.c devices/io.h devices/irq.h devices/clock.h \
	devices/calendar.c devices/calendar.h \
	devices/pic.c devices/pic.h \
	devices/pit.c devices/pit.h \
	devices/port61.c devices/port61.h \
	devices/cmos.c devices/cmos.h \
	devices/uart.c devices/uart.h \
	devices/debug_exit.c devices/debug_exit.h \
	devices/port80.c devices/port80.h \
	devices/i8042.c devices/i8042.h \
	devices/pci_none.c devices/pci_none.h \
	devices/pc.c devices/pc.h
devices_libdevices_a_SOURCES = $(devices_sources)
devices_libdevices_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
# The same code for the bt386 program (UBSan only, see configure.ac).
devices_libdevices_prog_a_SOURCES = $(devices_sources)
devices_libdevices_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)
EXTRA_DIST += devices/README.md

# Unit tests: one per device, plus the bus and the PC table.
DEV_TESTS = \
	tests/test_dev_io tests/test_dev_pic tests/test_dev_pit tests/test_dev_cmos \
	tests/test_dev_uart tests/test_dev_debug_exit tests/test_dev_port80 \
	tests/test_dev_i8042 tests/test_dev_pci tests/test_dev_pc
check_PROGRAMS += $(DEV_TESTS)
TESTS += $(DEV_TESTS)
DEV_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
DEV_TEST_LDADD = devices/libdevices.a $(CHECK_LIBS)

tests_test_dev_io_SOURCES = tests/test_dev_io.c
tests_test_dev_io_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_io_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_io_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_pic_SOURCES = tests/test_dev_pic.c
tests_test_dev_pic_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_pic_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_pic_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_pit_SOURCES = tests/test_dev_pit.c
tests_test_dev_pit_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_pit_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_pit_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_cmos_SOURCES = tests/test_dev_cmos.c
tests_test_dev_cmos_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_cmos_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_cmos_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_uart_SOURCES = tests/test_dev_uart.c
tests_test_dev_uart_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_uart_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_uart_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_debug_exit_SOURCES = tests/test_dev_debug_exit.c
tests_test_dev_debug_exit_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_debug_exit_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_debug_exit_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_port80_SOURCES = tests/test_dev_port80.c
tests_test_dev_port80_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_port80_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_port80_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_i8042_SOURCES = tests/test_dev_i8042.c
tests_test_dev_i8042_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_i8042_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_i8042_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_pci_SOURCES = tests/test_dev_pci.c
tests_test_dev_pci_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_pci_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_pci_LDFLAGS = $(SAN_CFLAGS)
tests_test_dev_pc_SOURCES = tests/test_dev_pc.c
tests_test_dev_pc_CFLAGS = $(DEV_TEST_CFLAGS)
tests_test_dev_pc_LDADD = $(DEV_TEST_LDADD)
tests_test_dev_pc_LDFLAGS = $(SAN_CFLAGS)
