/* The basic static interaction screen (ddi.h, ru_ddi_static_screen): for each enzyme a
 * compound inhibits in the knowledge base, the FDA guidance's basic models at one unbound
 * concentration of the perpetrator (In Vitro Drug Interaction Studies - Cytochrome P450 Enzyme-
 * and Transporter-Mediated Drug Interactions, Guidance for Industry, January 2020, section
 * III.B): reversible R1 = 1 + Imax,u / Ki, time-dependent R2 = (kobs + kdeg) / kdeg with
 * kobs = kinact Imax,u / (KI + Imax,u). A screen, not the dynamic interaction (interaction.c):
 * `reuptake map` lists a product's liabilities with it.
 *
 * Arrows: uses the public kb interface only. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/ddi.h"

ru_status ru_ddi_static_screen(const ru_kb *kb, const char *compound, double imax_u_um,
                               ru_ddi_static *out, size_t cap, size_t *n, ru_error *err) {
  if (kb == NULL || compound == NULL || n == NULL || (out == NULL && cap > 0)) {
    return ru_error_set(err, RU_EINVAL, "static screen: NULL argument");
  }
  *n = 0;
  if (!isfinite(imax_u_um) || imax_u_um < 0.0) {
    return ru_error_set(err, RU_EINVAL, "static screen: unbound concentration %g uM must be >= 0",
                        imax_u_um);
  }
  size_t nrows = 0;
  ru_status st = ru_kb_inhibitions(kb, compound, NULL, 0, &nrows, err);
  if (st != RU_OK && st != RU_ELIMIT) return st;
  ru_inhibition *list = rui_malloc((nrows + 1) * sizeof *list);
  if (list == NULL) return ru_error_set(err, RU_ENOMEM, "static screen: out of memory");
  st = ru_kb_inhibitions(kb, compound, list, nrows, &nrows, err);
  for (size_t k = 0; st == RU_OK && k < nrows; k++) {
    const ru_inhibition *h = &list[k];
    ru_ddi_static row;
    memset(&row, 0, sizeof row);
    snprintf(row.enzyme, sizeof row.enzyme, "%s", h->enzyme);
    if (h->kind == RU_INHIB_COMPETITIVE && h->ki_um.value > 0.0) {
      row.r = 1.0 + imax_u_um / h->ki_um.value;
      row.liability = row.r >= RU_DDI_R1_CUTOFF;
    } else if (h->kind == RU_INHIB_MECHANISM_BASED && h->ki_inact_um.value > 0.0 &&
               h->kinact_per_h.value > 0.0) {
      ru_value kdeg;
      if (ru_kb_enzyme_kdeg(kb, h->enzyme, &kdeg, NULL) != RU_OK || !(kdeg.value > 0.0)) {
        continue; /* no sourced turnover: R2 cannot be evaluated */
      }
      const double kobs = h->kinact_per_h.value * imax_u_um / (h->ki_inact_um.value + imax_u_um);
      row.time_dependent = 1;
      row.r = (kobs + kdeg.value) / kdeg.value;
      row.liability = row.r >= RU_DDI_R2_CUTOFF;
    } else {
      continue; /* a row without a usable constant */
    }
    if (*n >= cap) {
      st = ru_error_set(err, RU_ELIMIT, "static screen: more than %zu rows for %s (caller's cap)",
                        cap, compound);
      break;
    }
    out[(*n)++] = row;
  }
  rui_free(list);
  return st;
}
