/* Product release models (internal API of the pk layer): how one dose of a product (a tablet or
 * capsule of labelled strength) becomes inputs to its compound's linear system, before the dose
 * timeline (pk/events.h). docs/products.md gives each model's input function and source.
 *
 * A release plan is a list of pieces, each a fraction of the dose delivered either at once (a
 * bolus) or at a constant rate over a duration (zero-order), starting an offset after the dose,
 * into the compound's absorption depot (absorbed with the compound's ka and lag) or into one
 * extra first-order compartment ("aux") of the product that drains at its own rate either into
 * the depot (first-order release followed by absorption: sequential first-order) or into the
 * central compartment (a product absorption rate replacing the compound's: delayed release).
 * Boluses, constant rates and first-order transfers keep the system linear, so the closed form
 * stays exact; only the Weibull model is approximated (piecewise-constant rates, below).
 *
 *   immediate, prodrug   1 bolus at 0 into the depot (prodrug: the compound is the prodrug;
 *                        its conversion is the knowledge base's formation of the active drug)
 *   delayed              1 bolus at tlag into the depot, or into aux -> central at the product ka
 *   zero_order           rate dose/D over [zo_lag, zo_lag + D) into the depot
 *   oros                 ir_fraction over [0, ir_duration) (bolus if 0), the rest at a constant
 *                        rate over [zo_lag, zo_lag + zo_duration) into the depot
 *   (zo_steps = n)       zero_order and oros: the zero-order part as n consecutive steps of
 *                        duration D/n whose amounts ascend 1:2:...:n (an ascending osmotic core;
 *                        each step a constant rate, breakpoints on the 2^-20 h grid below)
 *   two_pulse            ir_fraction at 0, the rest at pulse2_lag, both into the depot
 *   first_order          1 bolus at tlag into aux, aux -> depot at k_release
 *   weibull              F(t) = 1 - exp(-((t - tlag)/td)^beta): m pieces between the breakpoints
 *                        b_k = tlag + td (-ln(1 - k (1 - eps)/m))^(1/beta) (the quantiles of
 *                        equal mass, rounded to a 2^-20 h grid so that piece ends and starts
 *                        coincide exactly in floating point), each at the constant rate that
 *                        delivers exactly F(b_k) - F(b_{k-1}); the last piece also carries the
 *                        tail, so the whole dose is delivered by b_m. The delivered cumulative
 *                        equals F exactly at every breakpoint and is linear between them, so
 *                        |delivered - F| <= the largest piece mass (~ (1 - eps)/m) + eps.
 *
 * Every piece amount is dose x factor x f_rel x fraction; the fractions of a plan sum to 1, so
 * the amount delivered is dose x factor x f_rel exactly (to rounding). */
#ifndef RU_PK_RELEASE_H
#define RU_PK_RELEASE_H

#include <stddef.h>

#include "pk/events.h"
#include "reuptake/kb.h"
#include "reuptake/status.h"

#define RUI_RELEASE_WEIBULL_PIECES 64   /* default m: cumulative release within 1/64 of F */
#define RUI_RELEASE_WEIBULL_EPS 1e-9     /* tail mass after the last quantile, added to it */
#define RUI_RELEASE_MAX_PIECES 260       /* largest m accepted + the other pieces */

typedef enum rui_release_target {
  RUI_RELEASE_TO_DEPOT = 0, /* the compound's absorption depot (its ka; its lag is applied) */
  RUI_RELEASE_TO_AUX = 1,   /* the product's extra compartment (no compound lag) */
} rui_release_target;

typedef struct rui_release_piece {
  double fraction;   /* of the delivered amount; the plan's fractions sum to 1 */
  double offset_h;   /* start after the dose time */
  double duration_h; /* 0: bolus; > 0: constant rate over this time */
  rui_release_target target;
} rui_release_piece;

typedef struct rui_release_plan {
  ru_release_kind kind;
  size_t n;
  rui_release_piece piece[RUI_RELEASE_MAX_PIECES];
  int aux;              /* 1: the plan needs the extra compartment */
  double aux_k_per_h;   /* its first-order rate constant (1/h) */
  int aux_to_central;   /* 1: aux drains into the central compartment, 0: into the depot */
  double f_rel;         /* relative bioavailability (1 when not sourced) */
  /* Weibull only: the model parameters and the breakpoints (for the exactness checks) */
  double tlag_h, td_h, beta;
} rui_release_plan;

/* Builds the plan of release parameters r (as read by ru_kb_product). weibull_pieces = m (0 =
 * RUI_RELEASE_WEIBULL_PIECES, at most RUI_RELEASE_MAX_PIECES - 2). A missing or out-of-range
 * parameter the model needs is RU_EMISSING / RU_EINVAL naming it. */
ru_status rui_release_plan_build(const ru_release_params *r, size_t weibull_pieces,
                                 rui_release_plan *out, ru_error *err);

/* Expands one dose record d of the product (d->amount in labelled mg; d->rate must be 0: a
 * product is swallowed, not infused) into the records of one component compound: amounts are
 * d->amount x mg_per_label_mg x f_rel x fraction; depot pieces go to state `depot` with lag
 * compound_lag_h + offset, aux pieces to state `aux` with lag offset; ADDL/II are kept. An SS=1
 * record becomes SS=1 on its first piece (which resets) and SS=2 (added) on the others; EVID 4
 * resets on the first piece only. Writes up to cap records to out and *n their count
 * (RU_ELIMIT when cap is too small). */
ru_status rui_release_expand(const rui_release_plan *p, const rui_dose *d, double mg_per_label_mg,
                             size_t depot, size_t aux, double compound_lag_h, rui_dose *out,
                             size_t cap, size_t *n, ru_error *err);

/* Fraction of one dose that the plan has delivered (into depot or aux) by t_h after dosing,
 * before f_rel: exactly what the expanded records deliver. Cannot fail. */
double rui_release_plan_cumulative(const rui_release_plan *p, double t_h);

/* The model's own cumulative release fraction at t_h (the Weibull formula itself; for the other
 * models identical to the plan). Cannot fail. */
double rui_release_model_cumulative(const rui_release_plan *p, double t_h);

#endif
