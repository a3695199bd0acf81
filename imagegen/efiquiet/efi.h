/* efi.h: the few UEFI types the quiet loader uses (UEFI 2.x, x86_64 only). */

#ifndef EFI_H_INCLUDED
#define EFI_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/*
 * Firmware entry points use the Microsoft x64 calling convention (UEFI
 * 2.x, "Calling Conventions", x64 platforms); GCC calls them correctly
 * when each function pointer type carries this attribute.
 */
#define EFIAPI __attribute__((ms_abi))

typedef uint64_t UINTN;
typedef uint64_t EFI_STATUS;
typedef uint8_t BOOLEAN;
typedef uint16_t CHAR16;
typedef void *EFI_HANDLE;

/* Status codes: errors have the top bit set (Appendix D). */
#define EFI_SUCCESS     0
#define EFI_ERROR_BIT   (1ull << 63)
#define EFI_LOAD_ERROR  (EFI_ERROR_BIT | 1)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_IS_ERROR(s) (((s)&EFI_ERROR_BIT) != 0)

struct efi_guid {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t data4[8];
};

struct efi_table_header {
    uint64_t signature;
    uint32_t revision;
    uint32_t header_size; /* bytes covered by crc32 */
    uint32_t crc32;       /* CRC-32 of the table with this field zero */
    uint32_t reserved;
};

/* EFI_SIMPLE_TEXT_OUTPUT_MODE */
struct efi_text_mode {
    int32_t max_mode;
    int32_t mode;
    int32_t attribute;
    int32_t cursor_column;
    int32_t cursor_row;
    BOOLEAN cursor_visible;
};

/* EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL */
struct efi_text_out {
    EFI_STATUS(EFIAPI *reset)(struct efi_text_out *self, BOOLEAN extended);
    EFI_STATUS(EFIAPI *output_string)(struct efi_text_out *self, CHAR16 *s);
    EFI_STATUS(EFIAPI *test_string)(struct efi_text_out *self, CHAR16 *s);
    EFI_STATUS(EFIAPI *query_mode)
    (struct efi_text_out *self, UINTN mode, UINTN *columns, UINTN *rows);
    EFI_STATUS(EFIAPI *set_mode)(struct efi_text_out *self, UINTN mode);
    EFI_STATUS(EFIAPI *set_attribute)(struct efi_text_out *self, UINTN attr);
    EFI_STATUS(EFIAPI *clear_screen)(struct efi_text_out *self);
    EFI_STATUS(EFIAPI *set_cursor_position)
    (struct efi_text_out *self, UINTN column, UINTN row);
    EFI_STATUS(EFIAPI *enable_cursor)(struct efi_text_out *self, BOOLEAN on);
    struct efi_text_mode *mode;
};

/*
 * EFI_BOOT_SERVICES, in the specification's order; the services this
 * loader does not call are placeholders that keep the offsets.
 */
struct efi_boot_services {
    struct efi_table_header hdr;
    void *raise_tpl, *restore_tpl;
    void *allocate_pages, *free_pages, *get_memory_map;
    EFI_STATUS(EFIAPI *allocate_pool)(int type, UINTN size, void **buffer);
    EFI_STATUS(EFIAPI *free_pool)(void *buffer);
    void *create_event, *set_timer, *wait_for_event, *signal_event;
    void *close_event, *check_event;
    void *install_protocol_interface, *reinstall_protocol_interface;
    void *uninstall_protocol_interface;
    EFI_STATUS(EFIAPI *handle_protocol)
    (EFI_HANDLE handle, const struct efi_guid *protocol, void **interface);
    void *reserved, *register_protocol_notify, *locate_handle;
    void *locate_device_path, *install_configuration_table;
    EFI_STATUS(EFIAPI *load_image)
    (BOOLEAN boot_policy, EFI_HANDLE parent, void *device_path, void *source,
     UINTN source_size, EFI_HANDLE *image);
    EFI_STATUS(EFIAPI *start_image)
    (EFI_HANDLE image, UINTN *exit_data_size, CHAR16 **exit_data);
    void *exit, *unload_image, *exit_boot_services;
    void *get_next_monotonic_count, *stall, *set_watchdog_timer;
    void *connect_controller, *disconnect_controller;
    void *open_protocol, *close_protocol, *open_protocol_information;
    void *protocols_per_handle, *locate_handle_buffer, *locate_protocol;
    void *install_multiple_protocol_interfaces;
    void *uninstall_multiple_protocol_interfaces;
    EFI_STATUS(EFIAPI *calculate_crc32)
    (const void *data, UINTN size, uint32_t *crc32);
};
_Static_assert(offsetof(struct efi_boot_services, handle_protocol) ==
                   24 + 16 * 8,
               "HandleProtocol is the 17th boot service");
_Static_assert(offsetof(struct efi_boot_services, load_image) == 24 + 22 * 8,
               "LoadImage is the 23rd boot service");
_Static_assert(offsetof(struct efi_boot_services, calculate_crc32) ==
                   24 + 40 * 8,
               "CalculateCrc32 is the 41st boot service");

/* EFI_SYSTEM_TABLE */
struct efi_system_table {
    struct efi_table_header hdr;
    CHAR16 *firmware_vendor;
    uint32_t firmware_revision;
    EFI_HANDLE console_in_handle;
    void *con_in;
    EFI_HANDLE console_out_handle;
    struct efi_text_out *con_out;
    EFI_HANDLE standard_error_handle;
    struct efi_text_out *std_err;
    void *runtime_services;
    struct efi_boot_services *boot_services;
    UINTN number_of_table_entries;
    void *configuration_table;
};
_Static_assert(offsetof(struct efi_system_table, con_out) == 64,
               "ConOut at offset 64");
_Static_assert(offsetof(struct efi_system_table, boot_services) == 96,
               "BootServices at offset 96");

/* EFI_LOADED_IMAGE_PROTOCOL */
struct efi_loaded_image {
    uint32_t revision;
    EFI_HANDLE parent_handle;
    struct efi_system_table *system_table;
    EFI_HANDLE device_handle; /* the device the image was loaded from */
    void *file_path;          /* its path on that device */
    void *reserved;
    uint32_t load_options_size;
    void *load_options;
    void *image_base;
    uint64_t image_size;
    int image_code_type, image_data_type;
    void *unload;
};

/* EFI_FILE_PROTOCOL */
struct efi_file {
    uint64_t revision;
    EFI_STATUS(EFIAPI *open)
    (struct efi_file *self, struct efi_file **file, const CHAR16 *name,
     uint64_t mode, uint64_t attributes);
    EFI_STATUS(EFIAPI *close)(struct efi_file *self);
    void *delete_;
    EFI_STATUS(EFIAPI *read)(struct efi_file *self, UINTN *size, void *buffer);
    void *write;
    EFI_STATUS(EFIAPI *get_position)(struct efi_file *self, uint64_t *pos);
    EFI_STATUS(EFIAPI *set_position)(struct efi_file *self, uint64_t pos);
};

#define EFI_FILE_MODE_READ 1ull
/* SetPosition to this offset moves to the end of the file. */
#define EFI_FILE_END ~0ull

/* EFI_SIMPLE_FILE_SYSTEM_PROTOCOL */
struct efi_simple_fs {
    uint64_t revision;
    EFI_STATUS(EFIAPI *open_volume)
    (struct efi_simple_fs *self, struct efi_file **root);
};

/* EFI_MEMORY_TYPE: EfiLoaderData */
#define EFI_LOADER_DATA 2

#define EFI_LOADED_IMAGE_GUID                                                  \
    {                                                                          \
        0x5b1b31a1, 0x9562, 0x11d2,                                            \
        {                                                                      \
            0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b                     \
        }                                                                      \
    }
#define EFI_SIMPLE_FS_GUID                                                     \
    {                                                                          \
        0x964e5b22, 0x6459, 0x11d2,                                            \
        {                                                                      \
            0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b                     \
        }                                                                      \
    }

#endif
