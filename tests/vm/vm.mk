# tests/vm/: the test VM (see docs/testing.md). Included from
# tests/Makefile.inc. Only the preload shim is built here; the kernel and
# initramfs are built on demand by tests/vm/artifacts.sh into a cache
# outside the tree.

ALL += $(TB)/vm/tss_preload.so
$(TB)/vm/tss_preload.so: tests/vm/tss_preload.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -shared -fPIC -O2 -Wall -Wextra -Werror $< -o $@
