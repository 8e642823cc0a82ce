/* NONMEM-style event datasets (regimen.h, docs/regimens.md): a CSV with a header row whose
 * columns are named case-insensitively ID, TIME, AMT, EVID, CMT, DRUG, II, ADDL, SS, RATE, MDV
 * and the per-record dose modifiers F, ALAG, R, D (or the dataset's own names for them through
 * ru_regimen_set_data_map). Each row becomes one ru_event with NONMEM semantics, checked here
 * against the NM-TRAN data rules with a message naming the file, line and column; the whole file
 * is appended to the regimen only when every row is valid. DV and covariates are ignored, but a
 * column named like another tool's dose modifier (F1, ALAG1, R1, D1, LAGT, BIOAV, ...) is reported
 * once as a warning, so nothing that changes doses is dropped silently.
 *
 * Units are fixed: TIME, II, ALAG and D in h, AMT in mg, RATE and R in mg/h. "." is NONMEM's
 * missing value and, like an empty field, selects the column's default. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "io/csv.h"
#include "regimen/regimen_impl.h"
#include "reuptake/regimen.h"
#include "reuptake/units.h"

enum {
  COL_ID,
  COL_TIME,
  COL_AMT,
  COL_EVID,
  COL_CMT,
  COL_DRUG,
  COL_II,
  COL_ADDL,
  COL_SS,
  COL_RATE,
  COL_MDV,
  COL_F, /* the dose-modifier items, in regimen_impl.h's order */
  COL_ALAG,
  COL_R,
  COL_D,
  NCOLS
};

static const char *const COL_NAMES[NCOLS] = {"ID",   "TIME", "AMT", "EVID", "CMT", "DRUG", "II",
                                             "ADDL", "SS",   "RATE", "MDV", "F",   "ALAG", "R",
                                             "D"};

/* Row context for messages: "FILE:LINE: column 'X': ..." */
typedef struct row_ctx {
  const rui_csv *csv;
  long col[NCOLS];              /* field index of each column, -1 when absent */
  const char *name[NCOLS];      /* the header name of each column (the data map's for items) */
  ru_error *err;
} row_ctx;

static ru_status col_error(const row_ctx *c, ru_status code, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ru_status col_error(const row_ctx *c, ru_status code, int col, const char *fmt, ...) {
  if (c->err == NULL) {
    return code;
  }
  char what[RU_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return ru_error_set(c->err, code, "%.200s:%zu: column '%s': %s", rui_csv_name(c->csv),
                      rui_csv_line(c->csv), c->name[col], what);
}

/* The text of column col in the current row, or NULL when the column is absent or the value
 * is missing ("" or "."). */
static const char *cell(const row_ctx *c, int col) {
  if (c->col[col] < 0) {
    return NULL;
  }
  const char *t = rui_csv_field(c->csv, (size_t)c->col[col]);
  if (t == NULL || t[0] == '\0' || strcmp(t, ".") == 0) {
    return NULL;
  }
  return t;
}

/* Reads a number from column col into *out (def when missing; missing is an error when
 * required). */
static ru_status get_number(const row_ctx *c, int col, int required, double def, double *out) {
  const char *t = cell(c, col);
  if (t == NULL) {
    if (required) {
      return col_error(c, RU_EDATA, col, "missing value");
    }
    *out = def;
    return RU_OK;
  }
  if (ru_units_parse_double(t, out) != RU_OK) {
    return col_error(c, RU_EDATA, col, "'%.40s' is not a number", t);
  }
  return RU_OK;
}

/* A whole number within [lo, hi]. */
static ru_status get_integer(const row_ctx *c, int col, int required, long def, long lo, long hi,
                             long *out) {
  if (!required && cell(c, col) == NULL) {
    *out = def;
    return RU_OK;
  }
  double v = 0.0;
  const ru_status st = get_number(c, col, required, 0.0, &v);
  if (st != RU_OK) {
    return st;
  }
  if (v != floor(v)) {
    return col_error(c, RU_EDATA, col, "%g is not a whole number", v);
  }
  if (v < (double)lo || v > (double)hi) {
    return col_error(c, RU_EDATA, col, "%g is outside %ld..%ld", v, lo, hi);
  }
  *out = (long)v;
  return RU_OK;
}

/* NULL when name is a valid compound name (same rule as the grammar's DRUG), else why not. */
static const char *name_problem(const char *name) {
  const size_t n = strlen(name);
  if (n >= RU_NAME_MAX) {
    return "is longer than 63 characters";
  }
  for (size_t i = 0; i < n; i++) {
    const char ch = name[i];
    const int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == ' ' || ch == '.';
    if (!ok) {
      return "has a character outside A-Z a-z 0-9 - _ . and space";
    }
  }
  if (n > 0 && (name[0] == ' ' || name[n - 1] == ' ')) {
    return "has a leading or trailing space";
  }
  return NULL;
}

/* Converts the current row into ev, checking every NONMEM data rule reuptake relies on. */
static ru_status read_row(const row_ctx *c, ru_event *ev) {
  memset(ev, 0, sizeof *ev);
  ru_status st;
  long id = 0;
  if ((st = get_integer(c, COL_ID, 1, 0, 0, 2147483647L, &id)) != RU_OK) {
    return st;
  }
  ev->id = id;

  double v = 0.0;
  if ((st = get_number(c, COL_TIME, 1, 0.0, &v)) != RU_OK) {
    return st;
  }
  if (v < 0.0 || v > RU_REGIMEN_MAX_TIME_H) {
    return col_error(c, RU_EDATA, COL_TIME, "%g h is outside 0..%g h", v, RU_REGIMEN_MAX_TIME_H);
  }
  ev->time_h = v;

  if ((st = get_number(c, COL_AMT, 0, 0.0, &v)) != RU_OK) {
    return st;
  }
  if (v < 0.0 || v > RU_REGIMEN_MAX_DOSE_MG) {
    return col_error(c, RU_EDATA, COL_AMT, "%g mg is outside 0..%g mg", v, RU_REGIMEN_MAX_DOSE_MG);
  }
  ev->amount_mg = v;

  if ((st = get_number(c, COL_RATE, 0, 0.0, &v)) != RU_OK) {
    return st;
  }
  if (v == RU_RATE_MODELLED_RATE || v == RU_RATE_MODELLED_DURATION) {
    /* NONMEM: the rate (R) or duration (D) comes from the model; here from the record */
    const int item = v == RU_RATE_MODELLED_RATE ? COL_R : COL_D;
    double m = 0.0;
    if (cell(c, item) == NULL) {
      return col_error(c, RU_EDATA, COL_RATE,
                       "RATE=%g needs the modelled %s: a column '%s' on this record (or "
                       "--data-map %s=COLUMN)", v, item == COL_R ? "rate (mg/h)" : "duration (h)",
                       c->name[item], COL_NAMES[item]);
    }
    if ((st = get_number(c, item, 1, 0.0, &m)) != RU_OK) {
      return st;
    }
    if (item == COL_R && !(m > 0.0 && m <= RU_REGIMEN_MAX_RATE_MG_PER_H)) {
      return col_error(c, RU_EDATA, COL_R, "%g mg/h is outside (0, %g] mg/h", m,
                       RU_REGIMEN_MAX_RATE_MG_PER_H);
    }
    if (item == COL_D && !(m >= RU_REGIMEN_MIN_INTERVAL_H && m <= RU_REGIMEN_MAX_TIME_H)) {
      return col_error(c, RU_EDATA, COL_D, "%g h is outside 1 min..%g h", m,
                       RU_REGIMEN_MAX_TIME_H);
    }
    if (item == COL_R) {
      ev->model_rate_mg_per_h = m;
    } else {
      ev->model_dur_h = m;
    }
  } else if (v < 0.0 || v > RU_REGIMEN_MAX_RATE_MG_PER_H) {
    return col_error(c, RU_EDATA, COL_RATE, "%g mg/h is outside 0..%g mg/h (or -1 / -2: rate / "
                     "duration from the R / D columns)", v, RU_REGIMEN_MAX_RATE_MG_PER_H);
  }
  ev->rate_mg_per_h = v;

  if ((st = get_number(c, COL_II, 0, 0.0, &v)) != RU_OK) {
    return st;
  }
  if (v < 0.0 || v > RU_REGIMEN_MAX_TIME_H || (v > 0.0 && v < RU_REGIMEN_MIN_INTERVAL_H)) {
    return col_error(c, RU_EDATA, COL_II, "%g h is not 0 or within 1 min..%g h", v,
                     RU_REGIMEN_MAX_TIME_H);
  }
  ev->ii_h = v;

  long addl = 0, ss = 0, cmt = 0, mdv = 0, evid = 0;
  if ((st = get_integer(c, COL_ADDL, 0, 0, 0, RU_REGIMEN_MAX_COUNT - 1, &addl)) != RU_OK ||
      (st = get_integer(c, COL_SS, 0, 0, 0, 2, &ss)) != RU_OK ||
      (st = get_integer(c, COL_CMT, 0, 0, 0, 2, &cmt)) != RU_OK ||
      (st = get_integer(c, COL_MDV, 0, -1, 0, 1, &mdv)) != RU_OK) {
    return st;
  }
  ev->addl = addl;
  ev->ss = (int)ss;
  ev->cmt = (ru_cmt)cmt;

  /* F and ALAG: this record's bioavailability and lag (absent: the compound's own) */
  if (cell(c, COL_F) != NULL) {
    if ((st = get_number(c, COL_F, 1, 1.0, &v)) != RU_OK) {
      return st;
    }
    if (!(v >= 0.0 && v <= RU_REGIMEN_MAX_BIOAV)) {
      return col_error(c, RU_EDATA, COL_F, "%g is outside 0..%g", v, RU_REGIMEN_MAX_BIOAV);
    }
    ev->has_bioav = 1;
    ev->bioav = v;
  }
  if (cell(c, COL_ALAG) != NULL) {
    if ((st = get_number(c, COL_ALAG, 1, 0.0, &v)) != RU_OK) {
      return st;
    }
    if (!(v >= 0.0 && v <= RU_REGIMEN_MAX_TIME_H)) {
      return col_error(c, RU_EDATA, COL_ALAG, "%g h is outside 0..%g h", v, RU_REGIMEN_MAX_TIME_H);
    }
    ev->has_lag = 1;
    ev->lag_h = v;
  }

  /* EVID: given, or NONMEM's default from AMT and MDV (a dose when there is an amount or a
   * constant-infusion rate; "other" when MDV=1 without one; else an observation) */
  if (cell(c, COL_EVID) != NULL) {
    if ((st = get_integer(c, COL_EVID, 0, 0, 0, 4, &evid)) != RU_OK) {
      return st;
    }
  } else if (ev->amount_mg > 0.0 || (ev->ss > 0 && ev->rate_mg_per_h != 0.0)) {
    evid = RU_EVID_DOSE;
  } else if (mdv == 1) {
    evid = RU_EVID_OTHER;
  } else {
    evid = RU_EVID_OBSERVATION;
  }
  ev->evid = (ru_evid)evid;
  const int dose = evid == RU_EVID_DOSE || evid == RU_EVID_RESET_DOSE;

  /* MDV: given, or 0 for observations and 1 otherwise; only observations may have MDV 0 */
  if (mdv < 0) {
    mdv = evid == RU_EVID_OBSERVATION ? 0 : 1;
  } else if (mdv == 0 && evid != RU_EVID_OBSERVATION) {
    return col_error(c, RU_EDATA, COL_MDV, "MDV=0 on an EVID %ld record (only observations "
                     "may have MDV 0)", evid);
  }
  ev->mdv = (int)mdv;

  /* DRUG: the compound name, required on dose records */
  const char *drug = cell(c, COL_DRUG);
  if (drug != NULL) {
    const char *np = name_problem(drug);
    if (np != NULL) {
      return col_error(c, RU_EDATA, COL_DRUG, "name '%.70s' %s", drug, np);
    }
    memcpy(ev->compound, drug, strlen(drug) + 1);
  } else if (dose) {
    return col_error(c, RU_EDATA, COL_DRUG,
                     c->col[COL_DRUG] < 0
                         ? "no such column, and dose records need one naming the compound"
                         : "missing compound name on a dose record");
  }

  if (!dose) {
    /* observations (0), other events (2) and resets (3) carry no dose fields */
    const int bad = ev->amount_mg != 0.0  ? COL_AMT
                    : ev->rate_mg_per_h != 0.0 ? COL_RATE
                    : ev->ss != 0          ? COL_SS
                    : ev->addl != 0        ? COL_ADDL
                    : ev->ii_h != 0.0      ? COL_II
                                           : -1;
    if (bad >= 0) {
      return col_error(c, RU_EDATA, bad,
                       "must be 0 or '.' on an EVID %ld record (only doses, EVID 1 or 4, carry "
                       "AMT, RATE, SS, II and ADDL)",
                       evid);
    }
    /* F and ALAG on other records are carried like covariates (datasets often fill them on
     * every row): they apply only to doses */
    ev->has_bioav = 0;
    ev->bioav = 0.0;
    ev->has_lag = 0;
    ev->lag_h = 0.0;
    return RU_OK;
  }

  const int const_infusion = ev->ss > 0 && ev->ii_h == 0.0 && ev->amount_mg == 0.0 &&
                             (ev->rate_mg_per_h > 0.0 || ev->rate_mg_per_h == RU_RATE_MODELLED_RATE);
  if (ev->ss > 0 && ev->ii_h == 0.0 && ev->rate_mg_per_h == RU_RATE_MODELLED_DURATION) {
    return col_error(c, RU_EDATA, COL_RATE, "RATE=-2 (modelled duration) on a steady-state "
                     "constant infusion: a constant infusion has no duration");
  }
  if (const_infusion && ev->has_bioav && ev->bioav != 1.0) {
    return col_error(c, RU_EDATA, COL_F, "F=%g on a steady-state constant infusion (AMT 0): F "
                     "scales amounts, and what it does to a constant infusion's rate is not "
                     "defined here; give the rate actually delivered", ev->bioav);
  }
  if (ev->amount_mg == 0.0 && !const_infusion) {
    return col_error(c, RU_EDATA, COL_AMT,
                     "dose record (EVID %ld) with AMT 0 (only a constant-infusion steady state, "
                     "SS>0 with II=0 and RATE>0, may have AMT 0)",
                     evid);
  }
  if (ev->ss > 0 && ev->ii_h == 0.0 && !const_infusion) {
    return col_error(c, RU_EDATA, COL_SS,
                     "SS=%d needs II > 0 (or II=0 with AMT=0 and RATE>0 for a constant-infusion "
                     "steady state)",
                     ev->ss);
  }
  if (ev->addl > 0 && ev->ii_h == 0.0) {
    return col_error(c, RU_EDATA, COL_ADDL, "ADDL=%ld needs II > 0", ev->addl);
  }
  return RU_OK;
}

/* Maps header names to columns. */
/* A column named like another tool's per-compartment or per-record dose modifier (NONMEM's
 * F1/ALAG1/R1/D1 as data items, user names such as LAGT, BIOAV, TINF), which this reader would
 * otherwise ignore: the item it would map to (F, ALAG, R, D), "" when none does (MTIME), or NULL
 * when the name is not such a column. */
static const char *modifier_item(const char *name) {
  static const struct {
    const char *prefix; /* followed by digits only */
    const char *item;
  } NUMBERED[] = {{"F", "F"}, {"ALAG", "ALAG"}, {"R", "R"}, {"D", "D"}};
  for (size_t k = 0; k < sizeof NUMBERED / sizeof NUMBERED[0]; k++) {
    const size_t n = strlen(NUMBERED[k].prefix);
    if (strncasecmp(name, NUMBERED[k].prefix, n) == 0 && name[n] >= '0' && name[n] <= '9') {
      const char *q = name + n;
      while (*q >= '0' && *q <= '9') q++;
      if (*q == '\0') return NUMBERED[k].item;
    }
  }
  static const struct {
    const char *name;
    const char *item;
  } NAMED[] = {{"LAG", "ALAG"},  {"LAGT", "ALAG"}, {"TLAG", "ALAG"}, {"BIOAV", "F"},
               {"BIO", "F"},     {"FBIO", "F"},    {"FRAC", "F"},   {"FDEPOT", "F"},
               {"DUR", "D"},     {"TINF", "D"},    {"MTIME", ""}};
  for (size_t k = 0; k < sizeof NAMED / sizeof NAMED[0]; k++) {
    if (strcasecmp(name, NAMED[k].name) == 0) return NAMED[k].item;
  }
  return NULL;
}

static ru_status read_header(ru_regimen *r, rui_csv *csv, row_ctx *c, ru_error *err) {
  int eof = 0;
  ru_status st = rui_csv_next(csv, &eof, err);
  if (st != RU_OK) {
    return st;
  }
  if (eof) {
    return ru_error_set(err, RU_EDATA,
                        "%.200s: empty: expected a header row naming the columns (ID, TIME, AMT, "
                        "EVID, CMT, DRUG, II, ADDL, SS, RATE, MDV)",
                        rui_csv_name(csv));
  }
  for (int k = 0; k < NCOLS; k++) {
    c->col[k] = -1;
    c->name[k] = k >= COL_F ? rui_regimen_data_column(r, k - COL_F) : COL_NAMES[k];
  }
  const size_t nf = rui_csv_nfields(csv);
  for (size_t i = 0; i < nf; i++) {
    const char *name = rui_csv_field(csv, i);
    int known = 0;
    for (int k = 0; k < NCOLS; k++) {
      if (strcasecmp(name, c->name[k]) != 0) {
        continue;
      }
      if (c->col[k] >= 0) {
        return ru_error_set(err, RU_EDATA, "%.200s:%zu: column '%s': appears twice in the header",
                            rui_csv_name(csv), rui_csv_line(csv), c->name[k]);
      }
      c->col[k] = (long)i;
      known = 1;
    }
    const char *item = known ? NULL : modifier_item(name);
    if (item != NULL) {
      char w[RU_ERROR_MESSAGE_MAX];
      if (item[0] != '\0') {
        snprintf(w, sizeof w, "%.200s: column '%.40s' looks like a dose modifier of another tool "
                 "and is ignored; reuptake reads per-record F, ALAG, R and D (to use it: "
                 "--data-map %s=%.40s)", rui_csv_name(csv), name, item, name);
      } else {
        snprintf(w, sizeof w, "%.200s: column '%.40s' looks like a dose modifier of another tool "
                 "and is ignored (reuptake has no equivalent)", rui_csv_name(csv), name);
      }
      st = rui_regimen_warn(r, w, err);
      if (st != RU_OK) {
        return st;
      }
    }
  }
  for (int k = COL_F; k < NCOLS; k++) {
    const int mapped = strcasecmp(c->name[k], COL_NAMES[k]) != 0;
    if (mapped && c->col[k] < 0) {
      return ru_error_set(err, RU_EDATA, "%.200s:%zu: --data-map %s=%s: no column '%s' in the "
                          "header", rui_csv_name(csv), rui_csv_line(csv), COL_NAMES[k], c->name[k],
                          c->name[k]);
    }
  }
  static const int REQUIRED[] = {COL_ID, COL_TIME, COL_AMT};
  for (size_t k = 0; k < sizeof REQUIRED / sizeof REQUIRED[0]; k++) {
    const int col = REQUIRED[k];
    if (c->col[col] >= 0) {
      continue;
    }
    double num = 0.0;
    const int numeric = nf > 0 && ru_units_parse_double(rui_csv_field(csv, 0), &num) == RU_OK;
    return ru_error_set(err, RU_EDATA,
                        "%.200s:%zu: column '%s': missing from the header (ID, TIME and AMT are "
                        "required)%s",
                        rui_csv_name(csv), rui_csv_line(csv), COL_NAMES[col],
                        numeric ? "; the first row must name the columns (a '#' line is a comment)"
                                : "");
  }
  return RU_OK;
}

static ru_status read_all(ru_regimen *r, rui_csv *csv, ru_error *err) {
  row_ctx c;
  memset(&c, 0, sizeof c);
  c.csv = csv;
  c.err = err;
  ru_status st = read_header(r, csv, &c, err);
  if (st != RU_OK) {
    return st;
  }
  const size_t header_fields = rui_csv_nfields(csv);
  ru_regimen *tmp = NULL;
  if ((st = ru_regimen_new(&tmp, err)) != RU_OK) {
    return st;
  }
  long prev_id = -1;
  double prev_time = 0.0;
  for (;;) {
    int eof = 0;
    if ((st = rui_csv_next(csv, &eof, err)) != RU_OK) {
      goto done;
    }
    if (eof) {
      break;
    }
    if (rui_csv_nfields(csv) != header_fields) {
      st = ru_error_set(err, RU_EDATA, "%.200s:%zu: %zu fields but the header has %zu",
                        rui_csv_name(csv), rui_csv_line(csv), rui_csv_nfields(csv), header_fields);
      goto done;
    }
    ru_event ev;
    if ((st = read_row(&c, &ev)) != RU_OK) {
      goto done;
    }
    /* NONMEM: the records of one subject are contiguous and in time order */
    if (ev.id != prev_id && ru_regimen_has_id(tmp, ev.id)) {
      st = col_error(&c, RU_EDATA, COL_ID,
                     "ID %ld reappears after ID %ld (the records of a subject must be "
                     "contiguous)",
                     ev.id, prev_id);
      goto done;
    }
    if (ev.id == prev_id && ev.time_h < prev_time) {
      st = col_error(&c, RU_EDATA, COL_TIME,
                     "%g h is before the previous record's %g h for ID %ld (TIME must not "
                     "decrease within a subject)",
                     ev.time_h, prev_time, ev.id);
      goto done;
    }
    ru_error e;
    ru_error_clear(&e);
    if ((st = ru_regimen_add(tmp, &ev, &e)) != RU_OK) {
      st = ru_error_set(err, st, "%.200s:%zu: %s", rui_csv_name(csv), rui_csv_line(csv),
                        e.message);
      goto done;
    }
    prev_id = ev.id;
    prev_time = ev.time_h;
  }
  if (ru_regimen_count(tmp) == 0) {
    st = ru_error_set(err, RU_EDATA, "%.200s: no records after the header", rui_csv_name(csv));
    goto done;
  }
  st = ru_regimen_append(r, tmp, err);
done:
  ru_regimen_free(tmp);
  return st;
}

ru_status ru_regimen_read_dataset(ru_regimen *r, const char *path, ru_error *err) {
  if (r == NULL || path == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_read_dataset: NULL argument");
  }
  rui_csv *csv = NULL;
  ru_status st = rui_csv_open(path, &csv, err);
  if (st != RU_OK) {
    return st;
  }
  st = read_all(r, csv, err);
  rui_csv_close(csv);
  return st;
}

ru_status ru_regimen_read_dataset_buffer(ru_regimen *r, const char *data, size_t len,
                                         const char *name, ru_error *err) {
  if (r == NULL || (data == NULL && len > 0)) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_read_dataset_buffer: NULL argument");
  }
  rui_csv *csv = NULL;
  ru_status st = rui_csv_open_buffer(data == NULL ? "" : data, len,
                                     name == NULL ? "<dataset>" : name, &csv, err);
  if (st != RU_OK) {
    return st;
  }
  st = read_all(r, csv, err);
  rui_csv_close(csv);
  return st;
}
