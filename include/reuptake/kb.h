/* The knowledge base: compounds, affinities, PK parameters, enzymes, metabolites, phenotypes,
 * model parameters and the sources every number cites.
 *
 * The source of truth is sourced CSV text in data/; the build compiles it into SQLite and
 * embeds the database in the library, which opens it read-only (ru_kb_open(NULL,...)).
 * ru_kb_open(path) opens another database built by ru_kb_import; ru_kb_load_user adds or
 * overrides compounds from a user CSV (same columns as data/pk.csv etc.).
 *
 * Threads: one handle may serve simulations running on several threads at once (every query
 * prepares and finalizes its own statement on a connection SQLite serializes; ru_kb_open checks
 * that SQLite is thread-safe). ru_kb_load_user changes the handle and must not run while another
 * thread uses it; ru_kb_free only after every simulation on it is freed.
 *
 * A value the KB does not hold is never invented: ru_value.value is NaN and the caller reports
 * it as missing (RU_EMISSING). Every value carries its source key; ru_kb_source resolves it. */
#ifndef RU_KB_H
#define RU_KB_H

#include <stddef.h>

#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RU_NAME_MAX 64     /* compound, target, enzyme names (with NUL) */
#define RU_SOURCE_MAX 64   /* source keys */
/* Capacity limits. Every query that could receive more rows than these fails with RU_ELIMIT
 * naming the limit (never drops rows silently). The KB needs 10 elimination pathways (six CYPs,
 * UGT, CES1, renal, other) and up to 4 metabolites (bupropion); the limits leave headroom. */
#ifndef RU_MAX_FM
#define RU_MAX_FM 16       /* elimination-pathway fractions per compound */
#endif
#ifndef RU_MAX_METABOLITES
#define RU_MAX_METABOLITES 8 /* metabolites formed per compound */
#endif
#define RU_INCOMPLETE_MAX 256 /* reason a compound cannot be simulated */

typedef struct ru_kb ru_kb;

/* How a value came to be. */
typedef enum ru_value_status {
  RU_VALUE_MISSING = 0,
  RU_VALUE_PRIMARY,     /* read from a primary publication or label */
  RU_VALUE_SECONDARY,   /* read from a secondary copy (review, database, mirror) */
  RU_VALUE_DERIVED,     /* computed by a stated rule from sourced inputs */
  RU_VALUE_CALIBRATED,  /* fitted on calibration_* validation rows */
  RU_VALUE_USER,        /* user override (--set or user file) */
} ru_value_status;

/* The status as the knowledge base writes it: "primary", "secondary", "derived", "calibrated",
 * "user", or "missing" (also for a value outside the enum). Static storage; cannot fail. */
RU_API const char *ru_value_status_name(ru_value_status st);

/* A number with provenance. value is NaN when missing. */
typedef struct ru_value {
  double value;
  char source[RU_SOURCE_MAX];  /* key into the sources table ("" when missing) */
  ru_value_status status;
} ru_value;

/* PK parameters with the DESIGN.md keys. Apparent values (divided by F) where F is unknown.
 * model: 1, 2 or 3 compartments. Q/Vp are the first peripheral, q2/vp2 the second. */
typedef struct ru_pk_params {
  int model;
  ru_value f, ka_per_h, tlag_h, cl_f_l_per_h, v_f_l, q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l;
  ru_value fu, half_life_h;
  ru_value kpuu_brain;        /* brain exposure: unbound brain interstitial / unbound plasma
                                 (ratio) at steady state; missing -> the pd layer's stated
                                 default, flagged (ru_pd_kpuu_brain) */
  /* Inputs of a physiological oral route (issue 10); NaN when not sourced. Not used by the
   * apparent (CL/F, V/F) model. bp: blood:plasma concentration ratio; cl_iv_l_per_h: systemic
   * (IV) plasma clearance; fa: fraction absorbed; fg: fraction escaping gut-wall metabolism. */
  ru_value bp, cl_iv_l_per_h, fa, fg;
  /* Elimination pathways (fm.<PATHWAY> rows): CYPs, UGT, CES1, renal (unchanged in urine), ...
   * "other" is never listed here: it is the remainder 1 - sum(fm), reported in fm_other. */
  size_t n_fm;
  struct {
    char enzyme[RU_NAME_MAX]; /* "CYP2D6", "UGT", "renal", ... */
    ru_value fm;              /* fraction of total clearance (NM phenotype) by that pathway */
  } fm[RU_MAX_FM];
  ru_value fm_other;          /* the sourced fm.other row (documentation; NaN when absent) */
  size_t n_km;
  struct {
    char enzyme[RU_NAME_MAX];
    ru_value km_um;           /* Michaelis constant of that enzyme's pathway, unbound uM:
                                 the pathway saturates as CL_e / (1 + Cu/Km) */
  } km[RU_MAX_FM];
} ru_pk_params;

/* A metabolite formed from its parent's clearance: fraction_formed of the clearance through
 * `enzyme` ("" = of total clearance) becomes this metabolite. */
typedef struct ru_formation {
  char metabolite[RU_NAME_MAX];
  char enzyme[RU_NAME_MAX];
  ru_value fraction_formed;
} ru_formation;

typedef struct ru_compound {
  char name[RU_NAME_MAX];        /* canonical, lower case */
  char drug_class[RU_NAME_MAX];  /* SSRI, SNRI, NRI, NDRI, TCA, ... */
  char kind[16];                 /* "drug" or "metabolite" */
  char parent[RU_NAME_MAX];      /* for metabolites, "" otherwise */
  ru_value mw_g_per_mol;
  ru_pk_params pk;
  size_t n_formations;           /* metabolites this compound forms */
  ru_formation formations[RU_MAX_METABOLITES];
  char incomplete[RU_INCOMPLETE_MAX]; /* "" or why the compound cannot be simulated */
} ru_compound;

/* One enzyme-inhibition constant set of a perpetrator. Units: ki_um, ki_inact_um in umol/L
 * (unbound), kinact_per_h in 1/h. Mechanism: competitive, or mechanism-based (time-dependent). */
typedef enum ru_inhibition_kind { RU_INHIB_COMPETITIVE = 1, RU_INHIB_MECHANISM_BASED = 2 } ru_inhibition_kind;
typedef struct ru_inhibition {
  char perpetrator[RU_NAME_MAX];
  char enzyme[RU_NAME_MAX];
  ru_inhibition_kind kind;
  ru_value ki_um;        /* competitive Ki, unbound: the measured Ki x fu,mic where fu,mic is
                            stated, sourced or derived (cyp_inhibition.csv fu_mic) */
  double ki_measured_um; /* the Ki as measured (total in the incubation), NaN for MBI rows */
  double fu_mic;         /* unbound fraction in the incubation applied (1 when not known) */
  ru_value ki_inact_um;  /* mechanism-based KI */
  ru_value kinact_per_h; /* mechanism-based kinact */
} ru_inhibition;

/* --- open / close ------------------------------------------------------------------------ */

/* Opens the knowledge base read-only: path NULL = the one embedded in the library. */
RU_API ru_status ru_kb_open(const char *path, ru_kb **out, ru_error *err);
/* NULL-safe. */
RU_API void ru_kb_free(ru_kb *kb);
/* Adds or overrides compounds from a user CSV file (see docs/user-compounds.md). */
RU_API ru_status ru_kb_load_user(ru_kb *kb, const char *csv_path, ru_error *err);

/* Builds an SQLite knowledge base at db_path from the sourced CSV tables in data_dir.
 * Malformed rows fail with RU_EDATA naming file, line and field. */
RU_API ru_status ru_kb_import(const char *data_dir, const char *db_path, ru_error *err);

/* --- compounds ----------------------------------------------------------------------------- */

/* Resolves a user-typed name (any case, brand name, synonym) to the canonical compound name.
 * Unknown: RU_ENOTFOUND with "unknown compound 'x' (did you mean 'y'?)". */
RU_API ru_status ru_kb_resolve(const ru_kb *kb, const char *name, char canonical[RU_NAME_MAX],
                               ru_error *err);
/* Fills out with the compound's model values (the rows the model uses). A compound marked
 * incomplete in compounds.csv fails with RU_EMISSING and its reason (one line); more pathway or
 * formation rows than RU_MAX_FM / RU_MAX_METABOLITES fail with RU_ELIMIT. */
RU_API ru_status ru_kb_compound(const ru_kb *kb, const char *name, ru_compound *out, ru_error *err);
/* As ru_kb_compound, but also returns an incomplete compound (out->incomplete holds the reason):
 * for reports (drugs show, kb check). */
RU_API ru_status ru_kb_compound_info(const ru_kb *kb, const char *name, ru_compound *out,
                                     ru_error *err);
/* Number of compounds and the i-th canonical name (alphabetical). */
RU_API size_t ru_kb_compound_count(const ru_kb *kb);
RU_API const char *ru_kb_compound_name(const ru_kb *kb, size_t i);
/* Class ("SSRI", "SNRI", ...) of the i-th compound (same order), or NULL. Owned by kb. */
RU_API const char *ru_kb_compound_class(const ru_kb *kb, size_t i);
/* Compounds whose name, brand name/synonym or class contains text (case-insensitive): indices for
 * ru_kb_compound_name, alphabetical, in idx; *n receives the count. More than max: RU_ELIMIT. */
RU_API ru_status ru_kb_search(const ru_kb *kb, const char *text, size_t *idx, size_t max, size_t *n,
                              ru_error *err);

/* --- affinities ---------------------------------------------------------------------------- */

/* The in-vitro affinity the model uses for (compound, target), in nM, or NaN if none.
 * Targets: SERT, NET, DAT, H1, M1 (muscarinic), alpha1, 5-HT2A, 5-HT2C. */
RU_API ru_status ru_kb_affinity(const ru_kb *kb, const char *compound, const char *target,
                                ru_value *ki_nm, ru_error *err);
/* The known targets (NULL-terminated static list). Cannot fail. */
RU_API const char *const *ru_kb_targets(void);
/* In-vitro -> in-vivo scaling factor for a target (multiplies Ki); value 1 with status
 * MISSING when not calibrated. */
RU_API ru_status ru_kb_scaling(const ru_kb *kb, const char *target, ru_value *factor, ru_error *err);

/* --- enzymes, inhibition, phenotypes -------------------------------------------------------------- */

/* All inhibition constants of perpetrator; *n receives the count. More than max rows:
 * RU_ELIMIT (nothing is dropped). out == NULL (max 0): only counts, so the caller can size the
 * array. */
RU_API ru_status ru_kb_inhibitions(const ru_kb *kb, const char *perpetrator, ru_inhibition *out,
                                   size_t max, size_t *n, ru_error *err);
/* 1 when cyp_inhibition.csv holds an in-vivo observation (no constant) of perpetrator acting on
 * enzyme; its source key goes to source (may be NULL). 0 otherwise or on error. */
RU_API int ru_kb_inhibition_observed(const ru_kb *kb, const char *perpetrator, const char *enzyme,
                                     char *source, size_t cap);
/* Enzyme degradation rate constant kdeg (1/h) in the liver, for mechanism-based inhibition
 * turnover. */
RU_API ru_status ru_kb_enzyme_kdeg(const ru_kb *kb, const char *enzyme, ru_value *kdeg_per_h,
                                   ru_error *err);
/* kdeg (1/h) of an enzyme at a site: "liver" or "intestine" (enzymes.csv `site`). */
RU_API ru_status ru_kb_enzyme_kdeg_at(const ru_kb *kb, const char *enzyme, const char *site,
                                      ru_value *kdeg_per_h, ru_error *err);
/* Activity relative to the normal metabolizer for a phenotype of gene ("PM", "IM", "NM", "RM",
 * "UM": those with a phenotypes row); CYP2D6 also takes an activity score "AS=1.5" (-> AS/2). */
RU_API ru_status ru_kb_phenotype_activity(const ru_kb *kb, const char *gene, const char *phenotype,
                                          ru_value *activity, ru_error *err);
/* Frequencies of phenotypes of gene in ancestry; phenotypes[i] (static strings) and freq[i].
 * More phenotypes than max: RU_ELIMIT. */
RU_API ru_status ru_kb_phenotype_frequencies(const ru_kb *kb, const char *gene,
                                             const char *ancestry, const char **phenotypes,
                                             double *freq, size_t max, size_t *n, ru_error *err);

/* --- model parameters (synapse, physiology, variability) ------------------------------------- */

/* A named model parameter of a domain ("synapse", "physiology", "variability", ...). */
RU_API ru_status ru_kb_param(const ru_kb *kb, const char *domain, const char *name, ru_value *out,
                             ru_error *err);

/* --- sources ---------------------------------------------------------------------------------- */

/* Full citation (and where it was read) for a source key. */
RU_API ru_status ru_kb_source(const ru_kb *kb, const char *key, char *citation, size_t cap,
                              ru_error *err);

/* --- reporting (drugs show, kb check) -------------------------------------------------------- */

/* JSON text of a compound per DESIGN.md `drugs show` (every value with its citation; derived,
 * secondary and conflicting values marked). Caller frees with ru_free. */
RU_API ru_status ru_kb_compound_json(const ru_kb *kb, const char *name, char **json, ru_error *err);
/* Integrity check: sources resolve, units known, no duplicate keys, fractions in [0,1],
 * metabolites point to parents. Writes a human report (and coverage) to *report (ru_free).
 * *violations receives the number of violations. */
RU_API ru_status ru_kb_check(const ru_kb *kb, char **report, size_t *violations, ru_error *err);
/* The same check as JSON (kb check --format json): {"violations", "weak_sources_used",
 * "missing_model_values", "compounds":[{"name", "kind", "incomplete", "fm_sum",
 * "values":[{"key","value","status","source","source_quality","weak"}], "pathways":{PATHWAY:
 * {"fm" | null, "status", "absent_reason"}}}], "violation_list":[...]}. Caller frees (ru_free). */
RU_API ru_status ru_kb_check_json(const ru_kb *kb, char **json, size_t *violations, ru_error *err);
/* Why a source is weak (encyclopedia, vendor or AI page, "as summarized", unnamed authors, a
 * placeholder key or a path as citation), or NULL when it is not. Static string. */
RU_API const char *ru_kb_source_weakness(const ru_kb *kb, const char *key);
/* The elimination pathways every compound is checked against (NULL-terminated static list):
 * CYP1A2, CYP2B6, CYP2C9, CYP2C19, CYP2D6, CYP3A4, UGT, CES1, renal, other. */
RU_API const char *const *ru_kb_core_pathways(void);

/* --- products (brands as people name them; data/products.csv, docs/products.md) ---------------- */

/* A product is a brand (Concerta, Effexor XR, Adderall) that maps to one or more compounds, each
 * with the mg of that compound's dose basis per mg of labelled strength (salt -> base factors),
 * a release model with its parameters, and its label doses. Product names resolve before
 * compound synonyms; case, spaces, hyphens, dots and underscores are ignored ("effexor-xr"). */

#define RU_PRODUCT_MAX_COMPONENTS 4
/* why a product cannot be simulated, whole: "<compound> is incomplete: <the compound's reason>" */
#define RU_PRODUCT_REASON_MAX (RU_NAME_MAX + RU_INCOMPLETE_MAX + 32)

/* Release models (docs/products.md gives each input function and its exactness). */
typedef enum ru_release_kind {
  RU_RELEASE_IMMEDIATE = 1, /* all of the dose into the compound's absorption depot at once */
  RU_RELEASE_DELAYED,       /* lag, then first-order absorption (optionally at a product ka) */
  RU_RELEASE_ZERO_ORDER,    /* zero-order over a duration (after an optional lag) */
  RU_RELEASE_OROS,          /* immediate-release overcoat + delayed osmotic core (constant or ascending) */
  RU_RELEASE_TWO_PULSE,     /* immediate beads + delayed beads (a second pulse after a lag) */
  RU_RELEASE_WEIBULL,       /* Weibull cumulative release (piecewise-constant rates) */
  RU_RELEASE_FIRST_ORDER,   /* first-order release into the absorption depot (sequential) */
  RU_RELEASE_PRODRUG,       /* immediate release of a prodrug converted in the body (KB formation) */
} ru_release_kind;

typedef struct ru_release_params {
  ru_release_kind kind;
  ru_value tlag_h;          /* delayed, weibull, first_order: lag before release (h) */
  ru_value ka_per_h;        /* delayed: product absorption rate replacing the compound's (1/h) */
  ru_value k_release_per_h; /* first_order: release rate into the absorption depot (1/h) */
  ru_value ir_fraction;     /* oros, two_pulse: fraction released immediately */
  ru_value ir_duration_h;   /* oros: the immediate part is released over this time (0 = bolus) */
  ru_value zo_lag_h;        /* zero_order, oros: start of the zero-order part (h after dosing) */
  ru_value zo_duration_h;   /* zero_order, oros: duration of the zero-order part (h) */
  ru_value zo_steps;        /* zero_order, oros: the part delivered in n equal-time steps whose amounts
                             * ascend 1:2:...:n (an ascending osmotic core); missing = one constant rate */
  ru_value pulse2_lag_h;    /* two_pulse: time of the second pulse (h after dosing) */
  ru_value weibull_td_h;    /* weibull: time scale (63.2 % released at tlag + td) */
  ru_value weibull_beta;    /* weibull: shape */
  ru_value f_rel;           /* bioavailability relative to the compound's reference product (1) */
} ru_release_params;

typedef struct ru_product_component {
  char compound[RU_NAME_MAX];
  ru_value mg_per_label_mg; /* mg of the compound (as its PK count doses) per mg labelled */
} ru_product_component;

typedef struct ru_product {
  char name[RU_NAME_MAX];        /* brand as labelled, e.g. "Effexor XR" */
  char drug_class[RU_NAME_MAX];  /* SSRI, SNRI, ... (for sorting) */
  size_t n_components;
  ru_product_component component[RU_PRODUCT_MAX_COMPONENTS];
  ru_release_params release;
  char release_source[RU_SOURCE_MAX];
  ru_value usual_dose_mg, low_dose_mg, high_dose_mg; /* label doses per administration */
  ru_value interval_h;           /* usual dosing interval */
  char incomplete[RU_PRODUCT_REASON_MAX]; /* "" or why the product cannot be simulated */
} ru_product;

/* Number of products (0 for a knowledge base built without products). Cannot fail. */
RU_API size_t ru_kb_product_count(const ru_kb *kb);
/* Name of the i-th product (alphabetical) into name; RU_ERANGE past the end. */
RU_API ru_status ru_kb_product_at(const ru_kb *kb, size_t i, char name[RU_NAME_MAX], ru_error *err);
/* 1 when name (any spelling) is a product, with its name in canonical (may be NULL); 0 when it
 * is not (it may still be a compound). Cannot fail. */
RU_API int ru_kb_is_product(const ru_kb *kb, const char *name, char canonical[RU_NAME_MAX]);
/* The product's model values. Unknown: RU_ENOTFOUND. An incomplete product is returned with
 * out->incomplete set (callers that simulate refuse it with that reason, RU_EMISSING). */
RU_API ru_status ru_kb_product(const ru_kb *kb, const char *name, ru_product *out, ru_error *err);
/* Every product in the order of ru_kb_product_at (alphabetical) into *out[*n], allocated even
 * when *n is 0 (caller frees with ru_free). On error nothing is left allocated. */
RU_API ru_status ru_kb_products(const ru_kb *kb, ru_product **out, size_t *n, ru_error *err);
/* JSON of a product for `drugs show` (every value with its source and status, derivations,
 * notes, and the full citation of every source). Caller frees with ru_free. */
RU_API ru_status ru_kb_product_json(const ru_kb *kb, const char *name, char **json, ru_error *err);
/* Name of a release kind ("immediate", "oros", ...); "?" for an unknown value. Cannot fail. */
RU_API const char *ru_release_kind_name(ru_release_kind kind);

/* Frees memory returned by the library (JSON texts, reports). NULL-safe. */
RU_API void ru_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* RU_KB_H */
