/* rie_preload.c: LD_PRELOAD object that turns on READ_IMPLIES_EXEC. */

/*
 * x86_64 kernels clear READ_IMPLIES_EXEC when they exec a 64-bit program,
 * so setarch cannot hand it to the tender; a constructor that runs before
 * main can. The tender must then refuse to start.
 */

#include <sys/personality.h>

__attribute__((constructor)) static void rie_on(void)
{
    personality((unsigned long)personality(0xffffffff) | READ_IMPLIES_EXEC);
}
