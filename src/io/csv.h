/* A small RFC 4180 CSV reader shared by the knowledge-base importer, the NONMEM dataset reader
 * and the validation runner. Quoted fields, doubled quotes, CRLF, a UTF-8 BOM and '#' comment
 * lines (outside quotes, at the start of a record) are handled; every error names the file,
 * line and column. Records are read one at a time; fields are valid until the next call. */
#ifndef RU_IO_CSV_H
#define RU_IO_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "reuptake/status.h"

typedef struct rui_csv rui_csv;

/* Opens path for reading. On failure returns RU_EINPUT_IO with a message naming the file. */
ru_status rui_csv_open(const char *path, rui_csv **out, ru_error *err);
/* Reads from a memory buffer (copied); name is used in messages. */
ru_status rui_csv_open_buffer(const char *data, size_t len, const char *name, rui_csv **out,
                              ru_error *err);
void rui_csv_close(rui_csv *csv);

/* Reads the next record. *nfields = 0 and returns RU_OK with *eof = 1 at end of input.
 * Blank lines are skipped. Returns RU_EDATA on an unterminated quote or a record over the
 * field or size limit. */
ru_status rui_csv_next(rui_csv *csv, int *eof, ru_error *err);
size_t rui_csv_nfields(const rui_csv *csv);
/* Field i of the current record (""), or NULL if i is out of range. Leading/trailing spaces
 * of unquoted fields are trimmed. */
const char *rui_csv_field(const rui_csv *csv, size_t i);
/* Line number (1-based) where the current record starts. */
size_t rui_csv_line(const rui_csv *csv);
const char *rui_csv_name(const rui_csv *csv);

/* Header helper: index of the column named name (case-insensitive) in the current record,
 * or -1. */
long rui_csv_column(const rui_csv *csv, const char *name);

#endif
