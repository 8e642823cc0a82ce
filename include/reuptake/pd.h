/* Occupancy of targets by every ligand present (parents, metabolites, co-medications), the
 * brain exposure that drives it, and the summaries every command reports.
 *
 * For target T and ligands i with total plasma concentrations C_i (ng/mL):
 *     Cu_brain,i = C_i * fu_i / MW_i * 1000 * Kp,uu,i              (nM)
 *     x_i = Cu_brain,i / K_iT                 (unscaled binding ratio, in-vitro K_iT in nM)
 *     occ_i = (x_i / s_T) / (1 + sum_j x_j / s_T),   occ_T = sum_i occ_i
 * (competitive binding at equilibrium, Gaddum; DESIGN.md). Kp,uu,brain is the unbound brain
 * interstitial / unbound plasma ratio of the compound (KB key `kpuu_brain`, overridable with
 * --set DRUG.kpuu_brain=V); a compound without brain-exposure evidence gets the stated default
 * (KB parameter pd/kpuu_brain_default: passive distribution, 1) and every summary that uses it
 * says so (kpuu_is_default). s_T is the in-vitro -> in-vivo scaling of the target family,
 * fitted only on calibration rows (ru_kb_scaling; 1 when not calibrated). A ligand without a KB
 * affinity at T does not bind T. All fractions are 0..1.
 *
 * Ownership: functions fill caller-provided arrays; ru_pd_summary.shares is allocated by the
 * library and released with ru_pd_summary_free. Nothing here keeps state between calls. */
#ifndef RU_PD_H
#define RU_PD_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Points over one steady-state dosing interval for every steady-state summary (mean by the
 * trapezoid rule; 240 panels resolve a q24h profile to 6 min). */
#define RU_PD_STEADY_POINTS 241

/* --- brain exposure -------------------------------------------------------------------------- */

/* Kp,uu,brain of the i-th compound of a simulation as the model uses it: the KB value or a
 * --set override, else the KB default with *is_default = 1 (is_default may be NULL). Fails
 * with RU_EMISSING only when neither exists (a KB without the default parameter). */
RU_API ru_status ru_pd_kpuu_brain(const ru_kb *kb, const ru_sim *s, size_t i, ru_value *kpuu,
                                  int *is_default, ru_error *err);
/* The same for a compound of the knowledge base by name (no overrides): for `drugs show`. */
RU_API ru_status ru_pd_compound_kpuu_brain(const ru_kb *kb, const char *compound, ru_value *kpuu,
                                           int *is_default, ru_error *err);

/* --- binding at given concentrations ------------------------------------------------------- */

/* Affinities of n ligands at target, scaled by the target's factor: k_nm[i] (NaN = no
 * affinity). */
RU_API ru_status ru_pd_affinities(const ru_kb *kb, const char *target, size_t n,
                                  const char *const *ligands, double *k_nm, ru_error *err);

/* The in-vitro -> in-vivo factor in force at target (1 when uncalibrated: *calibrated = 0;
 * calibrated may be NULL). */
RU_API ru_status ru_pd_target_scale(const ru_kb *kb, const char *target, double *scale,
                                    int *calibrated, ru_error *err);

/* Occupancy at given unbound target-site concentrations (nM). occ_by (may be NULL) receives
 * each ligand's share; *occ_total the sum. Cannot produce NaN: missing affinities bind nothing. */
RU_API void ru_pd_occupancy_at(size_t n, const double *k_nm, const double *unbound_nm,
                               double *occ_total, double *occ_by);

/* Unbound plasma concentration (nM) from total (ng/mL): total * fu / MW * 1000. */
RU_API double ru_pd_unbound_nm(double total_ng_per_ml, double fu, double mw_g_per_mol);

/* Unbound peak (uM) of compound i of s over nt samples conc[i*nt + j] (ng/mL): over a
 * steady-state interval (ru_sim_steady_profile) this is Imax,u of the FDA 2020 basic static
 * screen (ru_ddi_static_screen). NaN when the compound's fu or molar mass is missing, or i is
 * not a compound of s. Cannot fail. */
RU_API double ru_pd_unbound_peak_um(const ru_sim *s, size_t i, const double *conc, size_t nt);

/* Occupancy of one target from its combined unscaled binding ratio x and scale s:
 * (x/s)/(1 + x/s). Cannot fail; x <= 0 gives 0. */
RU_API double ru_pd_occupancy_of_ratio(double x, double scale);

/* --- time courses ----------------------------------------------------------------------------- */

/* Unscaled binding ratios at target from a simulation's total concentrations conc[i*nt + j]
 * (ng/mL, as from ru_sim_run): x_total[nt] = sum_i x_i (must not be NULL), x_by[i*nt + j]
 * per compound (may be NULL; 0 for compounds that do not bind). Brain exposure is applied.
 * *any_default (may be NULL) is set to 1 when a binding compound used the default Kp,uu.
 * A compound with an affinity at the target but no fu or MW fails with RU_EMISSING. */
RU_API ru_status ru_pd_binding_ratio_series(const ru_kb *kb, const ru_sim *s, const char *target,
                                            const double *conc, size_t nt, double *x_total,
                                            double *x_by, int *any_default, ru_error *err);

/* Occupancy time course of target: occ_total[nt], occ_by[i*nt + j] (may be NULL), from total
 * concentrations as above (scale and brain exposure applied). */
RU_API ru_status ru_pd_occupancy_series(const ru_kb *kb, const ru_sim *s, const char *target,
                                        const double *conc, size_t nt, double *occ_total,
                                        double *occ_by, ru_error *err);

/* --- summaries ------------------------------------------------------------------------------- */

/* Mean (trapezoid over equally spaced samples), minimum and maximum of occ[n]; n == 1 gives
 * mean = trough = peak = occ[0]. Any output pointer may be NULL. Cannot fail (n == 0: NaN). */
RU_API void ru_pd_interval_stats(const double *occ, size_t n, double *mean, double *trough,
                                 double *peak);

/* One compound's part in a target's summary. */
typedef struct ru_pd_share {
  char compound[RU_NAME_MAX];
  double mean;              /* this compound's share of the target, mean over the samples */
  double kpuu_brain;        /* brain exposure used (ratio) */
  int kpuu_is_default;      /* 1: no brain-exposure evidence, the stated default was used */
} ru_pd_share;

/* A target's occupancy over a set of samples (an interval, or one point). */
typedef struct ru_pd_summary {
  char target[RU_NAME_MAX];
  double mean, trough, peak; /* combined occupancy of all ligands (fraction 0..1) */
  double scale;              /* in-vitro -> in-vivo factor applied to every Ki at the target */
  int scale_calibrated;      /* 0: the target family has no calibration (in-vitro Ki used) */
  size_t nshares;            /* compounds with an affinity at the target (0: nothing binds) */
  ru_pd_share *shares;       /* [nshares], owned: ru_pd_summary_free */
} ru_pd_summary;

/* Releases the shares of n summaries (NULL-safe; the array itself is the caller's). */
RU_API void ru_pd_summary_free(ru_pd_summary *sum, size_t n);

/* Summaries of ntargets targets from concentration samples conc[i*nt + j] (ng/mL) of the
 * simulation's compounds: equally spaced over an interval when nt > 1, one point when nt == 1
 * (e.g. measured plasma levels). out[ntargets] is filled (free with ru_pd_summary_free); on
 * error nothing is left allocated. */
RU_API ru_status ru_pd_summarise(const ru_kb *kb, const ru_sim *s, const char *const *targets,
                                 size_t ntargets, const double *conc, size_t nt,
                                 ru_pd_summary *out, ru_error *err);

/* Steady state over the last dosing interval of the simulation's regimens
 * (RU_PD_STEADY_POINTS samples, ru_sim_steady_profile). */
RU_API ru_status ru_pd_steady_state(const ru_kb *kb, ru_sim *s, const char *const *targets,
                                    size_t ntargets, ru_pd_summary *out, ru_error *err);

/* At one time t_h (h after the first dose): mean = trough = peak. */
RU_API ru_status ru_pd_at_time(const ru_kb *kb, ru_sim *s, const char *const *targets,
                               size_t ntargets, double t_h, ru_pd_summary *out, ru_error *err);

/* Occupancy at measured total plasma levels: compounds[i] (any name the KB resolves) at
 * levels[i], a concentration with its unit ("50ng/mL", "120nM": ru_units_parse with the
 * compound's molar mass), read and checked in order; the compounds are added without doses
 * (their metabolites come along at level 0) and the overrides ("DRUG.KEY=VALUE") applied; out
 * [ntargets] receives the summaries at that one point (ru_pd_summarise with nt = 1). */
RU_API ru_status ru_pd_at_levels(const ru_kb *kb, const char *const *compounds,
                                 const char *const *levels, size_t n,
                                 const char *const *overrides, size_t noverrides,
                                 const char *const *targets, size_t ntargets, ru_pd_summary *out,
                                 ru_error *err);

/* --- dose response ---------------------------------------------------------------------------- */

/* What a dose-response run applies to every simulated subject (all may be empty). */
typedef struct ru_pd_dose_options {
  const char *const *phenotypes; /* "CYP2D6=PM", ... */
  size_t nphenotypes;
  const char *const *overrides;  /* "DRUG.KEY=VALUE", ... */
  size_t noverrides;
} ru_pd_dose_options;

/* Mean steady-state occupancy of target for compound at dose_mg every interval_h;
 * *binds = 0 when no compound of the regimen binds the target (mean 0). */
RU_API ru_status ru_pd_dose_mean(const ru_kb *kb, const char *compound, double dose_mg,
                                 double interval_h, const char *target,
                                 const ru_pd_dose_options *opt, double *mean, int *binds,
                                 ru_error *err);

/* A dose-response curve: for each of ntargets targets the mean steady-state occupancy at each
 * of ndoses doses (mean[k * ndoses + d], ru_pd_dose_mean), whether anything binds it (binds[k]:
 * the last dose's answer) and its ED50 (ed50_mg[k], ru_pd_ed50; NaN when nothing binds or 50 %
 * is not reached). */
RU_API ru_status ru_pd_dose_response(const ru_kb *kb, const char *compound,
                                     const double *doses_mg, size_t ndoses, double interval_h,
                                     const char *const *targets, size_t ntargets,
                                     const ru_pd_dose_options *opt, double *mean, int *binds,
                                     double *ed50_mg, ru_error *err);

/* The dose (mg every interval_h) giving a mean steady-state occupancy of `level` (0 < level
 * < 1; 0.5 = ED50), by bisection on log dose over [1e-3, 1e5] mg (occupancy rises
 * monotonically with dose): relative precision 1e-6. NaN when the level is not crossed in that
 * range or nothing binds (not an error). */
RU_API ru_status ru_pd_dose_for_level(const ru_kb *kb, const char *compound, double interval_h,
                                      const char *target, double level,
                                      const ru_pd_dose_options *opt, double *dose_mg,
                                      ru_error *err);

/* --- levels (src/pd/levels.c) ---------------------------------------------------------------- */

/* Half occupancy: the level of the ED50 and the cut-off of a target profile (a target is
 * engaged when its mean steady-state occupancy reaches it). */
#define RU_PD_HALF_OCCUPANCY 0.5
/* Occupancies at or below this are taken as no occupancy for a ratio (1e-9: far below every
 * reported digit, and above the rounding of a target nothing binds). */
#define RU_PD_OCCUPANCY_FLOOR 1e-9

/* Keeps, in order, the summaries with mean >= RU_PD_HALF_OCCUPANCY at the front of rows[n] and
 * frees the others' shares; returns how many are kept. Cannot fail. */
RU_API size_t ru_pd_summary_keep_engaged(ru_pd_summary *rows, size_t n);
/* The ED50: ru_pd_dose_for_level at RU_PD_HALF_OCCUPANCY (NaN when not reached). */
RU_API ru_status ru_pd_ed50(const ru_kb *kb, const char *compound, double interval_h,
                            const char *target, const ru_pd_dose_options *opt, double *dose_mg,
                            ru_error *err);
/* numerator / denominator of two occupancies (the NET/SERT ratio of a map); NaN when the
 * denominator is at or below RU_PD_OCCUPANCY_FLOOR. Cannot fail. */
RU_API double ru_pd_occupancy_ratio(double numerator, double denominator);

/* --- a product at its label dose (src/pd/product_map.c) ---------------------------------------- */

/* Which of a product's label doses (ru_product usual/low/high_dose_mg). */
typedef enum ru_label_dose { RU_LABEL_DOSE_USUAL, RU_LABEL_DOSE_LOW, RU_LABEL_DOSE_HIGH } ru_label_dose;

/* An enzyme a compound of the product inhibits by the FDA 2020 basic static screen. */
typedef struct ru_pd_inhibited {
  char enzyme[RU_NAME_MAX];
  int time_dependent; /* 1: the R2 (mechanism-based) row found it, 0: R1 (reversible) */
} ru_pd_inhibited;

/* One product at a label dose, at steady state. */
typedef struct ru_pd_product_map {
  ru_product product;          /* as the knowledge base lists it */
  double dose_mg, interval_h;  /* the label dose and interval (NaN when not sourced) */
  /* "" when mapped; else why not: "incomplete: ...", "no sourced usual dose in the knowledge
   * base", or the simulation's one-line error (a compound value missing). Mapped or not, the
   * arrays below are owned: ru_pd_product_map_free. */
  char not_mapped[RU_ERROR_MESSAGE_MAX + 16];
  size_t ntargets;
  double *mean;                /* [ntargets] mean occupancy over the interval (fraction) */
  double net_sert;             /* ru_pd_occupancy_ratio of NET over SERT when both are among the
                                * targets, else NaN */
  size_t ninhibited;
  ru_pd_inhibited *inhibited;  /* [ninhibited] each enzyme once, first finding kept */
  size_t nkpuu_default;
  char (*kpuu_default)[RU_NAME_MAX]; /* [nkpuu_default] compounds whose occupancy of a target
                                      * used the default Kp,uu,brain, in order of appearance */
} ru_pd_product_map;

/* Maps product at its `which` label dose and interval: steady-state mean occupancy of each of
 * ntargets targets (ru_pd_summarise on RU_PD_STEADY_POINTS), the NET/SERT ratio, the compounds
 * that used the default Kp,uu,brain, and the enzymes inhibited by ru_ddi_static_screen at the
 * unbound steady-state peak (ru_pd_unbound_peak_um) of every compound present (parents and
 * metabolites; a compound without fu or molar mass is not screened). A product that cannot be
 * mapped is RU_OK with out->not_mapped saying why. Errors (unknown product, NULL argument, out
 * of memory) leave nothing allocated in out. */
RU_API ru_status ru_pd_product_map_at(const ru_kb *kb, const char *product, ru_label_dose which,
                                      const char *const *targets, size_t ntargets,
                                      ru_pd_product_map *out, ru_error *err);
/* Releases the arrays of a map (NULL-safe; the struct itself is the caller's). */
RU_API void ru_pd_product_map_free(ru_pd_product_map *m);
/* Presentation order of a map's rows: mapped products first, then the ones not mapped; each
 * part by class (SSRI, SNRI, NRI, NDRI, TCA, NDRI (stimulant), stimulant (releaser),
 * wakefulness, then any other) and by name (case-insensitive). */
RU_API void ru_pd_product_map_sort(ru_pd_product_map *rows, size_t n);

/* Every product of the knowledge base whose class contains klass (case-insensitive substring:
 * "stimulant" matches both stimulant classes; NULL or "": all) mapped as ru_pd_product_map_at,
 * in the order of ru_pd_product_map_sort. *rows[*n] is allocated (ru_pd_product_maps_free; *n
 * may be 0). cancel (may be NULL) is read before each product: non-zero stops with
 * RU_EINTERRUPTED. On error nothing is left allocated. */
RU_API ru_status ru_pd_map_products(const ru_kb *kb, const char *klass, ru_label_dose which,
                                    const char *const *targets, size_t ntargets,
                                    const volatile sig_atomic_t *cancel, ru_pd_product_map **rows,
                                    size_t *n, ru_error *err);
/* Releases rows[n] from ru_pd_map_products (NULL-safe). */
RU_API void ru_pd_product_maps_free(ru_pd_product_map *rows, size_t n);

#ifdef __cplusplus
}
#endif
#endif
