# imagegen/mkimage.mk: solo5-virtio-mkimage, and the tiny Multiboot kernel its boot tests use.

MKIMAGE_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(wildcard imagegen/img_*.c)) \
        $(ELFNOTE_OBJS)

ALL += $(BIN)/solo5-virtio-mkimage $(B)/tests/imagegen/mbtest.virtio

$(BIN)/solo5-virtio-mkimage: $(MKIMAGE_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD(host)  $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $(MKIMAGE_OBJS) -lelf -lz -o $@

# mbtest: a 32-bit Multiboot kernel in an ELF64 file with the virtio ABI
# note, so that image layouts boot-test before (and beside) the real
# virtio target. C compiled for i386, assembled as .code32 into x86_64
# objects: the linker then makes the ELF64 file loaders see in practice.
MBTEST_DIR := tests/imagegen/mbtest
MBTEST_OUT := $(B)/tests/imagegen
MBTEST_CFLAGS := -m32 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
        -O2 -Wall -Wextra -Werror -Wno-array-bounds -mgeneral-regs-only \
        -fcf-protection=none -fno-asynchronous-unwind-tables -Iinclude

$(MBTEST_OUT)/mbtest.s: $(MBTEST_DIR)/mbtest.c include/elf_abi.h
	@mkdir -p $(dir $@)
	@echo "  CC(mbtest) $<"
	$(Q)$(HOST_CC) $(MBTEST_CFLAGS) -S $< -o $@.tmp
	$(Q)(echo .code32; cat $@.tmp) > $@ && rm -f $@.tmp

$(MBTEST_OUT)/mbtest.o: $(MBTEST_OUT)/mbtest.s
	$(Q)$(HOST_CC) -c $< -o $@

$(MBTEST_OUT)/mbtest_entry.o: $(MBTEST_DIR)/mbtest_entry.S
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -c $< -o $@

$(MBTEST_OUT)/mbtest.virtio: $(MBTEST_OUT)/mbtest_entry.o $(MBTEST_OUT)/mbtest.o $(MBTEST_DIR)/mbtest.ld
	@echo "  LD(mbtest) $@"
	$(Q)ld -m elf_x86_64 -nostdlib -z noexecstack -z max-page-size=0x1000 \
	    --no-warn-rwx-segments -T $(MBTEST_DIR)/mbtest.ld \
	    $(MBTEST_OUT)/mbtest_entry.o $(MBTEST_OUT)/mbtest.o -o $@
