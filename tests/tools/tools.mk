# tests/tools/: host-side helpers for the test suites. Included from
# tests/Makefile.inc.

TEST_TOOLS := $(TB)/tools/elfmangle
ALL += $(TEST_TOOLS)

$(TB)/tools/elfmangle: $(OBJ)/host/tests/tools/elfmangle.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

# The tender's real seccomp filter, with stand-ins for the two tender
# functions it calls.
TEST_TOOLS += $(TB)/tools/sandbox_kill
ALL += $(TB)/tools/sandbox_kill
$(OBJ)/host/tests/tools/sandbox_kill.o: HOST_CFLAGS += -Itenders/hvt -Itenders/common
$(TB)/tools/sandbox_kill: $(OBJ)/host/tests/tools/sandbox_kill.o $(OBJ)/host/tenders/hvt/hvt_sandbox_linux.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -lseccomp -o $@

# READ_IMPLIES_EXEC turned on after exec, for the tender to refuse.
ALL += $(TB)/tools/rie_preload.so
$(TB)/tools/rie_preload.so: tests/tools/rie_preload.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -shared -fPIC -O2 -Wall -Wextra -Werror $< -o $@

# strdup and strndup failing, for the tender's out-of-memory paths.
ALL += $(TB)/tools/nomem_preload.so
$(TB)/tools/nomem_preload.so: tests/tools/nomem_preload.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -shared -fPIC -O2 -Wall -Wextra -Werror $< -o $@
