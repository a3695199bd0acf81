/* mft.c: device lookup in the manifest linked into the unikernel. */

#include "bindings.h"

/* One bit per manifest entry (handle) that has been acquired. */
static uint64_t acquired;

static bool name_equal(const char *entry, const char *name)
{
    size_t i;

    for (i = 0; i < MFT_NAME_SIZE; i++) {
        if (entry[i] != name[i])
            return false;
        if (entry[i] == '\0')
            return true;
    }
    return false;
}

int mft_acquire(const char *name, enum mft_type type)
{
    const struct mft *m = &__solo5_mft1_note.m;
    uint32_t n = m->entries < MFT_MAX_ENTRIES ? m->entries : MFT_MAX_ENTRIES;

    if (name == NULL)
        return -1;
    /* Entry 0 is the reserved one: no device, never a handle. */
    for (uint32_t i = 1; i < n; i++) {
        if (!name_equal(m->e[i].name, name))
            continue;
        if (m->e[i].type != (uint32_t)type || (acquired & (1ULL << i)))
            return -1;
        acquired |= 1ULL << i;
        return (int)i;
    }
    return -1;
}

bool mft_acquired(solo5_handle_t handle, enum mft_type type)
{
    const struct mft *m = &__solo5_mft1_note.m;

    /* acquired has bits only below the manifest's entry count. */
    return handle < MFT_MAX_ENTRIES && (acquired & (1ULL << handle)) &&
           m->e[handle].type == (uint32_t)type;
}

solo5_handle_set_t mft_acquired_set(enum mft_type type)
{
    const struct mft *m = &__solo5_mft1_note.m;
    solo5_handle_set_t set = 0;

    uint32_t n = m->entries < MFT_MAX_ENTRIES ? m->entries : MFT_MAX_ENTRIES;

    for (unsigned i = 1; i < n; i++) {
        if ((acquired & (1ULL << i)) && m->e[i].type == (uint32_t)type)
            set |= 1ULL << i;
    }
    return set;
}
