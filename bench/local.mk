# bench/: benchmarks against native and qemu-system-i386, measured in one run.
EXTRA_DIST += bench/run.sh
# make bench: bench/run.sh on this build (not part of make check: timing is for benchmarks).
bench: all
	$(SHELL) $(srcdir)/bench/run.sh $(abs_top_builddir)
.PHONY: bench
