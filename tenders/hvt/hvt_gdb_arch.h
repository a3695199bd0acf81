/* hvt_gdb_arch.h: the architecture's registers as gdb packets carry them. */

#ifndef HVT_GDB_ARCH_H_INCLUDED
#define HVT_GDB_ARCH_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

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

/* The vector of a breakpoint trap, a single-step trap, the breakpoint
 * instruction's byte and its length. */
#define HVT_GDB_VEC_BREAK 3u
#define HVT_GDB_VEC_STEP 1u
#define HVT_GDB_BREAK_INSN 0xccu

#endif /* HVT_GDB_ARCH_H_INCLUDED */
