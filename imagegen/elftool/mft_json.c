/* mft_json.c: the JSON form of the manifest: strict parser and writer. */

/*
 * The parser reads the manifest schema directly (descent over a fixed,
 * three-level grammar) instead of building a generic JSON tree: its call
 * depth never depends on the input, it allocates nothing, and it stops at
 * the first problem in reading order with the position of the offending
 * token. Anything the schema does not expect (an unknown key, a value of
 * another type, a list where an object belongs) is rejected where it
 * starts, so nesting deeper than the schema never gets parsed at all.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hex_digit.h"
#include "mft_check.h"
#include "mft_json.h"

enum tok_kind {
    TOK_EOF,
    TOK_LBRACE,
    TOK_RBRACE,
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_COLON,
    TOK_COMMA,
    TOK_STRING,
    TOK_NUMBER,
    TOK_BOOL,
    TOK_NULL
};

struct token {
    enum tok_kind kind;
    size_t off; /* first byte */
    size_t end; /* one past the last byte */
};

/* A decoded string value; long ones are cut, but their length is kept. */
#define STR_KEEP 128
struct str {
    char s[STR_KEEP + 1]; /* NUL-terminated copy of the first bytes */
    size_t len;           /* the full decoded length */
};

struct parser {
    const unsigned char *buf;
    size_t len;
    size_t pos; /* next byte the lexer looks at */
    struct mft_json_error *err;
};

/* Records the error at byte offset OFF, as line and column; returns -1. */
__attribute__((format(printf, 3, 4))) static int
fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    unsigned line = 1, col = 1;

    for (size_t i = 0; i < off && i < p->len; i++) {
        if (p->buf[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    p->err->line = line;
    p->err->column = col;
    va_start(ap, fmt);
    vsnprintf(p->err->reason, sizeof p->err->reason, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- Lexer ---- */

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reads the 4 hex digits of a \u escape at OFF; -1 if they are not there. */
static long read_hex4(const struct parser *p, size_t off)
{
    long v = 0;

    if (p->len - off < 4)
        return -1;
    for (size_t i = 0; i < 4; i++) {
        int h = hex_digit(p->buf[off + i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/*
 * Length of the well-formed UTF-8 sequence at OFF (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one.
 */
static size_t utf8_len(const struct parser *p, size_t off)
{
    const unsigned char *b = p->buf + off;
    size_t left = p->len - off, n;
    unsigned char lo = 0x80, hi = 0xbf;

    if (b[0] >= 0xc2 && b[0] <= 0xdf)
        n = 2;
    else if (b[0] >= 0xe0 && b[0] <= 0xef)
        n = 3;
    else if (b[0] >= 0xf0 && b[0] <= 0xf4)
        n = 4;
    else
        return 0;
    if (left < n)
        return 0;
    /* The second byte's range rules out overlongs and surrogates. */
    if (b[0] == 0xe0)
        lo = 0xa0;
    else if (b[0] == 0xed)
        hi = 0x9f;
    else if (b[0] == 0xf0)
        lo = 0x90;
    else if (b[0] == 0xf4)
        hi = 0x8f;
    if (b[1] < lo || b[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (b[i] < 0x80 || b[i] > 0xbf)
            return 0;
    return n;
}

/* Scans the string starting at the quote at T->off; sets T->end. */
static int lex_string(struct parser *p, struct token *t)
{
    size_t i = t->off + 1;

    for (;;) {
        unsigned char c;

        if (i >= p->len)
            return fail_at(p, t->off, "unterminated string");
        c = p->buf[i];
        if (c == '"') {
            t->end = i + 1;
            return 0;
        }
        if (c == '\0')
            return fail_at(p, i, "NUL byte in input");
        /* A raw newline almost always means a missing closing quote. */
        if (c == '\n')
            return fail_at(p, t->off, "unterminated string");
        if (c < 0x20)
            return fail_at(p, i,
                           "control character 0x%02x in string "
                           "(escape it)",
                           c);
        if (c >= 0x80) {
            size_t n = utf8_len(p, i);
            if (n == 0)
                return fail_at(p, i, "invalid UTF-8 in string");
            i += n;
            continue;
        }
        if (c != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= p->len)
            return fail_at(p, t->off, "unterminated string");
        c = p->buf[i + 1];
        if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
            i += 2;
        } else if (c == 'u') {
            long u = read_hex4(p, i + 2), u2;

            if (u < 0)
                return fail_at(p, i, "\\u must be followed by 4 hex digits");
            if (u >= 0xdc00 && u <= 0xdfff)
                return fail_at(p, i, "lone low surrogate \\u%04lx in string",
                               u);
            if (u >= 0xd800 && u <= 0xdbff) {
                /* A high surrogate needs its low half right after it. */
                if (p->len - (i + 6) < 2 || p->buf[i + 6] != '\\' ||
                    p->buf[i + 7] != 'u' ||
                    (u2 = read_hex4(p, i + 8)) < 0xdc00 || u2 > 0xdfff)
                    return fail_at(p, i,
                                   "high surrogate \\u%04lx not followed by a "
                                   "low surrogate",
                                   u);
                i += 6;
            }
            i += 6;
        } else {
            return fail_at(p, i, "invalid escape in string");
        }
    }
}

/* Scans a number by the JSON grammar; T->off is at '-' or a digit. */
static int lex_number(struct parser *p, struct token *t)
{
    size_t i = t->off;
    const unsigned char *b = p->buf;

    if (b[i] == '-')
        i++;
    if (i < p->len && b[i] == '0') {
        i++;
    } else if (i < p->len && b[i] >= '1' && b[i] <= '9') {
        while (i < p->len && is_digit(b[i]))
            i++;
    } else {
        return fail_at(p, t->off, "malformed number");
    }
    if (i < p->len && b[i] == '.') {
        i++;
        if (i >= p->len || !is_digit(b[i]))
            return fail_at(p, t->off, "malformed number");
        while (i < p->len && is_digit(b[i]))
            i++;
    }
    if (i < p->len && (b[i] == 'e' || b[i] == 'E')) {
        i++;
        if (i < p->len && (b[i] == '+' || b[i] == '-'))
            i++;
        if (i >= p->len || !is_digit(b[i]))
            return fail_at(p, t->off, "malformed number");
        while (i < p->len && is_digit(b[i]))
            i++;
    }
    /* "01", "1x", "1.2.3": the number runs on into something else. */
    if (i < p->len && (is_digit(b[i]) || is_alpha(b[i]) || b[i] == '.' ||
                       b[i] == '+' || b[i] == '-'))
        return fail_at(p, t->off, "malformed number");
    t->end = i;
    return 0;
}

static int lex_literal(struct parser *p, struct token *t)
{
    static const struct {
        const char *text;
        enum tok_kind kind;
    } lits[] = { { "true", TOK_BOOL },
                 { "false", TOK_BOOL },
                 { "null", TOK_NULL } };

    for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
        size_t n = strlen(lits[k].text);

        if (p->len - t->off >= n &&
            memcmp(p->buf + t->off, lits[k].text, n) == 0 &&
            (p->len - t->off == n || !is_alpha(p->buf[t->off + n]))) {
            t->kind = lits[k].kind;
            t->end = t->off + n;
            return 0;
        }
    }
    return fail_at(p, t->off, "invalid literal (strings need double quotes)");
}

static int next_token(struct parser *p, struct token *t)
{
    unsigned char c;

    while (p->pos < p->len &&
           (p->buf[p->pos] == ' ' || p->buf[p->pos] == '\t' ||
            p->buf[p->pos] == '\n' || p->buf[p->pos] == '\r'))
        p->pos++;
    t->off = p->pos;
    t->end = p->pos + 1;
    if (p->pos >= p->len) {
        t->kind = TOK_EOF;
        t->end = p->pos;
        return 0;
    }
    c = p->buf[p->pos];
    switch (c) {
    case '{':
        t->kind = TOK_LBRACE;
        break;
    case '}':
        t->kind = TOK_RBRACE;
        break;
    case '[':
        t->kind = TOK_LBRACKET;
        break;
    case ']':
        t->kind = TOK_RBRACKET;
        break;
    case ':':
        t->kind = TOK_COLON;
        break;
    case ',':
        t->kind = TOK_COMMA;
        break;
    case '"':
        t->kind = TOK_STRING;
        if (lex_string(p, t))
            return -1;
        break;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        t->kind = TOK_NUMBER;
        if (lex_number(p, t))
            return -1;
        break;
    default:
        if (is_alpha(c)) {
            if (lex_literal(p, t))
                return -1;
            break;
        }
        if (c == '\0')
            return fail_at(p, t->off, "NUL byte in input");
        if (c > 0x20 && c < 0x7f)
            return fail_at(p, t->off, "unexpected character '%c'", c);
        return fail_at(p, t->off, "unexpected byte 0x%02x", c);
    }
    p->pos = t->end;
    return 0;
}

/* ---- Values ---- */

static void put_byte(struct str *s, unsigned char c)
{
    if (s->len < STR_KEEP)
        s->s[s->len] = (char)c;
    s->len++;
}

static void put_utf8(struct str *s, unsigned long u)
{
    if (u < 0x80) {
        put_byte(s, (unsigned char)u);
    } else if (u < 0x800) {
        put_byte(s, (unsigned char)(0xc0 | u >> 6));
        put_byte(s, (unsigned char)(0x80 | (u & 0x3f)));
    } else if (u < 0x10000) {
        put_byte(s, (unsigned char)(0xe0 | u >> 12));
        put_byte(s, (unsigned char)(0x80 | ((u >> 6) & 0x3f)));
        put_byte(s, (unsigned char)(0x80 | (u & 0x3f)));
    } else {
        put_byte(s, (unsigned char)(0xf0 | u >> 18));
        put_byte(s, (unsigned char)(0x80 | ((u >> 12) & 0x3f)));
        put_byte(s, (unsigned char)(0x80 | ((u >> 6) & 0x3f)));
        put_byte(s, (unsigned char)(0x80 | (u & 0x3f)));
    }
}

/* Decodes string token T (already checked by the lexer) into S. */
static void decode_string(const struct parser *p, const struct token *t,
                          struct str *s)
{
    size_t i = t->off + 1, last = t->end - 1;

    s->len = 0;
    while (i < last) {
        unsigned char c = p->buf[i];
        unsigned long u;

        if (c != '\\') {
            put_byte(s, c);
            i++;
            continue;
        }
        c = p->buf[i + 1];
        i += 2;
        switch (c) {
        case 'b':
            put_byte(s, '\b');
            break;
        case 'f':
            put_byte(s, '\f');
            break;
        case 'n':
            put_byte(s, '\n');
            break;
        case 'r':
            put_byte(s, '\r');
            break;
        case 't':
            put_byte(s, '\t');
            break;
        case 'u':
            u = (unsigned long)read_hex4(p, i);
            i += 4;
            if (u >= 0xd800 && u <= 0xdbff) {
                unsigned long lo = (unsigned long)read_hex4(p, i + 2);
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            }
            put_utf8(s, u);
            break;
        default: /* '"', '\\', '/' stand for themselves */
            put_byte(s, c);
            break;
        }
    }
    s->s[s->len < STR_KEEP ? s->len : STR_KEEP] = '\0';
}

static int str_is(const struct str *s, const char *lit)
{
    return s->len == strlen(lit) && strcmp(s->s, lit) == 0;
}

/* Quotes S for a message if it is short and plain, else describes it. */
static const char *quote(const struct str *s, char *out, size_t size)
{
    int plain = s->len <= 40;

    for (size_t i = 0; plain && i < s->len; i++)
        if (s->s[i] < 0x20 || s->s[i] > 0x7e || s->s[i] == '"' ||
            s->s[i] == '\\')
            plain = 0;
    if (plain)
        snprintf(out, size, "\"%.40s\"", s->s);
    else
        snprintf(out, size, "a string");
    return out;
}

/* Names token T's kind for "found ..." in messages. */
static const char *describe(enum tok_kind kind)
{
    switch (kind) {
    case TOK_EOF:
        return "end of input";
    case TOK_LBRACE:
        return "'{'";
    case TOK_RBRACE:
        return "'}'";
    case TOK_LBRACKET:
        return "'['";
    case TOK_RBRACKET:
        return "']'";
    case TOK_COLON:
        return "':'";
    case TOK_COMMA:
        return "','";
    case TOK_STRING:
        return "a string";
    case TOK_NUMBER:
        return "a number";
    case TOK_BOOL:
        return "a boolean";
    case TOK_NULL:
        return "null";
    }
    return "something else";
}

/* Describes a value token, quoting short strings and numbers. */
static const char *describe_value(const struct parser *p, const struct token *t,
                                  char *out, size_t size)
{
    struct str s;

    if (t->kind == TOK_STRING) {
        decode_string(p, t, &s);
        return quote(&s, out, size);
    }
    if (t->kind == TOK_NUMBER && t->end - t->off <= 20) {
        snprintf(out, size, "%.*s", (int)(t->end - t->off),
                 (const char *)p->buf + t->off);
        return out;
    }
    return describe(t->kind);
}

/* ---- Objects ---- */

/*
 * Parses the members of an object whose '{' was just read, up to and
 * including its '}', whose token is stored in RBRACE (missing keys are
 * reported there). For each member, MEMBER gets the key (token KT, decoded
 * K) and CTX, and reads the value itself.
 */
static int parse_members(struct parser *p,
                         int (*member)(struct parser *p, const struct token *kt,
                                       const struct str *k, void *ctx),
                         void *ctx, struct token *rbrace)
{
    struct token t;
    int after_comma = 0;

    if (next_token(p, &t))
        return -1;
    if (t.kind == TOK_RBRACE) {
        *rbrace = t;
        return 0;
    }
    for (;;) {
        struct token kt;
        struct str k;

        if (t.kind != TOK_STRING) {
            if (after_comma && t.kind == TOK_RBRACE)
                return fail_at(p, t.off, "trailing comma before '}'");
            return fail_at(p, t.off,
                           "expected a key in double quotes, "
                           "found %s",
                           describe(t.kind));
        }
        kt = t;
        decode_string(p, &kt, &k);
        if (next_token(p, &t))
            return -1;
        if (t.kind != TOK_COLON)
            return fail_at(p, t.off, "expected ':' after key, found %s",
                           describe(t.kind));
        if (member(p, &kt, &k, ctx))
            return -1;
        if (next_token(p, &t))
            return -1;
        if (t.kind == TOK_RBRACE) {
            *rbrace = t;
            return 0;
        }
        if (t.kind != TOK_COMMA)
            return fail_at(p, t.off, "expected ',' or '}', found %s",
                           describe(t.kind));
        after_comma = 1;
        if (next_token(p, &t))
            return -1;
    }
}

static int is_name_char(char c)
{
    return is_alpha((unsigned char)c) || is_digit((unsigned char)c);
}

/* The manifest being filled in, shared by the member handlers. */
struct mft_state {
    struct mft1 *m;
    /* Per device, while its object is parsed. */
    int has_name, has_type;
    size_t name_off;
};

static int device_member(struct parser *p, const struct token *kt,
                         const struct str *k, void *ctx)
{
    struct mft_state *st = ctx;
    struct mft1_entry *e = &st->m->e[st->m->entries];
    struct token v;
    struct str s;
    char q[64];

    if (next_token(p, &v))
        return -1;
    if (str_is(k, "name")) {
        if (st->has_name)
            return fail_at(p, kt->off, "duplicate key \"name\"");
        st->has_name = 1;
        if (v.kind != TOK_STRING)
            return fail_at(p, v.off,
                           "device \"name\" must be a string, "
                           "found %s",
                           describe(v.kind));
        decode_string(p, &v, &s);
        if (s.len == 0)
            return fail_at(p, v.off, "device name is empty");
        for (size_t i = 0; i < s.len && i < STR_KEEP; i++)
            if (!is_name_char(s.s[i])) {
                /* Quote the name only if quoting it shows it as it is. */
                if (quote(&s, q, sizeof q)[0] != '"')
                    q[0] = '\0';
                return fail_at(p, v.off,
                               "device name %s%shas a character other than "
                               "an ASCII letter or digit",
                               q, q[0] != '\0' ? " " : "");
            }
        if (s.len > MFT_NAME_MAX)
            return fail_at(p, v.off, "device name is longer than %u characters",
                           MFT_NAME_MAX);
        for (uint32_t j = 1; j < st->m->entries; j++)
            if (strcmp(st->m->e[j].name, s.s) == 0)
                return fail_at(p, v.off, "duplicate device name \"%s\"", s.s);
        memcpy(e->name, s.s, s.len);
        return 0;
    }
    if (str_is(k, "type")) {
        if (st->has_type)
            return fail_at(p, kt->off, "duplicate key \"type\"");
        st->has_type = 1;
        if (v.kind == TOK_STRING) {
            decode_string(p, &v, &s);
            if (str_is(&s, "NET_BASIC")) {
                e->type = MFT_DEV_NET_BASIC;
                return 0;
            }
            if (str_is(&s, "BLOCK_BASIC")) {
                e->type = MFT_DEV_BLOCK_BASIC;
                return 0;
            }
        }
        return fail_at(p, v.off,
                       "device \"type\" must be \"NET_BASIC\" or "
                       "\"BLOCK_BASIC\", found %s",
                       describe_value(p, &v, q, sizeof q));
    }
    return fail_at(p, kt->off, "unknown key %s in device",
                   quote(k, q, sizeof q));
}

static int parse_devices(struct parser *p, struct mft_state *st)
{
    struct token t;
    int after_comma = 0;

    if (next_token(p, &t))
        return -1;
    if (t.kind == TOK_RBRACKET)
        return 0;
    for (;;) {
        struct token rbrace;

        if (t.kind != TOK_LBRACE) {
            if (after_comma && t.kind == TOK_RBRACKET)
                return fail_at(p, t.off, "trailing comma before ']'");
            return fail_at(p, t.off, "a device must be an object, found %s",
                           describe(t.kind));
        }
        if (st->m->entries >= MFT_MAX_ENTRIES)
            return fail_at(p, t.off, "too many devices (at most %u)",
                           MFT_MAX_ENTRIES - 1);
        st->has_name = st->has_type = 0;
        if (parse_members(p, device_member, st, &rbrace))
            return -1;
        if (!st->has_name)
            return fail_at(p, rbrace.off, "device has no \"name\"");
        if (!st->has_type)
            return fail_at(p, rbrace.off, "device has no \"type\"");
        st->m->entries++;
        if (next_token(p, &t))
            return -1;
        if (t.kind == TOK_RBRACKET)
            return 0;
        if (t.kind != TOK_COMMA)
            return fail_at(p, t.off, "expected ',' or ']', found %s",
                           describe(t.kind));
        after_comma = 1;
        if (next_token(p, &t))
            return -1;
    }
}

/* Which top-level keys were seen, in the order they are reported missing. */
struct top_state {
    struct mft_state mft;
    int has_type, has_version, has_devices;
};

static int top_member(struct parser *p, const struct token *kt,
                      const struct str *k, void *ctx)
{
    struct top_state *st = ctx;
    struct token v;
    char q[64];

    if (next_token(p, &v))
        return -1;
    if (str_is(k, "type")) {
        struct str s;

        if (st->has_type)
            return fail_at(p, kt->off, "duplicate key \"type\"");
        st->has_type = 1;
        if (v.kind == TOK_STRING) {
            decode_string(p, &v, &s);
            if (str_is(&s, "solo5.manifest"))
                return 0;
        }
        return fail_at(p, v.off,
                       "\"type\" must be \"solo5.manifest\", found %s",
                       describe_value(p, &v, q, sizeof q));
    }
    if (str_is(k, "version")) {
        if (st->has_version)
            return fail_at(p, kt->off, "duplicate key \"version\"");
        st->has_version = 1;
        /* Only the integer 1 itself: "1.0" or "1e0" are not versions. */
        if (v.kind == TOK_NUMBER && v.end - v.off == 1 &&
            p->buf[v.off] == '1') {
            st->mft.m->version = MFT_VERSION;
            return 0;
        }
        return fail_at(p, v.off, "\"version\" must be 1, found %s",
                       describe_value(p, &v, q, sizeof q));
    }
    if (str_is(k, "devices")) {
        if (st->has_devices)
            return fail_at(p, kt->off, "duplicate key \"devices\"");
        st->has_devices = 1;
        if (v.kind != TOK_LBRACKET)
            return fail_at(p, v.off, "\"devices\" must be a list, found %s",
                           describe(v.kind));
        return parse_devices(p, &st->mft);
    }
    return fail_at(p, kt->off, "unknown key %s", quote(k, q, sizeof q));
}

int mft_json_parse(const char *buf, size_t len, struct mft1 *m,
                   struct mft_json_error *err)
{
    struct parser p = { (const unsigned char *)buf, len, 0, err };
    struct top_state st;
    struct token t, rbrace;

    memset(m, 0, sizeof *m);
    memset(err, 0, sizeof *err);
    memset(&st, 0, sizeof st);
    st.mft.m = m;
    /* Entry 0 is reserved (see mft_abi.h); devices follow it. */
    m->entries = 1;
    m->e[0].type = MFT_RESERVED_FIRST;

    if (len > MFT_JSON_MAX_SIZE)
        return fail_at(&p, MFT_JSON_MAX_SIZE,
                       "manifest is larger than %u bytes", MFT_JSON_MAX_SIZE);
    /* RFC 8259 forbids it, and it is invisible in most editors: say so. */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        return fail_at(&p, 0, "byte order mark at the start of the manifest");
    if (next_token(&p, &t))
        return -1;
    if (t.kind != TOK_LBRACE)
        return fail_at(&p, t.off,
                       "expected '{' to start the manifest, "
                       "found %s",
                       describe(t.kind));
    if (parse_members(&p, top_member, &st, &rbrace))
        return -1;
    if (!st.has_type)
        return fail_at(&p, rbrace.off, "missing key \"type\"");
    if (!st.has_version)
        return fail_at(&p, rbrace.off, "missing key \"version\"");
    if (!st.has_devices)
        return fail_at(&p, rbrace.off, "missing key \"devices\"");

    /* Only white space may follow; whatever it is, it is not ours. */
    while (p.pos < len && (buf[p.pos] == ' ' || buf[p.pos] == '\t' ||
                           buf[p.pos] == '\n' || buf[p.pos] == '\r'))
        p.pos++;
    if (p.pos < len)
        return fail_at(&p, p.pos, "trailing characters after the manifest");
    return 0;
}

/* ---- Writer ---- */

/* snprintf() into BUF at *USED, counting what would not fit. */
__attribute__((format(printf, 4, 5))) static void
emit(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(*used < size ? buf + *used : NULL,
                  *used < size ? size - *used : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used += (size_t)n;
}

size_t mft_json_format(const struct mft1 *m, char *buf, size_t size)
{
    size_t used = 0;
    uint32_t n = m->entries < MFT_MAX_ENTRIES ? m->entries : MFT_MAX_ENTRIES;

    if (size > 0)
        buf[0] = '\0';
    emit(buf, size, &used,
         "{\n    \"type\": \"solo5.manifest\",\n    \"version\": %u,\n"
         "    \"devices\": [%s",
         (unsigned)m->version, n <= 1 ? "]\n}\n" : "\n");
    /* Entry 0, the reserved one, is not a device: never shown. */
    for (uint32_t i = 1; i < n; i++) {
        const char *type = mft_type_name(m->e[i].type);

        emit(buf, size, &used,
             "        { \"name\": \"%.*s\", \"type\": \"%s\" }%s\n",
             (int)strnlen(m->e[i].name, MFT_NAME_SIZE), m->e[i].name,
             type != NULL ? type : "?", i + 1 < n ? "," : "");
    }
    if (n > 1)
        emit(buf, size, &used, "    ]\n}\n");
    return used;
}
