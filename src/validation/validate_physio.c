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

static const char *field(const rui_csv *csv, long i) {
  const char *v = i >= 0 ? rui_csv_field(csv, (size_t)i) : NULL;
  return v ? v : "";
}

static double num(const char *s) {
  double v;
  return (s && *s && ru_units_parse_double(s, &v) == RU_OK) ? v : nan("");
}

ru_status rui_validate_physiology(const char *file, int embedded, ru_vset *v, size_t *cap,
                                  ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) return st;
  const long c_id = rui_csv_column(t.csv, "id"), c_q = rui_csv_column(t.csv, "quantity"),
             c_state = rui_csv_column(t.csv, "state"), c_obs = rui_csv_column(t.csv, "observed"),
             c_lo = rui_csv_column(t.csv, "observed_low"), c_hi = rui_csv_column(t.csv, "observed_high"),
             c_unit = rui_csv_column(t.csv, "unit"), c_src = rui_csv_column(t.csv, "source");
  if (c_q < 0 || c_state < 0) {
    rui_csv_close(t.csv);
    return ru_error_set(err, RU_EDATA, "%s: needs columns quantity and state", file);
  }
  size_t n = 0, inside = 0;
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    ru_vrow *r;
    st = rui_validate_push_row(v, cap, &r, err);
    if (st != RU_OK) break;
    rui_strlcpy(r->id, field(t.csv, c_id), sizeof r->id);
    r->calibration = t.calibration;
    const char *q = field(t.csv, c_q), *state = field(t.csv, c_state);
    snprintf(r->what, sizeof r->what, "%.60s, %.60s", q, state);
    rui_strlcpy(r->quantity, q, sizeof r->quantity);
    rui_strlcpy(r->unit, field(t.csv, c_unit), sizeof r->unit);
    rui_strlcpy(r->source, field(t.csv, c_src), sizeof r->source);
    r->observed = num(field(t.csv, c_obs));
    r->observed_low = num(field(t.csv, c_lo));
    r->observed_high = num(field(t.csv, c_hi));
    size_t idx = 0;
    ru_error row_err;
    ru_error_clear(&row_err);
    ru_physio_values pv;
    double pred = nan("");
    if (strcasecmp(q, "plasma_ne") == 0 || strcasecmp(q, "plasma_ne_half_life") == 0) {
      if (ru_physio_state_find(state, &idx, &row_err) != RU_OK ||
          ru_physio_steady_state(idx, 0.0, &pv, &row_err) != RU_OK) {
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
  if (st == RU_OK && n > 0) {
    rui_validate_metric(v, "inside_reference_range", (double)inside / (double)n, n);
  }
  return st;
}
