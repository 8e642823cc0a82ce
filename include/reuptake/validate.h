/* Validation against published human (and rat microdialysis) outcomes.
 *
 * Sets: "pet" (pet_occupancy.csv + calibration_pet.csv), "ddi" (ddi.csv), "pm"
 * (calibration_pm_nm.csv + pm_nm.csv), "washout" (washout.csv: enzyme recovery after the
 * perpetrators stop), "microdialysis", "physiology". The tables shipped in validation/ are
 * embedded in the library; any other table of the same columns can be run (path).
 * Rows from files named calibration_* are marked calibration = 1: they may inform the declared
 * scaling factors (ru_validate_calibrate), every other row is a prediction and never tunes a
 * parameter. Metrics: occupancy mean absolute error in percentage points per target; exposure
 * ratio geometric mean fold error and the share within 1.25x / 1.5x / 2x; fold error for
 * microdialysis. A prediction inside an observed range counts as exact.
 *
 * Cross-validation (options.cross_validate): every set with fitted parameters refits them on
 * its calibration rows leaving one study (= `source`) out at a time and predicts the rows left
 * out; ru_vset.cv holds the held-out and in-sample metrics, each row its held-out prediction
 * (ru_vrow.cv_predicted), ru_vset.folds what each fold fitted. */
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
  double cv_predicted;      /* held-out prediction (fit without this row's study), NaN unless
                               the row took part in a cross-validated fit */
  double cv_error;          /* its error, as `error` */
} ru_vrow;

typedef struct ru_vmetric {
  char name[64];            /* e.g. "mae_pp.SERT", "gmfe", "within_2x" */
  double value;
  size_t n;
} ru_vmetric;

#define RU_VALIDATE_MAX_PARAMS 16
/* One fold of a cross-validation: the fit without one study. */
typedef struct ru_vfold {
  char study[320];          /* the left-out study (its source) */
  size_t nrows;             /* rows of that study predicted from this fit */
  size_t nparams;
  char param[RU_VALIDATE_MAX_PARAMS][24];   /* e.g. "scale.SERT" */
  double value[RU_VALIDATE_MAX_PARAMS];     /* fitted without the study (NaN: the fit failed) */
  char note[200];           /* e.g. "NET: no calibration rows left, uncalibrated (factor 1)" */
} ru_vfold;

typedef struct ru_vset {
  char set[24];
  size_t nrows;
  ru_vrow *rows;
  size_t nmetrics;
  ru_vmetric metrics[32];
  int cross_validated;      /* 1 when cv/folds below were computed */
  size_t ncv;
  ru_vmetric cv[32];        /* "mae_pp", "mae_pp.SERT", "in_sample_mae_pp", ... */
  char cv_note[256];        /* e.g. "nothing is fitted on this set" */
  size_t nfolds;
  ru_vfold *folds;          /* [nfolds], owned (ru_vset_free) */
} ru_vset;

typedef struct ru_validate_options {
  const char *const *overrides; /* "drug.key=value" applied to every row */
  size_t noverrides;
  int cross_validate;           /* leave-one-study-out refits of the fitted parameters */
} ru_validate_options;

/* Runs one set. path NULL = the embedded tables of that set; else a CSV with the same columns
 * (a file whose name starts with calibration_ is marked calibration). Caller frees *out. */
RU_API ru_status ru_validate_run(const ru_kb *kb, const char *set, const char *path,
                                 const ru_validate_options *opt, ru_vset **out, ru_error *err);
RU_API void ru_vset_free(ru_vset *v);

/* One calibration row of a fit, with its residual under the fitted factor. */
typedef struct ru_calibration_row {
  char id[64];
  int used;                 /* 0: the row could not be predicted (see note) and was left out */
  double observed_pct;      /* point value, NaN for a range */
  double observed_low, observed_high; /* range, NaN for a point */
  double predicted_pct;     /* under the fitted factor (NaN when not used) */
  double residual_pp;       /* predicted - observed; 0 inside a range, else to the nearer bound */
  char note[320];
} ru_calibration_row;

/* A fitted in-vitro -> in-vivo scaling factor of one target family. */
typedef struct ru_calibration {
  char target[16];
  double factor;            /* multiplies the in-vitro Ki */
  size_t nrows;             /* rows used */
  char rows[1024];          /* ids of the rows used, ';'-separated */
  double rmse_pp;           /* residual on those rows, percentage points */
  size_t nentries;          /* every calibration row of this target, used or not */
  ru_calibration_row *entries; /* [nentries], owned: ru_calibration_free */
} ru_calibration;

/* Fits one factor per target on the calibration_pet rows only (targets whose fitted rows all
 * rest on binding constants of one and the same study share one factor, fitted on all their
 * rows, and list those rows): least squares in percentage points to each row's value (the midpoint of a published range), over log factor in
 * [1e-3, 1e3] (grid, then golden section); residuals are reported like the validation's error
 * (0 inside a range). A calibration row that cannot be
 * predicted (a missing KB value) is left out and listed with used = 0 and its reason; a target
 * with no usable row is not fitted. out[max]; *n receives the count (RU_ELIMIT when more
 * targets than max). Free with ru_calibration_free(out, *n). */
RU_API ru_status ru_validate_calibrate(const ru_kb *kb, const char *path,
                                       const ru_validate_options *opt, ru_calibration *out,
                                       size_t max, size_t *n, ru_error *err);
/* Releases the entries of n calibrations (NULL-safe). */
RU_API void ru_calibration_free(ru_calibration *cal, size_t n);

#ifdef __cplusplus
}
#endif
#endif
