/* hvt_gdb_x86_64.c: x86_64 registers for gdb: description and packets. */

#include <stddef.h>
#include <string.h>

#include "hvt_gdb_arch.h"
#include "hvt_gdb_remote.h"

/*
 * The registers, in gdb's numbering (the order below). gdb needs the core
 * and SSE features under their standard names to accept the description
 * as x86_64; the segment bases and the control registers follow.
 */
const char hvt_gdb_target_xml[] = "<?xml version=\"1.0\"?>"
                                  "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
                                  "<target version=\"1.0\">"
                                  "<architecture>i386:x86-64</architecture>"
                                  "<feature name=\"org.gnu.gdb.i386.core\">"
#define R64(n, t) "<reg name=\"" n "\" bitsize=\"64\" type=\"" t "\"/>"
#define R32(n)    "<reg name=\"" n "\" bitsize=\"32\" type=\"int32\"/>"
    R64("rax", "int64") R64("rbx", "int64") R64("rcx", "int64") R64(
        "rdx", "int64") R64("rsi", "int64") R64("rdi", "int64")
        R64("rbp", "data_ptr") R64("rsp", "data_ptr") R64("r8", "int64") R64(
            "r9", "int64") R64("r10", "int64") R64("r11", "int64")
            R64("r12", "int64") R64("r13", "int64") R64("r14", "int64") R64(
                "r15", "int64") R64("rip", "code_ptr") R32("eflags") R32("cs")
                R32("ss") R32("ds") R32("es") R32("fs") R32("gs")
#define ST(n) "<reg name=\"st" n "\" bitsize=\"80\" type=\"i387_ext\"/>"
                    ST("0") ST("1") ST("2") ST("3") ST("4") ST("5") ST("6") ST(
                        "7")
#define F32(n)                                                                 \
    "<reg name=\"" n "\" bitsize=\"32\" type=\"int\" "                         \
    "group=\"float\"/>"
                        F32("fctrl") F32("fstat") F32("ftag") F32("fiseg")
                            F32("fioff") F32("foseg") F32("fooff") F32(
                                "fop") "</feature>"
                                       "<feature name=\"org.gnu.gdb.i386.sse\">"
                                       "<vector id=\"v4f\" "
                                       "type=\"ieee_single\" count=\"4\"/>"
                                       "<vector id=\"v2d\" "
                                       "type=\"ieee_double\" count=\"2\"/>"
                                       "<vector id=\"v16i8\" type=\"int8\" "
                                       "count=\"16\"/>"
                                       "<vector id=\"v4i32\" type=\"int32\" "
                                       "count=\"4\"/>"
                                       "<vector id=\"v2i64\" type=\"int64\" "
                                       "count=\"2\"/>"
                                       "<union id=\"vec128\">"
                                       "<field name=\"v4_float\" type=\"v4f\"/>"
                                       "<field name=\"v2_double\" "
                                       "type=\"v2d\"/>"
                                       "<field name=\"v16_int8\" "
                                       "type=\"v16i8\"/>"
                                       "<field name=\"v4_int32\" "
                                       "type=\"v4i32\"/>"
                                       "<field name=\"v2_int64\" "
                                       "type=\"v2i64\"/>"
                                       "<field name=\"uint128\" "
                                       "type=\"uint128\"/>"
                                       "</union>"
#define XMM(n) "<reg name=\"xmm" n "\" bitsize=\"128\" type=\"vec128\"/>"
    XMM("0") XMM("1") XMM("2") XMM("3") XMM("4") XMM("5") XMM("6") XMM("7")
        XMM("8") XMM("9") XMM("10") XMM("11") XMM("12") XMM("13") XMM("14")
            XMM("15") "<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" "
                      "group=\"vector\"/>"
                      "</feature>"
                      "<feature name=\"org.gnu.gdb.i386.segments\">" R64(
                          "fs_base", "int")
                          R64("gs_base",
                              "int") "</feature>"
                                     "<feature name=\"org.solo5.hvt.system\">"
#define SYS(n)                                                                 \
    "<reg name=\"" n "\" bitsize=\"64\" type=\"int\" "                         \
    "group=\"system\"/>"
    SYS("cr0") SYS("cr2") SYS("cr3") SYS("cr4") SYS("efer") "</feature>"
                                                            "</target>";

enum {
    REG_RIP = 16,
    REG_EFLAGS = 17,
    REG_CS = 18,
    REG_GS = 23,
    REG_ST0 = 24,
    REG_FCTRL = 32,
    REG_FOP = 39,
    REG_XMM0 = 40,
    REG_MXCSR = 56,
    REG_FS_BASE = 57,
    REG_EFER = 63,
    REG_COUNT = 64
};

/* The 64-bit fields of struct hvt_debug_regs by gdb number (0-23, 57-63). */
static uint64_t *field(struct hvt_debug_regs *r, unsigned n)
{
    static const size_t off[] = {
#define O(f) offsetof(struct hvt_debug_regs, f)
        O(rax),     O(rbx),     O(rcx), O(rdx), O(rsi), O(rdi), O(rbp),  O(rsp),
        O(r8),      O(r9),      O(r10), O(r11), O(r12), O(r13), O(r14),  O(r15),
        O(rip),     O(rflags),  O(cs),  O(ss),  O(ds),  O(es),  O(fs),   O(gs),
        O(fs_base), O(gs_base), O(cr0), O(cr2), O(cr3), O(cr4), O(efer),
#undef O
    };
    unsigned i = n <= REG_GS ? n : n - REG_FS_BASE + REG_GS + 1;
    return (uint64_t *)((char *)r + off[i]);
}

static unsigned reg_bytes(unsigned n)
{
    if (n < REG_EFLAGS || (n >= REG_FS_BASE && n <= REG_EFER))
        return 8;
    if (n >= REG_ST0 && n < REG_FCTRL)
        return 10;
    if (n >= REG_XMM0 && n < REG_MXCSR)
        return 16;
    return 4;
}

/* The full x87 tag word from FXSAVE's abridged one: in use = valid. */
static uint32_t full_tag(uint8_t ftwx)
{
    uint32_t tag = 0;
    for (unsigned i = 0; i < 8; i++)
        tag |= (ftwx >> i & 1 ? 0u : 3u) << (2 * i);
    return tag;
}

static uint8_t abridged_tag(uint32_t tag)
{
    uint8_t t = 0;
    for (unsigned i = 0; i < 8; i++)
        t |= (uint8_t)(((tag >> (2 * i) & 3) != 3) << i);
    return t;
}

/* Register N's bytes (little-endian) into BUF. */
static void get(unsigned n, uint8_t *buf, const struct hvt_debug_regs *cr,
                const struct hvt_debug_fpu *f)
{
    struct hvt_debug_regs r = *cr;
    uint32_t v = 0;

    memset(buf, 0, 16);
    if (n <= REG_GS || (n >= REG_FS_BASE && n <= REG_EFER)) {
        memcpy(buf, field(&r, n), reg_bytes(n));
        return;
    }
    if (n >= REG_ST0 && n < REG_FCTRL) {
        memcpy(buf, f->st[n - REG_ST0], 10);
        return;
    }
    if (n >= REG_XMM0 && n < REG_MXCSR) {
        memcpy(buf, f->xmm[n - REG_XMM0], 16);
        return;
    }
    switch (n) {
    case REG_FCTRL:
        v = f->fcw;
        break;
    case REG_FCTRL + 1:
        v = f->fsw;
        break;
    case REG_FCTRL + 2:
        v = full_tag(f->ftwx);
        break;
    case REG_FCTRL + 3:
        v = (uint32_t)(f->fip >> 32) & 0xffff;
        break;
    case REG_FCTRL + 4:
        v = (uint32_t)f->fip;
        break;
    case REG_FCTRL + 5:
        v = (uint32_t)(f->fdp >> 32) & 0xffff;
        break;
    case REG_FCTRL + 6:
        v = (uint32_t)f->fdp;
        break;
    case REG_FOP:
        v = f->fop;
        break;
    case REG_MXCSR:
        v = f->mxcsr;
        break;
    }
    memcpy(buf, &v, 4);
}

/* Stores register N from BUF; only what the vCPU can take. */
static void set(unsigned n, const uint8_t *buf, struct hvt_debug_regs *r,
                struct hvt_debug_fpu *f)
{
    uint32_t v;

    if (n <= REG_EFLAGS) {
        uint64_t x = 0;
        memcpy(&x, buf, reg_bytes(n));
        if (n == REG_EFLAGS) /* the upper half is reserved */
            x |= r->rflags & ~0xffffffffull;
        *field(r, n) = x;
        return;
    }
    if (n >= REG_ST0 && n < REG_FCTRL) {
        memcpy(f->st[n - REG_ST0], buf, 10);
        return;
    }
    if (n >= REG_XMM0 && n < REG_MXCSR) {
        memcpy(f->xmm[n - REG_XMM0], buf, 16);
        return;
    }
    memcpy(&v, buf, 4);
    switch (n) {
    case REG_FCTRL:
        f->fcw = (uint16_t)v;
        break;
    case REG_FCTRL + 1:
        f->fsw = (uint16_t)v;
        break;
    case REG_FCTRL + 2:
        f->ftwx = abridged_tag(v);
        break;
    case REG_FCTRL + 4:
        f->fip = (f->fip & ~0xffffffffull) | v;
        break;
    case REG_FCTRL + 6:
        f->fdp = (f->fdp & ~0xffffffffull) | v;
        break;
    case REG_FOP:
        f->fop = (uint16_t)(v & 0x7ff);
        break;
    case REG_MXCSR:
        f->mxcsr = v;
        break;
    default:
        break; /* segments, bases, control registers: read-only */
    }
}

static size_t total_bytes(void)
{
    size_t t = 0;
    for (unsigned n = 0; n < REG_COUNT; n++)
        t += reg_bytes(n);
    return t;
}

/* A 'g' reply in hex must fit a packet: 592 bytes of registers. */
_Static_assert(2 * (17 * 8 + 7 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4 + 7 * 8) <
                   HVT_GDB_PACKET_MAX,
               "all registers fit one packet");

void hvt_gdb_regs_get(char *out, const struct hvt_debug_regs *r,
                      const struct hvt_debug_fpu *f)
{
    uint8_t buf[16];

    for (unsigned n = 0; n < REG_COUNT; n++) {
        get(n, buf, r, f);
        hvt_gdb_hex(out, buf, reg_bytes(n));
        out += 2 * reg_bytes(n);
    }
}

bool hvt_gdb_regs_set(const char *in, struct hvt_debug_regs *r,
                      struct hvt_debug_fpu *f)
{
    uint8_t buf[16];

    if (strlen(in) != 2 * total_bytes())
        return false;
    for (unsigned n = 0; n < REG_COUNT; n++) {
        if (!hvt_gdb_unhex(buf, in, reg_bytes(n)))
            return false;
        set(n, buf, r, f);
        in += 2 * reg_bytes(n);
    }
    return true;
}

bool hvt_gdb_reg_get(unsigned n, char *out, const struct hvt_debug_regs *r,
                     const struct hvt_debug_fpu *f)
{
    uint8_t buf[16];

    if (n >= REG_COUNT)
        return false;
    get(n, buf, r, f);
    hvt_gdb_hex(out, buf, reg_bytes(n));
    return true;
}

bool hvt_gdb_reg_set(unsigned n, const char *in, struct hvt_debug_regs *r,
                     struct hvt_debug_fpu *f)
{
    uint8_t buf[16];

    if (n >= REG_COUNT || strlen(in) != 2 * reg_bytes(n) ||
        !hvt_gdb_unhex(buf, in, reg_bytes(n)))
        return false;
    set(n, buf, r, f);
    return true;
}

uint64_t hvt_gdb_pc(const struct hvt_debug_regs *r)
{
    return r->rip;
}

void hvt_gdb_set_pc(struct hvt_debug_regs *r, uint64_t pc)
{
    r->rip = pc;
}

void hvt_gdb_set_step(struct hvt_debug_regs *r, bool step)
{
    if (step)
        r->rflags |= HVT_DEBUG_RFLAGS_TF;
    else
        r->rflags &= ~HVT_DEBUG_RFLAGS_TF;
}

bool hvt_gdb_is_step(unsigned vector)
{
    return vector == 1; /* #DB */
}

bool hvt_gdb_is_break(unsigned vector, const struct hvt_debug_regs *r,
                      uint64_t *addr)
{
    /* #BP is a trap: RIP is past the one-byte int3. */
    if (vector != 3)
        return false;
    *addr = r->rip - 1;
    return true;
}

int hvt_gdb_signal(unsigned vector)
{
    switch (vector) {
    case 1:
    case 3:
        return 5; /* SIGTRAP */
    case 6:
        return 4; /* SIGILL */
    case 0:
    case 16:
    case 19:
        return 8; /* SIGFPE */
    case 17:
        return 10; /* SIGBUS, in GDB's numbering */
    default:
        return 11; /* SIGSEGV: #GP, #PF, #SS, ... */
    }
}
