/* The products of one subject (internal API of the pk layer): the hooks by which a product
 * regimen (Concerta:36mg:qd) enters the subject model of model.c.
 *
 *   ru_sim_add_regimen  a dose record of a product becomes one record per component compound
 *                       (compound = its canonical name, amount = the labelled mg), tagged with
 *                       the product and component (rui_products_add);
 *   ru_sim_prepare      each (product, component) whose release plan needs the extra first-order
 *                       compartment gets a state after the compounds' compartments
 *                       (rui_products_prepare);
 *   rui_sim_deriv       the extra compartments drain into the compound's depot, or are
 *                       absorbed past it (rui_products_deriv, rui_products_absorbed), so the
 *                       linear matrix and the ODE right-hand side both contain them;
 *   rui_sim_doses       a tagged record expands into its release plan's records
 *                       (rui_products_doses, release.h) before the dose timeline.
 * Everything stays linear: the closed form remains exact for product regimens. */
#ifndef RU_PK_PRODUCT_H
#define RU_PK_PRODUCT_H

#include <stddef.h>

#include "pk/events.h"
#include "reuptake/kb.h"
#include "reuptake/regimen.h"

struct ru_sim;
typedef struct rui_products rui_products;

/* NULL-safe. */
void rui_products_free(rui_products *ps);

/* If e doses a product (any spelling), writes its component records to out[0..*n) (compound =
 * the component's canonical compound name) and *is_product = 1; they are to be stored at event
 * indices first_index, first_index + 1, ... (recorded as tags). An incomplete product is
 * RU_EMISSING with its reason; a product given by IV or infusion is RU_EINVAL. When e is not a
 * product, *is_product = 0 and nothing is written. *ps is created on first use. */
ru_status rui_products_add(rui_products **ps, const ru_kb *kb, const ru_event *e, size_t first_index,
                           ru_event out[RU_PRODUCT_MAX_COMPONENTS], size_t *n, int *is_product,
                           ru_error *err);

/* Assigns the extra compartments from state *n on (advancing *n). Call after the compounds'
 * compartments are numbered. */
ru_status rui_products_prepare(rui_products *ps, const struct ru_sim *s, size_t *n, ru_error *err);

/* Adds the first-order flows out of the extra compartments to dy (amounts y). Cannot fail. */
void rui_products_deriv(const rui_products *ps, const struct ru_sim *s, const double *y, double *dy);

/* Adds to absorbed[i] (mg/h) the flow of release compartments that drain past compound i's depot
 * (a product's own absorption rate): the model routes it like absorption from the depot (into the
 * central compartment, or through the gut wall and liver on the physiological route). */
void rui_products_absorbed(const rui_products *ps, const struct ru_sim *s, const double *y,
                           double *absorbed);

/* Records beyond one per event that rui_products_doses may add (for sizing). Cannot fail. */
size_t rui_products_extra_records(const rui_products *ps, size_t nev);

/* If event_index is a product record, expands base (the record as an oral dose of the compound
 * would be: depot, compound lag, labelled amount) into out[0..*n) and returns 1 in *tagged;
 * otherwise *tagged = 0. */
ru_status rui_products_doses(const rui_products *ps, const struct ru_sim *s, size_t event_index,
                             const rui_dose *base, rui_dose *out, size_t cap, size_t *n, int *tagged,
                             ru_error *err);

/* Number of products in the subject and the i-th product's name (NULL past the end). */
size_t rui_products_count(const rui_products *ps);
const ru_product *rui_products_get(const rui_products *ps, size_t i);

#endif
