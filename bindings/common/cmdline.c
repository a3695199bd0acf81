/* cmdline.c: the --solo5: options at the start of the command line. */

#include "bindings.h"

bool bindings_quiet;

static const char prefix[] = "--solo5:";

/* Returns true if the word [W, W+LEN) is the option NAME (no value). */
static bool is_opt(const char *w, size_t len, const char *name)
{
    size_t n = strlen(name);

    return len == n && memcmp(w, name, n) == 0;
}

bool cmdline_parse(char *cmdline)
{
    char *p = cmdline;
    const size_t plen = sizeof prefix - 1;

    for (;;) {
        while (*p == ' ')
            p++;
        if (memcmp(p, prefix, plen) != 0)
            break;
        char *w = p + plen;
        size_t len = 0;
        while (w[len] && w[len] != ' ')
            len++;
        if (is_opt(w, len, "quiet")) {
            bindings_quiet = true;
        } else {
            char save = w[len];
            w[len] = '\0';
            log_printf("Solo5: error: unknown option '%s%s' "
                       "(known: %squiet)\n",
                       prefix, w, prefix);
            w[len] = save;
            return false;
        }
        p = w + len;
    }
    /* Shift the application's part to the front, in place. */
    memmove(cmdline, p, strlen(p) + 1);
    return true;
}
