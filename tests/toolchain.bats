#!/usr/bin/env bats
# toolchain.bats: the toolchain behaves as build systems written for Solo5
# expect (issue 10): target-less links get the stub bindings, -ld is plain
# ld without a target (partial links), -z solo5-abi= is ignored when not
# linking, an autoconf project configures and builds for every target, and
# the bindings objects export only the Solo5 API.

bats_require_minimum_version 1.5.0
load lib

CC=$BIN/x86_64-solo5-none-static-cc
LD=$BIN/x86_64-solo5-none-static-ld

setup() {
    WORK=$BATS_TEST_TMPDIR
    echo 'int main(void) { return 0; }' >"$WORK/probe.c"
}

@test "toolchain: a link with no target links the stub, which the host refuses with 127" {
    cd "$WORK"
    run "$CC" probe.c -o probe
    expect_status 0
    run readelf -lW probe
    expect_line 'Requesting program interpreter: /nonexistent/solo5/\]'
    run -127 ./probe
    expect_status 127
    run -127 sh -c ./probe
    expect_status 127
}

@test "toolchain: -z solo5-abi=TARGET is ignored with -c, -S and -E" {
    cd "$WORK"
    run "$CC" -z solo5-abi=virtio -c probe.c -o probe.o
    expect_status 0
    [ -s probe.o ]
    run "$CC" -z solo5-abi=hvt -S probe.c -o probe.s
    expect_status 0
    [ -s probe.s ]
    run "$CC" -zsolo5-abi=hvt -E probe.c
    expect_status 0
    expect_line 'int main'
}

@test "toolchain: an unknown target is still a clear error" {
    cd "$WORK"
    "$CC" -c probe.c -o probe.o
    run "$CC" -z solo5-abi=xen probe.o -o probe
    expect_status 1
    expect_line "error: unknown target 'xen'"
    [ ! -e probe ]
}

@test "toolchain: -ld with no target, or with -r, is plain ld (partial links)" {
    cd "$WORK"
    "$CC" -I"$TOP/tests" -c "$TOP/tests/hello/hello.c" -o hello.o
    "$BIN/solo5-elftool" gen-manifest "$TOP/tests/hello/manifest.json" manifest.c
    "$CC" -c manifest.c -o manifest.o
    run "$LD" -r hello.o manifest.o -o part.o
    expect_status 0
    run readelf -hW part.o
    expect_line 'Type: +REL '
    # No bindings in a partial link: the API stays undefined.
    run nm -u part.o
    expect_line ' U solo5_console_write$'
    run "$LD" -z solo5-abi=virtio -r hello.o manifest.o -o part2.o
    expect_status 0
    run nm -u part2.o
    expect_line ' U solo5_console_write$'
    run "$LD" -r part.o -o part3.o
    expect_status 0
    # The partial link then links into a unikernel for each target.
    for t in hvt virtio; do
        run "$CC" -z solo5-abi=$t part.o -o hello.$t
        expect_status 0
        run "$BIN/solo5-elftool" query-abi hello.$t
        expect_line "\"target\": \"$t\""
    done
    run "$LD" -z solo5-abi=hvt hello.o manifest.o -o hello.ld.hvt
    expect_status 0
}

# The exported symbols of a bindings object, one "TYPE NAME" a line.
exports() {
    nm -g --defined-only "$BIN/../lib/solo5/solo5_$1.o" | awk '{print $2, $3}' | sort
}

@test "bindings: each target's object exports exactly the Solo5 API and what the ABI needs" {
    local api t entry
    api=$(grep -v '^#' "$TOP/bindings/common/exports.txt" | grep -v '^$' | sort)
    for t in hvt virtio stub; do
        entry=_start
        # virtio also exports the landmarks its self-tests aim at (see
        # bindings/virtio/Makefile.inc), all named virtio_*.
        [ $t = virtio ] && entry=$(printf '%s\n' _start32 virtio_boot_tsc \
            virtio_idt virtio_gdt virtio_tss virtio_boot_pml4 \
            virtio_cpl0_stack_top virtio_cpl0_call virtio_cpl0_setup_done \
            virtio_trap_stubs virtio_rings)
        run exports $t
        # Names: the list plus the entry point, nothing else.
        [ "$(awk '{print $2}' <<<"$output" | sort)" = "$(printf '%s\n%s\n' "$api" "$entry" | sort)" ] || {
            echo "$t exports:" >&2
            echo "$output" >&2
            return 1
        }
        # The C runtime functions are weak; everything else strong.
        expect_line '^W memcpy$'
        expect_line '^W strlen$'
        expect_line '^D __stack_chk_guard$'
        expect_line '^T solo5_console_write$'
    done
    # The expected list itself, spelled out, so a change to it is seen here.
    [ "$(grep -c '^solo5_' <<<"$api")" -eq 16 ]
}

@test "bindings: an application defining internal names links and runs on virtio" {
    skip_unless_cmd qemu-system-x86_64 qemu-system-x86
    run timeout 120 "$BIN/solo5-virtio-run" -q -H qemu "$TB/ownnames/ownnames.virtio"
    expect_status 0
    expect_line '^own log_printf called$'
    expect_line '^SUCCESS$'
}

# bats test_tags=kvm
@test "bindings: an application defining internal names links and runs on hvt" {
    [ -s "$TB/ownnames/ownnames.hvt" ]
    skip_unless_kvm
    run "$HVT" "$TB/ownnames/ownnames.hvt"
    expect_status 0
    expect_line '^own log_printf called$'
    expect_line '^SUCCESS$'
}

@test "autoconf: a project configured with --host=x86_64-solo5-none-static builds for each target" {
    skip_unless_cmd autoconf
    local prefix=$WORK/prefix t
    run make -C "$TOP" install PREFIX="$prefix"
    expect_status 0
    cp -r "$TOP/tests/autoconf" "$WORK/src"
    (cd "$WORK/src" && autoconf)
    mkdir "$WORK/obj"
    cd "$WORK/obj"
    export PATH=$prefix/bin:$PATH
    run ../src/configure --host=x86_64-solo5-none-static \
        CC=x86_64-solo5-none-static-cc ELFTOOL="$prefix/bin/solo5-elftool"
    expect_status 0
    expect_line '^checking whether the C compiler works\.\.\. yes$'
    expect_line '^checking for solo5_console_write\.\.\. yes$'
    expect_line '^checking for x86_64-solo5-none-static-ld\.\.\. x86_64-solo5-none-static-ld$'
    run make
    expect_status 0
    for t in hvt virtio; do
        run solo5-elftool query-abi app.$t
        expect_status 0
        expect_line "\"target\": \"$t\""
    done
    if command -v qemu-system-x86_64 >/dev/null; then
        run timeout 120 solo5-virtio-run -q -H qemu app.partial.virtio
        expect_status 42
        expect_line '^configured by autoconf$'
    fi
}

@test "version: pkg-config and --version state the Solo5 interface, our release apart" {
    skip_unless_cmd pkg-config
    local prefix=$WORK/prefix iface release t
    iface=$(cat "$TOP/SOLO5_INTERFACE")
    release=$(cat "$TOP/VERSION")
    run make -C "$TOP" install PREFIX="$prefix"
    expect_status 0
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    for t in hvt virtio; do
        # What packages written for Solo5 ask for.
        run pkg-config --atleast-version=0.9.1 solo5-bindings-$t
        expect_status 0
        run pkg-config --modversion solo5-bindings-$t
        [ "$output" = "$iface" ]
        run pkg-config --variable=solo5_interface solo5-bindings-$t
        [ "$output" = "$iface" ]
        run pkg-config --variable=solo5_ng_version solo5-bindings-$t
        [ "$output" = "$release" ]
    done
    run "$prefix/bin/solo5-elftool" --version
    expect_line "^solo5-elftool $release\$"
    expect_line "^solo5-elftool implements Solo5 interface $iface\$"
    run "$prefix/bin/solo5-hvt" --version
    expect_status 0
    expect_line "^solo5-hvt $release "
    expect_line "^solo5-hvt implements Solo5 interface $iface "
}
