/* fuzz_elf_load.c: libFuzzer harness for the tender's ELF loader. */

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_load.h"

#define MEM (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *mem;
    static int fd = -1;
    struct elf_image img;
    char err[256];

    if (mem == NULL) {
        mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        fd = memfd_create("fuzz", 0);
        if (mem == MAP_FAILED || fd < 0)
            __builtin_trap();
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        __builtin_trap();
    /* Guest memory 8 MiB, image from 1 MiB, as a small solo5-hvt would. */
    if (elf_parse(fd, 0x100000, MEM, &img, err, sizeof err) == 0) {
        /* Whatever parse accepted must load inside the memory. */
        if (img.end > MEM || elf_load(fd, &img, mem, MEM, err, sizeof err))
            __builtin_trap();
    }
    return 0;
}
