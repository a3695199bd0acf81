/* hex_digit.h: the value of one hexadecimal digit, for the host tools that
 * parse text (the manifest's JSON, the gdb remote protocol). */

#ifndef SOLO5_HEX_DIGIT_H
#define SOLO5_HEX_DIGIT_H

/* 0 to 15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else. */
static inline int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif /* SOLO5_HEX_DIGIT_H */
