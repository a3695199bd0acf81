/* err_fmt.h: the one way host code that reads unikernel files reports a
 * reason: formatted into the caller's buffer, with -1 to return. */

#ifndef SOLO5_ERR_FMT_H
#define SOLO5_ERR_FMT_H

#include <stdarg.h>
#include <stdio.h>

/* Formats a one-line reason into ERR (ERRLEN bytes, may be 0); returns -1. */
__attribute__((format(printf, 3, 4))) static inline int
err_fmt(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#endif /* SOLO5_ERR_FMT_H */
