/* Dosing regimens (regimen.h): the event list every input becomes, its validation, and the
 * command-line grammar DRUG:DOSE[:qINTERVAL][:for=DURATION|:n=COUNT][:start=TIME] with the
 * extensions :iv, :inf=DURATION and :ss (docs/regimens.md).
 *
 * Invariant: every record held by an ru_regimen passed check_event(), so the PK layer may rely
 * on finite, in-range, NONMEM-consistent fields. Every mutating call validates first and
 * reserves all memory before it changes anything, so a failed call leaves the regimen as it
 * was. */
#include "reuptake/regimen.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "regimen/regimen_impl.h"
#include "reuptake/units.h"

struct ru_regimen {
  ru_event *ev;      /* records in insertion order */
  size_t n, cap;
  long *ids;         /* distinct subject IDs in order of first appearance */
  size_t nids, ids_cap;
  size_t *slots;     /* open-addressing set over ids: index + 1 into ids, 0 = empty */
  size_t slots_cap;  /* power of two, at least twice nids (load <= 1/2) */
  char map[RUI_DATA_ITEMS][RU_NAME_MAX]; /* --data-map: dataset column of F, ALAG, R, D ("" = own) */
  char **warn;       /* warnings from reading datasets */
  size_t nwarn, capwarn;
};

/* ---- lifecycle and accessors ------------------------------------------------------------ */

ru_status ru_regimen_new(ru_regimen **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_new: out is NULL");
  }
  *out = rui_calloc(1, sizeof **out);
  if (*out == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory creating a regimen");
  }
  return RU_OK;
}

void ru_regimen_free(ru_regimen *r) {
  if (r == NULL) {
    return;
  }
  rui_free(r->ev);
  rui_free(r->ids);
  rui_free(r->slots);
  for (size_t i = 0; i < r->nwarn; i++) {
    rui_free(r->warn[i]);
  }
  rui_free(r->warn);
  rui_free(r);
}

/* ---- dose-modifier data items: the column map and reading warnings -------------------------- */

const char *const rui_data_item_names[RUI_DATA_ITEMS] = {"F", "ALAG", "R", "D"};

ru_status ru_regimen_set_data_map(ru_regimen *r, const char *spec, ru_error *err) {
  if (r == NULL || spec == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_set_data_map: NULL argument");
  }
  char map[RUI_DATA_ITEMS][RU_NAME_MAX];
  memset(map, 0, sizeof map);
  const char *p = spec;
  while (*p != '\0') {
    const char *end = strchr(p, ',');
    const size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    if (eq == NULL || eq == p || (size_t)(eq - p) + 1 >= len) {
      return ru_error_set(err, RU_EPARSE, "--data-map '%.100s': expected ITEM=COLUMN[,...] with "
                          "ITEM one of F, ALAG, R, D (e.g. F=BIOAV,ALAG=LAGT)", spec);
    }
    const size_t ilen = (size_t)(eq - p), clen = len - ilen - 1;
    int item = -1;
    for (int k = 0; k < RUI_DATA_ITEMS; k++) {
      if (strlen(rui_data_item_names[k]) == ilen && strncasecmp(p, rui_data_item_names[k], ilen) == 0) {
        item = k;
      }
    }
    if (item < 0) {
      return ru_error_set(err, RU_EPARSE, "--data-map '%.100s': unknown item '%.*s' (F, ALAG, R "
                          "or D)", spec, (int)(ilen < 40 ? ilen : 40), p);
    }
    if (clen >= RU_NAME_MAX) {
      return ru_error_set(err, RU_EPARSE, "--data-map '%.100s': column name longer than %d "
                          "characters", spec, RU_NAME_MAX - 1);
    }
    memcpy(map[item], eq + 1, clen);
    map[item][clen] = '\0';
    p += len;
    if (*p == ',') {
      p++;
      if (*p == '\0') {
        return ru_error_set(err, RU_EPARSE, "--data-map '%.100s': trailing comma", spec);
      }
    }
  }
  memcpy(r->map, map, sizeof map);
  return RU_OK;
}

const char *rui_regimen_data_column(const ru_regimen *r, int item) {
  return r->map[item][0] != '\0' ? r->map[item] : rui_data_item_names[item];
}

ru_status rui_regimen_warn(ru_regimen *r, const char *text, ru_error *err) {
  for (size_t i = 0; i < r->nwarn; i++) {
    if (strcmp(r->warn[i], text) == 0) {
      return RU_OK; /* reported once */
    }
  }
  if (r->nwarn == r->capwarn) {
    const size_t cap = r->capwarn ? r->capwarn * 2 : 4;
    char **nw = rui_realloc(r->warn, cap * sizeof *nw);
    if (nw == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    r->warn = nw;
    r->capwarn = cap;
  }
  char *d = rui_strdup(text);
  if (d == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  r->warn[r->nwarn++] = d;
  return RU_OK;
}

size_t ru_regimen_warning_count(const ru_regimen *r) { return r == NULL ? 0 : r->nwarn; }

const char *ru_regimen_warning(const ru_regimen *r, size_t i) {
  return (r == NULL || i >= r->nwarn) ? NULL : r->warn[i];
}

size_t ru_regimen_count(const ru_regimen *r) { return r == NULL ? 0 : r->n; }

const ru_event *ru_regimen_event(const ru_regimen *r, size_t i) {
  return (r == NULL || i >= r->n) ? NULL : &r->ev[i];
}

size_t ru_regimen_id_count(const ru_regimen *r) { return r == NULL ? 0 : r->nids; }

long ru_regimen_id(const ru_regimen *r, size_t i) {
  return (r == NULL || i >= r->nids) ? -1 : r->ids[i];
}

/* ---- the ID set ------------------------------------------------------------------------- */

static size_t hash_id(long id) {
  /* splitmix64 finaliser (Steele, Lea & Flood 2014): spreads consecutive IDs over the table */
  uint64_t x = (uint64_t)id;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return (size_t)x;
}

/* Slot holding id, or the empty slot where it would go. Requires slots_cap > nids. */
static size_t find_slot(const size_t *slots, size_t cap, const long *ids, long id) {
  size_t i = hash_id(id) & (cap - 1);
  while (slots[i] != 0 && ids[slots[i] - 1] != id) {
    i = (i + 1) & (cap - 1);
  }
  return i;
}

int ru_regimen_has_id(const ru_regimen *r, long id) {
  if (r == NULL || r->slots_cap == 0) {
    return 0;
  }
  return r->slots[find_slot(r->slots, r->slots_cap, r->ids, id)] != 0;
}

/* Makes room for extra more events and extra more IDs without changing any content. */
static ru_status reserve(ru_regimen *r, size_t extra, ru_error *err) {
  if (extra > RU_REGIMEN_MAX_EVENTS || r->n > RU_REGIMEN_MAX_EVENTS - extra) {
    return ru_error_set(err, RU_ERANGE, "a regimen holds at most %lu records",
                        (unsigned long)RU_REGIMEN_MAX_EVENTS);
  }
  const size_t need = r->n + extra;
  if (need > r->cap) {
    size_t cap = r->cap < 8 ? 8 : r->cap;
    while (cap < need) {
      cap *= 2;
    }
    ru_event *ev = rui_realloc(r->ev, cap * sizeof *ev);
    if (ev == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory growing a regimen");
    }
    r->ev = ev;
    r->cap = cap;
  }
  /* at most one new ID per new event */
  const size_t need_ids = r->nids + extra;
  if (need_ids > r->ids_cap) {
    size_t cap = r->ids_cap < 8 ? 8 : r->ids_cap;
    while (cap < need_ids) {
      cap *= 2;
    }
    long *ids = rui_realloc(r->ids, cap * sizeof *ids);
    if (ids == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory growing a regimen");
    }
    r->ids = ids;
    r->ids_cap = cap;
  }
  if (2 * need_ids >= r->slots_cap) {
    size_t cap = r->slots_cap < 16 ? 16 : r->slots_cap;
    while (2 * need_ids >= cap) {
      cap *= 2;
    }
    size_t *slots = rui_calloc(cap, sizeof *slots);
    if (slots == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory growing a regimen");
    }
    for (size_t k = 0; k < r->nids; k++) {
      slots[find_slot(slots, cap, r->ids, r->ids[k])] = k + 1;
    }
    rui_free(r->slots);
    r->slots = slots;
    r->slots_cap = cap;
  }
  return RU_OK;
}

/* Stores ev; the caller has reserved room. Cannot fail. */
static void push(ru_regimen *r, const ru_event *ev) {
  r->ev[r->n++] = *ev;
  const size_t s = find_slot(r->slots, r->slots_cap, r->ids, ev->id);
  if (r->slots[s] == 0) {
    r->ids[r->nids++] = ev->id;
    r->slots[s] = r->nids;
  }
}

/* ---- validation ------------------------------------------------------------------------- */

/* NULL when name is a valid compound name, else why not. Empty names are valid here (callers
 * that need a name check that). */
static const char *name_problem(const char *name) {
  const size_t n = strlen(name);
  if (n >= RU_NAME_MAX) {
    return "is longer than 63 characters";
  }
  for (size_t i = 0; i < n; i++) {
    const unsigned char c = (unsigned char)name[i];
    if (!(isalnum(c) || c == '-' || c == '_' || c == ' ' || c == '.') || c > 127) {
      return "has a character outside A-Z a-z 0-9 - _ . and space";
    }
  }
  if (n > 0 && (name[0] == ' ' || name[n - 1] == ' ')) {
    return "has a leading or trailing space";
  }
  return NULL;
}

static int is_dose(ru_evid evid) { return evid == RU_EVID_DOSE || evid == RU_EVID_RESET_DOSE; }

static int in_range(double v, double lo, double hi) { return isfinite(v) && v >= lo && v <= hi; }

/* Writes why ev is not a valid record into why and returns 0, or returns 1. The dataset reader
 * checks the same rules first with column-specific messages; this is the backstop every
 * record passes. */
static int check_event(const ru_event *ev, char *why, size_t cap) {
  if (memchr(ev->compound, '\0', sizeof ev->compound) == NULL) {
    snprintf(why, cap, "compound name is not terminated");
    return 0;
  }
  const char *np = name_problem(ev->compound);
  if (np != NULL) {
    snprintf(why, cap, "compound '%s' %s", ev->compound, np);
    return 0;
  }
  if (ev->id < 0) {
    snprintf(why, cap, "ID %ld is negative", ev->id);
    return 0;
  }
  if ((int)ev->evid < 0 || (int)ev->evid > 4) {
    snprintf(why, cap, "EVID %d is not 0-4", (int)ev->evid);
    return 0;
  }
  if (!in_range(ev->time_h, 0.0, RU_REGIMEN_MAX_TIME_H)) {
    snprintf(why, cap, "time %g h is outside 0..%g h", ev->time_h, RU_REGIMEN_MAX_TIME_H);
    return 0;
  }
  if (!in_range(ev->amount_mg, 0.0, RU_REGIMEN_MAX_DOSE_MG)) {
    snprintf(why, cap, "amount %g mg is outside 0..%g mg", ev->amount_mg, RU_REGIMEN_MAX_DOSE_MG);
    return 0;
  }
  const int modelled = ev->rate_mg_per_h == RU_RATE_MODELLED_RATE ||
                       ev->rate_mg_per_h == RU_RATE_MODELLED_DURATION;
  if (!modelled && !in_range(ev->rate_mg_per_h, 0.0, RU_REGIMEN_MAX_RATE_MG_PER_H)) {
    snprintf(why, cap, "rate %g mg/h is outside 0..%g mg/h (or -1 / -2: modelled rate / "
             "duration)", ev->rate_mg_per_h, RU_REGIMEN_MAX_RATE_MG_PER_H);
    return 0;
  }
  if (ev->rate_mg_per_h == RU_RATE_MODELLED_RATE &&
      !(ev->model_rate_mg_per_h > 0.0 && ev->model_rate_mg_per_h <= RU_REGIMEN_MAX_RATE_MG_PER_H)) {
    snprintf(why, cap, "RATE=-1 needs the modelled rate R > 0 (at most %g mg/h)",
             RU_REGIMEN_MAX_RATE_MG_PER_H);
    return 0;
  }
  if (ev->rate_mg_per_h == RU_RATE_MODELLED_DURATION &&
      !(ev->model_dur_h >= RU_REGIMEN_MIN_INTERVAL_H && ev->model_dur_h <= RU_REGIMEN_MAX_TIME_H)) {
    snprintf(why, cap, "RATE=-2 needs the modelled duration D within 1 min..%g h",
             RU_REGIMEN_MAX_TIME_H);
    return 0;
  }
  if (ev->has_bioav && !in_range(ev->bioav, 0.0, RU_REGIMEN_MAX_BIOAV)) {
    snprintf(why, cap, "bioavailability F %g is outside 0..%g", ev->bioav, RU_REGIMEN_MAX_BIOAV);
    return 0;
  }
  if (ev->has_lag && !in_range(ev->lag_h, 0.0, RU_REGIMEN_MAX_TIME_H)) {
    snprintf(why, cap, "lag ALAG %g h is outside 0..%g h", ev->lag_h, RU_REGIMEN_MAX_TIME_H);
    return 0;
  }
  if (!in_range(ev->ii_h, 0.0, RU_REGIMEN_MAX_TIME_H) ||
      (ev->ii_h > 0.0 && ev->ii_h < RU_REGIMEN_MIN_INTERVAL_H)) {
    snprintf(why, cap, "interval %g h is not 0 or within 1 min..%g h", ev->ii_h,
             RU_REGIMEN_MAX_TIME_H);
    return 0;
  }
  if (ev->addl < -1 || ev->addl > RU_REGIMEN_MAX_COUNT - 1) {
    snprintf(why, cap, "ADDL %ld is outside -1..%ld", ev->addl, RU_REGIMEN_MAX_COUNT - 1);
    return 0;
  }
  if (ev->ss < 0 || ev->ss > 2) {
    snprintf(why, cap, "SS %d is not 0, 1 or 2", ev->ss);
    return 0;
  }
  if ((int)ev->cmt < 0 || (int)ev->cmt > 2) {
    snprintf(why, cap, "CMT %d is not 0, 1 (depot) or 2 (central)", (int)ev->cmt);
    return 0;
  }
  if (ev->mdv < 0 || ev->mdv > 1) {
    snprintf(why, cap, "MDV %d is not 0 or 1", ev->mdv);
    return 0;
  }
  if (!is_dose(ev->evid)) {
    if (ev->amount_mg != 0.0 || ev->rate_mg_per_h != 0.0 || ev->ss != 0 || ev->addl != 0 ||
        ev->ii_h != 0.0 || ev->has_bioav || ev->has_lag) {
      snprintf(why, cap, "EVID %d record carries a dose field (AMT, RATE, SS, II or ADDL)",
               (int)ev->evid);
      return 0;
    }
    if (ev->evid != RU_EVID_OBSERVATION && ev->mdv != 1) {
      snprintf(why, cap, "EVID %d record must have MDV 1", (int)ev->evid);
      return 0;
    }
    return 1;
  }
  if (ev->compound[0] == '\0') {
    snprintf(why, cap, "dose record has no compound");
    return 0;
  }
  if (ev->mdv != 1) {
    snprintf(why, cap, "dose record must have MDV 1");
    return 0;
  }
  /* a constant infusion at steady state: SS>0, II=0, AMT=0, RATE>0 or -1 (NONMEM) */
  const int const_infusion = ev->ss > 0 && ev->ii_h == 0.0 && ev->amount_mg == 0.0 &&
                             (ev->rate_mg_per_h > 0.0 || ev->rate_mg_per_h == RU_RATE_MODELLED_RATE);
  if (const_infusion && ev->has_bioav && ev->bioav != 1.0) {
    /* NONMEM applies F to amounts; a constant infusion has none, and what F does to its rate is
     * not stated in the documentation read (nmhelp "SS dose event record"): refused, not guessed */
    snprintf(why, cap, "bioavailability F with a steady-state constant infusion (AMT 0) is not "
             "supported");
    return 0;
  }
  if (ev->amount_mg <= 0.0 && !const_infusion) {
    snprintf(why, cap, "dose amount must be > 0");
    return 0;
  }
  if (ev->ss > 0 && ev->ii_h <= 0.0 && !const_infusion) {
    snprintf(why, cap, "steady state needs an interval (or AMT 0 with RATE > 0)");
    return 0;
  }
  if (ev->addl != 0 && ev->ii_h <= 0.0) {
    snprintf(why, cap, "additional doses need an interval");
    return 0;
  }
  return 1;
}

ru_status ru_regimen_add(ru_regimen *r, const ru_event *ev, ru_error *err) {
  if (r == NULL || ev == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_add: NULL argument");
  }
  char why[256];
  if (!check_event(ev, why, sizeof why)) {
    return ru_error_set(err, RU_EINVAL, "invalid event: %s", why);
  }
  const ru_status st = reserve(r, 1, err);
  if (st != RU_OK) {
    return st;
  }
  push(r, ev);
  return RU_OK;
}

ru_status ru_regimen_append(ru_regimen *r, const ru_regimen *src, ru_error *err) {
  if (r == NULL || src == NULL || r == src) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_append: NULL or identical arguments");
  }
  const ru_status st = reserve(r, src->n, err);
  if (st != RU_OK) {
    return st;
  }
  for (size_t i = 0; i < src->n; i++) {
    push(r, &src->ev[i]);
  }
  return RU_OK;
}

ru_status ru_regimen_subset(const ru_regimen *r, long id, ru_regimen **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_subset: out is NULL");
  }
  *out = NULL;
  if (r == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_subset: regimen is NULL");
  }
  size_t n = 0;
  for (size_t i = 0; i < r->n; i++) {
    if (r->ev[i].id == id) {
      n++;
    }
  }
  ru_regimen *s = NULL;
  ru_status st = ru_regimen_new(&s, err);
  if (st == RU_OK && n > 0) {
    st = reserve(s, n, err);
  }
  if (st != RU_OK) {
    ru_regimen_free(s);
    return st;
  }
  for (size_t i = 0; i < r->n; i++) {
    if (r->ev[i].id == id) {
      push(s, &r->ev[i]);
    }
  }
  *out = s;
  return RU_OK;
}

size_t ru_regimen_output_times(const ru_regimen *r, double *times) {
  size_t n = 0;
  double last = 0.0;
  for (size_t i = 0; r != NULL && i < r->n; i++) {
    const ru_event *e = &r->ev[i];
    if (e->evid != RU_EVID_OBSERVATION && e->evid != RU_EVID_OTHER) {
      continue;
    }
    if (n > 0 && e->time_h <= last) {
      continue; /* one row per time */
    }
    last = e->time_h;
    if (times != NULL) {
      times[n] = last;
    }
    n++;
  }
  return n;
}

double ru_regimen_last_dose_h(const ru_regimen *r) {
  double last = 0.0;
  for (size_t i = 0; r != NULL && i < r->n; i++) {
    const ru_event *e = &r->ev[i];
    if (!is_dose(e->evid)) {
      continue;
    }
    const double t = e->addl > 0 ? e->time_h + (double)e->addl * e->ii_h : e->time_h;
    if (t > last) {
      last = t;
    }
  }
  return last;
}

/* ---- the command-line grammar ----------------------------------------------------------- */

#define SPEC_SHOWN 120 /* bytes of the regimen text quoted in a message */

/* Every grammar error: "regimen '<spec>': <what>". */
static ru_status spec_error(ru_error *err, ru_status code, const char *spec, const char *fmt,
                            ...) __attribute__((format(printf, 4, 5)));
static ru_status spec_error(ru_error *err, ru_status code, const char *spec, const char *fmt,
                            ...) {
  if (err == NULL) {
    return code;
  }
  char what[RU_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  const int shown = (int)strnlen(spec, SPEC_SHOWN);
  return ru_error_set(err, code, "regimen '%.*s%s': %s", shown, spec,
                      spec[shown] != '\0' ? "..." : "", what);
}

/* Parses a quantity of kind with ru_units_parse; a bare number is reported as unitless. On
 * error writes the reason (without the regimen prefix) into why. */
static ru_status parse_quantity(ru_unit_kind kind, const char *text, double *out, char *why,
                                size_t cap) {
  double bare = 0.0;
  if (text[0] == '\0') {
    snprintf(why, cap, "is empty");
    return RU_EPARSE;
  }
  if (ru_units_parse_double(text, &bare) == RU_OK) {
    snprintf(why, cap, "has no unit (expected %s)",
             kind == RU_UNIT_MASS ? "mg, ug or g, e.g. 20mg" : "min, h, d or w, e.g. 12h");
    return RU_EUNITS;
  }
  if (text[0] == '-') {
    snprintf(why, cap, "is negative");
    return RU_ERANGE;
  }
  ru_error e;
  ru_error_clear(&e);
  const ru_status st = ru_units_parse(kind, text, NULL, 0.0, out, &e);
  if (st != RU_OK) {
    snprintf(why, cap, "is not a quantity: %.200s", e.message);
    return st;
  }
  if (!isfinite(*out)) {
    snprintf(why, cap, "is not finite");
    return RU_ERANGE;
  }
  return RU_OK;
}

/* A time option value: TIME in min, h, d or w, within [lo, RU_REGIMEN_MAX_TIME_H]; lo_open
 * makes lo exclusive. */
static ru_status parse_time_option(const char *spec, const char *opt, const char *what,
                                   const char *text, double lo, int lo_open, double *out,
                                   ru_error *err) {
  char why[RU_ERROR_MESSAGE_MAX];
  ru_status st = parse_quantity(RU_UNIT_TIME, text, out, why, sizeof why);
  if (st != RU_OK) {
    return spec_error(err, st, spec, "%s '%s' %s", what, opt, why);
  }
  if (lo_open ? !(*out > lo) : !(*out >= lo)) {
    return spec_error(err, RU_ERANGE, spec, "%s '%s' must be %s %g h", what, opt,
                      lo_open ? ">" : ">=", lo);
  }
  if (*out > RU_REGIMEN_MAX_TIME_H) {
    return spec_error(err, RU_ERANGE, spec, "%s '%s' is longer than %g h", what, opt,
                      RU_REGIMEN_MAX_TIME_H);
  }
  return RU_OK;
}

/* Number of doses at 0, ii, 2 ii, ... strictly before duration. A duration that is a whole
 * multiple of ii up to rounding (relative 1e-9) counts exactly: for=1d with q0.1h is 240
 * doses, not 241. */
static double dose_count(double duration_h, double ii_h) {
  const double q = duration_h / ii_h;
  const double whole = round(q);
  const double n = fabs(q - whole) <= 1e-9 * fmax(1.0, q) ? whole : ceil(q);
  return n < 1.0 ? 1.0 : n;
}

/* Named intervals (DESIGN.md): once, twice, three and four times a day. */
static const struct {
  const char *name;
  double ii_h;
} NAMED_INTERVALS[] = {{"qd", 24.0}, {"bid", 12.0}, {"tid", 8.0}, {"qid", 6.0}};

#define INTERVAL_HINT "expected qINTERVAL like q24h, or qd/bid/tid/qid"
#define OPTIONS_HINT "qINTERVAL, qd, bid, tid, qid, for=, n=, start=, iv, inf=, ss"

ru_status ru_regimen_parse(ru_regimen *r, const char *spec, ru_error *err) {
  if (r == NULL || spec == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_regimen_parse: NULL argument");
  }
  const size_t len = strnlen(spec, RU_REGIMEN_SPEC_MAX + 1);
  if (len == 0) {
    return ru_error_set(err, RU_EPARSE,
                        "empty regimen (expected DRUG:DOSE[:qINTERVAL][:for=DURATION|:n=COUNT]"
                        "[:start=TIME], e.g. paroxetine:20mg:q24h)");
  }
  if (len > RU_REGIMEN_SPEC_MAX) {
    return spec_error(err, RU_EPARSE, spec, "longer than %d characters", RU_REGIMEN_SPEC_MAX);
  }
  char buf[RU_REGIMEN_SPEC_MAX + 1];
  memcpy(buf, spec, len + 1);

  /* split on ':' into at most 1 + 1 + 8 fields (drug, dose, one of each option + 1 to
   * detect repeats) */
  enum { MAX_FIELDS = 12 };
  char *field[MAX_FIELDS];
  size_t nf = 0;
  for (char *p = buf;;) {
    if (nf == MAX_FIELDS) {
      return spec_error(err, RU_EPARSE, spec, "too many ':'-separated parts (at most %d)",
                        MAX_FIELDS);
    }
    field[nf++] = p;
    char *c = strchr(p, ':');
    if (c == NULL) {
      break;
    }
    *c = '\0';
    p = c + 1;
  }

  ru_event ev;
  memset(&ev, 0, sizeof ev);
  ev.id = 1;
  ev.evid = RU_EVID_DOSE;
  ev.cmt = RU_CMT_DEFAULT;
  ev.mdv = 1;

  /* DRUG */
  const char *drug = field[0];
  if (drug[0] == '\0') {
    return spec_error(err, RU_EPARSE, spec, "missing drug name before ':'");
  }
  const char *np = name_problem(drug);
  if (np != NULL) {
    return spec_error(err, RU_EPARSE, spec, "drug name '%s' %s", drug, np);
  }
  memcpy(ev.compound, drug, strlen(drug) + 1);

  /* DOSE */
  if (nf < 2 || field[1][0] == '\0') {
    return spec_error(err, RU_EPARSE, spec,
                      "missing dose (expected DRUG:DOSE..., e.g. paroxetine:20mg)");
  }
  {
    char why[RU_ERROR_MESSAGE_MAX];
    const ru_status st = parse_quantity(RU_UNIT_MASS, field[1], &ev.amount_mg, why, sizeof why);
    if (st != RU_OK) {
      return spec_error(err, st, spec, "dose '%s' %s", field[1], why);
    }
    if (!(ev.amount_mg > 0.0)) {
      return spec_error(err, RU_ERANGE, spec, "dose '%s' must be > 0", field[1]);
    }
    if (ev.amount_mg > RU_REGIMEN_MAX_DOSE_MG) {
      return spec_error(err, RU_ERANGE, spec, "dose '%s' is more than %g mg", field[1],
                        RU_REGIMEN_MAX_DOSE_MG);
    }
  }

  /* options, in any order; each at most once */
  const char *opt_interval = NULL, *opt_for = NULL, *opt_n = NULL, *opt_start = NULL;
  const char *opt_iv = NULL, *opt_inf = NULL, *opt_ss = NULL;
  double for_h = 0.0, inf_h = 0.0;
  long count = 0;
  for (size_t k = 2; k < nf; k++) {
    const char *o = field[k];
    const char **slot = NULL;
    const char *kind = NULL; /* what the option sets, for the duplicate message */
    if (o[0] == '\0') {
      return spec_error(err, RU_EPARSE, spec, "empty option (two ':' in a row or a trailing ':')");
    }
    if (strncasecmp(o, "for=", 4) == 0) {
      slot = &opt_for;
      kind = "duration";
    } else if (strncasecmp(o, "n=", 2) == 0) {
      slot = &opt_n;
      kind = "count";
    } else if (strncasecmp(o, "start=", 6) == 0) {
      slot = &opt_start;
      kind = "start";
    } else if (strncasecmp(o, "inf=", 4) == 0) {
      slot = &opt_inf;
      kind = "infusion";
    } else if (strcasecmp(o, "iv") == 0) {
      slot = &opt_iv;
      kind = "route";
    } else if (strcasecmp(o, "ss") == 0) {
      slot = &opt_ss;
      kind = "steady-state";
    } else if (o[0] == 'q' || o[0] == 'Q' || strcasecmp(o, "bid") == 0 ||
               strcasecmp(o, "tid") == 0) {
      slot = &opt_interval;
      kind = "interval";
    } else {
      const char *eq = strchr(o, '=');
      return spec_error(err, RU_EPARSE, spec, "unknown option '%.*s%s' (expected %s)",
                        eq != NULL ? (int)(eq - o) : (int)strlen(o), o, eq != NULL ? "=" : "",
                        OPTIONS_HINT);
    }
    if (*slot != NULL) {
      return spec_error(err, RU_EPARSE, spec, "%s given twice ('%s' and '%s')", kind, *slot, o);
    }
    *slot = o;
  }

  if (opt_interval != NULL) {
    const char *o = opt_interval;
    int named = 0;
    for (size_t i = 0; i < sizeof NAMED_INTERVALS / sizeof NAMED_INTERVALS[0]; i++) {
      if (strcasecmp(o, NAMED_INTERVALS[i].name) == 0) {
        ev.ii_h = NAMED_INTERVALS[i].ii_h;
        named = 1;
      }
    }
    if (!named) {
      char why[RU_ERROR_MESSAGE_MAX];
      if (!isdigit((unsigned char)o[1]) && o[1] != '.') {
        return spec_error(err, RU_EPARSE, spec, "unknown interval '%s' (%s)", o, INTERVAL_HINT);
      }
      const ru_status st = parse_quantity(RU_UNIT_TIME, o + 1, &ev.ii_h, why, sizeof why);
      if (st == RU_EUNITS && strstr(why, "has no unit") != NULL) {
        return spec_error(err, st, spec, "interval '%s' has no unit (expected e.g. q12h, q1d, q30min)",
                          o);
      }
      if (st != RU_OK) {
        return spec_error(err, st, spec, "unknown interval '%s' (%s)", o, INTERVAL_HINT);
      }
      if (!(ev.ii_h > 0.0)) {
        return spec_error(err, RU_ERANGE, spec, "interval must be > 0");
      }
      if (ev.ii_h < RU_REGIMEN_MIN_INTERVAL_H) {
        return spec_error(err, RU_ERANGE, spec, "interval '%s' is shorter than 1 min", o);
      }
      if (ev.ii_h > RU_REGIMEN_MAX_TIME_H) {
        return spec_error(err, RU_ERANGE, spec, "interval '%s' is longer than %g h", o,
                          RU_REGIMEN_MAX_TIME_H);
      }
    }
  }

  if (opt_for != NULL && opt_n != NULL) {
    return spec_error(err, RU_EPARSE, spec, "'%s' and '%s' conflict (give one of for= and n=)",
                      opt_for, opt_n);
  }
  if ((opt_for != NULL || opt_n != NULL || opt_ss != NULL) && opt_interval == NULL) {
    const char *o = opt_for != NULL ? opt_for : opt_n != NULL ? opt_n : opt_ss;
    return spec_error(err, RU_EPARSE, spec,
                      "'%s' needs an interval (add e.g. :q24h or :bid); without one the regimen "
                      "is a single dose",
                      o);
  }
  if (opt_for != NULL) {
    const ru_status st =
        parse_time_option(spec, opt_for, "duration", opt_for + 4, 0.0, 1, &for_h, err);
    if (st != RU_OK) {
      return st;
    }
  }
  if (opt_n != NULL) {
    const char *t = opt_n + 2;
    while (t[0] == '0' && t[1] != '\0') {
      t++; /* leading zeros */
    }
    size_t digits = strspn(t, "0123456789");
    if (digits == 0 || t[digits] != '\0') {
      return spec_error(err, RU_EPARSE, spec, "count '%s' is not a whole number", opt_n);
    }
    if (digits > 7) {
      return spec_error(err, RU_ERANGE, spec, "count '%s' is more than %ld", opt_n,
                        RU_REGIMEN_MAX_COUNT);
    }
    count = 0;
    for (size_t i = 0; i < digits; i++) {
      count = count * 10 + (t[i] - '0');
    }
    if (count < 1) {
      return spec_error(err, RU_ERANGE, spec, "count '%s' must be >= 1", opt_n);
    }
    if (count > RU_REGIMEN_MAX_COUNT) {
      return spec_error(err, RU_ERANGE, spec, "count '%s' is more than %ld", opt_n,
                        RU_REGIMEN_MAX_COUNT);
    }
  }
  if (opt_start != NULL) {
    const ru_status st =
        parse_time_option(spec, opt_start, "start", opt_start + 6, 0.0, 0, &ev.time_h, err);
    if (st != RU_OK) {
      return st;
    }
  }
  if (opt_inf != NULL) {
    ru_status st = parse_time_option(spec, opt_inf, "infusion", opt_inf + 4, 0.0, 1, &inf_h, err);
    if (st != RU_OK) {
      return st;
    }
    if (inf_h < RU_REGIMEN_MIN_INTERVAL_H) {
      return spec_error(err, RU_ERANGE, spec, "infusion '%s' is shorter than 1 min", opt_inf);
    }
    ev.rate_mg_per_h = ev.amount_mg / inf_h;
    ev.cmt = RU_CMT_CENTRAL;
  }
  if (opt_iv != NULL) {
    ev.cmt = RU_CMT_CENTRAL;
  }
  if (opt_ss != NULL) {
    ev.ss = 1;
  }

  /* how many doses */
  if (opt_interval == NULL) {
    ev.ii_h = 0.0;
    ev.addl = 0;
  } else if (opt_n != NULL) {
    ev.addl = count - 1;
  } else if (opt_for != NULL) {
    const double n = dose_count(for_h, ev.ii_h);
    if (n > (double)RU_REGIMEN_MAX_COUNT) {
      return spec_error(err, RU_ERANGE, spec, "'%s' with a %g h interval gives more than %ld doses",
                        opt_for, ev.ii_h, RU_REGIMEN_MAX_COUNT);
    }
    ev.addl = (long)n - 1;
  } else {
    ev.addl = -1; /* until the simulation ends */
  }

  char why[256];
  if (!check_event(&ev, why, sizeof why)) {
    return spec_error(err, RU_EINTERNAL, spec, "%s", why); /* unreachable: checked above */
  }
  const ru_status st = reserve(r, 1, err);
  if (st != RU_OK) {
    return st;
  }
  push(r, &ev);
  return RU_OK;
}
