# tests/bench/bench.mk: host helpers for `make bench`.
BENCH_TOOLS := $(B)/bench/kvm_floor $(B)/bench/maxrss
ALL += $(BENCH_TOOLS)

$(B)/bench/%: $(OBJ)/host/tests/bench/%.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^
