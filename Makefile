# Top-level Makefile. Non-recursive: each folder adds its own rules in its
# Makefile.inc. Everything built lands under build/, laid out as an
# installed prefix (bin/, lib/solo5/, include/solo5/, lib/pkgconfig/) so
# the in-tree tools and the installed ones find their files the same way.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
# Keep generated sources (manifest.c) for inspection and fewer rebuilds.
.SECONDARY:

include Makefile.common

ALL :=
CLEAN :=
TESTS :=

include include/Makefile.inc
include toolchain/Makefile.inc
include virtio/Makefile.inc
include bindings/Makefile.inc
include tenders/Makefile.inc
include imagegen/Makefile.inc
include scripts/Makefile.inc
include tests/Makefile.inc

.PHONY: all clean install test bench fuzz format-check example loc
all: $(ALL)

clean:
	rm -rf $(B) $(CLEAN)

# make install PREFIX=/some/dir: copy the staged prefix.
PREFIX ?= /usr/local
install: all
	mkdir -p $(DESTDIR)$(PREFIX)
	cp -R $(B)/bin $(B)/lib $(B)/include $(DESTDIR)$(PREFIX)/
	sed -i 's|^prefix=.*|prefix=$(PREFIX)|' $(DESTDIR)$(PREFIX)/lib/pkgconfig/solo5-bindings-*.pc

test: all
	@tests/run-tests.sh

bench: all
	@tests/bench/run-bench.sh

# The README's first command: build, image and boot the bundled example.
example: all
	@scripts/run-example.sh

# Trusted code size: the tender and the bindings.
loc:
	@ci/loc.sh

format-check:
	@ci/format-check.sh
