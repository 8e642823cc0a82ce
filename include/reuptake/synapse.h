/* Synapse layer: extracellular NE, DA and 5-HT per brain region under transporter occupancy,
 * substrate releasers and autoreceptor ligands, with source-nucleus firing (LC, VTA, dorsal
 * raphe) set by somatodendritic autoreceptors and cross-system inputs, terminal autoreceptor
 * brakes, a vesicular release capacity, and slow desensitization of every autoreceptor.
 *
 * Model (docs/synapse.md has the equations with their sources), per region r and transmitter X,
 * concentrations in nM, time in hours:
 *
 *   dC/dt = R0 * Dt * (1 + c) / (Dt + c)                                  release (store-limited)
 *           - sum_T e_T Vmax_T (1 - o_T) C / (Km_T + (1 - o_T) C) - k_res C   NET, DAT, SERT, rest
 *   Dt    = sum_n mix[X][n] ((1 - phi) + phi x_n) B_n(r)  +  Emax sum_T share_T u_T
 *           exocytosis (impulse-driven, braked by the terminal autoreceptor of nucleus n's
 *           transmitter) + transporter reversal by substrate releasers (impulse-independent)
 *   B     = max(0, 1 - g_t A_t) / (1 - g_t a0)                               terminal brake
 *   x_n   = max(0, 1 - g_s A_s) / (1 - g_s a0) * coupling_n                  firing, fold
 *   A     = (u + s G) / (1 + u + s G + H),  u = kappa s c,  kappa = a0/(1-a0)
 *           c = transmitter fold at the receptor, s = receptor sensitivity, G and H the odds
 *           o/(1-o) of exogenous agonist and antagonist occupancy (competitive binding)
 *   ds/dt = (1 / (1 + d max(0, A/a0 - 1)) - s) / tau                       desensitization
 *           (homeostatic: driven by the activation at the current sensitivity)
 *
 * coupling: DRN firing x (1 + w_a1 (A_a1(NE at raphe)/a0 - 1)) (alpha1 excitation);
 * VTA firing x max(0, 1 - w_2c (A_2c(5-HT at VTA)/a0 - 1)) (5-HT2C inhibition).
 * R0 is solved so that the wild-type, drug-free state is a steady state at the sourced basal
 * concentrations; outputs are folds of that baseline. Every number comes from the knowledge
 * base (domain "synapse" of data/params.csv, each value with its status and source key);
 * ru_synapse_set_param overrides one for this simulation (status "user").
 *
 * A simulation is a value: ru_synapse_new() reads the parameters from a knowledge base, the
 * caller sets inputs (held inputs, a time course, expression scaling), ru_synapse_run()
 * integrates with the shared CVODE driver and stores the results on the handle. No global
 * mutable state; one simulation per thread. */
#ifndef RU_SYNAPSE_H
#define RU_SYNAPSE_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- constants ------------------------------------------------------------------------------ */

/* Transmitters (analytes); also index the source nuclei: NE <- LC, DA <- VTA, 5-HT <- DRN. */
typedef enum ru_syn_analyte { RU_SYN_NE = 0, RU_SYN_DA = 1, RU_SYN_5HT = 2 } ru_syn_analyte;
#define RU_SYN_NANALYTES 3

typedef enum ru_syn_nucleus { RU_SYN_LC = 0, RU_SYN_VTA = 1, RU_SYN_DRN = 2 } ru_syn_nucleus;

/* Inputs, all fractions 0..1:
 *  - transporter occupancy by every ligand (blockers and releasers, which compete for it);
 *  - the part of that occupancy held by substrate releasers (amphetamines), which also drives
 *    transporter reversal (must not exceed the transporter occupancy);
 *  - receptor antagonist occupancy; exogenous agonist occupancy. */
typedef enum ru_syn_input {
  RU_SYN_NET = 0,          /* norepinephrine transporter (NE everywhere, DA in cortex) */
  RU_SYN_DAT = 1,          /* dopamine transporter */
  RU_SYN_SERT = 2,         /* serotonin transporter */
  RU_SYN_NET_RELEASER = 3, /* part of NET occupancy held by a substrate releaser */
  RU_SYN_DAT_RELEASER = 4,
  RU_SYN_SERT_RELEASER = 5,
  RU_SYN_ALPHA2 = 6,  /* alpha2A antagonist (LC somatodendritic and NE terminals): idazoxan */
  RU_SYN_D2 = 7,      /* D2 antagonist (VTA somatodendritic and DA terminals): raclopride */
  RU_SYN_5HT1A = 8,   /* 5-HT1A antagonist (dorsal raphe somatodendritic): WAY-100635 */
  RU_SYN_5HT1B = 9,   /* 5-HT1B antagonist (5-HT terminals): GR127935 */
  RU_SYN_ALPHA1 = 10, /* alpha1 antagonist (the NE drive of raphe firing) */
  RU_SYN_5HT2C = 11,  /* 5-HT2C antagonist (the 5-HT brake of VTA firing) */
  RU_SYN_ALPHA2_AGONIST = 12, /* exogenous agonist occupancy: clonidine, S 18616 */
  RU_SYN_D2_AGONIST = 13,     /* apomorphine, quinpirole */
  RU_SYN_5HT1A_AGONIST = 14,  /* 8-OH-DPAT */
  RU_SYN_5HT1B_AGONIST = 15
} ru_syn_input;
#define RU_SYN_NINPUTS 16
#define RU_SYN_NTRANSPORTERS 3 /* NET, DAT, SERT are inputs 0..2 */
/* Largest transporter expression scale (fold of wild type) ru_synapse_set_expression accepts:
 * the published scenarios lie within 0 (knock-out) .. 1.5 (DAT-tg); 10 bounds user what-ifs. */
#define RU_SYN_EXPRESSION_MAX 10.0

/* Autoreceptors with their own sensitivity (desensitization) state. */
typedef enum ru_syn_receptor {
  RU_SYN_R_ALPHA2_SOMA = 0,     /* LC somatodendritic alpha2A */
  RU_SYN_R_D2_SOMA = 1,         /* VTA somatodendritic D2 */
  RU_SYN_R_5HT1A_SOMA = 2,      /* dorsal raphe somatodendritic 5-HT1A */
  RU_SYN_R_ALPHA2_TERMINAL = 3, /* NE terminal alpha2 */
  RU_SYN_R_D2_TERMINAL = 4,     /* DA terminal D2 */
  RU_SYN_R_5HT1B_TERMINAL = 5   /* 5-HT terminal 5-HT1B */
} ru_syn_receptor;
#define RU_SYN_NRECEPTORS 6

#ifndef RU_SYN_REGION_NAME_MAX
#define RU_SYN_REGION_NAME_MAX 32
#endif
#ifndef RU_SYN_MAX_REGIONS
#define RU_SYN_MAX_REGIONS 16 /* ru_synapse_add_region returns RU_ELIMIT beyond it */
#endif

/* --- callback typedefs ---------------------------------------------------------------------- */

/* Fills in[RU_SYN_NINPUTS] at time t_h (hours from the start of the simulation). Return 0 on
 * success, nonzero to abort the run (RU_ESOLVER is returned). */
typedef int (*ru_syn_input_fn)(double t_h, double in[RU_SYN_NINPUTS], void *user);

/* --- names ---------------------------------------------------------------------------------- */

/* "NE", "DA", "5-HT"; "LC", "VTA", "DRN"; "NET", ..., "5-HT1B-agonist"; receptor names.
 * NULL when out of range. Cannot fail. */
RU_API const char *ru_synapse_analyte_name(ru_syn_analyte a);
RU_API const char *ru_synapse_nucleus_name(ru_syn_nucleus n);
RU_API const char *ru_synapse_input_name(ru_syn_input t);
RU_API const char *ru_synapse_receptor_name(ru_syn_receptor r);
/* Parses an input name (case-insensitive; "5HT1A", "a2", "alpha2a", "DAT-releaser" accepted). */
RU_API ru_status ru_synapse_input_parse(const char *name, ru_syn_input *out, ru_error *err);
/* Parses a receptor name for antagonists ("alpha2", "D2", "5-HT1A", "5-HT1B", "alpha1",
 * "5-HT2C") and maps it to the antagonist input. */
RU_API ru_status ru_synapse_receptor_parse(const char *name, ru_syn_input *antagonist_input,
                                           ru_error *err);

/* --- ligands named in the literature (src/synapse/ligands.c; each entry sourced) ------------- */

typedef enum ru_syn_ligand_kind {
  RU_SYN_ANTAGONIST = 0,
  RU_SYN_AGONIST = 1,
  RU_SYN_RELEASER = 2
} ru_syn_ligand_kind;

typedef struct ru_syn_ligand {
  const char *name;         /* "idazoxan", "WAY-100635", "d-amphetamine", ... */
  ru_syn_ligand_kind kind;
  ru_syn_input input;       /* the input it occupies (antagonist/agonist); releasers: the
                               releaser input of the transporter carrying it (DAT) */
  int input2;               /* a second input (ru_syn_input) or -1: d-amphetamine is carried
                               by DAT and NET */
  const char *source;       /* source key (data/sources.csv) for the pharmacology */
  const char *note;
} ru_syn_ligand;

RU_API size_t ru_synapse_ligand_count(void);
RU_API const ru_syn_ligand *ru_synapse_ligand_get(size_t i); /* NULL out of range */
/* Finds a ligand by name (case-insensitive, '-' and ' ' ignored); NULL when unknown. */
RU_API const ru_syn_ligand *ru_synapse_ligand_find(const char *name);

/* --- lifecycle ------------------------------------------------------------------------------ */

typedef struct ru_synapse ru_synapse;

/* New simulation with the built-in regions (pfc, striatum, hippocampus), every parameter read
 * from kb (domain "synapse"), no drug, wild-type expression. The kb is only read here (not
 * retained). RU_EMISSING names a parameter the KB lacks (the optional mechanisms listed in
 * docs/synapse.md are switched off instead and reported as missing); RU_ENOMEM. */
RU_API ru_status ru_synapse_new(const ru_kb *kb, ru_synapse **out, ru_error *err);
/* Deep copy (parameters, regions and inputs; not results). NULL on allocation failure. */
RU_API ru_synapse *ru_synapse_clone(const ru_synapse *s);
/* NULL-safe. */
RU_API void ru_synapse_free(ru_synapse *s);

/* Integration tolerances of the shared CVODE driver (defaults rtol 1e-7, atol 1e-9 nM; folds are
 * reported to 3-4 digits). RU_EINVAL unless both are finite and > 0. */
RU_API ru_status ru_synapse_set_tolerances(ru_synapse *s, double rtol, double atol,
                                           ru_error *err);
/* The tolerances in use (the defaults until set), so a caller changing one keeps the other.
 * Either pointer may be NULL. Cannot fail. */
RU_API void ru_synapse_get_tolerances(const ru_synapse *s, double *rtol, double *atol);

/* --- parameters ----------------------------------------------------------------------------- */

/* One model parameter as used by this simulation. */
typedef struct ru_model_param {
  const char *name;    /* KB name, e.g. "alpha2.gain_terminal" (static storage) */
  const char *domain;  /* "synapse" or "physiology" */
  const char *unit;
  const char *meaning; /* one line */
  ru_value value;      /* value (NaN when missing), status, source key */
  int optional;        /* 1: the mechanism is off when the value is missing */
} ru_model_param;

/* The citation of p's source into citation[cap] (ru_kb_source; "" when the key is unknown), or
 * why there is none: "" for a user override, "missing from the knowledge base" for a missing
 * value (with " (mechanism off)" when p is optional). Cannot fail. */
RU_API void ru_model_param_citation(const ru_kb *kb, const ru_model_param *p, char *citation,
                                    size_t cap);

RU_API size_t ru_synapse_param_count(const ru_synapse *s);
/* Row i; RU_ERANGE when out of range. */
RU_API ru_status ru_synapse_param_at(const ru_synapse *s, size_t i, ru_model_param *out,
                                     ru_error *err);
/* Overrides one parameter by KB name (sensitivity analysis, calibration); status becomes
 * RU_VALUE_USER. RU_ENOTFOUND for an unknown name, RU_ERANGE outside the parameter's range. */
RU_API ru_status ru_synapse_set_param(ru_synapse *s, const char *name, double value,
                                      ru_error *err);
RU_API double ru_synapse_get_param(const ru_synapse *s, const char *name); /* NaN if unknown */

/* --- regions -------------------------------------------------------------------------------- */

/* A region's data, all per analyte (index ru_syn_analyte). */
typedef struct ru_syn_region_spec {
  char name[RU_SYN_REGION_NAME_MAX];
  double c0_nM[RU_SYN_NANALYTES];             /* basal extracellular concentration, nM (> 0) */
  double k_per_s[RU_SYN_NANALYTES];           /* total first-order clearance at low C, 1/s */
  double share[RU_SYN_NANALYTES][RU_SYN_NTRANSPORTERS]; /* fraction of that clearance by NET,
                                                           DAT, SERT (sum <= 1; rest linear) */
  double impulse_fraction[RU_SYN_NANALYTES];  /* fraction of release that follows firing */
  /* source_mix[a][n]: fraction of analyte a's release from terminals of nucleus n (cortical
   * DA is partly co-released from LC terminals). A row of zeros means "own nucleus". */
  double source_mix[RU_SYN_NANALYTES][RU_SYN_NANALYTES];
} ru_syn_region_spec;

RU_API size_t ru_synapse_builtin_region_count(void);
RU_API const char *ru_synapse_builtin_region_name(size_t i);

/* Adds a region (copied). RU_EINVAL on a bad spec or a duplicate name; RU_ELIMIT beyond
 * RU_SYN_MAX_REGIONS. On failure the simulation is unchanged. */
RU_API ru_status ru_synapse_add_region(ru_synapse *s, const ru_syn_region_spec *spec,
                                       ru_error *err);
RU_API size_t ru_synapse_region_count(const ru_synapse *s);
RU_API const char *ru_synapse_region_name(const ru_synapse *s, size_t i);
/* Finds a region by name or alias (prefrontal, mpfc, fc -> pfc; dhpc, vhpc -> hippocampus;
 * caudate, nac -> striatum); RU_ENOTFOUND names the valid regions. */
RU_API ru_status ru_synapse_region_find(const ru_synapse *s, const char *name, size_t *idx,
                                        ru_error *err);

/* --- inputs --------------------------------------------------------------------------------- */

/* Transporter expression scaling (1 = wild type; 0.5 = heterozygous; 1.5 = +50% uptake):
 * multiplies that transporter's Vmax everywhere. The pre-drug state becomes the scenario's own
 * steady state (chronic genotype, desensitization included); folds stay relative to the
 * wild-type baseline. RU_ERANGE outside [0, 10]. */
RU_API ru_status ru_synapse_set_expression(ru_synapse *s, ru_syn_input transporter, double scale,
                                           ru_error *err);

/* Inputs held constant from time 0 (in[RU_SYN_NINPUTS]). Replaces any other input mode.
 * RU_ERANGE for a value outside [0, 1] or a releaser part above its transporter occupancy. */
RU_API ru_status ru_synapse_set_inputs_constant(ru_synapse *s, const double in[RU_SYN_NINPUTS],
                                                ru_error *err);
/* Time-varying inputs from samples: time_h[n] strictly ascending, in[n * RU_SYN_NINPUTS]
 * row-major; linear interpolation between samples (the integrator stops at each sample time),
 * held before the first and after the last. Copied. */
RU_API ru_status ru_synapse_set_inputs_samples(ru_synapse *s, const double *time_h, size_t n,
                                               const double *in, ru_error *err);
/* Time-varying inputs from a callback (not copied: user must outlive the run). */
RU_API ru_status ru_synapse_set_inputs_fn(ru_synapse *s, ru_syn_input_fn fn, void *user,
                                          ru_error *err);
/* Local (reverse-dialysis) input in one region only, overriding the systemic input for that
 * region and input; value < 0 clears it. */
RU_API ru_status ru_synapse_set_local_input(ru_synapse *s, size_t region, ru_syn_input t,
                                            double value, ru_error *err);

/* --- regimen-driven inputs (the PD hook) ---------------------------------------------------- */

/* Combines two occupancies of the same site by competitive binding (odds add: the fraction
 * bound when two ligands that alone occupy a and b compete, DESIGN.md occupancy model):
 * 1 - (1-a)(1-b)/(1-ab). Cannot fail; clamps to [0, 1]. */
RU_API double ru_synapse_combine_occupancy(double a, double b);

/* Input time course of a simulation's compounds at times_h[nt] from their total concentrations
 * conc[i*nt + j] (ng/mL, as from ru_sim_run): transporter occupancy (all ligands competing,
 * ru_pd_occupancy_series), the releaser part (compounds in the ligand table with kind
 * RU_SYN_RELEASER), and antagonism at alpha1 and 5-HT2C from the KB affinities; held[] (NULL =
 * none) is combined into every sample with ru_synapse_combine_occupancy. out[nt *
 * RU_SYN_NINPUTS]. RU_EMISSING when a binding compound lacks fu or MW. */
RU_API ru_status ru_synapse_inputs_from_sim(const ru_kb *kb, const ru_sim *sim, const double *conc,
                                            size_t nt, const double held[RU_SYN_NINPUTS],
                                            double *out, ru_error *err);

/* A regimen drives s: sim is run at times_h[nt], its inputs computed (ru_synapse_inputs_from_sim,
 * held[] combined as there) and set on s, as samples when nt > 1
 * (ru_synapse_set_inputs_samples), else constant. RU_EINVAL without times; the errors of
 * ru_sim_run, ru_synapse_inputs_from_sim and the setters. */
RU_API ru_status ru_synapse_set_inputs_from_sim(ru_synapse *s, const ru_kb *kb, ru_sim *sim,
                                                const double *times_h, size_t nt,
                                                const double held[RU_SYN_NINPUTS], ru_error *err);

/* Mean steady-state inputs of a simulation's repeated regimens over the last dosing interval:
 * ru_synapse_inputs_from_sim on the RU_PD_STEADY_POINTS grid of ru_sim_steady_profile, each
 * input averaged by ru_pd_interval_stats (held[] as there). mean[RU_SYN_NINPUTS]. Errors of
 * ru_sim_steady_profile (RU_EINVAL: no repeating regimen) and ru_synapse_inputs_from_sim. */
RU_API ru_status ru_synapse_steady_inputs(const ru_kb *kb, ru_sim *sim,
                                          const double held[RU_SYN_NINPUTS],
                                          double mean[RU_SYN_NINPUTS], ru_error *err);

/* --- held inputs by name (src/synapse/held.c) ----------------------------------------------- */

/* The acute response to held inputs (DESIGN.md): 3 h, the default run of the synapse command and
 * how long physiology's held inputs act (RU_PHYSIO_ACUTE_H). */
#define RU_SYN_ACUTE_H 3.0
/* RU_SYN_ACUTE_H for callers without the header's macros (bindings). Cannot fail. */
RU_API double ru_synapse_acute_h(void);

/* What a NAME in an assignment NAME=x names, and what x is. */
typedef enum ru_syn_hold_kind {
  RU_SYN_HOLD_OCCUPANCY = 0,  /* any input by name (ru_synapse_input_parse): NET, alpha2, ... */
  RU_SYN_HOLD_RELEASER = 1,   /* a releaser of the ligand table, or a transporter */
  RU_SYN_HOLD_ANTAGONIST = 2, /* an antagonist of the ligand table, or a receptor */
  RU_SYN_HOLD_AGONIST = 3,    /* an agonist of the ligand table, or an autoreceptor (alpha2, D2,
                                 5-HT1A, 5-HT1B): its agonist input */
  RU_SYN_HOLD_EXPRESSION = 4  /* a transporter; x is its expression (fold of wild type) */
} ru_syn_hold_kind;

/* The input(s) NAME sets in an assignment of this kind: inputs[0], and inputs[1] or -1. For a
 * releaser these are the transporters carrying it (d-amphetamine: DAT and NET); for expression
 * the transporter. RU_ENOTFOUND "unknown <what the kind accepts> 'NAME'"; RU_EINVAL. */
RU_API ru_status ru_synapse_hold_target(ru_syn_hold_kind kind, const char *name, int inputs[2],
                                        ru_error *err);
/* Largest value of an assignment of this kind (values start at 0): 1 for the occupancies,
 * RU_SYN_EXPRESSION_MAX for expression. Cannot fail. */
RU_API double ru_synapse_hold_max(ru_syn_hold_kind kind);
/* Applies NAME=value to vals: in[RU_SYN_NINPUTS] for the occupancy kinds (as
 * ru_synapse_set_inputs_constant takes them), expression[RU_SYN_NTRANSPORTERS] for
 * RU_SYN_HOLD_EXPRESSION. The value replaces the input's, except for a releaser: it occupies
 * each transporter carrying it combined with what is held there (ru_synapse_combine_occupancy),
 * and that transporter's releaser part grows by value, capped at the transporter occupancy.
 * Errors of ru_synapse_hold_target; RU_ERANGE outside [0, ru_synapse_hold_max(kind)]; vals is
 * unchanged on failure. */
RU_API ru_status ru_synapse_hold(ru_syn_hold_kind kind, const char *name, double value,
                                 double *vals, ru_error *err);
/* Sets the expression[RU_SYN_NTRANSPORTERS] entry of a named genotype (case-insensitive):
 * SERT+/- (SERT-het) and DAT-overexpression (DAT-tg) from the KB parameters
 * expression.sert_heterozygous and expression.dat_overexpression of s; SERT-/- (SERT-KO) 0.
 * RU_ENOTFOUND names the genotypes; RU_EINVAL. */
RU_API ru_status ru_synapse_genotype_expression(const ru_synapse *s, const char *genotype,
                                                double expression[RU_SYN_NTRANSPORTERS],
                                                ru_error *err);

/* --- run and results ------------------------------------------------------------------------ */

/* Integrates from the pre-drug steady state at t = 0 and records the state at times_h[nt]
 * (ascending, >= 0). Replaces earlier results. RU_EINVAL for bad times, RU_ERANGE for invalid
 * parameters, RU_ESOLVER when CVODE fails or the input callback aborts, RU_ENOMEM. */
RU_API ru_status ru_synapse_run(ru_synapse *s, const double *times_h, size_t nt, ru_error *err);

/* Results of the last successful run (NaN when out of range or no run yet). k indexes times. */
RU_API size_t ru_synapse_result_count(const ru_synapse *s);
RU_API double ru_synapse_result_time(const ru_synapse *s, size_t k);
/* Extracellular concentration as fold of the wild-type drug-free baseline, and in nM. */
RU_API double ru_synapse_fold(const ru_synapse *s, size_t k, size_t region, ru_syn_analyte a);
RU_API double ru_synapse_conc_nM(const ru_synapse *s, size_t k, size_t region, ru_syn_analyte a);
/* Firing rate of a source nucleus in Hz, and as fold of the wild-type baseline. */
RU_API double ru_synapse_firing_hz(const ru_synapse *s, size_t k, ru_syn_nucleus n);
RU_API double ru_synapse_firing_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n);
/* Somatodendritic (nucleus) extracellular concentration of its own transmitter, fold of
 * baseline (LC NE, VTA DA, raphe 5-HT). */
RU_API double ru_synapse_soma_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n);
/* Autoreceptor sensitivity (1 = naive; 0.25 = agonist EC50 raised 4-fold): somatodendritic
 * receptors ignore region; terminal receptors are per region. */
RU_API double ru_synapse_sensitivity(const ru_synapse *s, size_t k, ru_syn_receptor r,
                                     size_t region);

#ifdef __cplusplus
}
#endif
#endif /* RU_SYNAPSE_H */
