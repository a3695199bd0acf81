# tests/unit/unit.mk: cmocka unit tests of host-side C code.
#
# Each tests/unit/test_NAME.c becomes build/tests/unit/test_NAME, linked
# with the objects listed in UNIT_OBJS_test_NAME (and cmocka, libelf);
# tests/unit.bats runs every one of them. fake_hvt.c is not a test: it runs
# the tender's hypercall handlers without KVM, for test_hvt_* and the
# hypercall fuzzer.

UNIT_TESTS := test_mft_json test_mft_check test_elfnote test_elf_load \
	test_hvt_gpa test_hvt_block test_hvt_net test_hvt_core
UNIT_OUT := $(B)/tests/unit
UNIT_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_TESTS))
ALL += $(UNIT_BINS)

UNIT_OBJS_test_mft_json := $(MFT_JSON_OBJS)
UNIT_OBJS_test_mft_check := $(OBJ)/host/imagegen/mft_check.o
UNIT_OBJS_test_elfnote := $(ELFNOTE_OBJS)
UNIT_OBJS_test_elf_load := $(OBJ)/host/tenders/common/elf_load.o

# The tender's real hypercall handlers on fake guest memory (fake_hvt.c):
# the core and both device modules, no KVM backend.
HVT_FAKE_OBJS := $(OBJ)/host/tests/unit/fake_hvt.o \
	$(OBJ)/host/tenders/hvt/hvt_core.o \
	$(OBJ)/host/tenders/hvt/hvt_module_block.o \
	$(OBJ)/host/tenders/hvt/hvt_module_net.o
UNIT_OBJS_test_hvt_gpa := $(HVT_FAKE_OBJS)
UNIT_OBJS_test_hvt_block := $(HVT_FAKE_OBJS)
UNIT_OBJS_test_hvt_net := $(HVT_FAKE_OBJS)
UNIT_OBJS_test_hvt_core := $(HVT_FAKE_OBJS)

# The tests include the headers of what they test.
$(OBJ)/host/tests/unit/%.o: HOST_CFLAGS += -Iimagegen -Itenders/common -Itenders/hvt

define unit_test
$(UNIT_OUT)/$(1): $(OBJ)/host/tests/unit/$(1).o $(UNIT_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@echo "  LD(host)  $$@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $$^ -lcmocka -lelf -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test,$(t))))
