/* Validation sets on the synapse and plasma-NE models: microdialysis (extracellular fold of
 * baseline in rat brain regions under a held transporter occupancy) and physiology (plasma NE
 * levels and kinetics by state). Every row is a prediction: nothing here tunes a parameter. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/synapse.h"
#include "reuptake/units.h"
#include "validation/validate_impl.h"

/* The columns a row of this set needs. */
static int has_columns(const table_handle *t) {
  static const char *const need[] = {"condition", "region", "analyte"};
  for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
    int found = 0;
    for (size_t i = 0; i < t->ncols; i++) found |= strcasecmp(t->cols[i], need[k]) == 0;
    if (!found) return 0;
  }
  return 1;
}

/* "NET=0.9,SERT=0.5" -> occupancy vector. */
static ru_status parse_condition(const char *cond, double occ[RU_SYN_NTARGETS], ru_error *err) {
  for (size_t k = 0; k < RU_SYN_NTARGETS; k++) occ[k] = 0.0;
  char buf[256];
  rui_strlcpy(buf, cond, sizeof buf);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL) return ru_error_set(err, RU_EDATA, "condition '%s': expected TARGET=fraction", cond);
    *eq = '\0';
    ru_syn_target t;
    ru_status st = ru_synapse_target_parse(tok, &t, err);
    if (st != RU_OK) return st;
    const double v = rui_validate_number(eq + 1);
    if (!(v >= 0.0 && v <= 1.0)) return ru_error_set(err, RU_EDATA, "condition '%s': occupancy must be in [0,1]", cond);
    occ[t] = v;
  }
  return RU_OK;
}

static ru_status run_microdialysis(const char *file, int embedded, ru_vset *v, size_t *cap,
                                   ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) return st;
  if (!has_columns(&t)) {
    rui_csv_close(t.csv);
    return ru_error_set(err, RU_EDATA, "%s: missing required columns", file);
  }
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    ru_vrow *r;
    st = rui_validate_row_from_record(v, cap, &t, "observed_fold", "fold", &r, err);
    if (st != RU_OK) break;
    const double days = rui_validate_number(rui_validate_text(&t, "days"));
    snprintf(r->what, sizeof r->what, "%s held, %s, %s", rui_validate_text(&t, "condition"),
             rui_validate_text(&t, "region"), (isfinite(days) && days > 0.0) ? "chronic" : "acute (3 h)");
    rui_strlcpy(r->quantity, rui_validate_text(&t, "analyte"), sizeof r->quantity);
    double occ[RU_SYN_NTARGETS];
    ru_error row_err;
    ru_error_clear(&row_err);
    ru_syn_analyte an = RU_SYN_NE;
    const char *a = rui_validate_text(&t, "analyte");
    if (strcasecmp(a, "DA") == 0) an = RU_SYN_DA;
    else if (strcasecmp(a, "5-HT") == 0 || strcasecmp(a, "5HT") == 0 || strcasecmp(a, "serotonin") == 0) an = RU_SYN_5HT;
    else if (strcasecmp(a, "NE") != 0) {
      snprintf(r->note, sizeof r->note, "unknown analyte '%s'", a);
      continue;
    }
    const double hours = (isfinite(days) && days > 0.0) ? days * 24.0 : 3.0;
    double fold = nan("");
    if (parse_condition(rui_validate_text(&t, "condition"), occ, &row_err) != RU_OK ||
        ru_synapse_fold_at(occ, NULL, rui_validate_text(&t, "region"), an, hours, &fold, &row_err) != RU_OK) {
      rui_strlcpy(r->note, row_err.message, sizeof r->note);
      continue;
    }
    r->predicted = fold;
    const double obs = isfinite(r->observed) ? r->observed : 0.5 * (r->observed_low + r->observed_high);
    if (isfinite(r->observed_low) && isfinite(r->observed_high) && fold >= r->observed_low &&
        fold <= r->observed_high) {
      r->error = 1.0;
    } else {
      r->error = fmax(fold / obs, obs / fold);
    }
    /* direction: a rise (> 1.1), a fall (< 0.9) or no change (within 0.9-1.1: the tolerance of
     * "unchanged" in microdialysis reports) */
    const int obs_dir = obs > 1.1 ? 1 : (obs < 0.9 ? -1 : 0);
    const int pred_dir = fold > 1.1 ? 1 : (fold < 0.9 ? -1 : 0);
    r->right_direction = obs_dir == pred_dir;
    r->within_2x = r->error <= 2.0;
    r->within_1_5x = r->error <= 1.5;
    r->within_1_25x = r->error <= 1.25;
  }
  rui_csv_close(t.csv);
  if (st != RU_OK) return st;
  size_t n = 0, dir = 0, w15 = 0;
  double lsum = 0.0;
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    if (!isfinite(r->predicted)) continue;
    n++;
    dir += r->right_direction ? 1u : 0u;
    w15 += r->within_1_5x ? 1u : 0u;
    lsum += log(r->error);
  }
  if (n > 0) {
    rui_validate_metric(v, "right_direction", (double)dir / (double)n, n);
    rui_validate_metric(v, "within_1.5x", (double)w15 / (double)n, n);
    rui_validate_metric(v, "gmfe", exp(lsum / (double)n), n);
  }
  return RU_OK;
}

ru_status rui_validate_synapse_set(const ru_kb *kb, const char *set, const char *path, ru_vset *v,
                                   size_t *cap, ru_error *err) {
  (void)kb;
  if (strcmp(set, "microdialysis") == 0) {
    return run_microdialysis(path ? path : "microdialysis.csv", path == NULL, v, cap, err);
  }
  return rui_validate_physiology(path ? path : "physiology.csv", path == NULL, v, cap, err);
}
