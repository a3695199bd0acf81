# imagegen/elftool.mk: solo5-elftool, and the note reader other tools share.

# The ELF note reader (libelf for the file, tenders/common for the notes:
# the one reader the tender uses too); the image generator links these too.
ELFNOTE_OBJS := $(OBJ)/host/imagegen/elfnote.o $(UKREAD_OBJS)
# The JSON manifest parser and writer: no libelf, so fuzzers can link it.
MFT_JSON_OBJS := $(OBJ)/host/imagegen/mft_json.o $(OBJ)/host/tenders/common/mft_check.o

ELFTOOL_OBJS := $(sort $(OBJ)/host/imagegen/elftool.o $(MFT_JSON_OBJS) \
        $(ELFNOTE_OBJS))

ALL += $(BIN)/solo5-elftool

$(BIN)/solo5-elftool: $(ELFTOOL_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD(host)  $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $(ELFTOOL_OBJS) -lelf -o $@
