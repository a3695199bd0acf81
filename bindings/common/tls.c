/* tls.c: thread-local storage blocks (x86_64 TLS variant II, local exec). */

#include "bindings.h"

/*
 * The TLS template is described by the PT_TLS program header. The linker
 * scripts load the ELF and program headers with the text segment, so the
 * bindings can read their own PT_TLS through __ehdr_start instead of
 * trusting hand-kept symbols to match the linker's layout.
 */
extern const uint8_t __ehdr_start[];

#define PT_TLS 7

struct tls_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct tls_template {
    const uint8_t *data; /* .tdata image */
    size_t filesz;       /* bytes of .tdata */
    size_t blocksz;      /* .tdata + .tbss rounded up to the alignment */
};

static const struct tls_template *tls_template(void)
{
    static struct tls_template t;
    static bool done;

    if (done)
        return &t;
    uint64_t phoff;
    uint16_t phentsize, phnum;
    memcpy(&phoff, __ehdr_start + 32, 8);
    memcpy(&phentsize, __ehdr_start + 54, 2);
    memcpy(&phnum, __ehdr_start + 56, 2);
    for (unsigned i = 0; i < phnum; i++) {
        struct tls_phdr ph;
        memcpy(&ph, __ehdr_start + phoff + (uint64_t)i * phentsize, sizeof ph);
        if (ph.p_type != PT_TLS)
            continue;
        uint64_t align = ph.p_align ? ph.p_align : 1;
        t.data = (const uint8_t *)(uintptr_t)ph.p_vaddr;
        t.filesz = ph.p_filesz;
        /* The linker places the block at tp - round_up(memsz, align). */
        t.blocksz = (ph.p_memsz + align - 1) & ~(align - 1);
        break;
    }
    done = true;
    return &t;
}

size_t solo5_tls_size(void)
{
    /* The block, then the thread control block: one self-pointer. */
    return tls_template()->blocksz + sizeof(uintptr_t);
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return tls + tls_template()->blocksz;
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    const struct tls_template *t = tls_template();

    if (tls == 0)
        return SOLO5_R_EINVAL;
    memcpy((void *)tls, t->data, t->filesz);
    memset((uint8_t *)tls + t->filesz, 0, t->blocksz - t->filesz);
    uintptr_t tp = tls + t->blocksz;
    memcpy((void *)tp, &tp, sizeof tp);
    return SOLO5_R_OK;
}

solo5_result_t solo5_set_tls_base(uintptr_t base)
{
    /* Canonical: bits 63..47 all equal. */
    uint64_t top = (uint64_t)base >> 47;
    if (top != 0 && top != 0x1ffff)
        return SOLO5_R_EINVAL;
    return platform_set_tls_base(base) ? SOLO5_R_OK : SOLO5_R_EINVAL;
}
