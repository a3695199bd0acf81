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

void pci_init(void)
{
    tss_io_allow(PCI_ADDR, 8);
}

static void (*found)(uint32_t bdf, uint32_t id);
static uint8_t buses_seen[256 / 8];

static void scan_bus(unsigned bus, int depth)
{
    if (depth > MAX_DEPTH || (buses_seen[bus / 8] & (1u << (bus % 8))))
        return;
    buses_seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (unsigned dev = 0; dev < 32; dev++) {
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
                    scan_bus(secondary, depth + 1);
            }
        }
    }
}

void pci_scan(void (*fn)(uint32_t bdf, uint32_t id))
{
    found = fn;
    scan_bus(0, 0);
}
