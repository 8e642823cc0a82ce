/* Internals shared by the validation runner's files (not API). */
#ifndef RU_VALIDATE_IMPL_H
#define RU_VALIDATE_IMPL_H

#include "io/csv.h"
#include "reuptake/kb.h"
#include "reuptake/validate.h"

typedef struct table_handle {
  rui_csv *csv;
  int calibration; /* the table's file name starts with calibration_ */
} table_handle;

/* Opens an embedded table (by file name) or a file and reads its header record. */
ru_status rui_validate_open(const char *file_or_embedded, int embedded, table_handle *out,
                            ru_error *err);
/* Appends a blank row (NaN observations and prediction). */
ru_status rui_validate_push_row(ru_vset *v, size_t *cap, ru_vrow **row, ru_error *err);
/* Adds a summary metric. */
void rui_validate_metric(ru_vset *v, const char *name, double value, size_t n);
/* Runs the microdialysis or physiology set on the synapse and plasma-NE models. */
ru_status rui_validate_synapse_set(const ru_kb *kb, const char *set, const char *path, ru_vset *v,
                                   size_t *cap, ru_error *err);

/* Runs the physiology set (plasma NE) on the physiology model. */
ru_status rui_validate_physiology(const char *file, int embedded, ru_vset *v, size_t *cap,
                                  ru_error *err);

#endif
