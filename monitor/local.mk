# monitor/: process set-up, vCPU, world switch, traps, loaders. See DESIGN.md.

# --- boot loaders: multiboot v1 and the Linux 32-bit boot protocol ----------
noinst_LIBRARIES += monitor/libloader.a monitor/libloader_prog.a
monitor_loader_sources = \
	monitor/guest_ram.h \
	monitor/linux_boot.c monitor/linux_boot.h \
	monitor/loader_bytes.h \
	monitor/loader_cpu_state.c monitor/loader_cpu_state.h \
	monitor/loader_dispatch.c monitor/loader_dispatch.h \
	monitor/loader_elf32.c monitor/loader_elf32.h \
	monitor/loader_error.c monitor/loader_error.h \
	monitor/loader_layout.c monitor/loader_layout.h \
	monitor/loader_lowmem.c monitor/loader_lowmem.h \
	monitor/loader_mbinfo.c monitor/loader_mbinfo.h \
	monitor/loader_reservetop.c \
	monitor/loader_types.h \
	monitor/multiboot.c monitor/multiboot.h
monitor_libloader_a_SOURCES = $(monitor_loader_sources)
monitor_libloader_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
monitor_libloader_prog_a_SOURCES = $(monitor_loader_sources)
monitor_libloader_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)

LOADER_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
LOADER_TEST_LDADD = monitor/libloader.a $(CHECK_LIBS)

check_PROGRAMS += tests/test_loader_multiboot tests/test_loader_linux \
	tests/test_loader_common tests/test_loader_fuzz
TESTS += tests/test_loader_multiboot tests/test_loader_linux \
	tests/test_loader_common tests/test_loader_fuzz

tests_test_loader_multiboot_SOURCES = tests/test_loader_multiboot.c \
	tests/test_loader_images.c tests/test_loader_images.h
tests_test_loader_multiboot_CFLAGS = $(LOADER_TEST_CFLAGS)
tests_test_loader_multiboot_LDFLAGS = $(SAN_CFLAGS)
tests_test_loader_multiboot_LDADD = $(LOADER_TEST_LDADD)

tests_test_loader_linux_SOURCES = tests/test_loader_linux.c \
	tests/test_loader_images.c tests/test_loader_images.h
tests_test_loader_linux_CFLAGS = $(LOADER_TEST_CFLAGS)
tests_test_loader_linux_LDFLAGS = $(SAN_CFLAGS)
tests_test_loader_linux_LDADD = $(LOADER_TEST_LDADD)

tests_test_loader_common_SOURCES = tests/test_loader_common.c \
	tests/test_loader_images.c tests/test_loader_images.h
tests_test_loader_common_CFLAGS = $(LOADER_TEST_CFLAGS)
tests_test_loader_common_LDFLAGS = $(SAN_CFLAGS)
tests_test_loader_common_LDADD = $(LOADER_TEST_LDADD)

tests_test_loader_fuzz_SOURCES = tests/test_loader_fuzz.c \
	tests/test_loader_images.c tests/test_loader_images.h
tests_test_loader_fuzz_CFLAGS = $(LOADER_TEST_CFLAGS)
tests_test_loader_fuzz_LDFLAGS = $(SAN_CFLAGS)
tests_test_loader_fuzz_LDADD = $(LOADER_TEST_LDADD)

EXTRA_DIST += monitor/README.md

# --- the world switch: compatibility-mode guest code, callouts, host signals ---
# Built with UBSan only under --enable-sanitizers: it switches stacks and runs on
# the signal stack, and the program that links it reserves the low 4 GiB.
noinst_LIBRARIES += monitor/libworld.a
monitor_libworld_a_SOURCES = \
	monitor/world.c monitor/world.h monitor/world_switch.S \
	monitor/host_ldt.c monitor/host_ldt.h \
	monitor/host_signals.c monitor/host_signals.h \
	monitor/seg_mirror.c monitor/seg_mirror.h
monitor_libworld_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)

check_PROGRAMS += tests/test_world
TESTS += tests/test_world
tests_test_world_SOURCES = tests/test_world.c
tests_test_world_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PROG_SAN_CFLAGS)
tests_test_world_LDFLAGS = $(PROG_SAN_CFLAGS)
tests_test_world_LDADD = monitor/libworld.a $(CHECK_LIBS)

check_PROGRAMS += tests/test_seg_mirror
TESTS += tests/test_seg_mirror
tests_test_seg_mirror_SOURCES = tests/test_seg_mirror.c
tests_test_seg_mirror_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PROG_SAN_CFLAGS)
tests_test_seg_mirror_LDFLAGS = $(PROG_SAN_CFLAGS)
tests_test_seg_mirror_LDADD = monitor/libworld.a $(CHECK_LIBS)

# --- guest CPU semantics: state, guest-memory accesses, (later) delivery and emulation ---
monitor_cpu_sources = \
	monitor/vcpu.h \
	monitor/guest_access.c monitor/guest_access.h \
	monitor/cpu_result.h \
	monitor/cpu_desc.c monitor/cpu_desc.h \
	monitor/cpu_stack.c monitor/cpu_stack.h \
	monitor/cpu_seg.c monitor/cpu_seg.h \
	monitor/cpu_tss.c monitor/cpu_tss.h \
	monitor/cpu_far.c monitor/cpu_far.h \
	monitor/cpu_retf.c \
	monitor/cpu_ret_common.c monitor/cpu_ret_common.h \
	monitor/cpu_iret.c monitor/cpu_iret.h \
	monitor/cpu_idt.c monitor/cpu_idt.h \
	monitor/cpu_deliver.c monitor/cpu_deliver.h \
	monitor/cpu_sysenter.c monitor/cpu_sysenter.h \
	monitor/cpu_lar.c monitor/cpu_lar.h \
	monitor/cpu_ldt_tr.c monitor/cpu_ldt_tr.h \
	monitor/cpu_reset.c monitor/cpu_reset.h
noinst_LIBRARIES += monitor/libcpu.a monitor/libcpu_prog.a
monitor_libcpu_a_SOURCES = $(monitor_cpu_sources)
monitor_libcpu_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
monitor_libcpu_prog_a_SOURCES = $(monitor_cpu_sources)
monitor_libcpu_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)

check_PROGRAMS += tests/test_guest_access
TESTS += tests/test_guest_access
tests_test_guest_access_SOURCES = tests/test_guest_access.c
tests_test_guest_access_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_guest_access_LDFLAGS = $(SAN_CFLAGS)
tests_test_guest_access_LDADD = monitor/libcpu.a shadow_mmu/libshadow.a $(CHECK_LIBS)

# Protection engine tests: a GDT/LDT/IDT/TSS machine in a heap buffer (tests/test_cpu_env.c).
CPU_TEST_SOURCES = tests/test_cpu_env.c tests/test_cpu_env.h
CPU_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
CPU_TEST_LDADD = monitor/libcpu.a shadow_mmu/libshadow.a $(CHECK_LIBS)
check_PROGRAMS += tests/test_cpu_seg tests/test_cpu_far tests/test_cpu_deliver tests/test_cpu_iret
TESTS += tests/test_cpu_seg tests/test_cpu_far tests/test_cpu_deliver tests/test_cpu_iret

tests_test_cpu_seg_SOURCES = tests/test_cpu_seg.c $(CPU_TEST_SOURCES)
tests_test_cpu_seg_CFLAGS = $(CPU_TEST_CFLAGS)
tests_test_cpu_seg_LDFLAGS = $(SAN_CFLAGS)
tests_test_cpu_seg_LDADD = $(CPU_TEST_LDADD)

tests_test_cpu_far_SOURCES = tests/test_cpu_far.c $(CPU_TEST_SOURCES)
tests_test_cpu_far_CFLAGS = $(CPU_TEST_CFLAGS)
tests_test_cpu_far_LDFLAGS = $(SAN_CFLAGS)
tests_test_cpu_far_LDADD = $(CPU_TEST_LDADD)

tests_test_cpu_deliver_SOURCES = tests/test_cpu_deliver.c $(CPU_TEST_SOURCES)
tests_test_cpu_deliver_CFLAGS = $(CPU_TEST_CFLAGS)
tests_test_cpu_deliver_LDFLAGS = $(SAN_CFLAGS)
tests_test_cpu_deliver_LDADD = $(CPU_TEST_LDADD)

tests_test_cpu_iret_SOURCES = tests/test_cpu_iret.c $(CPU_TEST_SOURCES)
tests_test_cpu_iret_CFLAGS = $(CPU_TEST_CFLAGS)
tests_test_cpu_iret_LDFLAGS = $(SAN_CFLAGS)
tests_test_cpu_iret_LDADD = $(CPU_TEST_LDADD)

# --- the command line ---
noinst_LIBRARIES += monitor/liboptions.a
monitor_liboptions_a_SOURCES = monitor/options.c monitor/options.h \
	monitor/console.c monitor/console.h
monitor_liboptions_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
check_PROGRAMS += tests/test_options
TESTS += tests/test_options
tests_test_options_SOURCES = tests/test_options.c
tests_test_options_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_options_LDFLAGS = $(SAN_CFLAGS)
tests_test_options_LDADD = monitor/liboptions.a $(CHECK_LIBS)
check_PROGRAMS += tests/test_console
TESTS += tests/test_console
tests_test_console_SOURCES = tests/test_console.c
tests_test_console_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_console_LDFLAGS = $(SAN_CFLAGS)
tests_test_console_LDADD = monitor/liboptions.a $(CHECK_LIBS)

# --- slow-path emulator: virtualization routines for sensitive instructions ---
monitor_emu_sources = \
	monitor/emu_native.c monitor/emu_native.h monitor/emu_native_exec.S \
	monitor/emu.h monitor/emu_cpu_ops.h monitor/emu_internal.h \
	monitor/emu_exec.c \
	monitor/emu_operand.c monitor/emu_operand.h \
	monitor/emu_flags.c \
	monitor/emu_io.c monitor/emu_io.h \
	monitor/emu_ctrl.c monitor/emu_ctrl.h \
	monitor/emu_cpuid.c monitor/emu_cpuid.h \
	monitor/emu_msr.c monitor/emu_msr.h \
	monitor/emu_desc.c \
	monitor/emu_sreg.c \
	monitor/emu_route.c
noinst_LIBRARIES += monitor/libemu.a monitor/libemu_prog.a
monitor_libemu_a_SOURCES = $(monitor_emu_sources)
monitor_libemu_a_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
monitor_libemu_prog_a_SOURCES = $(monitor_emu_sources)
monitor_libemu_prog_a_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS)

EMU_TESTS = tests/test_emu_flags tests/test_emu_sys tests/test_emu_io \
	tests/test_emu_operand tests/test_emu_route
check_PROGRAMS += $(EMU_TESTS)
TESTS += $(EMU_TESTS)
EMU_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
EMU_TEST_LDADD = monitor/libemu.a monitor/libcpu.a translator/libtranslator.a \
	devices/libdevices.a shadow_mmu/libshadow.a $(ZYDIS_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/test_emu_native
TESTS += tests/test_emu_native
tests_test_emu_native_SOURCES = tests/test_emu_native.c tests/test_emu_common.c tests/test_emu_common.h
tests_test_emu_native_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SAN_CFLAGS)
tests_test_emu_native_LDFLAGS = $(SAN_CFLAGS)
tests_test_emu_native_LDADD = $(EMU_TEST_LDADD)
tests_test_emu_flags_SOURCES = tests/test_emu_flags.c tests/test_emu_common.c tests/test_emu_common.h
tests_test_emu_flags_CFLAGS = $(EMU_TEST_CFLAGS)
tests_test_emu_flags_LDFLAGS = $(SAN_CFLAGS)
tests_test_emu_flags_LDADD = $(EMU_TEST_LDADD)
tests_test_emu_sys_SOURCES = tests/test_emu_sys.c tests/test_emu_common.c tests/test_emu_common.h
tests_test_emu_sys_CFLAGS = $(EMU_TEST_CFLAGS)
tests_test_emu_sys_LDFLAGS = $(SAN_CFLAGS)
tests_test_emu_sys_LDADD = $(EMU_TEST_LDADD)
tests_test_emu_io_SOURCES = tests/test_emu_io.c tests/test_emu_common.c tests/test_emu_common.h
tests_test_emu_io_CFLAGS = $(EMU_TEST_CFLAGS)
tests_test_emu_io_LDFLAGS = $(SAN_CFLAGS)
tests_test_emu_io_LDADD = $(EMU_TEST_LDADD)
tests_test_emu_operand_SOURCES = tests/test_emu_operand.c tests/test_emu_common.c \
	tests/test_emu_common.h
tests_test_emu_operand_CFLAGS = $(EMU_TEST_CFLAGS)
tests_test_emu_operand_LDFLAGS = $(SAN_CFLAGS)
tests_test_emu_operand_LDADD = $(EMU_TEST_LDADD)
tests_test_emu_route_SOURCES = tests/test_emu_route.c tests/test_emu_common.c \
	tests/test_emu_common.h
tests_test_emu_route_CFLAGS = $(EMU_TEST_CFLAGS)
tests_test_emu_route_LDFLAGS = $(SAN_CFLAGS)
tests_test_emu_route_LDADD = $(EMU_TEST_LDADD)

# --- the bt386 program: the machine (vm_*.c) and main ---
# UBSan only under --enable-sanitizers: it owns the low 4 GiB (see configure.ac).
bin_PROGRAMS += bt386
bt386_SOURCES = \
	monitor/main.c monitor/options.c monitor/options.h monitor/console.c monitor/console.h \
	monitor/vm.h monitor/vm_internal.h \
	monitor/vm_setup.c monitor/vm_exec.c monitor/vm_emulate.c \
	monitor/vm_shadow.c monitor/vm_trap.c monitor/vm_cpu_ops.c monitor/vm_stats.c \
	monitor/seccomp.c monitor/seccomp.h monitor/initrd_check.c monitor/initrd_check.h
bt386_CFLAGS = $(AM_CFLAGS) $(PROG_SAN_CFLAGS) $(SECCOMP_CFLAGS) $(ZLIB_CFLAGS)
bt386_LDFLAGS = $(PROG_SAN_CFLAGS)
bt386_LDADD = monitor/libemu_prog.a monitor/libcpu_prog.a monitor/libloader_prog.a \
	translator/libtranslator_prog.a cache/libcache_prog.a monitor/libworld.a \
	devices/libdevices_prog.a shadow_mmu/libshadow_prog.a $(ZYDIS_LIBS) $(SECCOMP_LIBS) \
	$(ZLIB_LIBS)
