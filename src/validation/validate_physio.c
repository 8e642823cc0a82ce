/* Physiology validation set: plasma NE level, half-life and other quantities by state against
 * published reference ranges and kinetics (validation/physiology.csv). Predictions only. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/physio.h"
#include "reuptake/units.h"
#include "validation/validate_impl.h"

/* The columns a row of this set needs. */
static int has_columns(const table_handle *t) {
  static const char *const need[] = {"quantity", "state"};
  for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
    int found = 0;
    for (size_t i = 0; i < t->ncols; i++) found |= strcasecmp(t->cols[i], need[k]) == 0;
    if (!found) return 0;
  }
  return 1;
}

ru_status rui_validate_physiology(const ru_kb *kb, const char *file, int embedded, ru_vset *v, size_t *cap,
                                  ru_error *err) {
  table_handle t;
  ru_physio *ph = NULL;
  ru_status st = ru_physio_new(kb, &ph, err);
  if (st != RU_OK) return st;
  st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) {
    ru_physio_free(ph);
    return st;
  }
  if (!has_columns(&t)) {
    rui_csv_close(t.csv);
    ru_physio_free(ph);
    return ru_error_set(err, RU_EDATA, "%s: missing required columns", file);
  }
  size_t n = 0, inside = 0;
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    ru_vrow *r;
    st = rui_validate_row_from_record(v, cap, &t, "observed", NULL, &r, err);
    if (st != RU_OK) break;
    const char *q = rui_validate_text(&t, "quantity"), *state = rui_validate_text(&t, "state");
    snprintf(r->what, sizeof r->what, "%.60s, %.60s", q, state);
    rui_strlcpy(r->quantity, q, sizeof r->quantity);
    size_t idx = 0;
    ru_error row_err;
    ru_error_clear(&row_err);
    ru_physio_values pv;
    double pred = nan("");
    if (strcasecmp(q, "plasma_ne") == 0 || strcasecmp(q, "plasma_ne_half_life") == 0) {
      if (ru_physio_state_find(state, &idx, &row_err) != RU_OK ||
          ru_physio_steady_state(ph, idx, NULL, &pv, &row_err) != RU_OK) {
        rui_strlcpy(r->note, row_err.message, sizeof r->note);
        continue;
      }
      pred = strcasecmp(q, "plasma_ne") == 0 ? pv.plasma_ne_pg_per_ml : pv.half_life_min;
    } else {
      snprintf(r->note, sizeof r->note, "quantity '%.60s' is not modelled", q);
      continue;
    }
    r->predicted = pred;
    const int ranged = isfinite(r->observed_low) && isfinite(r->observed_high);
    if (ranged && pred >= r->observed_low && pred <= r->observed_high) {
      r->error = 1.0;
    } else {
      const double ref = isfinite(r->observed) ? r->observed
                         : (ranged ? (pred < r->observed_low ? r->observed_low : r->observed_high)
                                   : nan(""));
      r->error = (ref > 0.0 && pred > 0.0) ? fmax(pred / ref, ref / pred) : nan("");
    }
    r->right_direction = 1;
    r->within_2x = r->error <= 2.0;
    r->within_1_5x = r->error <= 1.5;
    r->within_1_25x = r->error <= 1.25;
    n++;
    inside += (ranged && r->error == 1.0) ? 1u : 0u;
  }
  rui_csv_close(t.csv);
  ru_physio_free(ph);
  if (st == RU_OK && n > 0) {
    rui_validate_metric(v, "inside_reference_range", (double)inside / (double)n, n);
  }
  return st;
}
