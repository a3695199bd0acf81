#!/usr/bin/env bats
# make install, the installed toolchain and pkg-config, used from outside
# the tree as a unikernel developer would.

load lib

setup() {
    WORK=$(mktemp -d)
    PREFIX=$WORK/prefix
    mkdir -p "$WORK/src"
    cp "$TOP/tests/hello/hello.c" "$TOP/tests/hello/manifest.json" "$WORK/src/"
}

teardown() {
    rm -rf "$WORK"
}

install_prefix() {
    run make -C "$TOP" install PREFIX="$PREFIX"
    expect_status 0
}

@test "install: the installed toolchain builds a unikernel that runs" {
    skip_unless_kvm
    install_prefix
    cd "$WORK/src"
    export PATH=$PREFIX/bin:$PATH
    run x86_64-solo5-none-static-cc -c hello.c -o hello.o
    expect_status 0
    solo5-elftool gen-manifest manifest.json manifest.c
    x86_64-solo5-none-static-cc -c manifest.c -o manifest.o
    run x86_64-solo5-none-static-cc -z solo5-abi=hvt hello.o manifest.o -o hello.hvt
    expect_status 0
    run solo5-hvt hello.hvt from the prefix
    expect_status 0
    expect_line "^Command line is: 'from the prefix'$"
    run solo5-elftool query-abi hello.hvt
    expect_line '"target": "hvt"'
}

@test "install: the -ld wrapper links the same unikernel" {
    skip_unless_kvm
    install_prefix
    cd "$WORK/src"
    export PATH=$PREFIX/bin:$PATH
    x86_64-solo5-none-static-cc -c hello.c -o hello.o
    solo5-elftool gen-manifest manifest.json manifest.c
    x86_64-solo5-none-static-cc -c manifest.c -o manifest.o
    run x86_64-solo5-none-static-ld -z solo5-abi=hvt hello.o manifest.o -o hello.hvt
    expect_status 0
    run solo5-hvt hello.hvt
    expect_status 0
    expect_line '^SUCCESS$'
}

@test "install: pkg-config flags build a unikernel with the plain compiler" {
    skip_unless_kvm
    skip_unless_cmd pkg-config
    install_prefix
    cd "$WORK/src"
    export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
    run pkg-config --variable=libdir solo5-bindings-hvt
    [ "$output" = "$PREFIX/lib/solo5" ]
    cc $(pkg-config --cflags solo5-bindings-hvt) -c hello.c -o hello.o
    "$PREFIX/bin/solo5-elftool" gen-manifest manifest.json manifest.c
    cc $(pkg-config --cflags solo5-bindings-hvt) -c manifest.c -o manifest.o
    cc hello.o manifest.o $(pkg-config --libs solo5-bindings-hvt) -o hello.hvt
    run "$PREFIX/bin/solo5-hvt" hello.hvt
    expect_status 0
    expect_line '^SUCCESS$'
}

@test "toolchain: linking without -z solo5-abi, or for an unknown target, is a clear error" {
    cd "$WORK/src"
    "$BIN/x86_64-solo5-none-static-cc" -c hello.c -o hello.o
    run "$BIN/x86_64-solo5-none-static-cc" hello.o -o hello
    expect_status 1
    expect_line 'error: linking a unikernel needs -z solo5-abi=TARGET'
    run "$BIN/x86_64-solo5-none-static-cc" -z solo5-abi=xen hello.o -o hello
    expect_status 1
    expect_line "error: unknown target 'xen'"
    [ ! -e hello ]
}

@test "headers: the public and ABI headers compile alone as C99 and C11, pedantic" {
    local std h
    for std in c99 c11; do
        for h in solo5.h elf_abi.h mft_abi.h hvt_abi.h spt_abi.h; do
            echo "#include \"$h\"" >"$WORK/h.c"
            run cc -std=$std -pedantic -Wall -Wextra -Werror -ffreestanding \
                -I"$TOP/include" -fsyntax-only "$WORK/h.c"
            [ "$status" -eq 0 ] || { echo "$h as $std: $output" >&2; return 1; }
        done
    done
}

@test "headers: a layout check that fails stops the build, in C99 too" {
    local std
    for std in c99 c11; do
        printf '#include "hvt_abi.h"\nHVT_CHECK_SIZE(hvt_hc_puts, 17);\n' >"$WORK/h.c"
        run cc -std=$std -I"$TOP/include" -fsyntax-only "$WORK/h.c"
        [ "$status" -ne 0 ] || { echo "a wrong size passed as $std" >&2; return 1; }
    done
}
