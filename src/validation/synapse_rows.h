/* Internal interface of the synapse-layer validation (not API): a published row of
 * validation/{microdialysis,firing,human_physiology,calibration_synapse}.csv, the one rule that
 * maps its doses to model inputs (synapse_rows.c), predict(parameters, row), and the fit of the
 * declared calibrated parameters on a subset of calibration rows (synapse_fit.c), shaped as
 * fit(rows) -> parameters and predict(parameters, row) for leave-one-study-out validation.
 *
 * Dose rule (one rule for every row with a dose; docs/synapse.md section 5):
 *  - a compound of the knowledge base: simple allometry (Boxenbaum H 1982 J Pharmacokinet
 *    Biopharm 10:201-227: volume ~ BW, clearance ~ BW^0.75, so physiological time ~ BW^0.25):
 *    the animal given D mg/kg has the concentration-time course of a 70 kg human given D mg/kg
 *    on a clock running (70/BW)^0.25 times faster (rat 0.15 kg: 4.65; mouse 0.02 kg: 7.7;
 *    reference weights of the US FDA CDER 2005 guidance "Estimating the Maximum Safe Starting
 *    Dose in Initial Clinical Trials for Therapeutics in Adult Healthy Volunteers", Table 1).
 *    The human PK/PD of the KB gives the occupancy time course (i.v. stays i.v.; i.p., s.c. and
 *    p.o. are given orally; an osmotic pump is the daily dose in 12 doses 2 animal hours
 *    apart), mapped back to the animal clock, and drives the synapse;
 *  - a receptor ligand outside the KB (antagonists and agonists of the ligand table): the
 *    doses used in these studies are the studies' effective doses, taken as one common
 *    effective-dose occupancy of its receptor for the acute window (the convention of
 *    validation/README.md; its value calibration.effective_dose_occupancy is one declared
 *    factor fitted on calibration rows, like the in-vitro -> in-vivo scaling of the PET set);
 *  - reverse dialysis of a KB compound at C uM: local occupancy C / (C + Ki x scaling) at each
 *    transporter, the perfusate concentration taken as the tissue concentration; with the
 *    concentration unreported, 0.9 at each transporter it binds below 1 uM. */
#ifndef RU_VALIDATION_SYNAPSE_ROWS_H
#define RU_VALIDATION_SYNAPSE_ROWS_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"
#include "reuptake/validate.h"
#include "validation/validate_impl.h"

#define RUI_SYN_THETA_MAX 48

/* Parameter values to use instead of the KB's (by KB name; also the nuisance values named in a
 * row's `held` column, e.g. ahn_dat). */
typedef struct rui_syn_theta {
  size_t n;
  char name[RUI_SYN_THETA_MAX][64];
  double value[RUI_SYN_THETA_MAX];
} rui_syn_theta;

void rui_syn_theta_set(rui_syn_theta *th, const char *name, double value);
/* NaN when absent. */
double rui_syn_theta_get(const rui_syn_theta *th, const char *name);

typedef enum rui_syn_kind { SYN_MICRODIALYSIS = 0, SYN_FIRING = 1, SYN_PHYSIOLOGY = 2 } rui_syn_kind;

/* One row, parsed, with its prepared inputs (computed once: they do not depend on synapse
 * parameters). */
typedef struct rui_syn_row {
  char id[64];
  char study[48];
  rui_syn_kind kind;
  int calibration;
  int include;
  char species[32];
  char doses[256];
  char schedule[16];
  double days;
  char sample[16];
  char held[128];
  char region[64];
  char measure[40];
  double observed, lo, hi;
  int direction;     /* +1 / -1 / 0 when the row gives only a direction; 2 = no direction row */
  char exclude_reason[160];
  char source[320];
  char what[256];
  /* prepared inputs */
  int prepared;
  ru_status prep_status;
  char prep_msg[256];
  size_t nt;         /* time course (nt = 0: constant inputs `in0` for `hold_h` hours) */
  double *t;
  double *in;
  double in0[RU_SYN_NINPUTS];
  double hold_h;
  double local[RU_SYN_NINPUTS]; /* < 0: none */
  int eff[RU_SYN_NINPUTS];       /* ligands at the effective-dose occupancy, per input */
  int local_eff[RU_SYN_NINPUTS]; /* local perfusion of unreported concentration, per input */
  double t_eval;     /* evaluation time (time-course rows) */
  double win_lo, win_hi; /* window of a peak (extreme) */
  int peak;          /* 1: the extreme over the window */
} rui_syn_row;

typedef struct rui_syn_rows {
  size_t n;
  rui_syn_row *row;
} rui_syn_rows;

/* Reads a table in the synapse validation schema (embedded name or path) and appends its rows.
 * Rows of a file named calibration_* are marked calibration. */
ru_status rui_syn_rows_read(rui_syn_rows *rows, const char *file, int embedded, ru_error *err);
void rui_syn_rows_free(rui_syn_rows *rows);

/* Prepares the row's inputs by the dose rule (idempotent; a row that cannot be run keeps its
 * reason in prep_msg and returns its status). */
ru_status rui_syn_prepare(const ru_kb *kb, rui_syn_row *row, ru_error *err);

/* predict(theta, row): the model's value of the row's measure with the KB parameters
 * overridden by theta. */
ru_status rui_syn_predict(const ru_kb *kb, const rui_syn_theta *theta, rui_syn_row *row,
                          double *pred, ru_error *err);

/* Fold error against the observation or range (1 inside a range) and the hit rule: observed
 * "unchanged" (1.0) needs 0.83-1.2; every other row within 1.5x (heart rate in bpm: within
 * 10%). Returns NaN error for direction-only rows. */
double rui_syn_error(const rui_syn_row *row, double pred);
int rui_syn_hit(const rui_syn_row *row, double pred);
int rui_syn_direction_ok(const rui_syn_row *row, double pred);

/* fit(rows) -> theta: refits every declared calibrated parameter on the calibration rows with
 * use[i] != 0 (block by block, docs/synapse.md section 4); parameters whose block has no usable
 * row keep their KB value. */
ru_status rui_syn_fit(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                      rui_syn_theta *theta, ru_error *err);

/* fit(subset) for leave-one-study-out validation (the crossval.h contract): use[i] marks the
 * calibration rows kept. A block all of whose rows are kept keeps the knowledge-base values
 * (they are the fit on every calibration row, test_synapse_calibration); a block with some rows
 * left out is refitted on the rest; a block with none left has its mechanism off (gains,
 * weights, depths and shares 0; parameters without a neutral value keep their KB value). note
 * (may be NULL) says which blocks were refitted or switched off. */
ru_status rui_syn_fit_subset(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                             rui_syn_theta *theta, char *note, size_t note_cap, ru_error *err);

/* The fit's objective (sum over the blocks' rows of squared log fold errors) at theta (NULL =
 * the KB values), over the calibration rows with use[i] != 0 (NULL = all). */
double rui_syn_fit_cost(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                        const rui_syn_theta *theta);

/* Names of the calibrated parameters and the calibration rows each block uses (for reports and
 * the calibration test). */
size_t rui_syn_fit_block_count(void);
const char *rui_syn_fit_block_name(size_t b);
size_t rui_syn_fit_block_params(size_t b, const char *const **names);
size_t rui_syn_fit_block_rows(size_t b, const char *const **ids);

#endif
