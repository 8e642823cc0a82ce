/* Validation against published human (and rat microdialysis) outcomes.
 *
 * Sets: "pet" (pet_occupancy.csv + calibration_pet.csv), "ddi" (ddi.csv), "pm"
 * (calibration_pm_nm.csv), "microdialysis", "firing", "physiology" (the last three with the
 * synapse calibration rows of calibration_synapse.csv). The tables shipped in validation/ are
 * embedded in the library; any other table of the same columns can be run (path).
 * Rows from files named calibration_* are marked calibration = 1: they may inform the declared
 * scaling factors (ru_validate_calibrate), every other row is a prediction and never tunes a
 * parameter. Metrics: occupancy mean absolute error in percentage points per target; exposure
 * ratio geometric mean fold error and the share within 1.25x / 1.5x / 2x; fold error for
 * microdialysis. A prediction inside an observed range counts as exact. */
#ifndef RU_VALIDATE_H
#define RU_VALIDATE_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ru_vrow {
  char id[64];
  int calibration;          /* from a calibration_* table */
  char what[256];           /* the scenario, e.g. "paroxetine:20mg:q24h, SERT, steady state" */
  char quantity[64];        /* target, measure or analyte */
  char unit[24];            /* "%", "fold", "pg/mL", ... */
  double observed;          /* point value or NaN */
  double observed_low, observed_high; /* range or NaN */
  double predicted;         /* NaN when the model cannot predict (see note) */
  double error;             /* |pred - obs| in percentage points (occupancy) or fold error */
  int within_2x, within_1_5x, within_1_25x, right_direction;
  char source[320];
  char note[320];
} ru_vrow;

typedef struct ru_vmetric {
  char name[64];            /* e.g. "mae_pp.SERT", "gmfe", "within_2x" */
  double value;
  size_t n;
} ru_vmetric;

typedef struct ru_vset {
  char set[24];
  size_t nrows;
  ru_vrow *rows;
  size_t nmetrics;
  ru_vmetric metrics[32];
} ru_vset;

typedef struct ru_validate_options {
  const char *const *overrides; /* "drug.key=value" applied to every row */
  size_t noverrides;
  int cross_validate;           /* 1: leave-one-study-out metrics (synapse sets: cv_*) */
} ru_validate_options;

/* Runs one set. path NULL = the embedded tables of that set; else a CSV with the same columns
 * (a file whose name starts with calibration_ is marked calibration). Caller frees *out. */
RU_API ru_status ru_validate_run(const ru_kb *kb, const char *set, const char *path,
                                 const ru_validate_options *opt, ru_vset **out, ru_error *err);
RU_API void ru_vset_free(ru_vset *v);

/* A fitted in-vitro -> in-vivo scaling factor of one target family. */
typedef struct ru_calibration {
  char target[16];
  double factor;            /* multiplies the in-vitro Ki */
  size_t nrows;
  char rows[256];           /* ids of the calibration rows used */
  double rmse_pp;           /* residual on those rows, percentage points */
} ru_calibration;

/* Fits one factor per target on the calibration_pet rows only (least squares in percentage
 * points, golden section on log factor, bounds 1e-3..1e3). out[max]; *n receives the count. */
RU_API ru_status ru_validate_calibrate(const ru_kb *kb, const char *path,
                                       const ru_validate_options *opt, ru_calibration *out,
                                       size_t max, size_t *n, ru_error *err);

#ifdef __cplusplus
}
#endif
#endif
