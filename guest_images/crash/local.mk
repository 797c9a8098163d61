# guest_images/crash: guests that must make bt386 stop with a clear report.
CRASH_LINK = $(GUEST_CC) $(GUEST_LINK_FLAGS) -T $(srcdir)/$(BATTERY_LDS)
guest_images/crash/triple.elf: guest_images/crash/triple.S $(BATTERY_LDS)
	$(AM_V_GEN)$(MKDIR_P) guest_images/crash && \
	$(CRASH_LINK) -o $@ $(srcdir)/guest_images/crash/triple.S
guest_images/crash/garbage.elf: guest_images/crash/garbage.S $(BATTERY_LDS)
	$(AM_V_GEN)$(MKDIR_P) guest_images/crash && \
	$(CRASH_LINK) -o $@ $(srcdir)/guest_images/crash/garbage.S
noinst_DATA += guest_images/crash/triple.elf guest_images/crash/garbage.elf
CLEANFILES += guest_images/crash/triple.elf guest_images/crash/garbage.elf
EXTRA_DIST += guest_images/crash/triple.S guest_images/crash/garbage.S
