/* nomem_preload.c: LD_PRELOAD object whose strdup and strndup fail as they
 * do when memory runs out, for the tender to report, not crash on. */

#include <errno.h>
#include <stddef.h>

char *strdup(const char *s);
char *strndup(const char *s, size_t n);

char *strdup(const char *s)
{
    (void)s;
    errno = ENOMEM;
    return NULL;
}

char *strndup(const char *s, size_t n)
{
    (void)s;
    (void)n;
    errno = ENOMEM;
    return NULL;
}
