# tests/fuzz/fuzz.mk: libFuzzer targets (clang), built and run by `make fuzz`.
#
# Each target NAME is built from tests/fuzz/fuzz_NAME.c plus the sources it
# exercises, into build/fuzz/fuzz-NAME, and run for FUZZ_TIME seconds on a
# working corpus seeded from tests/fuzz/corpus/NAME/ (and with the
# dictionary tests/fuzz/NAME.dict when there is one). Adding a target is one
# line at the end of this file:
#
#   $(eval $(call fuzz_target,NAME,SOURCES...[,EXTRA CFLAGS]))
#
# FUZZ_ARGS_NAME and FUZZ_LIBS_NAME, if set, add libFuzzer options and
# link libraries for that target.
# Crashes land in build/fuzz/NAME-crash-*; make each one a regression test.

FUZZ_CC ?= clang
FUZZ_TIME ?= 30
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -D_GNU_SOURCE -Iinclude \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -fno-omit-frame-pointer -DSOLO5_VERSION='"$(VERSION)"'
FUZZ_OUT := $(B)/fuzz

# $(call fuzz_target,NAME,SOURCES,EXTRA_CFLAGS)
define fuzz_target
FUZZ_BINS += $(FUZZ_OUT)/fuzz-$(1)

# Headers beside the sources and in include/ count as inputs too.
$(FUZZ_OUT)/fuzz-$(1): tests/fuzz/fuzz_$(1).c $(2) \
        $$(wildcard include/*.h $$(addsuffix *.h,$$(sort $$(dir $(2)))))
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC    $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(3) $$(filter %.c,$$^) $$(FUZZ_LIBS_$(1)) -o $$@

.PHONY: fuzz-$(1)
fuzz-$(1): $(FUZZ_OUT)/fuzz-$(1)
	@mkdir -p $(FUZZ_OUT)/corpus-$(1)
	$(FUZZ_OUT)/fuzz-$(1) -max_total_time=$(FUZZ_TIME) \
	    -artifact_prefix=$(FUZZ_OUT)/$(1)- \
	    $$(if $$(wildcard tests/fuzz/$(1).dict),-dict=tests/fuzz/$(1).dict) \
	    $$(FUZZ_ARGS_$(1)) \
	    $(FUZZ_OUT)/corpus-$(1) tests/fuzz/corpus/$(1)

fuzz: fuzz-$(1)
endef

FUZZ_BINS :=

# Room for manifests with all 63 devices, pretty-printed.
FUZZ_ARGS_manifest := -max_len=8192
$(eval $(call fuzz_target,manifest,imagegen/elftool/mft_json.c tenders/common/mft_check.c,-Iimagegen/elftool -Itenders/common))

# The note reader runs on system libelf, which is not instrumented: what is
# fuzzed is our own checks of what libelf hands back.
FUZZ_ARGS_elfnote := -max_len=16384
FUZZ_LIBS_elfnote := -lelf
$(eval $(call fuzz_target,elfnote,imagegen/elfnote.c tenders/common/elf_notes.c tenders/common/mft_check.c imagegen/elftool/mft_json.c,-Iimagegen -Iimagegen/elftool -Itenders/common))

# The tender's ELF loader: everything it reads of a file is checked.
FUZZ_ARGS_elf_load := -max_len=65536
$(eval $(call fuzz_target,elf_load,tenders/common/elf_load.c tenders/common/elf_notes.c,-Itenders/common))

# The tender's hypercall handlers (core, block, network rings) on fake
# guest memory, without KVM; the input format is in fuzz_hypercall.c.
FUZZ_ARGS_hypercall := -max_len=4096
$(eval $(call fuzz_target,hypercall,tenders/hvt/hvt_core.c $(TENDER_COMMON_SRCS) tenders/common/elf_load.c $(UKREAD_SRCS) tenders/hvt/hvt_module_block.c tenders/hvt/hvt_module_net.c tests/unit/fake_hvt.c,-Itenders/hvt -Itenders/common -Itests/unit))
