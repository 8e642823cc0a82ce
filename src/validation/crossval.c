/* Leave-one-study-out cross-validation driver (crossval.h): studies from the group names, the
 * all-rows fit, one refit per left-out study, and the scores of the predictions. */
#include "validation/crossval.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

void rui_cv_result_free(rui_cv_result *r) {
  if (r == NULL) return;
  rui_free(r->params);
  rui_free(r->in_sample);
  rui_free(r->held_out);
  rui_free(r->row_group);
  rui_free(r->group_first_row);
  rui_free(r->group_rows);
  rui_free(r->fold_params);
  rui_free(r->fold_status);
  rui_free(r->fold_note);
  memset(r, 0, sizeof *r);
}

/* Study index of every row: equal non-empty names share a study, an empty name is its own. */
static size_t assign_groups(size_t nrows, const char *const *group, size_t *row_group,
                            size_t *first_row) {
  size_t ng = 0;
  for (size_t i = 0; i < nrows; i++) {
    const char *name = (group && group[i]) ? group[i] : "";
    size_t g = ng;
    if (name[0] != '\0') {
      for (size_t k = 0; k < ng; k++) {
        const char *other = group[first_row[k]] ? group[first_row[k]] : "";
        if (strcmp(other, name) == 0) {
          g = k;
          break;
        }
      }
    }
    if (g == ng) first_row[ng++] = i;
    row_group[i] = g;
  }
  return ng;
}

ru_status rui_cv_run(const rui_cv_model *m, size_t nrows, const char *const *group,
                     rui_cv_result *out, ru_error *err) {
  if (out == NULL || m == NULL || m->fit == NULL || m->predict == NULL || m->nparams == 0) {
    return ru_error_set(err, RU_EINVAL, "cross-validation: incomplete model");
  }
  memset(out, 0, sizeof *out);
  const size_t np = m->nparams, nr = nrows ? nrows : 1;
  rui_cv_result r;
  memset(&r, 0, sizeof r);
  r.nrows = nrows;
  r.nparams = np;
  r.params = rui_calloc(np, sizeof *r.params);
  r.in_sample = rui_calloc(nr, sizeof *r.in_sample);
  r.held_out = rui_calloc(nr, sizeof *r.held_out);
  r.row_group = rui_calloc(nr, sizeof *r.row_group);
  r.group_first_row = rui_calloc(nr, sizeof *r.group_first_row);
  r.group_rows = rui_calloc(nr, sizeof *r.group_rows);
  r.fold_params = rui_calloc(nr * np, sizeof *r.fold_params);
  r.fold_status = rui_calloc(nr, sizeof *r.fold_status);
  r.fold_note = rui_calloc(nr, sizeof *r.fold_note);
  size_t *subset = rui_calloc(nr, sizeof *subset);
  ru_status st = RU_OK;
  if (!r.params || !r.in_sample || !r.held_out || !r.row_group || !r.group_first_row ||
      !r.group_rows || !r.fold_params || !r.fold_status || !r.fold_note || !subset) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  r.ngroups = assign_groups(nrows, group, r.row_group, r.group_first_row);
  for (size_t i = 0; i < nrows; i++) {
    r.group_rows[r.row_group[i]]++;
    r.in_sample[i] = r.held_out[i] = nan("");
    subset[i] = i;
  }

  /* 1. in-sample: fit on every row, predict every row */
  st = m->fit(m->ctx, subset, nrows, r.params, r.note, sizeof r.note, err);
  if (st != RU_OK) goto done;
  for (size_t i = 0; i < nrows && st == RU_OK; i++) {
    st = m->predict(m->ctx, i, r.params, &r.in_sample[i], err);
  }
  if (st != RU_OK) goto done;

  /* 2. one fold per study: fit without it, predict its rows */
  for (size_t g = 0; g < r.ngroups; g++) {
    size_t n = 0;
    for (size_t i = 0; i < nrows; i++) {
      if (r.row_group[i] != g) subset[n++] = i;
    }
    double *p = &r.fold_params[g * np];
    ru_error fold_err;
    ru_error_clear(&fold_err);
    const ru_status fs = m->fit(m->ctx, subset, n, p, r.fold_note[g], RUI_CV_NOTE_MAX, &fold_err);
    r.fold_status[g] = fs;
    if (fs == RU_ENOMEM) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      goto done;
    }
    if (fs != RU_OK) {
      rui_strlcpy(r.fold_note[g], fold_err.message, RUI_CV_NOTE_MAX);
      for (size_t k = 0; k < np; k++) p[k] = nan("");
      continue;
    }
    for (size_t i = 0; i < nrows && st == RU_OK; i++) {
      if (r.row_group[i] == g) st = m->predict(m->ctx, i, p, &r.held_out[i], err);
    }
    if (st != RU_OK) goto done;
  }
done:
  rui_free(subset);
  if (st != RU_OK) {
    rui_cv_result_free(&r);
    return st;
  }
  *out = r;
  return RU_OK;
}

rui_cv_score rui_cv_score_rows(const double *pred, size_t nrows, rui_cv_error_fn error,
                               void *ctx, int geometric) {
  rui_cv_score s = {nan(""), 0};
  double acc = 0.0;
  for (size_t i = 0; pred && error && i < nrows; i++) {
    if (!isfinite(pred[i])) continue;
    const double e = error(ctx, i, pred[i]);
    if (!isfinite(e) || (geometric && !(e > 0.0))) continue;
    acc += geometric ? log(e) : e;
    s.n++;
  }
  if (s.n > 0) s.value = geometric ? exp(acc / (double)s.n) : acc / (double)s.n;
  return s;
}
