/* The option grammars of a population, parsed once for the CLI and Python (docs/population.md):
 * the target-attainment criterion "TARGET>=FRACTION" or "TARGET<=FRACTION" (e.g. "SERT>=0.8";
 * --target-attainment, target_attainment) and the percentile list "5,50,95" (--percentiles,
 * percentiles). */
#include <string.h>

#include "core/alloc.h"
#include "reuptake/pop.h"
#include "reuptake/units.h"

ru_status ru_pop_criterion_parse(const char *spec, ru_pop_criterion *out, ru_error *err) {
  if (spec == NULL || out == NULL) return ru_error_set(err, RU_EINVAL, "no criterion given");
  const char *op = strstr(spec, ">=");
  int at_least = 1;
  if (op == NULL) {
    op = strstr(spec, "<=");
    at_least = 0;
  }
  if (op == NULL || op == spec || (size_t)(op - spec) >= RU_NAME_MAX) {
    return ru_error_set(err, RU_EPARSE, "expected TARGET>=FRACTION, e.g. SERT>=0.8");
  }
  double v;
  if (ru_units_parse_double(op + 2, &v) != RU_OK || !(v >= 0.0 && v <= 1.0)) {
    return ru_error_set(err, RU_ERANGE, "threshold must be a fraction in [0, 1]");
  }
  memset(out, 0, sizeof *out);
  memcpy(out->target, spec, (size_t)(op - spec));
  out->threshold = v;
  out->at_least = at_least;
  return RU_OK;
}

ru_status ru_pop_percentiles_parse(const char *spec, double pct[RU_POP_MAX_PERCENTILES], size_t *n,
                                   ru_error *err) {
  if (spec == NULL || pct == NULL || n == NULL) return ru_error_set(err, RU_EINVAL, "no percentiles given");
  char *buf = rui_strdup(spec);
  if (buf == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  double v[RU_POP_MAX_PERCENTILES];
  size_t count = 0;
  ru_status st = RU_OK;
  for (char *tok = buf, *next; *tok != '\0' && st == RU_OK; tok = next) {
    const size_t len = strcspn(tok, ",");
    next = tok + len + (tok[len] == ',');
    tok[len] = '\0';
    if (len == 0) continue; /* "5,,50" is 5,50 */
    double x;
    const int is_number = ru_units_parse_double(tok, &x) == RU_OK;
    if (!is_number || !(x > 0.0 && x < 100.0)) {
      st = ru_error_set(err, is_number ? RU_ERANGE : RU_EPARSE, "'%s' is not a percentile in (0, 100)", tok);
    } else if (count >= RU_POP_MAX_PERCENTILES) {
      st = ru_error_set(err, RU_EINVAL, "at most %d values", RU_POP_MAX_PERCENTILES);
    } else if (count > 0 && !(x > v[count - 1])) {
      st = ru_error_set(err, RU_ERANGE, "values must increase");
    } else {
      v[count++] = x;
    }
  }
  rui_free(buf);
  if (st == RU_OK && count == 0) st = ru_error_set(err, RU_EINVAL, "no values given");
  if (st != RU_OK) return st;
  memcpy(pct, v, count * sizeof *v);
  *n = count;
  return RU_OK;
}
