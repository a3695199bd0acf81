/* efiquiet.c: a UEFI application that starts GRUB with the firmware's
 * console silenced, so that the serial console carries only the
 * unikernel's output. */

#include "efi.h"

/* Where solo5-virtio-mkimage puts GRUB's core image, on our own FAT. */
#define GRUB_PATH u"\\EFI\\solo5\\grubx64.efi"
/* More than any GRUB core image; a bad file is not read whole. */
#define GRUB_MAX (64ull << 20)

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_GUID;
static const struct efi_guid simple_fs_guid = EFI_SIMPLE_FS_GUID;

/*
 * The silent console: every output call succeeds and shows nothing. It
 * keeps a plausible mode (one 80x25 text mode) because GRUB asks for the
 * console's size and moves its cursor.
 */
static struct efi_text_mode quiet_mode;
static struct efi_text_out quiet_out;

static EFI_STATUS EFIAPI quiet_reset(struct efi_text_out *self,
                                     BOOLEAN extended)
{
    (void)extended;
    self->mode->cursor_column = 0;
    self->mode->cursor_row = 0;
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI quiet_string(struct efi_text_out *self, CHAR16 *s)
{
    (void)self;
    (void)s;
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI quiet_query_mode(struct efi_text_out *self, UINTN mode,
                                          UINTN *columns, UINTN *rows)
{
    (void)self;
    if (mode != 0)
        return EFI_UNSUPPORTED;
    *columns = 80;
    *rows = 25;
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI quiet_set_mode(struct efi_text_out *self, UINTN mode)
{
    return mode == 0 ? quiet_reset(self, 0) : EFI_UNSUPPORTED;
}

static EFI_STATUS EFIAPI quiet_set_attribute(struct efi_text_out *self,
                                             UINTN attribute)
{
    self->mode->attribute = (int32_t)(attribute & 0x7f);
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI quiet_clear_screen(struct efi_text_out *self)
{
    return quiet_reset(self, 0);
}

static EFI_STATUS EFIAPI quiet_set_cursor(struct efi_text_out *self,
                                          UINTN column, UINTN row)
{
    if (column >= 80 || row >= 25)
        return EFI_UNSUPPORTED;
    self->mode->cursor_column = (int32_t)column;
    self->mode->cursor_row = (int32_t)row;
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI quiet_enable_cursor(struct efi_text_out *self,
                                             BOOLEAN on)
{
    self->mode->cursor_visible = on;
    return EFI_SUCCESS;
}

/*
 * Filled in at run time, not by an initializer: a pointer in initialized
 * data would need a load-time relocation, and this image has none (the
 * build checks that every reference is relative to the instruction).
 */
static void quiet_init(void)
{
    quiet_mode.max_mode = 1;
    quiet_mode.attribute = 0x07; /* light grey on black */
    quiet_out.reset = quiet_reset;
    quiet_out.output_string = quiet_string;
    quiet_out.test_string = quiet_string;
    quiet_out.query_mode = quiet_query_mode;
    quiet_out.set_mode = quiet_set_mode;
    quiet_out.set_attribute = quiet_set_attribute;
    quiet_out.clear_screen = quiet_clear_screen;
    quiet_out.set_cursor_position = quiet_set_cursor;
    quiet_out.enable_cursor = quiet_enable_cursor;
    quiet_out.mode = &quiet_mode;
}

/*
 * Points the system table's console output and standard error at OUT and
 * ERR. The table carries a CRC-32 of itself, which the firmware and
 * loaders may check: it is recomputed over the header's size, with the
 * field zero while computing.
 */
static void set_console(struct efi_system_table *st, struct efi_text_out *out,
                        struct efi_text_out *err)
{
    uint32_t crc = 0;
    st->con_out = out;
    st->std_err = err;
    st->hdr.crc32 = 0;
    if (!EFI_IS_ERROR(
            st->boot_services->calculate_crc32(st, st->hdr.header_size, &crc)))
        st->hdr.crc32 = crc;
}

/* Prints "efiquiet: WHAT failed (EFI status 0x...)" on the console. */
static void report(struct efi_system_table *st, const CHAR16 *what,
                   EFI_STATUS status)
{
    CHAR16 line[128];
    size_t n = 0;
    const CHAR16 *parts[] = { u"efiquiet: ", what, u" failed (EFI status 0x" };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        for (const CHAR16 *p = parts[i]; *p && n < 100; p++)
            line[n++] = *p;
    for (int shift = 60; shift >= 0; shift -= 4) {
        unsigned digit = (unsigned)(status >> shift) & 0xf;
        line[n++] = (CHAR16)(digit < 10 ? u'0' + digit : u'a' + digit - 10);
    }
    line[n++] = u')';
    line[n++] = u'\r';
    line[n++] = u'\n';
    line[n] = 0;
    st->con_out->output_string(st->con_out, line);
}

/*
 * Reads PATH from the file system on DEVICE into a new pool buffer; sets
 * *BUF and *SIZE. Returns the first failing call's status, naming the
 * step in *WHAT.
 */
static EFI_STATUS read_file(struct efi_boot_services *bs, EFI_HANDLE device,
                            const CHAR16 *path, void **buf, UINTN *size,
                            const CHAR16 **what)
{
    struct efi_simple_fs *fs;
    struct efi_file *root, *file;
    uint64_t end = 0;
    EFI_STATUS s;

    *what = u"opening the boot file system";
    s = bs->handle_protocol(device, &simple_fs_guid, (void **)&fs);
    if (EFI_IS_ERROR(s))
        return s;
    s = fs->open_volume(fs, &root);
    if (EFI_IS_ERROR(s))
        return s;
    *what = u"opening \\EFI\\solo5\\grubx64.efi";
    s = root->open(root, &file, path, EFI_FILE_MODE_READ, 0);
    root->close(root);
    if (EFI_IS_ERROR(s))
        return s;
    *what = u"reading \\EFI\\solo5\\grubx64.efi";
    s = file->set_position(file, EFI_FILE_END);
    if (!EFI_IS_ERROR(s))
        s = file->get_position(file, &end);
    if (!EFI_IS_ERROR(s))
        s = file->set_position(file, 0);
    if (!EFI_IS_ERROR(s) && (end == 0 || end > GRUB_MAX))
        s = EFI_LOAD_ERROR;
    int allocated = 0;
    if (!EFI_IS_ERROR(s)) {
        s = bs->allocate_pool(EFI_LOADER_DATA, end, buf);
        allocated = !EFI_IS_ERROR(s);
    }
    UINTN got = 0;
    while (!EFI_IS_ERROR(s) && got < end) {
        UINTN n = end - got;
        s = file->read(file, &n, (uint8_t *)*buf + got);
        if (!EFI_IS_ERROR(s) && n == 0)
            s = EFI_LOAD_ERROR; /* shorter than its size said */
        got += n;
    }
    if (EFI_IS_ERROR(s) && allocated)
        bs->free_pool(*buf);
    file->close(file);
    *size = end;
    return s;
}

EFI_STATUS EFIAPI efi_main(EFI_HANDLE self, struct efi_system_table *st);

EFI_STATUS EFIAPI efi_main(EFI_HANDLE self, struct efi_system_table *st)
{
    struct efi_boot_services *bs = st->boot_services;
    struct efi_loaded_image *me, *grub;
    struct efi_text_out *con_out = st->con_out, *std_err = st->std_err;
    const CHAR16 *what = u"finding our own image";
    EFI_HANDLE child;
    void *buf;
    UINTN size;

    EFI_STATUS s = bs->handle_protocol(self, &loaded_image_guid, (void **)&me);
    if (!EFI_IS_ERROR(s))
        s = read_file(bs, me->device_handle, GRUB_PATH, &buf, &size, &what);
    if (EFI_IS_ERROR(s)) {
        report(st, what, s);
        return s;
    }
    what = u"loading GRUB";
    s = bs->load_image(0, self, NULL, buf, size, &child);
    bs->free_pool(buf);
    if (EFI_IS_ERROR(s)) {
        report(st, what, s);
        return s;
    }
    /*
     * An image loaded from memory has no device: GRUB finds its prefix
     * (/boot/grub, on the device it was loaded from) through these, so it
     * gets ours, the same FAT.
     */
    s = bs->handle_protocol(child, &loaded_image_guid, (void **)&grub);
    if (EFI_IS_ERROR(s)) {
        report(st, u"finding GRUB's image", s);
        return s;
    }
    grub->device_handle = me->device_handle;
    grub->file_path = me->file_path;

    /*
     * From here the firmware's console shows nothing: GRUB prints its
     * banner there before reading any configuration, and OVMF (like the
     * firmware of most clouds) copies that console to the serial port.
     */
    quiet_init();
    set_console(st, &quiet_out, &quiet_out);
    s = bs->start_image(child, NULL, NULL);
    /* GRUB came back: it could not boot the unikernel. */
    set_console(st, con_out, std_err);
    report(st, u"running GRUB (an image made with -v shows why)",
           EFI_IS_ERROR(s) ? s : EFI_LOAD_ERROR);
    return EFI_IS_ERROR(s) ? s : EFI_LOAD_ERROR;
}
