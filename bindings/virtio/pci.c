/* pci.c: PCI configuration space through ports 0xcf8/0xcfc, and enumeration. */

#include "platform.h"

#define PCI_ADDR  0xcf8
#define PCI_DATA  0xcfc
#define MAX_DEPTH 8

static void select(uint32_t bdf, unsigned off)
{
    io_outl(PCI_ADDR, 0x80000000u | bdf << 8 | (off & 0xfc));
}

uint32_t pci_read32(uint32_t bdf, unsigned off)
{
    select(bdf, off);
    return io_inl(PCI_DATA);
}

void pci_write32(uint32_t bdf, unsigned off, uint32_t v)
{
    select(bdf, off);
    io_outl(PCI_DATA, v);
}

void pci_write16(uint32_t bdf, unsigned off, uint16_t v)
{
    select(bdf, off);
    io_outw(PCI_DATA + (off & 2), v);
}

/*
 * Only while the devices are set up: through configuration space the
 * application could move a device's registers onto ports or pages it
 * keeps, or switch bus mastering on for a device it reaches.
 */
void pci_init(void)
{
    tss_io_allow_setup(PCI_ADDR, 8);
}

static void (*found)(uint32_t bdf, uint32_t id);
static uint8_t buses_seen[256 / 8];

/*
 * True if the bridge at BDF is a PCI Express root port or switch
 * downstream port: the link below it holds one device, number 0.
 */
static bool pcie_single_device_below(uint32_t bdf)
{
    if (!((pci_read32(bdf, 0x04) >> 16) & 0x10))
        return false; /* no capability list */
    unsigned p = (pci_read32(bdf, 0x34) & 0xfc);
    for (int n = 0; p != 0 && n < 48; n++) {
        uint32_t cap = pci_read32(bdf, p);
        if ((cap & 0xff) == 0x10) {
            unsigned type = (cap >> 20) & 0xf;
            return type == 4 || type == 6;
        }
        p = (cap >> 8) & 0xfc;
    }
    return false;
}

/*
 * Scans BUS, all 32 device numbers, or only device 0 below a PCI Express
 * port (where the other 31 cannot exist, and each probe costs two exits).
 */
static void scan_bus(unsigned bus, int depth, bool only_dev0)
{
    if (depth > MAX_DEPTH || (buses_seen[bus / 8] & (1u << (bus % 8))))
        return;
    buses_seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (unsigned dev = 0; dev < (only_dev0 ? 1u : 32u); dev++) {
        uint32_t bdf0 = bus << 8 | dev << 3;
        uint32_t id = pci_read32(bdf0, 0);
        if ((id & 0xffff) == 0xffff)
            continue;
        uint32_t hdr = (pci_read32(bdf0, 0x0c) >> 16) & 0xff;
        unsigned nfn = (hdr & 0x80) ? 8 : 1;
        for (unsigned fn = 0; fn < nfn; fn++) {
            uint32_t bdf = bdf0 | fn;
            if (fn > 0) {
                id = pci_read32(bdf, 0);
                if ((id & 0xffff) == 0xffff)
                    continue;
                hdr = (pci_read32(bdf, 0x0c) >> 16) & 0xff;
            }
            found(bdf, id);
            /* A PCI-to-PCI bridge: its devices follow it, in order. */
            if ((hdr & 0x7f) == 1) {
                unsigned secondary = (pci_read32(bdf, 0x18) >> 8) & 0xff;
                if (secondary != 0)
                    scan_bus(secondary, depth + 1,
                             pcie_single_device_below(bdf));
            }
        }
    }
}

void pci_scan(void (*fn)(uint32_t bdf, uint32_t id))
{
    found = fn;
    scan_bus(0, 0, false);
}
