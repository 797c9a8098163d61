# guest_images/battery: the battery guest, a multiboot v1 ELF built with the 32-bit guest compiler.
BATTERY_SRCS = \
	guest_images/battery/boot.S \
	guest_images/battery/smc.S \
	guest_images/battery/main.c \
	guest_images/battery/tap.c \
	guest_images/battery/cpu.c \
	guest_images/battery/hw.c \
	guest_images/battery/t_cpu.c \
	guest_images/battery/t_dt.c \
	guest_images/battery/t_seg.c \
	guest_images/battery/t_flags.c \
	guest_images/battery/t_exc.c \
	guest_images/battery/t_priv.c \
	guest_images/battery/t_paging.c \
	guest_images/battery/t_smc.c \
	guest_images/battery/t_irq.c
BATTERY_HDRS = guest_images/battery/battery.h guest_images/battery/layout.h
BATTERY_LDS = guest_images/battery/linker.ld

# Freestanding IA-32 code: no SSE in compiler output (the guest owns the FPU
# state it tests), no stack protector, no PIC, static at 1 MiB.
GUEST_COMPILE_FLAGS = -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
	-fno-omit-frame-pointer $(WARN_CFLAGS)
GUEST_LINK_FLAGS = -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,--no-warn-rwx-segments

guest_images/battery/battery.elf: $(BATTERY_SRCS) $(BATTERY_HDRS) $(BATTERY_LDS)
	$(AM_V_GEN)$(MKDIR_P) guest_images/battery && \
	srcs=; for f in $(BATTERY_SRCS); do srcs="$$srcs $(srcdir)/$$f"; done; \
	$(GUEST_CC) $(GUEST_COMPILE_FLAGS) $(GUEST_LINK_FLAGS) -I$(srcdir)/guest_images/battery \
		-T $(srcdir)/$(BATTERY_LDS) -o $@ $$srcs -lgcc

noinst_DATA += guest_images/battery/battery.elf
CLEANFILES += guest_images/battery/battery.elf
EXTRA_DIST += $(BATTERY_SRCS) $(BATTERY_HDRS) $(BATTERY_LDS) guest_images/battery/README.md \
	guest_images/battery/qemu-known-failures
