/* fpu: the application can use SSE, SSE2 and x87 arithmetic, with the
 * floating-point exceptions masked as the x86_64 SysV ABI expects. */

#include "solo5.h"
#include "selftest.h"

/* Results are compared bit for bit: every value used is exact. */
static uint32_t f2u(float f)
{
    uint32_t u;
    __builtin_memcpy(&u, &f, sizeof u);
    return u;
}

static uint64_t d2u(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, sizeof u);
    return u;
}

/* Packed single precision through explicit instructions. */
static void test_packed_asm(void)
{
    float a[4] = { 1.5f, 2.0f, 3.0f, 4.0f };
    float b[4] = { 2.0f, 0.25f, -1.0f, 8.0f };
    float sq[4] = { 4.0f, 9.0f, 16.0f, 25.0f };
    float prod[4], quot[4], sum[4], root[4];

    __asm__ volatile("movups %1, %%xmm0\n\t"
                     "movups %2, %%xmm1\n\t"
                     "mulps %%xmm1, %%xmm0\n\t"
                     "movups %%xmm0, %0"
                     : "=m"(prod)
                     : "m"(a), "m"(b)
                     : "xmm0", "xmm1");
    __asm__ volatile("movups %1, %%xmm2\n\t"
                     "movups %2, %%xmm3\n\t"
                     "divps %%xmm3, %%xmm2\n\t"
                     "movups %%xmm2, %0"
                     : "=m"(quot)
                     : "m"(a), "m"(b)
                     : "xmm2", "xmm3");
    __asm__ volatile("movups %1, %%xmm4\n\t"
                     "movups %2, %%xmm5\n\t"
                     "addps %%xmm5, %%xmm4\n\t"
                     "movups %%xmm4, %0"
                     : "=m"(sum)
                     : "m"(a), "m"(b)
                     : "xmm4", "xmm5");
    __asm__ volatile("movups %1, %%xmm15\n\t"
                     "sqrtps %%xmm15, %%xmm15\n\t"
                     "movups %%xmm15, %0"
                     : "=m"(root)
                     : "m"(sq)
                     : "xmm15");

    check(f2u(prod[0]) == f2u(3.0f) && f2u(prod[1]) == f2u(0.5f) &&
              f2u(prod[2]) == f2u(-3.0f) && f2u(prod[3]) == f2u(32.0f),
          "mulps");
    check(f2u(quot[0]) == f2u(0.75f) && f2u(quot[1]) == f2u(8.0f) &&
              f2u(quot[2]) == f2u(-3.0f) && f2u(quot[3]) == f2u(0.5f),
          "divps");
    check(f2u(sum[0]) == f2u(3.5f) && f2u(sum[1]) == f2u(2.25f) &&
              f2u(sum[2]) == f2u(2.0f) && f2u(sum[3]) == f2u(12.0f),
          "addps");
    check(f2u(root[0]) == f2u(2.0f) && f2u(root[1]) == f2u(3.0f) &&
              f2u(root[2]) == f2u(4.0f) && f2u(root[3]) == f2u(5.0f),
          "sqrtps");
}

/* Scalar double precision and conversions (SSE2). */
static void test_scalar_double(void)
{
    double x = 1.25, y = -6.0, prod, quot, root, two = 2.0;
    int64_t i = -7, back;

    __asm__ volatile("movsd %1, %%xmm6\n\t"
                     "mulsd %2, %%xmm6\n\t"
                     "movsd %%xmm6, %0"
                     : "=m"(prod)
                     : "m"(x), "m"(y)
                     : "xmm6");
    __asm__ volatile("movsd %1, %%xmm7\n\t"
                     "divsd %2, %%xmm7\n\t"
                     "movsd %%xmm7, %0"
                     : "=m"(quot)
                     : "m"(y), "m"(x)
                     : "xmm7");
    __asm__ volatile("sqrtsd %1, %%xmm8\n\t"
                     "mulsd %%xmm8, %%xmm8\n\t"
                     "movsd %%xmm8, %0"
                     : "=m"(root)
                     : "m"(two)
                     : "xmm8");
    __asm__ volatile("cvtsi2sdq %1, %%xmm9\n\t"
                     "addsd %%xmm9, %%xmm9\n\t"
                     "cvttsd2siq %%xmm9, %0"
                     : "=r"(back)
                     : "m"(i)
                     : "xmm9");

    check(d2u(prod) == d2u(-7.5), "mulsd");
    check(d2u(quot) == d2u(-4.8), "divsd");
    /* sqrt(2)^2 rounds to 2.0000000000000004 in binary64. */
    check(d2u(root) == 0x4000000000000001ull, "sqrtsd");
    check(back == -14, "cvtsi2sd / cvttsd2si");
}

/* Division by zero and invalid operations give IEEE results rather than
 * traps, because MXCSR masks the exceptions. */
static void test_masked_exceptions(void)
{
    volatile float one = 1.0f, zero = 0.0f;
    uint32_t mxcsr = 0;

    check(f2u(one / zero) == 0x7f800000u, "1/0 is +inf");
    check((f2u(zero / zero) & 0x7f800000u) == 0x7f800000u &&
              (f2u(zero / zero) & 0x007fffffu) != 0,
          "0/0 is NaN");
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    check((mxcsr & 0x1f80u) == 0x1f80u, "MXCSR masks all exceptions");
}

/* Vector code the compiler generates by itself at -O2. */
static float va[256] __attribute__((aligned(16)));
static float vb[256] __attribute__((aligned(16)));
static float vc[256] __attribute__((aligned(16)));

static void __attribute__((noinline)) vec_madd(void)
{
    for (int i = 0; i < 256; i++)
        vc[i] = va[i] * vb[i] + 0.5f;
}

static void test_compiler_vectors(void)
{
    int i, ok = 1;

    for (i = 0; i < 256; i++) {
        va[i] = (float)i;
        vb[i] = (float)(i - 128) * 0.5f;
    }
    vec_madd();
    for (i = 0; i < 256; i++)
        if (f2u(vc[i]) != f2u((float)i * ((float)(i - 128) * 0.5f) + 0.5f))
            ok = 0;
    check(ok, "compiler-vectorised multiply-add");
}

/* The legacy x87 unit works too (long double arithmetic uses it). */
static void test_x87(void)
{
    double r = 0;
    volatile long double a = 3.0L, b = 0.125L;

    __asm__ volatile("fld1\n\t"
                     "fadd %%st(0), %%st(0)\n\t"
                     "fsqrt\n\t"
                     "fmul %%st(0), %%st(0)\n\t"
                     "fstpl %0"
                     : "=m"(r)
                     :
                     : "st");
    check(d2u(r) == d2u(2.0), "x87 sqrt(2)^2 rounds to 2");
    check((double)(a * b) == 0.375, "long double multiply");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    test_packed_asm();
    test_scalar_double();
    test_masked_exceptions();
    test_compiler_vectors();
    test_x87();
    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
