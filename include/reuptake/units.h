/* Units: every conversion in reuptake happens here, once.
 *
 * Internal units are fixed: mass mg, time h, volume L, clearance L/h, concentration ng/mL
 * (= ug/L = mg/m3), molar concentration nM. Names carry units (dose_mg, t_h, conc_ng_per_ml).
 * Mass <-> molar uses the free-base molecular weight from the knowledge base:
 * C[nM] = C[ng/mL] / MW[g/mol] * 1000. */
#ifndef RU_UNITS_H
#define RU_UNITS_H

#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ru_unit_kind {
  RU_UNIT_MASS = 1,  /* mg, ug, µg, mcg, g, ng */
  RU_UNIT_TIME,      /* s, min, h, d, w (and long forms) */
  RU_UNIT_CONC,      /* ng/mL, ug/L, mg/L, ug/mL, pg/mL, nM, uM, µM, pM, mM */
} ru_unit_kind;

/* Converts value in unit to the internal unit of kind (mg, h or ng/mL). Molar concentrations
 * need mw_g_per_mol > 0 (pass 0 otherwise; a molar unit then fails with RU_EUNITS).
 * Returns RU_EUNITS for an unknown unit, with a message naming it. */
RU_API ru_status ru_units_to_internal(ru_unit_kind kind, double value, const char *unit,
                                      double mw_g_per_mol, double *out, ru_error *err);

/* Parses "<number><unit>" such as "20mg", "2.5 h", "50ng/mL", "3d" into the internal unit of
 * kind. A bare number is rejected unless default_unit is non-NULL. Rejects NaN, inf,
 * negative values and trailing garbage. */
RU_API ru_status ru_units_parse(ru_unit_kind kind, const char *text, const char *default_unit,
                                double mw_g_per_mol, double *out, ru_error *err);

/* ng/mL -> nM and back through the molecular weight (g/mol). Cannot fail; mw must be > 0. */
RU_API double ru_units_ng_per_ml_to_nm(double conc_ng_per_ml, double mw_g_per_mol);
RU_API double ru_units_nm_to_ng_per_ml(double conc_nm, double mw_g_per_mol);

/* Parses a strict finite double: the whole string must be consumed. */
RU_API ru_status ru_units_parse_double(const char *text, double *out);

#ifdef __cplusplus
}
#endif
#endif /* RU_UNITS_H */
