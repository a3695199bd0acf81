# tests/unit/unit.mk: cmocka unit tests of host-side C code.
#
# Each tests/unit/test_NAME.c becomes build/tests/unit/test_NAME, linked
# with the objects listed in UNIT_OBJS_test_NAME and the flags in
# UNIT_LDFLAGS_test_NAME (and cmocka, libelf); tests/unit.bats runs every
# one of them. fake_hvt.c is not a test: it runs the tender's hypercall
# handlers without KVM, for test_hvt_* and the hypercall fuzzer; nor is
# fake_virtio.c, the device and platform the host-built drivers talk to.

UNIT_TESTS := test_mft_json test_mft_check test_elfnote test_elf_load \
	test_hvt_gpa test_hvt_block test_hvt_net test_hvt_core \
	test_img_run test_virtio_net test_virtio_blk test_virtio_scsi
UNIT_OUT := $(B)/tests/unit
UNIT_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_TESTS))
ALL += $(UNIT_BINS)

UNIT_OBJS_test_mft_json := $(MFT_JSON_OBJS)
UNIT_OBJS_test_mft_check := $(OBJ)/host/tenders/common/mft_check.o
UNIT_OBJS_test_elfnote := $(ELFNOTE_OBJS)
UNIT_OBJS_test_elf_load := $(OBJ)/host/tenders/common/elf_load.o $(UKREAD_OBJS)
UNIT_OBJS_test_img_run := $(OBJ)/host/imagegen/mkimage/img_run.o \
        $(OBJ)/host/imagegen/mkimage/img_util.o
# Failure injection: the test's own pipe2, fork and waitpid stand in.
UNIT_LDFLAGS_test_img_run := -Wl,--wrap=pipe2,--wrap=fork,--wrap=waitpid

# The virtio drivers, built for the host against a fake device and platform.
UNIT_OBJS_test_virtio_net := $(OBJ)/host/virtio/virtq.o \
        $(OBJ)/host/virtio/virtio_net.o $(OBJ)/host/tests/unit/fake_virtio.o
UNIT_OBJS_test_virtio_blk := $(OBJ)/host/virtio/virtq.o \
        $(OBJ)/host/virtio/virtio_blk.o $(OBJ)/host/tests/unit/fake_virtio.o
UNIT_OBJS_test_virtio_scsi := $(OBJ)/host/virtio/virtq.o \
        $(OBJ)/host/virtio/virtio_scsi.o $(OBJ)/host/tests/unit/fake_virtio.o
$(OBJ)/host/virtio/%.o: HOST_CFLAGS += -Ivirtio

# The tender's real hypercall handlers on fake guest memory (fake_hvt.c):
# the core and both device modules with the code they share with spt, no
# KVM backend.
HVT_FAKE_OBJS := $(OBJ)/host/tests/unit/fake_hvt.o \
	$(OBJ)/host/tenders/hvt/hvt_core.o \
	$(patsubst %.c,$(OBJ)/host/%.o,$(TENDER_COMMON_SRCS)) \
	$(OBJ)/host/tenders/common/elf_load.o $(UKREAD_OBJS) \
	$(OBJ)/host/tenders/hvt/hvt_module_block.o \
	$(OBJ)/host/tenders/hvt/hvt_module_net.o
UNIT_OBJS_test_hvt_gpa := $(HVT_FAKE_OBJS)
UNIT_OBJS_test_hvt_block := $(HVT_FAKE_OBJS)
UNIT_OBJS_test_hvt_net := $(HVT_FAKE_OBJS)
UNIT_OBJS_test_hvt_core := $(HVT_FAKE_OBJS)

# The tests include the headers of what they test.
$(OBJ)/host/tests/unit/%.o: HOST_CFLAGS += -Iimagegen -Iimagegen/elftool -Iimagegen/mkimage -Itenders/common -Itenders/hvt \
	-Ivirtio

define unit_test
$(UNIT_OUT)/$(1): $(OBJ)/host/tests/unit/$(1).o $(UNIT_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@echo "  LD(host)  $$@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $(UNIT_LDFLAGS_$(1)) $$^ -lcmocka -lelf -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test,$(t))))
