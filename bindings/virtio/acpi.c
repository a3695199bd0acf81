/* acpi.c: ACPI soft power-off (S5) and the power button, from the firmware's
 * tables. */

/*
 * Found through the RSDP in the BIOS area (SeaBIOS puts it there; so does
 * every BIOS-booting cloud), or else in the memory map's ACPI regions
 * (UEFI firmware puts it there). The tables are read once at boot, while
 * the boot page tables still map all of low 4 GiB; only port numbers and
 * values are kept.
 */

#include "platform.h"

#define SLP_EN (1u << 13)
#define SCI_EN 1u
#define PWRBTN (1u << 8)

static struct {
    bool s5; /* \_S5_ found: soft power-off possible */
    uint16_t pm1a_cnt, pm1b_cnt;
    uint16_t pm1a_evt; /* status; enable follows at + evt_len / 2 */
    uint8_t evt_len;
    uint8_t slp_typa, slp_typb;
    uint8_t sci;
    uint16_t smi_cmd; /* and the value that enables ACPI mode */
    uint8_t acpi_enable;
} acpi;
static volatile bool power_button;

struct sdt_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static bool sum_ok(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s == 0;
}

static const uint8_t *rsdp_in(uintptr_t start, uintptr_t end)
{
    for (uintptr_t p = start; p + 20 <= end; p += 16) {
        if (memcmp((const void *)p, "RSD PTR ", 8) == 0 &&
            sum_ok((const uint8_t *)p, 20))
            return (const uint8_t *)p;
    }
    return NULL;
}

/* A table whose length is sane and whose checksum holds, or NULL. */
static const struct sdt_header *table_at(uint64_t pa)
{
    if (pa == 0 || pa >= 0x100000000ULL - sizeof(struct sdt_header))
        return NULL;
    const struct sdt_header *h = (const struct sdt_header *)(uintptr_t)pa;
    if (h->length < sizeof *h || h->length > (1u << 20) ||
        pa + h->length > 0x100000000ULL ||
        !sum_ok((const uint8_t *)h, h->length))
        return NULL;
    return h;
}

static const struct sdt_header *find_fadt(const uint8_t *rsdp)
{
    bool x = rsdp[15] >= 2;
    uint64_t root;
    if (x)
        memcpy(&root, rsdp + 24, 8);
    else {
        uint32_t r;
        memcpy(&r, rsdp + 16, 4);
        root = r;
    }
    const struct sdt_header *rt = table_at(root);
    if (rt == NULL)
        return NULL;
    unsigned esz = x ? 8 : 4;
    const uint8_t *e = (const uint8_t *)(rt + 1);
    size_t n = (rt->length - sizeof *rt) / esz;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = 0;
        memcpy(&a, e + i * esz, esz);
        const struct sdt_header *t = table_at(a);
        if (t != NULL && memcmp(t->sig, "FACP", 4) == 0)
            return t;
    }
    return NULL;
}

/* An AML integer: ZeroOp, OneOp, or BytePrefix n. Returns bytes used, 0 if
 * none. */
static unsigned aml_byte(const uint8_t *p, const uint8_t *end, uint8_t *v)
{
    if (p >= end)
        return 0;
    if (*p == 0x00 || *p == 0x01) {
        *v = *p;
        return 1;
    }
    if (*p == 0x0a && p + 1 < end) {
        *v = p[1];
        return 2;
    }
    return 0;
}

/* Finds Name(_S5_, Package() { a, b, ... }) in the DSDT. */
static bool find_s5(const struct sdt_header *dsdt)
{
    const uint8_t *p = (const uint8_t *)(dsdt + 1);
    const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;
    for (; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0)
            continue;
        if (!(p[-1] == 0x08 || (p[-1] == '\\' && p[-2] == 0x08)))
            continue;
        const uint8_t *q = p + 4;
        if (*q++ != 0x12) /* PackageOp */
            continue;
        q += (*q >> 6) + 1; /* PkgLength */
        q++;                /* NumElements */
        unsigned n = aml_byte(q, end, &acpi.slp_typa);
        if (n == 0)
            continue;
        if (aml_byte(q + n, end, &acpi.slp_typb) == 0)
            acpi.slp_typb = acpi.slp_typa;
        return true;
    }
    return false;
}

static void sci_handler(void *arg)
{
    (void)arg;
    /* Clear every event that is set (write 1s), so the level SCI drops. */
    uint16_t sts = io_inw(acpi.pm1a_evt);
    io_outw(acpi.pm1a_evt, sts);
    if (sts & PWRBTN)
        power_button = true;
}

void acpi_init(void)
{
    /* The BIOS data area says where the EBDA is (a constant address). */
    uintptr_t bda = 0x40e;
    __asm__("" : "+r"(bda));
    uint16_t ebda = *(const volatile uint16_t *)bda;
    const uint8_t *rsdp =
        rsdp_in((uintptr_t)ebda << 4, ((uintptr_t)ebda << 4) + 1024);
    /* The F segment first: BIOSes put it there, and each page touched costs. */
    if (rsdp == NULL)
        rsdp = rsdp_in(0xf0000, 0x100000);
    if (rsdp == NULL)
        rsdp = rsdp_in(0xe0000, 0xf0000);
    uint64_t base, end;
    for (unsigned i = 0; rsdp == NULL && mb_acpi_region(i, &base, &end); i++)
        rsdp = rsdp_in((base + 15) & ~(uint64_t)15, end);
    if (rsdp == NULL)
        return;
    const struct sdt_header *fadt = find_fadt(rsdp);
    if (fadt == NULL || fadt->length < 89)
        return;
    const uint8_t *f = (const uint8_t *)fadt;
    uint32_t dsdt_pa, smi_cmd, pm1a_evt, pm1a_cnt, pm1b_cnt;
    uint16_t sci;
    memcpy(&dsdt_pa, f + 40, 4);
    memcpy(&sci, f + 46, 2);
    memcpy(&smi_cmd, f + 48, 4);
    memcpy(&pm1a_evt, f + 56, 4);
    memcpy(&pm1a_cnt, f + 64, 4);
    memcpy(&pm1b_cnt, f + 68, 4);
    uint64_t x_dsdt = 0;
    if (fadt->length >= 148)
        memcpy(&x_dsdt, f + 140, 8);
    const struct sdt_header *dsdt = table_at(x_dsdt ? x_dsdt : dsdt_pa);
    if (pm1a_cnt == 0 || pm1a_cnt > 0xfffe)
        return;
    acpi.pm1a_cnt = (uint16_t)pm1a_cnt;
    acpi.pm1b_cnt = pm1b_cnt <= 0xfffe ? (uint16_t)pm1b_cnt : 0;
    tss_io_allow(acpi.pm1a_cnt, 2);
    if (acpi.pm1b_cnt)
        tss_io_allow(acpi.pm1b_cnt, 2);
    if (dsdt != NULL && memcmp(dsdt->sig, "DSDT", 4) == 0)
        acpi.s5 = find_s5(dsdt);

    /* The power button: an SCI when it is pressed, in ACPI mode. */
    acpi.evt_len = f[88];
    if (pm1a_evt == 0 || pm1a_evt > 0xfff0 || acpi.evt_len < 4 || sci >= 16)
        return;
    acpi.pm1a_evt = (uint16_t)pm1a_evt;
    acpi.sci = (uint8_t)sci;
    tss_io_allow(acpi.pm1a_evt, acpi.evt_len);
    if (smi_cmd != 0 && smi_cmd <= 0xffff && f[52] != 0) {
        acpi.smi_cmd = (uint16_t)smi_cmd;
        acpi.acpi_enable = f[52];
        tss_io_allow(acpi.smi_cmd, 1);
    }
    intr_register(acpi.sci, sci_handler, NULL);
}

/*
 * The power button matters only to a unikernel that waits, and its port
 * I/O (and the SMI that enabling ACPI may cost) is kept out of boot.
 */
void acpi_start(void)
{
    static bool started;
    if (started || acpi.pm1a_evt == 0)
        return;
    started = true;
    if (!(io_inw(acpi.pm1a_cnt) & SCI_EN) && acpi.smi_cmd != 0) {
        io_outb(acpi.smi_cmd, acpi.acpi_enable);
        for (int i = 0; i < 1000 && !(io_inw(acpi.pm1a_cnt) & SCI_EN); i++)
            ;
    }
    /* The power button alone: an event nobody clears would keep the SCI up. */
    io_outw(acpi.pm1a_evt + acpi.evt_len / 2, PWRBTN);
    io_outw(acpi.pm1a_evt, io_inw(acpi.pm1a_evt));
}

/*
 * For a unikernel that yields without ever waiting (deadlines already
 * past): look at the event register itself, at most every 100 ms, since
 * each look is an exit to the hypervisor.
 */
void acpi_poll(uint64_t now)
{
    static uint64_t next;
    if (acpi.pm1a_evt == 0 || now < next)
        return;
    next = now + 100000000ULL;
    acpi_start();
    if (io_inw(acpi.pm1a_evt) & PWRBTN)
        sci_handler(NULL);
}

bool acpi_power_button_pressed(void)
{
    return power_button;
}

void acpi_button_power_off(void)
{
    if (!bindings_quiet)
        log_printf("Solo5: power button pressed, powering off\n");
    platform_exit(SOLO5_EXIT_SUCCESS, NULL);
}

void acpi_poweroff(void)
{
    if (!acpi.s5)
        return;
    io_outw(acpi.pm1a_cnt, (uint16_t)(acpi.slp_typa << 10 | SLP_EN));
    if (acpi.pm1b_cnt)
        io_outw(acpi.pm1b_cnt, (uint16_t)(acpi.slp_typb << 10 | SLP_EN));
    /* The machine may take a moment to go. */
    for (int i = 0; i < 1000000; i++)
        __asm__ __volatile__("pause");
}
