/* The target-attainment criterion grammar, "TARGET>=FRACTION" or "TARGET<=FRACTION" (e.g.
 * "SERT>=0.8"), parsed once for the CLI's --target-attainment and Python's target_attainment
 * (docs/population.md). */
#include <string.h>

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
