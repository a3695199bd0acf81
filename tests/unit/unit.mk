# tests/unit/unit.mk: cmocka unit tests of host-side C code.
#
# Each tests/unit/NAME.c becomes build/tests/unit/NAME, linked with the
# objects listed in UNIT_OBJS_NAME (and cmocka, libelf); tests/unit.bats
# runs every one of them.

UNIT_TESTS := test_mft_json test_mft_check test_elfnote test_elf_load
UNIT_OUT := $(B)/tests/unit
UNIT_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_TESTS))
ALL += $(UNIT_BINS)

UNIT_OBJS_test_mft_json := $(MFT_JSON_OBJS)
UNIT_OBJS_test_mft_check := $(OBJ)/host/tenders/common/mft_check.o
UNIT_OBJS_test_elfnote := $(ELFNOTE_OBJS)
UNIT_OBJS_test_elf_load := $(OBJ)/host/tenders/common/elf_load.o $(UKREAD_OBJS)

# The tests include the headers of what they test.
$(OBJ)/host/tests/unit/%.o: HOST_CFLAGS += -Iimagegen -Itenders/common

define unit_test
$(UNIT_OUT)/$(1): $(OBJ)/host/tests/unit/$(1).o $(UNIT_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@echo "  LD(host)  $$@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $$^ -lcmocka -lelf -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test,$(t))))
