/* %g formatting without printf on the common path (fmt.h).
 *
 * Method: integer scaling with exact powers of ten and a rigorous error bound, the classic
 * "fast path" of decimal conversion (Clinger 1990, "How to read floating point numbers
 * accurately", PLDI, used in the output direction; the same fast-path-plus-fallback structure
 * as Gay 1990, "Correctly rounded binary-decimal and decimal-binary conversions", AT&T
 * Numerical Analysis Manuscript 90-10, whose dtoa.c glibc's printf matches in result).
 *
 *  1. Decimal exponent: |v| = m 2^e2 with m in [1, 2), so e10 = floor(log10 |v|) is
 *     floor(e2 log10 2) or one more; the scaled value shows which (s >= 10^sig: one more,
 *     and s is divided by 10, one more rounding in the bound).
 *  2. Scaling: s = |v| 10^(sig-1-e10), computed with factors 10^k, k <= 22, that are exact in
 *     binary64, so each multiply or divide rounds once: after n operations
 *     |s - s_exact| <= s n 2^-53 (1 + O(n 2^-53)); we use the bound s n 2^-52 (twice that).
 *     s lies in [10^(sig-1), 10^sig) with sig <= 15, so s < 2^53 and its fractional part is
 *     exact.
 *  3. Rounding to sig digits: N = round(s) is the correctly rounded digit string unless the
 *     exact value might sit on the other side of a half-integer, i.e. unless
 *     |frac(s) - 1/2| <= bound. Then (and for exact ties, which printf breaks by the binary
 *     value's exact decimal expansion, round-half-even) snprintf decides. N = 10^sig after
 *     rounding is a carry into the next decade (9.995 -> 1.00e1), as in printf.
 *  4. Layout: C11 7.21.6.1 %g: with X = e10 after rounding and P = sig, style e if X < -4 or
 *     X >= P, else style f with precision P-1-X; trailing zeros and a bare point removed;
 *     exponent with a sign and at least two digits.
 * Assumes the default rounding mode (round to nearest), as every caller in reuptake does. */
#include "io/fmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* 10^0 .. 10^22: every one exactly representable in binary64 (5^22 < 2^53). */
static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Two decimal digits per entry: DIGITS2[2k], DIGITS2[2k+1] spell k for k in 0..99. */
static const char DIGITS2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

#define FAST_MAX_SIG 15 /* 10^15 < 2^53: s and frac(s) are exact in binary64 */
#define MAX_SIG 17      /* 17 significant digits round-trip every binary64 */

/* Writes the nd decimal digits of n (n < 10^nd) to out[0..nd-1], leading zeros included. */
static void put_digits(char *out, uint64_t n, size_t nd) {
  size_t i = nd;
  if (n <= UINT32_MAX) { /* sig <= 9: 32-bit division by constants is cheaper */
    uint32_t m = (uint32_t)n;
    while (i >= 2) {
      const uint32_t r = (m % 100u) * 2u;
      m /= 100u;
      out[i - 1] = DIGITS2[r + 1];
      out[i - 2] = DIGITS2[r];
      i -= 2;
    }
    if (i == 1) {
      out[0] = (char)('0' + (int)(m % 10u));
    }
    return;
  }
  while (i >= 2) {
    const size_t r = (size_t)(n % 100u) * 2u;
    n /= 100u;
    out[i - 1] = DIGITS2[r + 1];
    out[i - 2] = DIGITS2[r];
    i -= 2;
  }
  if (i == 1) {
    out[0] = (char)('0' + (int)(n % 10u));
  }
}

/* |x| 10^p with factors that are exact powers of ten; *nround counts the rounded operations. */
static double scale10(double x, int p, int *nround) {
  if (p > 0 && p <= 22) { /* the common case: one exact factor, one rounding */
    *nround = 1;
    return x * POW10[p];
  }
  int n = 0;
  while (p > 22) {
    x *= POW10[22];
    p -= 22;
    n++;
  }
  while (p < -22) {
    x /= POW10[22];
    p += 22;
    n++;
  }
  if (p > 0) {
    x *= POW10[p];
    n++;
  } else if (p < 0) {
    x /= POW10[-p];
    n++;
  }
  *nround = n;
  return x;
}

/* floor(log2 |x|) for finite x != 0. */
static int ilog2(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  const int biased = (int)((bits >> 52) & 0x7FFu);
  if (biased == 0) { /* subnormal: frexp normalises it */
    int e = 0;
    (void)frexp(x, &e);
    return e - 1;
  }
  return biased - 1023;
}

static size_t fallback(char *buf, double v, int sig) {
  const int n = snprintf(buf, RUI_FMT_BUF, "%.*g", sig, v);
  return n > 0 ? (size_t)n : 0u;
}

/* Lays out digits d[0..nd-1] (no trailing zeros, 1 <= nd <= 15; d holds 32 bytes and the
 * stripped zeros are still in place up to d[14]) with decimal exponent x in %g style for
 * precision p, after an optional '-'. Copies are fixed-size (16 bytes), which compilers turn
 * into two vector moves instead of a call to memcpy: the bytes past the end are scratch,
 * overwritten or beyond the NUL, and stay inside the RUI_FMT_BUF bytes of buf. */
static size_t layout(char *buf, int neg, const char *d, size_t nd, int x, int p) {
  char *o = buf;
  if (neg) {
    *o++ = '-';
  }
  if (x < -4 || x >= p) {
    o[0] = d[0];
    if (nd > 1) {
      o[1] = '.';
      memcpy(o + 2, d + 1, 16);
      o += nd + 1;
    } else {
      o += 1;
    }
    *o++ = 'e';
    *o++ = x < 0 ? '-' : '+';
    const unsigned ax = (unsigned)(x < 0 ? -x : x);
    if (ax >= 100u) {
      *o++ = (char)('0' + (int)(ax / 100u));
    }
    *o++ = DIGITS2[(ax % 100u) * 2u];
    *o++ = DIGITS2[(ax % 100u) * 2u + 1u];
  } else if (x >= 0) {
    const size_t nint = (size_t)x + 1u; /* digits before the point, <= p <= 15 */
    memcpy(o, d, 16);
    if (nd <= nint) {
      o += nint; /* d[nd..nint-1] are the stripped zeros */
    } else {
      o[nint] = '.';
      memcpy(o + nint + 1, d + nint, 16);
      o += nd + 1;
    }
  } else {
    memcpy(o, "0.000", 5);     /* x in [-4, -1]: 0 to 3 zeros after the point */
    o += 2 + (size_t)(-x - 1);
    memcpy(o, d, 16);
    o += nd;
  }
  *o = '\0';
  return (size_t)(o - buf);
}

/* floor(e log10 2) for |e| <= 1650, in integers: 78913 / 2^18 approximates log10 2 closely
 * enough over that range (Adams 2018, "Ryu: fast float-to-string conversion", PLDI,
 * log10Pow2); e log10 2 is irrational for e != 0, so floor(-y) = -floor(y) - 1. */
static int floor_log10_pow2(int e) {
  return e >= 0 ? (int)(((unsigned)e * 78913u) >> 18)
                : -(int)((((unsigned)-e * 78913u) >> 18) + 1u);
}

size_t rui_fmt_double(char *buf, double v, int sig) {
  if (!isfinite(v)) {
    memcpy(buf, "NA", 3);
    return 2;
  }
  if (sig < 0) {
    sig = 6; /* a negative precision is taken as omitted (C11 7.21.6.1p5) */
  } else if (sig == 0) {
    sig = 1; /* %g: a precision of zero is taken as 1 */
  } else if (sig > MAX_SIG) {
    sig = MAX_SIG;
  }
  const int neg = signbit(v) != 0;
  if (v == 0.0) {
    if (neg) {
      memcpy(buf, "-0", 3);
      return 2;
    }
    memcpy(buf, "0", 2);
    return 1;
  }
  if (sig > FAST_MAX_SIG) {
    return fallback(buf, v, sig);
  }
  const double a = fabs(v);
  const double lo = POW10[sig - 1], hi = POW10[sig];
  if (a < hi && a == (double)(uint64_t)a) {
    /* an integer with at most sig digits (times, counts): %g prints it as is (X < P) */
    char *o = buf;
    if (neg) {
      *o++ = '-';
    }
    return (size_t)(o - buf) + rui_fmt_int(o, (long long)a);
  }
  /* step 1: 10^g <= 2^e2 <= |v| < 2^(e2+1) < 10^(g+1) 2, so e10 is g or g + 1 */
  int e10 = floor_log10_pow2(ilog2(a));
  int nround = 0;
  double s = scale10(a, sig - 1 - e10, &nround);
  if (s >= hi) { /* e10 = g + 1: one more rounded division, counted in the bound */
    s /= 10.0;
    nround++;
    e10++;
  }
  if (s >= hi || s < lo) { /* only at a decade edge blurred by rounding: let printf decide */
    return fallback(buf, v, sig);
  }
  /* step 3: round to an integer unless the error bound straddles a half; s < 2^53, so the
   * conversion truncates exactly and frac is exact */
  const uint64_t fl = (uint64_t)s;
  const double frac = s - (double)fl;
  const double bound = s * (double)nround * 0x1p-52;
  if (fabs(frac - 0.5) <= bound) {
    return fallback(buf, v, sig);
  }
  uint64_t n = fl + (frac > 0.5 ? 1u : 0u);
  if ((double)n >= hi) { /* carry: 9.99..5 -> 10.0 */
    n /= 10u;
    e10 += 1;
  }
  char d[32];
  size_t nd = (size_t)sig;
  put_digits(d, n, nd);
  memset(d + nd, '0', 16); /* defined scratch for the fixed-size copies in layout */
  while (nd > 1 && d[nd - 1] == '0') {
    nd--;
  }
  return layout(buf, neg, d, nd, e10, sig);
}

size_t rui_fmt_int(char *buf, long long v) {
  /* magnitude in unsigned arithmetic, so LLONG_MIN does not overflow */
  unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  char tmp[24];
  size_t i = sizeof tmp;
  while (m >= 100u) {
    const size_t r = (size_t)(m % 100u) * 2u;
    m /= 100u;
    tmp[--i] = DIGITS2[r + 1];
    tmp[--i] = DIGITS2[r];
  }
  if (m >= 10u) {
    tmp[--i] = DIGITS2[m * 2u + 1u];
    tmp[--i] = DIGITS2[m * 2u];
  } else {
    tmp[--i] = (char)('0' + (int)m);
  }
  if (v < 0) {
    tmp[--i] = '-';
  }
  const size_t len = sizeof tmp - i;
  memcpy(buf, tmp + i, len);
  buf[len] = '\0';
  return len;
}
