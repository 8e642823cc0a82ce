/* Internals shared by the validation runner's files (not API). */
#ifndef RU_VALIDATE_IMPL_H
#define RU_VALIDATE_IMPL_H

#include "io/csv.h"
#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/validate.h"

#define RUI_VALIDATE_MAX_COLS 32
typedef struct table_handle {
  rui_csv *csv;
  int calibration; /* the table's file name starts with calibration_ */
  size_t ncols;    /* header names, read once by rui_validate_open */
  char cols[RUI_VALIDATE_MAX_COLS][48];
} table_handle;

/* Opens an embedded table (by file name) or a file and reads its header record. */
ru_status rui_validate_open(const char *file_or_embedded, int embedded, table_handle *out,
                            ru_error *err);
/* RU_EDATA naming the first of columns[n] the table's header lacks. */
ru_status rui_validate_require(const table_handle *t, const char *file,
                               const char *const *columns, size_t n, ru_error *err);
/* Text of the named column in the current record ("" when the column or value is absent). */
const char *rui_validate_text(const table_handle *t, const char *column);
/* A strict number, NaN for empty or malformed text. */
double rui_validate_number(const char *text);
/* Appends a row filled from the current record: id, calibration, unit, source, the observation
 * from column obs_column and the range from observed_low/observed_high. */
ru_status rui_validate_row_from_record(ru_vset *v, size_t *cap, const table_handle *t,
                                       const char *obs_column, const char *unit, ru_vrow **row,
                                       ru_error *err);
/* Appends a blank row (NaN observations and prediction). */
ru_status rui_validate_push_row(ru_vset *v, size_t *cap, ru_vrow **row, ru_error *err);
/* Applies the options' --set overrides to a simulation. */
ru_status rui_validate_apply_overrides(ru_sim *s, const ru_validate_options *opt, ru_error *err);
/* Adds a summary metric. */
void rui_validate_metric(ru_vset *v, const char *name, double value, size_t n);
/* Runs the PET set (validate_pet.c): rows of the embedded tables or of path, their metrics,
 * and with opt->cross_validate the leave-one-study-out refit of the scaling factors. */
ru_status rui_validate_pet(const ru_kb *kb, const char *path, const ru_validate_options *opt,
                           ru_vset *v, size_t *cap, ru_error *err);
/* Runs the microdialysis, firing or physiology set on the synapse and plasma-NE models
 * (validate_synapse.c); cross_validate adds the leave-one-study-out metrics. */
ru_status rui_validate_synapse_set(const ru_kb *kb, const char *set, const char *path,
                                   int cross_validate, ru_vset *v, size_t *cap, ru_error *err);

/* Runs the physiology set (plasma NE) on the physiology model. */
ru_status rui_validate_physiology(const ru_kb *kb, const char *file, int embedded, ru_vset *v, size_t *cap,
                                  ru_error *err);

#endif
