/* hvt_gdb_arch.h: the architecture's registers as gdb packets carry them. */

#ifndef HVT_GDB_ARCH_H_INCLUDED
#define HVT_GDB_ARCH_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvt_debug.h"

/* The target description gdb reads with qXfer:features:read:target.xml. */
extern const char hvt_gdb_target_xml[];

/* All registers, in the description's order, as hex into OUT. */
void hvt_gdb_regs_get(char *out, const struct hvt_debug_regs *r,
                      const struct hvt_debug_fpu *f);
/*
 * Stores the hex of a 'G' packet into R and F; registers the vCPU cannot
 * take (segments, control registers) are ignored. False if malformed.
 */
bool hvt_gdb_regs_set(const char *in, struct hvt_debug_regs *r,
                      struct hvt_debug_fpu *f);
/* Register N alone ('p', 'P'); false if there is no register N. */
bool hvt_gdb_reg_get(unsigned n, char *out, const struct hvt_debug_regs *r,
                     const struct hvt_debug_fpu *f);
bool hvt_gdb_reg_set(unsigned n, const char *in, struct hvt_debug_regs *r,
                     struct hvt_debug_fpu *f);

/* The signal number (GDB's numbering) to report exception VECTOR as. */
int hvt_gdb_signal(unsigned vector);

/* The program counter in R. */
uint64_t hvt_gdb_pc(const struct hvt_debug_regs *r);
void hvt_gdb_set_pc(struct hvt_debug_regs *r, uint64_t pc);

/* Arms (or disarms) a single step of one instruction at the next resume. */
void hvt_gdb_set_step(struct hvt_debug_regs *r, bool step);

/* True if exception VECTOR is what a single step raises. */
bool hvt_gdb_is_step(unsigned vector);

/*
 * If exception VECTOR with registers R is what a software breakpoint
 * raises, returns true with *ADDR the breakpoint's address.
 */
bool hvt_gdb_is_break(unsigned vector, const struct hvt_debug_regs *r,
                      uint64_t *addr);

/* The software breakpoint instruction (one byte). */
#define HVT_GDB_BREAK_INSN 0xccu /* int3 */

#endif /* HVT_GDB_ARCH_H_INCLUDED */
