/* The fast %g formatter (src/io/fmt.c) against the C library's snprintf("%.*g"), the oracle:
 * glibc prints the exactly rounded decimal expansion (C11 7.21.6.1; F.5 recommends correct
 * rounding and glibc provides it). rui_fmt_double promises the same text byte for byte, so
 * every check below is string equality, plus value equality after strtod (which follows from
 * it, and is what a reader of the CSV sees). There is no formatting difference to document
 * for finite values: trailing zeros are stripped exactly as %g strips them, "-0" stays "-0",
 * exponents have a sign and at least two digits. The deliberate differences are non-finite
 * values ("NA", not "nan"/"inf") and precisions above 17 (clamped to 17).
 *
 * The random draws are deterministic (splitmix64, Steele, Lea & Flood 2014) and cover:
 * random bit patterns (every exponent, subnormals included), log-uniform values in the
 * range reuptake prints, short decimals (k / 10^j, the values people type), exact binary ties
 * at every precision (m + 1/2) 10^e, and neighbours of powers of ten (carry into the next
 * decade). */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/fmt.h"

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t next_u64(rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double uniform01(rng *r) { return (double)(next_u64(r) >> 11) * 0x1p-53; }

/* One comparison; returns 0 on a match, prints and returns 1 otherwise. */
static int check_one(double v, int sig) {
  char got[RUI_FMT_BUF], want[64];
  const size_t n = rui_fmt_double(got, v, sig);
  const int sig_c = sig < 0 ? 6 : (sig == 0 ? 1 : (sig > 17 ? 17 : sig));
  if (!isfinite(v)) {
    strcpy(want, "NA");
  } else {
    snprintf(want, sizeof want, "%.*g", sig_c, v);
  }
  if (n != strlen(got) || strcmp(got, want) != 0) {
    print_error("v=%a sig=%d: got '%s' (len %zu) want '%s'\n", v, sig, got, n, want);
    return 1;
  }
  if (isfinite(v) && strtod(got, NULL) != strtod(want, NULL)) {
    print_error("v=%a sig=%d: strtod differs\n", v, sig);
    return 1;
  }
  return 0;
}

static void special_values(void **state) {
  (void)state;
  const double vals[] = {0.0,      -0.0,     1.0,      -1.0,     0.5,      1.5,     2.5,
                         9.5,      10.0,     100.0,    1e15,     1e16,     1e22,    1e23,
                         1e-5,     1e-4,     1e-300,   1e300,    DBL_MAX,  -DBL_MAX, DBL_MIN,
                         DBL_TRUE_MIN, 123456.0, 999999.5, 9.9999995, 0.00012345, 672.0, 0.1,
                         NAN,      INFINITY, -INFINITY};
  int bad = 0;
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    for (int sig = -1; sig <= 20; sig++) {
      bad += check_one(vals[i], sig);
    }
  }
  assert_int_equal(bad, 0);
  char b[RUI_FMT_BUF];
  assert_int_equal(rui_fmt_double(b, NAN, 6), 2);
  assert_string_equal(b, "NA");
  assert_int_equal(rui_fmt_double(b, -0.0, 6), 2);
  assert_string_equal(b, "-0");
  rui_fmt_double(b, 100.0, 6); /* %g strips trailing zeros: "100", never "100.000" */
  assert_string_equal(b, "100");
  rui_fmt_double(b, 1e-5, 3);
  assert_string_equal(b, "1e-05");
  rui_fmt_double(b, -DBL_MAX, 17); /* the longest output fits */
  assert_string_equal(b, "-1.7976931348623157e+308");
}

/* Random bit patterns: every exponent and both signs, at every precision 1..17. */
static void random_bits_all_precisions(void **state) {
  (void)state;
  rng r = {12345};
  int bad = 0;
  for (long i = 0; i < 2000000 && bad < 20; i++) {
    const uint64_t u = next_u64(&r);
    double v;
    memcpy(&v, &u, sizeof v);
    if (!isfinite(v)) {
      continue;
    }
    bad += check_one(v, (int)(i % 17) + 1);
  }
  assert_int_equal(bad, 0);
}

/* Log-uniform values in [1e-12, 1e12] at the precisions reuptake prints (3..9). */
static void log_uniform_output_range(void **state) {
  (void)state;
  rng r = {777};
  static const int sigs[] = {3, 4, 5, 6, 9};
  int bad = 0;
  for (long i = 0; i < 2000000 && bad < 20; i++) {
    const double v = pow(10.0, -12.0 + 24.0 * uniform01(&r)) * ((i & 1) ? -1.0 : 1.0);
    bad += check_one(v, sigs[i % 5]);
  }
  assert_int_equal(bad, 0);
}

/* Short decimals k / 10^j (times the step grid of `simulate --step 0.001`, for example). */
static void short_decimals(void **state) {
  (void)state;
  int bad = 0;
  for (long k = 0; k < 200000 && bad < 20; k++) {
    for (int j = 0; j <= 6; j += 3) {
      const double v = (double)k / pow(10.0, (double)j);
      bad += check_one(v, 6);
      bad += check_one(v, (int)(k % 15) + 1);
    }
  }
  assert_int_equal(bad, 0);
}

/* Decimal ties (m + 1/2) 10^e: exact ties in binary go to snprintf's round-half-even, and
 * the many that are not exact in binary must round the way their binary value lies. */
static void decimal_ties(void **state) {
  (void)state;
  rng r = {99};
  int bad = 0;
  for (long i = 0; i < 500000 && bad < 20; i++) {
    const int sig = (int)(i % 15) + 1;
    const double m = floor(uniform01(&r) * 9.0 * pow(10.0, sig - 1)) + pow(10.0, sig - 1);
    const int e = (int)(next_u64(&r) % 40u) - 20;
    const double v = (m + 0.5) * pow(10.0, (double)(e - sig + 1));
    bad += check_one(v, sig);
    bad += check_one(nextafter(v, 0.0), sig);
    bad += check_one(nextafter(v, INFINITY), sig);
  }
  assert_int_equal(bad, 0);
}

/* Neighbours of powers of ten: the decade carry (9.99.. -> 10) and the e-style switch. */
static void powers_of_ten_neighbours(void **state) {
  (void)state;
  int bad = 0;
  for (int e = -320; e <= 308; e++) {
    const double p = pow(10.0, (double)e);
    double v = p;
    for (int k = 0; k < 4; k++) {
      v = nextafter(v, 0.0);
    }
    for (int k = 0; k < 9; k++, v = nextafter(v, INFINITY)) {
      for (int sig = 1; sig <= 17; sig++) {
        bad += check_one(v, sig);
      }
    }
    for (int sig = 1; sig <= 15; sig++) { /* 9.99..95 x 10^e: rounds up into the next decade */
      const double w = (10.0 - 5.0 * pow(10.0, (double)-sig)) * p / 10.0;
      bad += check_one(w, sig);
      bad += check_one(nextafter(w, 0.0), sig);
    }
  }
  assert_int_equal(bad, 0);
}

static void integers_match_printf(void **state) {
  (void)state;
  const long long vals[] = {0, 1, -1, 9, 10, 99, 100, -100, 123456789, LLONG_MAX, LLONG_MIN};
  char got[RUI_FMT_BUF], want[32];
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    const size_t n = rui_fmt_int(got, vals[i]);
    snprintf(want, sizeof want, "%lld", vals[i]);
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
  }
  rng r = {5};
  for (long i = 0; i < 1000000; i++) {
    const long long v = (long long)(next_u64(&r) >> (i % 64));
    const long long s = (i & 1) ? -v : v;
    rui_fmt_int(got, s);
    snprintf(want, sizeof want, "%lld", s);
    if (strcmp(got, want) != 0) {
      fail_msg("%lld: got '%s'", s, got);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(special_values),
      cmocka_unit_test(random_bits_all_precisions),
      cmocka_unit_test(log_uniform_output_range),
      cmocka_unit_test(short_decimals),
      cmocka_unit_test(decimal_ties),
      cmocka_unit_test(powers_of_ten_neighbours),
      cmocka_unit_test(integers_match_printf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
