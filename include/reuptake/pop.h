/* Virtual populations: many subjects of one regimen with inter-individual variability (IIV) and
 * CYP2D6 phenotypes drawn by ancestry, summarised by streaming statistics (no trajectory is
 * stored), on one process or sharded over MPI ranks with bitwise-identical results.
 *
 * Model (docs/population.md):
 *   - per subject and compound, CL/F, V/F and ka are multiplied by exp(sigma z), z ~ N(0,1),
 *     sigma = sqrt(log(1 + CV^2)) (log-normal with the stated CV). The CV is read from the
 *     knowledge base (domain "variability", name "<compound>.<key>", with its source) or is
 *     the stated default (RU_POP_DEFAULT_CV_*), reported as "default, not sourced". No
 *     covariance between parameters (none is in the knowledge base) and no covariates
 *     (weight, sex, smoking: no sourced effect in the knowledge base).
 *   - the CYP2D6 phenotype (PM/IM/NM/UM) is drawn from the knowledge base's frequencies for
 *     the ancestry and applied as enzyme activity (ru_kb_phenotype_activity).
 *   - likewise the CYP2C19 phenotype (PM/IM/NM/RM/UM), independently of CYP2D6, when the KB has
 *     CYP2C19 frequencies for the ancestry and cfg->phenotypes fixes no CYP2C19 phenotype. A
 *     phenotype without a KB activity (RM) is simulated as NM (ru_pop_cyp2c19_activity flags it).
 *   - random numbers are counter-based (Random123 philox4x64-10, key = (seed, subject index),
 *     counter = (purpose, draw index)), so a subject's draws do not depend on which rank,
 *     thread or order computes it.
 * Summaries (ru_pop_summary) hold only integers (histogram counts, fixed-point sums) plus
 * exact minima/maxima, so merging is exact and associative: any split of the subjects over
 * ranks or calls gives bitwise the same summary.
 *
 * An ru_pop is not thread-safe (it reuses per-subject workspaces); give each thread its own.
 * MPI helpers (ru_pop_mpi_*) work in builds without MPI as a single rank. */
#ifndef RU_POP_H
#define RU_POP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "reuptake/kb.h"
#include "reuptake/regimen.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stated default IIV (coefficient of variation) where the knowledge base has none: typical
 * magnitudes of popPK models of oral small molecules, NOT sourced for any drug; every output
 * says so per compound and key. */
#define RU_POP_DEFAULT_CV_CL 0.30
#define RU_POP_DEFAULT_CV_V 0.20
#define RU_POP_DEFAULT_CV_KA 0.30
#define RU_POP_DEFAULT_ANCESTRY "european"
#define RU_POP_DEFAULT_THRESHOLD 0.8  /* default attainment: each banded transporter >= 0.8 */
#define RU_POP_MAX_TARGETS 8
#define RU_POP_MAX_CRITERIA 16
#define RU_POP_MAX_PERCENTILES 16 /* percentile bands one run reports */
#define RU_POP_MAX_PHENOTYPES 4
#define RU_POP_MAX_CYP2C19 5 /* PM, IM, NM, RM, UM */
#define RU_POP_MAX_SUBJECTS 2000000000ULL /* fixed-point sums stay exact up to 2^31 subjects */
#define RU_POP_BLOCK 1024ULL              /* shards are whole blocks of this many subjects */
#define RU_POP_DEFAULT_LANES 8            /* hybrid lanes of the general path */

typedef struct ru_pop ru_pop;
typedef struct ru_pop_summary ru_pop_summary;

/* A target-attainment criterion: occupancy of target >= threshold (at_least 1) or <= (0). */
typedef struct ru_pop_criterion {
  char target[RU_NAME_MAX];
  double threshold; /* fraction 0..1 */
  int at_least;     /* 1: >=, 0: <= */
} ru_pop_criterion;

/* Parses "TARGET>=FRACTION" or "TARGET<=FRACTION" (e.g. "SERT>=0.8"; the target is not checked
 * here, ru_pop_new does): RU_EPARSE without a comparison or a target (or a target name of
 * RU_NAME_MAX or more characters), RU_ERANGE when the threshold is not a plain decimal in [0, 1].
 * The message does not repeat spec (the caller names its option and the text). out is written
 * only on success. */
RU_API ru_status ru_pop_criterion_parse(const char *spec, ru_pop_criterion *out, ru_error *err);

/* Parses a comma-separated list of percentiles (e.g. "5,50,95"; empty items are skipped) into
 * pct[0..*n): each a plain decimal in (0, 100), increasing, at most RU_POP_MAX_PERCENTILES.
 * Checked item by item, the first failure reported: RU_EPARSE for an item that is not a number
 * and RU_ERANGE for one outside (0, 100) (the message quotes the item), RU_ERANGE when an item is
 * not above the one before, RU_EINVAL for a list with no values or too many. The message does
 * not repeat spec (the caller names its option). pct and *n are written only on success. */
RU_API ru_status ru_pop_percentiles_parse(const char *spec, double pct[RU_POP_MAX_PERCENTILES], size_t *n,
                                          ru_error *err);

typedef struct ru_pop_config {
  uint64_t seed;
  const char *ancestry;             /* NULL: RU_POP_DEFAULT_ANCESTRY */
  const double *times_h;            /* output grid, ascending, copied; required */
  size_t nt;
  const char *const *targets;       /* occupancy bands; NULL: the transporters (SERT, NET, DAT)
                                     * that some compound present binds; non-NULL with
                                     * ntargets 0: no occupancy bands */
  size_t ntargets;
  const ru_pop_criterion *criteria; /* NULL: each banded transporter >= RU_POP_DEFAULT_THRESHOLD */
  size_t ncriteria;
  const char *const *overrides;     /* "COMPOUND.KEY=VALUE" for every subject (as --set) */
  size_t noverrides;
  const char *const *phenotypes;    /* fixed phenotypes of other genes ("CYP2C19=PM");
                                     * CYP2D6 is drawn and may not be given */
  size_t nphenotypes;
  double cv_cl, cv_v, cv_ka;        /* defaults where the KB has none (init: RU_POP_DEFAULT_CV_*) */
  int force_general;                /* 1: never use the closed-form fixed-step fast path nor the
                                     * hybrid batch: ru_sim_run per subject (the reference) */
  size_t lanes;                     /* subjects per hybrid solve on the general path (0:
                                     * RU_POP_DEFAULT_LANES); the numbers do not depend on it */
} ru_pop_config;

/* Sets every field to its default (seed 1, defaults above, everything else NULL/0). */
RU_API void ru_pop_config_init(ru_pop_config *cfg);

/* --- lifecycle --------------------------------------------------------------------------- */

/* Builds a population of regimen r (copied) reading kb (borrowed; must outlive the ru_pop).
 * Errors: unknown ancestry RU_ENOTFOUND naming the known ones; CYP2D6 in cfg->phenotypes, bad
 * grid or criteria RU_EINVAL; model errors as ru_sim_prepare. */
RU_API ru_status ru_pop_new(const ru_kb *kb, const ru_regimen *r, const ru_pop_config *cfg,
                            ru_pop **out, ru_error *err);
RU_API void ru_pop_free(ru_pop *p); /* NULL-safe */

/* Ancestries with CYP2D6 frequencies in kb, alphabetical: names[i] (up to max); *n = count. */
RU_API ru_status ru_pop_ancestries(const ru_kb *kb, char (*names)[RU_NAME_MAX], size_t max,
                                   size_t *n, ru_error *err);

/* --- description (valid for the life of p) ------------------------------------------------ */

RU_API size_t ru_pop_nt(const ru_pop *p);
RU_API const double *ru_pop_times(const ru_pop *p);
RU_API const char *ru_pop_ancestry(const ru_pop *p);
RU_API uint64_t ru_pop_seed(const ru_pop *p);
/* 1 when subjects run on the closed-form fixed-step propagator, 0 otherwise. */
RU_API int ru_pop_fast_path(const ru_pop *p);
/* The engine: "closed-form fixed-step propagator" (linear subject, regular grid), "hybrid solver
 * (SIMD lanes)" (any other subject: several subjects per solve) or "ru_sim_run" (force_general). */
RU_API const char *ru_pop_engine(const ru_pop *p);
/* Subjects per hybrid solve (1 on the other engines). */
RU_API size_t ru_pop_lanes(const ru_pop *p);

/* Compounds (parents and metabolites) in simulation order. */
RU_API size_t ru_pop_compound_count(const ru_pop *p);
RU_API const char *ru_pop_compound_name(const ru_pop *p, size_t i);

/* Bands: one per compound (total concentration, ng/mL), then one per target (occupancy). */
typedef struct ru_pop_band_info {
  const char *name;     /* compound or target */
  int is_target;        /* 1: occupancy of a target, 0: concentration of a compound */
  const char *quantity; /* "total" or "occupancy" */
  const char *unit;     /* "ng/mL" or "fraction" */
  double resolution;    /* histogram bin width: relative (concentration) or absolute */
} ru_pop_band_info;
RU_API size_t ru_pop_band_count(const ru_pop *p);
RU_API ru_status ru_pop_band(const ru_pop *p, size_t b, ru_pop_band_info *out, ru_error *err);

/* The criteria of the run (cfg->criteria, or the default ones). The entries are one array, valid
 * for the life of p: ru_pop_criterion_at(p, 0) + k is criterion k (NULL when there are none). */
RU_API size_t ru_pop_criterion_count(const ru_pop *p);
RU_API const ru_pop_criterion *ru_pop_criterion_at(const ru_pop *p, size_t k);

/* CYP2D6 phenotype groups: name ("PM", ...), frequency drawn from, activity applied. */
RU_API size_t ru_pop_phenotype_count(const ru_pop *p);
RU_API const char *ru_pop_phenotype_name(const ru_pop *p, size_t g);
RU_API double ru_pop_phenotype_frequency(const ru_pop *p, size_t g);
/* CYP2C19 phenotype groups drawn (count 0: not drawn — no frequencies for the ancestry, or a
 * fixed CYP2C19 phenotype given): name, frequency drawn from, activity applied (*as_nm, when
 * non-NULL, set to 1 when the KB has no activity for it and the NM activity is used). */
RU_API size_t ru_pop_cyp2c19_count(const ru_pop *p);
RU_API const char *ru_pop_cyp2c19_name(const ru_pop *p, size_t h);
RU_API double ru_pop_cyp2c19_frequency(const ru_pop *p, size_t h);
RU_API double ru_pop_cyp2c19_activity(const ru_pop *p, size_t h, int *as_nm);

/* The variability applied: one row per (compound, key). source "" = stated default. The rows
 * are one array, valid for the life of p: ru_pop_variability_at(p, 0) + i is row i. */
typedef struct ru_pop_variability {
  char compound[RU_NAME_MAX];
  char key[32];   /* cl_f_l_per_h, v_f_l or ka_per_h */
  double cv;      /* coefficient of variation (log-normal) */
  char source[RU_SOURCE_MAX];
  int sourced;    /* 1: from the knowledge base, 0: stated default */
} ru_pop_variability;
RU_API size_t ru_pop_variability_count(const ru_pop *p);
RU_API const ru_pop_variability *ru_pop_variability_at(const ru_pop *p, size_t i);

/* The end-of-run exposure window: [t_end - tau, t_end] with tau the longest dosing interval
 * (or the whole grid for single doses). AUC by the trapezoidal rule on the grid. */
RU_API double ru_pop_window_h(const ru_pop *p);

/* --- subjects --------------------------------------------------------------------------- */

/* One subject: its draws and (optionally) its trajectories. */
typedef struct ru_pop_subject {
  uint64_t index;
  size_t phenotype;             /* CYP2D6 group index (ru_pop_phenotype_name) */
  size_t cyp2c19;               /* CYP2C19 group index (ru_pop_cyp2c19_name); 0 when not drawn */
  size_t nfactor;               /* 3 * ru_pop_compound_count */
  const double *factor;         /* multipliers: compound i, key k (0 CL, 1 V, 2 ka) at [3i+k];
                                 * owned by the ru_pop, valid until its next run or subject call */
} ru_pop_subject;

/* Computes subject `index` alone: draws into *subj; conc[i*nt + j] (ng/mL, compound i) and
 * occ[b*nt + j] (target band b, fraction) when non-NULL. Same numbers as within any run. */
RU_API ru_status ru_pop_subject_run(ru_pop *p, uint64_t index, ru_pop_subject *subj,
                                    double *conc, double *occ, ru_error *err);

/* Called for each subject of ru_pop_run (when set) with its trajectories (valid during the call). */
typedef void (*ru_pop_observer_fn)(const ru_pop_subject *subj, const double *conc,
                                   const double *occ, void *user);
RU_API void ru_pop_set_observer(ru_pop *p, ru_pop_observer_fn fn, void *user);

/* Progress callback: done of total subjects of this call. */
typedef void (*ru_pop_progress_fn)(uint64_t done, uint64_t total, void *user);

/* --- summaries ---------------------------------------------------------------------------- */

RU_API ru_status ru_pop_summary_new(const ru_pop *p, ru_pop_summary **out, ru_error *err);
RU_API void ru_pop_summary_free(ru_pop_summary *s); /* NULL-safe */
/* Bytes held by a summary: depends on the grid, bands and phenotypes, never on subjects. */
RU_API size_t ru_pop_summary_bytes(const ru_pop_summary *s);
RU_API uint64_t ru_pop_summary_subjects(const ru_pop_summary *s);
/* dst += src, exact (integer sums, min/max). Shapes must match (RU_EINVAL). */
RU_API ru_status ru_pop_summary_merge(ru_pop_summary *dst, const ru_pop_summary *src,
                                      ru_error *err);
/* 1 when a and b hold bitwise the same statistics. */
RU_API int ru_pop_summary_equal(const ru_pop_summary *a, const ru_pop_summary *b);

/* Runs subjects [first, first + count) into sum. cancel (may be NULL) is read between tiles of
 * 32 subjects: when it becomes non-zero the call returns RU_EINTERRUPTED (sum then holds a
 * partial count and must not be reported). progress (may be NULL) is called about every RU_POP_BLOCK subjects. */
RU_API ru_status ru_pop_run(ru_pop *p, uint64_t first, uint64_t count, ru_pop_summary *sum,
                            const volatile sig_atomic_t *cancel, ru_pop_progress_fn progress,
                            void *user, ru_error *err);

/* Percentile q (0..100) of band b at time index j, interpolated linearly within the histogram
 * bin and clamped to the exact min/max. NaN when the summary is empty. */
RU_API double ru_pop_band_percentile(const ru_pop *p, const ru_pop_summary *s, size_t b,
                                     size_t j, double q);
/* Fraction of subjects meeting criterion k at time index j; and over the whole end window
 * (every grid point of ru_pop_window_h: the steady-state trough for >= criteria). */
RU_API double ru_pop_attainment(const ru_pop *p, const ru_pop_summary *s, size_t k, size_t j);
RU_API double ru_pop_attainment_final(const ru_pop *p, const ru_pop_summary *s, size_t k);

/* Exposure of compound i over the end window among subjects of phenotype group g. */
typedef struct ru_pop_exposure {
  uint64_t n;             /* subjects in the group */
  double auc_mean;        /* ng*h/mL, exact fixed-point mean (resolution 2^-32) */
  double cavg_mean;       /* ng/mL = auc / window */
  double auc_p5, auc_p50, auc_p95;
} ru_pop_exposure;
RU_API ru_status ru_pop_exposure_by_phenotype(const ru_pop *p, const ru_pop_summary *s, size_t g,
                                              size_t i, ru_pop_exposure *out, ru_error *err);
/* Percentile q of AUC of compound i in group g (NaN when the group is empty). */
RU_API double ru_pop_exposure_percentile(const ru_pop *p, const ru_pop_summary *s, size_t g,
                                         size_t i, double q);

/* Percentile q of the average concentration over the end window (ng/mL) of compound i in group
 * g: ru_pop_exposure_percentile over ru_pop_window_h (NaN when the group is empty or the window
 * has no length). */
RU_API double ru_pop_cavg_percentile(const ru_pop *p, const ru_pop_summary *s, size_t g, size_t i,
                                     double q);

/* The model's fixed statements (src/pop/notes.c), part of every result: the JSON "covariance",
 * "covariates" and "attainment_final_definition". Static strings; cannot fail. */
RU_API const char *ru_pop_covariance_note(void);
RU_API const char *ru_pop_covariate_note(void);
RU_API const char *ru_pop_final_note(void);

/* --- the plot (src/pop/plot.c) ----------------------------------------------------------------- */

/* Draws the summary into path (.png, .svg or .pdf, by ru_plot_panels; written atomically):
 * stacked panels on the time axis (days beyond 72 h) of the median and 5-95 % band of each
 * compound's total concentration, the same of each target's occupancy, the probability of each
 * target-attainment criterion, and the end-window Cavg of the first compound by CYP2D6 phenotype.
 * The CLI's --plot (docs/population.md). */
RU_API ru_status ru_pop_plot(const ru_pop *p, const ru_pop_summary *s, const char *path, ru_error *err);

/* --- the default grid (src/pop/grid.c) ----------------------------------------------------------- */

#define RU_POP_DEFAULT_DAYS 28.0   /* default horizon of a population run */
#define RU_POP_HOURLY_MAX_H 2000.0 /* hourly output up to this horizon, 2000 intervals beyond */
/* The default horizon (h) and output step (h) for a horizon (NaN for a horizon that is not
 * finite and > 0). Cannot fail. */
RU_API double ru_pop_default_horizon_h(void);
RU_API double ru_pop_default_step_h(double horizon_h);

/* --- sharding and MPI ----------------------------------------------------------------------- */

/* The subjects of rank of size: whole RU_POP_BLOCK blocks, contiguous, balanced. Cannot fail. */
RU_API void ru_pop_shard(uint64_t n, int rank, int size, uint64_t *first, uint64_t *count);

/* 1 when built with MPI. */
RU_API int ru_pop_mpi_available(void);
/* Initialises MPI only when launched by an MPI launcher (OMPI_COMM_WORLD_SIZE, PMI_SIZE or
 * PMIX_RANK set); otherwise rank 0 of 1 without touching MPI. */
RU_API ru_status ru_pop_mpi_init(int *rank, int *size, ru_error *err);
/* Finalises MPI if ru_pop_mpi_init initialised it. */
RU_API void ru_pop_mpi_finalize(void);
/* 1 when started by an MPI launcher (mpirun / srun), whatever the rank count. */
RU_API int ru_pop_mpi_launched(void);
/* Aborts every rank of the job (MPI_Abort with code) when MPI runs with more than one rank;
 * otherwise returns (the caller then exits normally). For a rank that fails before a
 * collective the others are waiting in: returning instead would leave them blocked. */
RU_API void ru_pop_mpi_abort(int code);
/* Maximum of flag over all ranks (collective; flag itself with one rank). */
RU_API int ru_pop_mpi_max(int flag);
/* Sums every rank's summary into root's (collective, exact: integer sums and min/max). */
RU_API ru_status ru_pop_mpi_reduce(ru_pop_summary *s, int root, ru_error *err);

#ifdef __cplusplus
}
#endif
#endif /* RU_POP_H */
