/*
 * fake_hvt.h: a struct hvt with fake guest memory, for running the
 * tender's real hypercall handlers (hvt_core.c, hvt_module_*.c) without
 * KVM, in the unit tests and the hypercall fuzzer.
 */

#ifndef FAKE_HVT_H_INCLUDED
#define FAKE_HVT_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "hvt.h"

/*
 * Sets up HVT with MEM_SIZE bytes of zeroed guest memory (a multiple of
 * the page size) between two inaccessible pages: a host access just
 * outside guest memory crashes the test instead of passing unseen. Stdout
 * and stderr of the handlers are captured (fake_out(), fake_err()).
 * Aborts on failure.
 */
void fake_hvt_init(struct hvt *hvt, uint64_t mem_size);

/* Adds manifest entry NAME of TYPE; returns its handle. */
unsigned fake_hvt_add_entry(struct hvt *hvt, const char *name,
                            enum mft_type type);

/* The registered module called NAME ("block", "net"); aborts if none. */
const struct hvt_module *fake_module(const char *name);

/* How a call into the tender ended. */
enum fake_end {
    FAKE_RETURNED, /* the handler returned: the guest runs on */
    FAKE_HALTED,   /* the guest asked to exit (HALT); see fake_status() */
    FAKE_ENDED     /* the tender ended the guest (hvt_guest_fault()) */
};

/*
 * Calls FN(HVT, ARG) as the run loop would call a hypercall handler, and
 * catches the tender's exit (which would end the process) instead. Output
 * to stdout and stderr during the call is kept for fake_out()/fake_err().
 */
enum fake_end fake_run(struct hvt *hvt, hvt_hypercall_fn fn, uint64_t arg);

/*
 * Hypercall NR with its arguments at guest address GPA, dispatched as the
 * KVM run loop does (the guest writes a 32-bit GPA to the port);
 * FAKE_ENDED for a number nothing serves.
 */
enum fake_end fake_hypercall(struct hvt *hvt, unsigned nr, uint32_t gpa);

/* The exit status of the last FAKE_HALTED call. */
int fake_status(void);

/* What the last fake_run() wrote to stdout / stderr, NUL-terminated. */
const char *fake_out(void);
const char *fake_err(void);

/* Bytes captured: fake_out() may hold NULs. */
size_t fake_out_len(void);

#endif /* FAKE_HVT_H_INCLUDED */
