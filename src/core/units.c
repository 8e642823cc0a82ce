/* Unit conversion: the one place reuptake turns user units into internal ones (units.h). */
#include "reuptake/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct unit_row {
  ru_unit_kind kind;
  const char *name;
  double factor; /* internal = value * factor (for molar rows: nM = value * factor) */
  int molar;     /* 1: factor gives nM, converted to ng/mL through MW */
} unit_row;

/* Definitions of the SI prefixes; 1 ng/mL = 1 ug/L; 1 w = 7 d; 1 d = 24 h. */
static const unit_row UNITS[] = {
    {RU_UNIT_MASS, "mg", 1.0, 0},        {RU_UNIT_MASS, "g", 1e3, 0},
    {RU_UNIT_MASS, "ug", 1e-3, 0},       {RU_UNIT_MASS, "\xc2\xb5g", 1e-3, 0},
    {RU_UNIT_MASS, "mcg", 1e-3, 0},      {RU_UNIT_MASS, "ng", 1e-6, 0},
    {RU_UNIT_TIME, "h", 1.0, 0},         {RU_UNIT_TIME, "hr", 1.0, 0},
    {RU_UNIT_TIME, "hour", 1.0, 0},      {RU_UNIT_TIME, "hours", 1.0, 0},
    {RU_UNIT_TIME, "min", 1.0 / 60.0, 0}, {RU_UNIT_TIME, "m", 1.0 / 60.0, 0},
    {RU_UNIT_TIME, "s", 1.0 / 3600.0, 0}, {RU_UNIT_TIME, "d", 24.0, 0},
    {RU_UNIT_TIME, "day", 24.0, 0},      {RU_UNIT_TIME, "days", 24.0, 0},
    {RU_UNIT_TIME, "w", 168.0, 0},       {RU_UNIT_TIME, "wk", 168.0, 0},
    {RU_UNIT_TIME, "week", 168.0, 0},    {RU_UNIT_TIME, "weeks", 168.0, 0},
    {RU_UNIT_CONC, "ng/mL", 1.0, 0},     {RU_UNIT_CONC, "ug/L", 1.0, 0},
    {RU_UNIT_CONC, "\xc2\xb5g/L", 1.0, 0}, {RU_UNIT_CONC, "mg/L", 1e3, 0},
    {RU_UNIT_CONC, "ug/mL", 1e3, 0},     {RU_UNIT_CONC, "\xc2\xb5g/mL", 1e3, 0},
    {RU_UNIT_CONC, "pg/mL", 1e-3, 0},    {RU_UNIT_CONC, "ng/L", 1e-3, 0},
    {RU_UNIT_CONC, "nM", 1.0, 1},        {RU_UNIT_CONC, "nmol/L", 1.0, 1},
    {RU_UNIT_CONC, "uM", 1e3, 1},        {RU_UNIT_CONC, "\xc2\xb5M", 1e3, 1},
    {RU_UNIT_CONC, "umol/L", 1e3, 1},    {RU_UNIT_CONC, "pM", 1e-3, 1},
    {RU_UNIT_CONC, "mM", 1e6, 1},
};

static const char *kind_name(ru_unit_kind kind) {
  switch (kind) {
  case RU_UNIT_MASS:
    return "mass (mg, ug, g)";
  case RU_UNIT_TIME:
    return "time (min, h, d, w)";
  case RU_UNIT_CONC:
    return "concentration (ng/mL, ug/L, mg/L, nM, uM)";
  }
  return "?";
}

double ru_units_ng_per_ml_to_nm(double conc_ng_per_ml, double mw_g_per_mol) {
  /* ng/mL = ug/L = 1e-6 g/L; divided by g/mol gives 1e-6 mol/L... = 1e3 nmol/L per (g/mol) */
  return conc_ng_per_ml / mw_g_per_mol * 1000.0;
}

double ru_units_nm_to_ng_per_ml(double conc_nm, double mw_g_per_mol) {
  return conc_nm * mw_g_per_mol / 1000.0;
}

ru_status ru_units_parse_double(const char *text, double *out) {
  if (text == NULL || *text == '\0' || isspace((unsigned char)*text)) {
    return RU_EPARSE;
  }
  errno = 0;
  char *end = NULL;
  const double v = strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
    return RU_EPARSE;
  }
  /* strtod accepts hex floats and "nan"/"inf"; we accept only plain decimals */
  for (const char *p = text; p < end; p++) {
    if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' || *p == 'e' ||
          *p == 'E')) {
      return RU_EPARSE;
    }
  }
  *out = v;
  return RU_OK;
}

ru_status ru_units_to_internal(ru_unit_kind kind, double value, const char *unit,
                               double mw_g_per_mol, double *out, ru_error *err) {
  if (unit == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "no unit given");
  }
  for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++) {
    const unit_row *u = &UNITS[i];
    if (u->kind != kind) {
      continue;
    }
    /* concentration units are case-sensitive where the case carries meaning (mM vs nM);
     * mass and time are not */
    const int same = (kind == RU_UNIT_CONC) ? (strcmp(u->name, unit) == 0 ||
                                               (strcasecmp(u->name, unit) == 0 && !u->molar))
                                            : strcasecmp(u->name, unit) == 0;
    if (!same) {
      continue;
    }
    if (u->molar) {
      if (!(mw_g_per_mol > 0.0)) {
        return ru_error_set(err, RU_EUNITS,
                            "unit '%s' is molar but the compound has no molecular weight", unit);
      }
      *out = ru_units_nm_to_ng_per_ml(value * u->factor, mw_g_per_mol);
    } else {
      *out = value * u->factor;
    }
    return RU_OK;
  }
  return ru_error_set(err, RU_EUNITS, "unknown unit '%s': expected %s", unit, kind_name(kind));
}

ru_status ru_units_parse(ru_unit_kind kind, const char *text, const char *default_unit,
                         double mw_g_per_mol, double *out, ru_error *err) {
  if (text == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "empty quantity");
  }
  size_t n = strlen(text);
  if (n == 0 || n > 64) {
    return ru_error_set(err, RU_EPARSE, "bad quantity '%.64s'", text);
  }
  /* split the numeric prefix from the unit suffix */
  size_t i = 0;
  while (i < n && (isdigit((unsigned char)text[i]) || text[i] == '.' ||
                   ((text[i] == 'e' || text[i] == 'E') && i > 0 && i + 1 < n &&
                    (isdigit((unsigned char)text[i + 1]) || text[i + 1] == '-' || text[i + 1] == '+')) ||
                   ((text[i] == '-' || text[i] == '+') && (i == 0 || text[i - 1] == 'e' || text[i - 1] == 'E')))) {
    i++;
  }
  char num[65];
  memcpy(num, text, i);
  num[i] = '\0';
  double v = 0.0;
  if (ru_units_parse_double(num, &v) != RU_OK) {
    return ru_error_set(err, RU_EPARSE, "bad number in '%s'", text);
  }
  if (v < 0.0) {
    return ru_error_set(err, RU_ERANGE, "negative quantity '%s'", text);
  }
  while (i < n && text[i] == ' ') {
    i++;
  }
  const char *unit = text + i;
  if (*unit == '\0') {
    if (default_unit == NULL) {
      return ru_error_set(err, RU_EUNITS, "'%s' has no unit: expected %s", text, kind_name(kind));
    }
    unit = default_unit;
  }
  ru_status st = ru_units_to_internal(kind, v, unit, mw_g_per_mol, out, err);
  if (st == RU_OK && !isfinite(*out)) {
    return ru_error_set(err, RU_ERANGE, "quantity '%s' overflows", text);
  }
  return st;
}
