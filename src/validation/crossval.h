/* Leave-one-study-out cross-validation, generic over the model being fitted (not API).
 *
 * Any fit in reuptake that uses published rows (the PET scaling per target family, the synapse
 * parameters, ...) is checked the same way: fit on all rows and predict them (in-sample), then
 * for each study leave its rows out, refit on the others and predict the rows left out
 * (held-out). A model whose held-out error is far above its in-sample error is overfitted.
 *
 * CONTRACT (stable; other layers' validation code relies on it)
 *
 * The caller owns a table of nrows rows, addressed only by index 0..nrows-1; the driver never
 * looks inside a row. The model is two callbacks and a parameter-vector length:
 *
 *   fit(ctx, rows, n, params, note, note_cap, err)
 *       Fit the parameter vector params[nparams] on the subset rows[0..n-1] (indices into the
 *       table, ascending, n may be 0). Return RU_OK with every params[k] set. When the subset
 *       cannot determine a parameter (no row of that kind is left), still return RU_OK and put
 *       the model's own rule for an unfitted parameter in params[k] (e.g. an uncalibrated factor
 *       of 1), and say so in note (one line, may stay ""). Any other status marks the fold as
 *       failed: its held-out predictions are NaN and err's message is kept as the fold note.
 *       RU_ENOMEM aborts the whole run (returned by rui_cv_run).
 *   predict(ctx, row, params, prediction, err)
 *       The prediction for one row under params. Return RU_OK; *prediction may be NaN when the
 *       row cannot be predicted (it is then skipped by rui_cv_score). A non-OK status aborts the
 *       run with that status.
 *
 *   group[i] names the study of row i (for validation tables: the `source` column, copied as
 *   is; rows with byte-identical names are one study). An empty name makes the row a study of
 *   its own. The strings are borrowed for the duration of rui_cv_run only.
 *
 * rui_cv_run then:
 *   1. fits on all rows -> result.params, predicts every row -> result.in_sample[i];
 *   2. for each study g (in order of first appearance): fits on the rows of the other studies
 *      -> result.fold_params[g * nparams + k], predicts each row of g -> result.held_out[i].
 * With a single study, step 2 fits on zero rows (the model's unfitted rule): that is the honest
 * held-out prediction of a study nobody has seen.
 *
 * Ownership: rui_cv_run fills a caller-provided rui_cv_result whose arrays it allocates (with
 * rui_malloc); rui_cv_result_free releases them (NULL-safe, and safe on a zeroed result). On
 * error the result is left zeroed. No global state: a run is a value, thread-safe if the
 * callbacks are.
 *
 * Scoring: rui_cv_score averages an error function over rows (arithmetic mean, or geometric
 * mean for fold errors: GMFE); the error function returns NaN for rows to skip (unpredicted,
 * or not in the subset being scored, e.g. another target). */
#ifndef RU_VALIDATION_CROSSVAL_H
#define RU_VALIDATION_CROSSVAL_H

#include <stddef.h>

#include "reuptake/status.h"

#define RUI_CV_NOTE_MAX 200

typedef ru_status (*rui_cv_fit_fn)(void *ctx, const size_t *rows, size_t n, double *params,
                                   char *note, size_t note_cap, ru_error *err);
typedef ru_status (*rui_cv_predict_fn)(void *ctx, size_t row, const double *params,
                                       double *prediction, ru_error *err);

typedef struct rui_cv_model {
  size_t nparams;            /* length of the parameter vector (>= 1) */
  rui_cv_fit_fn fit;
  rui_cv_predict_fn predict;
  void *ctx;                 /* passed to both callbacks */
} rui_cv_model;

typedef struct rui_cv_result {
  size_t nrows, nparams, ngroups;
  double *params;            /* [nparams] fit on all rows */
  char note[RUI_CV_NOTE_MAX];/* the fit note of the all-rows fit */
  double *in_sample;         /* [nrows] prediction with params */
  double *held_out;          /* [nrows] prediction with the fit that left the row's study out */
  size_t *row_group;         /* [nrows] study index of each row */
  size_t *group_first_row;   /* [ngroups] first row of each study (its name is group[that row]) */
  size_t *group_rows;        /* [ngroups] number of rows in each study */
  double *fold_params;       /* [ngroups * nparams] fit without study g */
  ru_status *fold_status;    /* [ngroups] RU_OK, or why that fold's fit failed */
  char (*fold_note)[RUI_CV_NOTE_MAX]; /* [ngroups] fit note or failure message of fold g */
} rui_cv_result;

/* Runs the in-sample fit and the leave-one-study-out folds (see the contract above). nrows may
 * be 0 (nothing to do, zero groups). Returns RU_OK, RU_EINVAL (bad model), RU_ENOMEM, or a
 * predict callback's status. */
ru_status rui_cv_run(const rui_cv_model *m, size_t nrows, const char *const *group,
                     rui_cv_result *out, ru_error *err);
void rui_cv_result_free(rui_cv_result *r);

/* Error of one row's prediction (NaN: skip the row). */
typedef double (*rui_cv_error_fn)(void *ctx, size_t row, double prediction);

typedef struct rui_cv_score {
  double value;              /* mean error (or geometric mean when geometric), NaN if n == 0 */
  size_t n;                  /* rows scored */
} rui_cv_score;

/* Scores predictions pred[nrows] (in_sample or held_out) with error(ctx, row, pred[row]).
 * geometric != 0: exp(mean(log error)) over errors > 0 (GMFE for fold errors). Cannot fail. */
rui_cv_score rui_cv_score_rows(const double *pred, size_t nrows, rui_cv_error_fn error,
                               void *ctx, int geometric);

#endif
