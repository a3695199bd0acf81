/* clock.c: monotonic time from the TSC (KVM paravirtual clock when offered),
 * wall time. */

/*
 * Reading either clock never leaves the guest: both are computed from
 * rdtsc at CPL3. Under KVM the paravirtual clock gives the TSC's scale and
 * the host's wall time; elsewhere the TSC is calibrated against the PIT
 * at boot and the wall time comes from the CMOS RTC.
 */

#include "platform.h"

#define MSR_KVM_WALL_CLOCK_NEW   0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW  0x4b564d01
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)

struct pvclock {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
};

struct pvwall {
    uint32_t version;
    uint32_t sec;
    uint32_t nsec;
};

static volatile struct pvclock pvclock __attribute__((aligned(64)));
static volatile struct pvwall pvwall __attribute__((aligned(64)));
static bool use_pvclock;

static uint64_t tsc_base, tsc_mult_ns; /* without pvclock */
static uint64_t tsc_hz;
static uint64_t wall_offset; /* wall = monotonic + offset */
static uint64_t last;        /* monotonic never goes back */

static bool kvm_clock_offered(void)
{
    uint32_t r[4];
    cpu_cpuid(0x40000000, 0, r);
    if (r[1] != 0x4b4d564b || r[2] != 0x564b4d56 || r[3] != 0x4d ||
        r[0] < 0x40000001)
        return false;
    cpu_cpuid(0x40000001, 0, r);
    return r[0] & KVM_FEATURE_CLOCKSOURCE2;
}

void clock_prepare(struct cpl0_setup *s)
{
    /* PIT channel 2 and its gate, the CMOS RTC: only without pvclock. */
    tss_io_allow(0x42, 2);
    tss_io_allow(0x61, 1);
    tss_io_allow(0x70, 2);
    use_pvclock = kvm_clock_offered();
    if (!use_pvclock)
        return;
    s->msr[0] = MSR_KVM_SYSTEM_TIME_NEW;
    s->val[0] = (uintptr_t)&pvclock | 1;
    s->msr[1] = MSR_KVM_WALL_CLOCK_NEW;
    s->val[1] = (uintptr_t)&pvwall;
}

static uint64_t pvclock_read(void)
{
    uint32_t v;
    uint64_t ts, sys, delta;
    uint32_t mul;
    int8_t shift;
    do {
        v = pvclock.version;
        __asm__ __volatile__("" ::: "memory");
        ts = pvclock.tsc_timestamp;
        sys = pvclock.system_time;
        mul = pvclock.tsc_to_system_mul;
        shift = pvclock.tsc_shift;
        delta = cpu_rdtsc() - ts;
        __asm__ __volatile__("" ::: "memory");
    } while ((v & 1) || v != pvclock.version);
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t clock_now(void)
{
    uint64_t t;
    if (use_pvclock)
        t = pvclock_read();
    else
        t = tsc_to_ns(cpu_rdtsc() - tsc_base, tsc_mult_ns);
    if (t < last)
        t = last;
    last = t;
    return t;
}

/* TSC ticks per second, measured over 10 ms of PIT channel 2. */
static uint64_t tsc_calibrate(void)
{
    const uint32_t count = 11932; /* 10 ms at 1.193182 MHz */
    uint8_t gate = io_inb(0x61);
    io_outb(0x61, (gate & ~0x02) | 0x01); /* gate on, speaker off */
    io_outb(0x43, 0xb0);                  /* channel 2, mode 0 */
    io_outb(0x42, count & 0xff);
    io_outb(0x42, count >> 8);
    uint64_t t0 = cpu_rdtsc();
    /* Bounded: each read is an exit; a missing gate must not hang boot. */
    for (long i = 0; i < 200000L && !(io_inb(0x61) & 0x20); i++)
        ;
    uint64_t t1 = cpu_rdtsc();
    io_outb(0x61, gate);
    uint64_t hz = (t1 - t0) * 1193182ULL / count;
    return hz ? hz : 1000000000ULL;
}

/* Days from 1970-01-01 to Y-M-D (proleptic Gregorian). */
static uint64_t days_from_civil(uint64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    uint64_t era = y / 400;
    uint64_t yoe = y - era * 400;
    uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static uint8_t cmos(uint8_t reg)
{
    io_outb(0x70, reg);
    return io_inb(0x71);
}

static unsigned bcd(uint8_t v, bool is_bcd)
{
    return is_bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/* Seconds since the epoch from the CMOS RTC (UTC, as QEMU keeps it). */
static uint64_t rtc_read(void)
{
    for (long i = 0; i < 10000L && (cmos(0x0a) & 0x80); i++)
        ;
    uint8_t s = cmos(0x00), mi = cmos(0x02), h = cmos(0x04);
    uint8_t d = cmos(0x07), mo = cmos(0x08), y = cmos(0x09);
    uint8_t c = cmos(0x32), b = cmos(0x0b);
    bool is_bcd = !(b & 0x04);
    unsigned hour = bcd(h & 0x7f, is_bcd);
    if (!(b & 0x02) && (h & 0x80))
        hour = (hour % 12) + 12; /* 12-hour mode, PM */
    unsigned century = bcd(c, is_bcd);
    if (century < 19 || century > 99)
        century = 20;
    uint64_t year = century * 100 + bcd(y, is_bcd);
    uint64_t days = days_from_civil(year, bcd(mo, is_bcd), bcd(d, is_bcd));
    return days * 86400 + hour * 3600 + bcd(mi, is_bcd) * 60 + bcd(s, is_bcd);
}

void clock_init(void)
{
    if (use_pvclock) {
        /* The wall clock MSR reports the host's time at system_time 0. */
        uint32_t v;
        uint64_t w;
        do {
            v = pvwall.version;
            __asm__ __volatile__("" ::: "memory");
            w = pvwall.sec * 1000000000ULL + pvwall.nsec;
            __asm__ __volatile__("" ::: "memory");
        } while ((v & 1) || v != pvwall.version);
        wall_offset = w;
        return;
    }
    tsc_hz = tsc_calibrate();
    tsc_mult_ns = tsc_mult(tsc_hz);
    tsc_base = cpu_rdtsc();
    uint64_t rtc = rtc_read();
    wall_offset = rtc * 1000000000ULL - clock_now();
}

uint64_t clock_ns_to_tsc(uint64_t ns)
{
    if (!use_pvclock)
        return (uint64_t)(((unsigned __int128)ns * tsc_hz) / 1000000000u);
    /* The inverse of the scaling in pvclock_read(). */
    uint32_t mul = pvclock.tsc_to_system_mul;
    int8_t shift = pvclock.tsc_shift;
    if (mul == 0)
        return ns;
    uint64_t t = (uint64_t)(((unsigned __int128)ns << 32) / mul);
    return shift < 0 ? t << -shift : t >> shift;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return clock_now();
}

solo5_time_t solo5_clock_wall(void)
{
    return clock_now() + wall_offset;
}
