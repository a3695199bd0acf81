# tests/tools/: host-side helpers for the test suites. Included from
# tests/Makefile.inc.

TEST_TOOLS := $(TB)/tools/elfmangle
ALL += $(TEST_TOOLS)

$(TB)/tools/elfmangle: $(OBJ)/host/tests/tools/elfmangle.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
