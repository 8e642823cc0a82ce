/* The interaction contract over every ordered pair of KB parent compounds (issue 9 Proof): each
 * compound at its label dose (its steady-state regimen in validation/pk_reference.csv) as the
 * victim, each other one as the perpetrator. ru_ddi_interaction either succeeds with finite
 * positive AUC and Cmax ratios, finite metabolite ratios and at least one explanation line per
 * victim pathway (the CLI's mechanism list), or fails with an input error (the CLI's exit 2)
 * whose message is one non-empty line. Never NaN, never an internal error. All pairs run in one
 * process (one KB open); tests/cli/test_interact_pairs.sh checks a sample through the binary. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include <cmocka.h>

#include "pk_reference.h"

#define MAX_PARENTS 64

/* Under AddressSanitizer every pair costs ~10x: the sanitizer build runs every PAIR_STRIDE-th
 * ordered pair (still every victim and every perpetrator); the normal build runs them all. */
#if defined(__SANITIZE_ADDRESS__)
#define PAIR_STRIDE 19
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAIR_STRIDE 19
#endif
#endif
#ifndef PAIR_STRIDE
#define PAIR_STRIDE 1
#endif

static pkref_row rows[PKREF_MAX_ROWS];

/* 1 when text shows "nan" as a word (a NaN printed with %g), in any case. */
static int has_nan_word(const char *text) {
  for (const char *p = text; *p; p++) {
    if (strncasecmp(p, "nan", 3) != 0) continue;
    const int before = p == text || !isalnum((unsigned char)p[-1]);
    const int after = !isalnum((unsigned char)p[3]);
    if (before && after) return 1;
  }
  return 0;
}

static void test_every_ordered_pair_gives_ratios_or_a_one_line_reason(void **state) {
  (void)state;
  ru_kb *kb = NULL;
  ru_error err;
  const size_t n = pkref_load(&kb, rows, &err);
  if (n == (size_t)-1) fail_msg("%s", err.message);
  const char *regimen[MAX_PARENTS];
  const char *name[MAX_PARENTS];
  size_t np = 0;
  for (size_t i = 0; i < ru_kb_compound_count(kb); i++) {
    const char *c = ru_kb_compound_name(kb, i);
    ru_compound info;
    assert_int_equal(ru_kb_compound_info(kb, c, &info, &err), RU_OK);
    if (strcmp(info.kind, "drug") != 0) continue;
    const char *reg = NULL;
    for (size_t k = 0; k < n && reg == NULL; k++)
      if (strcmp(rows[k].compound, c) == 0 && pkref_repeats(rows[k].regimen)) reg = rows[k].regimen;
    if (reg == NULL) fail_msg("%s has no steady-state regimen in validation/pk_reference.csv", c);
    assert_true(np < MAX_PARENTS);
    name[np] = c;
    regimen[np++] = reg;
  }
  size_t ok = 0, refused = 0, bad = 0, acting = 0, run = 0, k_pair = 0;
  for (size_t v = 0; v < np; v++) {
    for (size_t p = 0; p < np; p++) {
      if (v == p) continue;
      if (k_pair++ % PAIR_STRIDE != 0) continue;
      run++;
      ru_ddi_result res;
      ru_error_clear(&err);
      const char *perp = regimen[p];
      const ru_status st = ru_ddi_interaction(kb, regimen[v], &perp, 1, NULL, &res, &err);
      if (st != RU_OK) {
        const int one_line = err.message[0] != '\0' && strchr(err.message, '\n') == NULL;
        if (ru_status_is_input_error(st) && one_line) {
          refused++;
        } else {
          bad++;
          printf("FAIL %s with %s: status %d (%s) '%s'\n", regimen[v], perp, (int)st,
                 ru_strerror(st), err.message);
        }
        continue;
      }
      int good = isfinite(res.auc_ratio) && isfinite(res.cmax_ratio) && res.auc_ratio > 0.0 &&
                 res.cmax_ratio > 0.0 && res.nexplain > 0;
      for (size_t k = 0; k < res.nmetabolites; k++)
        good = good && isfinite(res.metabolites[k].auc_ratio) && isfinite(res.metabolites[k].cmax_ratio);
      for (size_t k = 0; k < res.nexplain; k++)
        good = good && res.explain[k].text[0] != '\0' && !has_nan_word(res.explain[k].text);
      if (!good) {
        bad++;
        printf("FAIL %s with %s: auc %g cmax %g, %zu explanation lines\n", regimen[v], perp,
               res.auc_ratio, res.cmax_ratio, res.nexplain);
        continue;
      }
      ok++;
      if (fabs(res.auc_ratio - 1.0) > 0.05) acting++;
    }
  }
  printf("%zu parent compounds, %zu ordered pairs (%zu run, stride %d): %zu with ratios (%zu change the victim AUC by > 5 %%), "
         "%zu refused with a one-line reason, %zu broken\n",
         np, np * (np - 1), run, PAIR_STRIDE, ok, acting, refused, bad);
  ru_kb_free(kb);
  assert_int_equal(bad, 0);
  assert_true(ok > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_ordered_pair_gives_ratios_or_a_one_line_reason),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
