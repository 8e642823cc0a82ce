/* Synapse layer: extracellular NE, DA and 5-HT per brain region under transporter and
 * autoreceptor occupancy, with source-nucleus firing (LC, VTA, dorsal raphe) inhibited by
 * somatodendritic autoreceptors, terminal autoreceptor brakes, and slow autoreceptor
 * desensitization (days to weeks).
 *
 * Model (docs/synapse.md; structure from ../shared/data/synapse_README.md section A), for each
 * region r and transmitter X, concentrations in nM, time in hours:
 *
 *   dC/dt  = R0 * sum_n mix[X][n] ((1 - phi) + phi * x_n) * T(C/C0)       release
 *            - sum_T e_T * Vmax_T * (1 - o_T) C / (Km_T + (1 - o_T) C)       transporters
 *            - k_res * C                                                  diffusion / uptake-2
 *   x_X    = max(0, 1 - g_s A(c_soma, s, B)) / (1 - g_s a0)               firing, fold of baseline
 *   T(c)   = (1 - g_t A(c, 1, B_t)) / (1 - g_t a0)                        terminal brake
 *   A(c,s,B) = k s c / (1 + k s c + B),  k = a0/(1-a0),  B = occ_ant/(1-occ_ant)
 *   ds/dt  = (1/(1 + d * max(0, A(c_soma,1,B)/a0 - 1)) - s) / tau           desensitization
 *
 * phi is the impulse-dependent (TTX-sensitive) fraction of basal release; mix[X][n] the share of
 * X's release driven by nucleus n (identity except cortical DA, partly from LC terminals).
 * Competitive inhibition: an inhibitor occupying a fraction o of a transporter raises the
 * apparent Km to Km/(1-o) (Atcherley 2015 in vivo DAT Km shift). Somatodendritic compartments
 * (LC, VTA, DRN) have the same release/uptake form without the terminal brake. R0 is solved so
 * that the wild-type, drug-free state is a steady state at the sourced basal concentrations;
 * outputs are folds of that baseline. Every number comes from the sourced parameter table
 * (ru_synapse_param_*), which says for each value its source and status.
 *
 * A simulation is a value: ru_synapse_new() copies the parameter table, the caller sets inputs
 * (occupancy over time, expression scaling), ru_synapse_run() integrates with SUNDIALS CVODE
 * (BDF) and stores the results on the handle for the getters. No global mutable state. */
#ifndef RU_SYNAPSE_H
#define RU_SYNAPSE_H

#include <stddef.h>

#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- constants ------------------------------------------------------------------------------ */

/* Transmitters (analytes); also index the source nuclei: NE <- LC, DA <- VTA, 5-HT <- DRN. */
typedef enum ru_syn_analyte { RU_SYN_NE = 0, RU_SYN_DA = 1, RU_SYN_5HT = 2 } ru_syn_analyte;
#define RU_SYN_NANALYTES 3

typedef enum ru_syn_nucleus { RU_SYN_LC = 0, RU_SYN_VTA = 1, RU_SYN_DRN = 2 } ru_syn_nucleus;

/* Inputs: transporter occupancy (fraction of transporter bound by inhibitor, 0..1) and
 * autoreceptor antagonist occupancy (0..1). */
typedef enum ru_syn_target {
  RU_SYN_NET = 0,   /* norepinephrine transporter (clears NE everywhere, DA in cortex) */
  RU_SYN_DAT = 1,   /* dopamine transporter */
  RU_SYN_SERT = 2,  /* serotonin transporter */
  RU_SYN_ALPHA2 = 3, /* alpha2A autoreceptor (LC somatodendritic and NE terminal), e.g. idazoxan */
  RU_SYN_D2 = 4,    /* D2 autoreceptor (VTA somatodendritic and DA terminal) */
  RU_SYN_5HT1A = 5, /* 5-HT1A somatodendritic autoreceptor (DRN), e.g. WAY-100635 */
  RU_SYN_5HT1B = 6  /* 5-HT1B terminal autoreceptor */
} ru_syn_target;
#define RU_SYN_NTARGETS 7
#define RU_SYN_NTRANSPORTERS 3 /* NET, DAT, SERT are targets 0..2 */

#ifndef RU_SYN_REGION_NAME_MAX
#define RU_SYN_REGION_NAME_MAX 32
#endif
#ifndef RU_SYN_MAX_REGIONS
#define RU_SYN_MAX_REGIONS 16
#endif

/* --- callback typedefs ---------------------------------------------------------------------- */

/* Fills occ[RU_SYN_NTARGETS] (fractions 0..1) at time t_h (hours from the start of the
 * simulation). Return 0 on success, nonzero to abort the run (RU_ESOLVER is returned). */
typedef int (*ru_syn_occupancy_fn)(double t_h, double occ[RU_SYN_NTARGETS], void *user);

/* --- the sourced parameter table ------------------------------------------------------------ */

/* One row of the model's parameter table (src/synapse/params.c). Static storage; never free. */
typedef struct ru_synapse_param {
  const char *domain; /* "NE", "DA", "5-HT", "region:pfc", "physio", ... */
  const char *name;   /* unique key, used by ru_synapse_set_param() */
  double value;       /* in `unit` */
  const char *unit;
  const char *source; /* citation (and URL where one is stored) */
  const char *status; /* "primary" | "secondary" | "derived" | "calibrated" | "assumed" */
  const char *note;   /* derivation, calibration rows used, or the stated assumption */
} ru_synapse_param;

/* Number of rows (synapse and physiology). Cannot fail. */
RU_API size_t ru_synapse_param_count(void);
/* Row i (0-based) or NULL when i is out of range. */
RU_API const ru_synapse_param *ru_synapse_param_get(size_t i);
/* Row by name or NULL. */
RU_API const ru_synapse_param *ru_synapse_param_find(const char *name);

/* --- regions -------------------------------------------------------------------------------- */

/* A region's data, all per analyte (index ru_syn_analyte). Used to add regions beyond the
 * built-in ones (pfc, striatum, hippocampus); the built-ins are read from the table. */
typedef struct ru_syn_region_spec {
  char name[RU_SYN_REGION_NAME_MAX];
  double c0_nM[RU_SYN_NANALYTES];             /* basal extracellular concentration, nM (> 0) */
  double k_per_s[RU_SYN_NANALYTES];           /* total first-order clearance at low C, 1/s */
  double share[RU_SYN_NANALYTES][RU_SYN_NTRANSPORTERS]; /* fraction of that clearance by NET,
                                                           DAT, SERT (sum <= 1; rest linear) */
  double impulse_fraction[RU_SYN_NANALYTES];  /* fraction of release that follows firing */
  /* source_mix[a][n]: fraction of analyte a's release driven by the firing of nucleus n (e.g.
   * cortical DA partly co-released from LC terminals). A row of zeros means "own nucleus". */
  double source_mix[RU_SYN_NANALYTES][RU_SYN_NANALYTES];
} ru_syn_region_spec;

/* Built-in regions: count, name of region i (NULL when out of range), and lookup by name
 * (also accepts "prefrontal", "frontal" -> pfc; "hpc", "dhpc" -> hippocampus). */
RU_API size_t ru_synapse_builtin_region_count(void);
RU_API const char *ru_synapse_builtin_region_name(size_t i);

/* Short names: "NE", "DA", "5-HT"; "LC", "VTA", "DRN"; "NET", ..., "alpha2", "D2", "5-HT1A",
 * "5-HT1B". NULL when out of range. Cannot fail. */
RU_API const char *ru_synapse_analyte_name(ru_syn_analyte a);
RU_API const char *ru_synapse_nucleus_name(ru_syn_nucleus n);
RU_API const char *ru_synapse_target_name(ru_syn_target t);
/* Parses a target name (case-insensitive; "5HT1A", "a2", "alpha2a" accepted). */
RU_API ru_status ru_synapse_target_parse(const char *name, ru_syn_target *out, ru_error *err);

/* --- lifecycle ------------------------------------------------------------------------------ */

typedef struct ru_synapse ru_synapse;

/* New simulation with the built-in regions, every parameter from the table, no drug (all
 * occupancies 0), expression 1 (wild type). NULL on allocation failure (err set). Free with
 * ru_synapse_free(). */
RU_API ru_synapse *ru_synapse_new(ru_error *err);
/* NULL-safe. */
RU_API void ru_synapse_free(ru_synapse *s);

/* Adds a region (copied). RU_EINVAL on a bad spec or duplicate name; RU_ERANGE beyond
 * RU_SYN_MAX_REGIONS. On failure the simulation is unchanged. */
RU_API ru_status ru_synapse_add_region(ru_synapse *s, const ru_syn_region_spec *spec,
                                       ru_error *err);
RU_API size_t ru_synapse_region_count(const ru_synapse *s);
RU_API const char *ru_synapse_region_name(const ru_synapse *s, size_t i);
/* Finds a region by name or alias; RU_ENOTFOUND names the valid regions. */
RU_API ru_status ru_synapse_region_find(const ru_synapse *s, const char *name, size_t *idx,
                                        ru_error *err);

/* Overrides one parameter of this simulation by table name (sensitivity analysis,
 * calibration). RU_ENOTFOUND for an unknown name, RU_ERANGE for an invalid value. */
RU_API ru_status ru_synapse_set_param(ru_synapse *s, const char *name, double value,
                                      ru_error *err);
RU_API double ru_synapse_get_param(const ru_synapse *s, const char *name); /* NaN if unknown */

/* --- inputs --------------------------------------------------------------------------------- */

/* Transporter expression scaling (1 = wild type; 0.5 = heterozygous knock-down; 1.5 = +50%
 * uptake): multiplies that transporter's Vmax in every region and nucleus. The pre-drug state
 * becomes the scenario's own steady state (chronic genotype, desensitization included); folds
 * stay relative to the wild-type baseline. RU_ERANGE outside [0, 10]. */
RU_API ru_status ru_synapse_set_expression(ru_synapse *s, ru_syn_target transporter,
                                           double scale, ru_error *err);

/* Constant occupancy from time 0 (occ[RU_SYN_NTARGETS], fractions 0..1). Replaces any other
 * occupancy input. RU_ERANGE for a value outside [0, 1]. */
RU_API ru_status ru_synapse_set_occupancy_constant(ru_synapse *s,
                                                   const double occ[RU_SYN_NTARGETS],
                                                   ru_error *err);
/* Time-varying occupancy from samples: time_h[n] strictly ascending, occ[n * RU_SYN_NTARGETS]
 * row-major (sample k, target j at occ[k * RU_SYN_NTARGETS + j]); linear interpolation,
 * held constant before the first and after the last sample. Copied. This is the hook for the
 * PD layer (occupancy time courses of a regimen). */
RU_API ru_status ru_synapse_set_occupancy_samples(ru_synapse *s, const double *time_h, size_t n,
                                                  const double *occ, ru_error *err);
/* Time-varying occupancy from a callback (not copied: user must outlive the run). */
RU_API ru_status ru_synapse_set_occupancy_fn(ru_synapse *s, ru_syn_occupancy_fn fn, void *user,
                                             ru_error *err);
/* Local (reverse-dialysis) occupancy in one region only, overriding the systemic input for
 * that region and target; occ < 0 clears it. */
RU_API ru_status ru_synapse_set_local_occupancy(ru_synapse *s, size_t region, ru_syn_target t,
                                                double occ, ru_error *err);

/* --- run and results ------------------------------------------------------------------------ */

/* Integrates from the pre-drug steady state at t = 0 and records the state at times_h[nt]
 * (ascending, >= 0). Replaces earlier results. RU_EINVAL for bad times, RU_ESOLVER when CVODE
 * fails or the occupancy callback aborts, RU_ENOMEM. */
RU_API ru_status ru_synapse_run(ru_synapse *s, const double *times_h, size_t nt, ru_error *err);

/* Results of the last successful run (NaN when out of range or no run yet). k indexes times. */
RU_API size_t ru_synapse_result_count(const ru_synapse *s);
RU_API double ru_synapse_result_time(const ru_synapse *s, size_t k);
/* Extracellular concentration as fold of the wild-type drug-free baseline. */
RU_API double ru_synapse_fold(const ru_synapse *s, size_t k, size_t region, ru_syn_analyte a);
/* Concentration in nM. */
RU_API double ru_synapse_conc_nM(const ru_synapse *s, size_t k, size_t region, ru_syn_analyte a);
/* Firing rate of a source nucleus in Hz, and as fold of the wild-type baseline. */
RU_API double ru_synapse_firing_hz(const ru_synapse *s, size_t k, ru_syn_nucleus n);
RU_API double ru_synapse_firing_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n);
/* Somatodendritic autoreceptor sensitivity (1 = naive; 0.25 = agonist EC50 raised 4-fold). */
RU_API double ru_synapse_sensitivity(const ru_synapse *s, size_t k, ru_syn_nucleus n);
/* Somatodendritic (nucleus) extracellular concentration, fold of baseline. */
RU_API double ru_synapse_soma_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n);

/* --- convenience ---------------------------------------------------------------------------- */

/* Fold of baseline at the end of `hours` with occupancy held constant from time 0, for one
 * region and analyte, on a fresh simulation with default parameters (plus expression scaling
 * expr[RU_SYN_NTRANSPORTERS], or NULL for wild type). Used by validation. */
RU_API ru_status ru_synapse_fold_at(const double occ[RU_SYN_NTARGETS], const double *expr,
                                    const char *region, ru_syn_analyte a, double hours,
                                    double *fold, ru_error *err);

#ifdef __cplusplus
}
#endif
#endif /* RU_SYNAPSE_H */
