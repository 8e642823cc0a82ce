/* Published synapse and physiology rows: reading the validation schema, the dose rule that
 * turns a row's doses into model inputs (one rule for every row, synapse_rows.h), and
 * predict(parameters, row) for each measure. Nothing here fits anything: calibration is
 * synapse_fit.c, on calibration rows only. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/pd.h"
#include "reuptake/regimen.h"
#include "validation/synapse_rows.h"

#define NIN RU_SYN_NINPUTS
/* Simple allometry (Boxenbaum 1982): volume scales with body weight, clearance with BW^0.75,
 * so an animal given the same mg/kg dose has the human concentration-time course on a clock
 * running (BW_human/BW_animal)^0.25 times faster. Reference weights: FDA CDER 2005 guidance
 * Table 1 (rat 0.15 kg, mouse 0.02 kg); the KB's apparent PK is for a 70 kg adult. */
#define HUMAN_KG 70.0
#define RAT_KG 0.15
#define MOUSE_KG 0.02
#define ALLOMETRIC_EXPONENT 0.25
/* Effective-dose convention for receptor ligands outside the KB (validation/README.md): its
 * value is the calibrated KB factor (synapse_rows.h); this name is looked up in theta first. */
#define EFFECTIVE_NAME "calibration.effective_dose_occupancy"
/* A reverse-dialysed compound of unreported concentration occupies at this level each
 * transporter it binds below this Ki (same convention). */
#define LOCAL_BIND_KI_NM 1000.0
/* Acute window: peak within 6 h of a dose (rat microdialysis reports the peak of 2-4 h
 * sampling); an i.v. firing ED50 is read within 15 min (cumulative doses 2-3 min apart). */
#define ACUTE_WINDOW_H 6.0
#define ACUTE_STEP_H 0.25
#define IV_WINDOW_H 0.25
#define IV_STEP_H (1.0 / 60.0)
#define DAILY_STEP_H 3.0
#define INFUSION_STEP_H 4.0
/* Validation tolerances of the synapse integration: folds compared within 1.5x need ~4 digits. */
#define VAL_RTOL 1e-6
#define VAL_ATOL 1e-8

void rui_syn_theta_set(rui_syn_theta *th, const char *name, double value) {
  for (size_t i = 0; i < th->n; i++) {
    if (strcmp(th->name[i], name) == 0) {
      th->value[i] = value;
      return;
    }
  }
  if (th->n < RUI_SYN_THETA_MAX) {
    rui_strlcpy(th->name[th->n], name, sizeof th->name[0]);
    th->value[th->n] = value;
    th->n++;
  }
}

double rui_syn_theta_get(const rui_syn_theta *th, const char *name) {
  for (size_t i = 0; th != NULL && i < th->n; i++) {
    if (strcmp(th->name[i], name) == 0) {
      return th->value[i];
    }
  }
  return (double)NAN;
}

/* --- reading -------------------------------------------------------------------------------- */

static void copy_text(char *dst, size_t cap, const table_handle *t, const char *col) {
  rui_strlcpy(dst, rui_validate_text(t, col), cap);
}

ru_status rui_syn_rows_read(rui_syn_rows *rows, const char *file, int embedded, ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) {
    return st;
  }
  static const char *const need[] = {"id", "kind", "region", "measure", "observed", "include"};
  for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
    int found = 0;
    for (size_t i = 0; i < t.ncols; i++) {
      found |= strcasecmp(t.cols[i], need[k]) == 0;
    }
    if (!found) {
      rui_csv_close(t.csv);
      return ru_error_set(err, RU_EDATA, "%s: missing column '%s' (synapse validation schema)",
                          file, need[k]);
    }
  }
  int eof = 0;
  size_t cap = rows->n;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) {
      break;
    }
    if (rows->n >= cap) {
      const size_t nc = cap ? 2 * cap : 64;
      rui_syn_row *nr = rui_realloc(rows->row, nc * sizeof *nr);
      if (nr == NULL) {
        st = ru_error_set(err, RU_ENOMEM, "out of memory");
        break;
      }
      rows->row = nr;
      cap = nc;
    }
    rui_syn_row *r = &rows->row[rows->n++];
    memset(r, 0, sizeof *r);
    copy_text(r->id, sizeof r->id, &t, "id");
    copy_text(r->study, sizeof r->study, &t, "study");
    const char *kind = rui_validate_text(&t, "kind");
    r->kind = strcasecmp(kind, "firing") == 0      ? SYN_FIRING
              : strcasecmp(kind, "physiology") == 0 ? SYN_PHYSIOLOGY
                                                    : SYN_MICRODIALYSIS;
    r->calibration = t.calibration;
    r->include = strcmp(rui_validate_text(&t, "include"), "1") == 0;
    copy_text(r->species, sizeof r->species, &t, "species");
    copy_text(r->doses, sizeof r->doses, &t, "doses");
    copy_text(r->schedule, sizeof r->schedule, &t, "schedule");
    r->days = rui_validate_number(rui_validate_text(&t, "days"));
    if (!isfinite(r->days)) {
      r->days = 0.0;
    }
    copy_text(r->sample, sizeof r->sample, &t, "sample");
    copy_text(r->held, sizeof r->held, &t, "held");
    copy_text(r->region, sizeof r->region, &t, "region");
    copy_text(r->measure, sizeof r->measure, &t, "measure");
    r->observed = rui_validate_number(rui_validate_text(&t, "observed"));
    r->lo = rui_validate_number(rui_validate_text(&t, "observed_low"));
    r->hi = rui_validate_number(rui_validate_text(&t, "observed_high"));
    const char *dir = rui_validate_text(&t, "direction");
    r->direction = dir[0] != '\0' ? atoi(dir) : 2;
    copy_text(r->exclude_reason, sizeof r->exclude_reason, &t, "exclude_reason");
    copy_text(r->source, sizeof r->source, &t, "source");
    for (size_t j = 0; j < NIN; j++) {
      r->local[j] = -1.0;
    }
    const char *d = r->doses[0] ? r->doses : (r->held[0] ? r->held : "no drug");
    snprintf(r->what, sizeof r->what, "%.120s, %.40s, %.30s%s", d, r->region, r->measure,
             r->days > 0.0 ? " (chronic)" : "");
  }
  rui_csv_close(t.csv);
  return st;
}

void rui_syn_rows_free(rui_syn_rows *rows) {
  if (rows == NULL) {
    return;
  }
  for (size_t i = 0; i < rows->n; i++) {
    rui_free(rows->row[i].t);
    rui_free(rows->row[i].in);
  }
  rui_free(rows->row);
  rows->row = NULL;
  rows->n = 0;
}

/* --- the dose rule -------------------------------------------------------------------------- */

typedef enum route { R_IV, R_ORAL, R_INFUSION, R_LOCAL } route;

typedef struct dose_item {
  char compound[64];
  double amount; /* mg/kg (mg/kg/d for infusions), uM for local */
  route rt;
} dose_item;

static ru_status parse_item(const char *text, dose_item *it, ru_error *err) {
  char buf[128];
  rui_strlcpy(buf, text, sizeof buf);
  char *c1 = strchr(buf, ':');
  char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
  if (c1 == NULL || c2 == NULL) {
    return ru_error_set(err, RU_EDATA, "dose '%s': expected COMPOUND:AMOUNT:ROUTE", text);
  }
  *c1 = '\0';
  *c2 = '\0';
  rui_strlcpy(it->compound, buf, sizeof it->compound);
  char *end = NULL;
  const double x = strtod(c1 + 1, &end);
  if (end == c1 + 1 || !isfinite(x) || x < 0.0) {
    return ru_error_set(err, RU_EDATA, "dose '%s': bad amount", text);
  }
  double scale = 1.0;
  if (strncmp(end, "ug/kg", 5) == 0) {
    scale = 1e-3;
  } else if (strncmp(end, "mg/kg", 5) != 0 && strncmp(end, "uM", 2) != 0) {
    return ru_error_set(err, RU_EDATA, "dose '%s': unit must be mg/kg, ug/kg or uM", text);
  }
  it->amount = x * scale;
  const char *r = c2 + 1;
  if (strcmp(r, "iv") == 0) {
    it->rt = R_IV;
  } else if (strcmp(r, "ip") == 0 || strcmp(r, "sc") == 0 || strcmp(r, "po") == 0) {
    it->rt = R_ORAL;
  } else if (strcmp(r, "infusion") == 0) {
    it->rt = R_INFUSION;
  } else if (strcmp(r, "local") == 0) {
    it->rt = R_LOCAL;
  } else {
    return ru_error_set(err, RU_EDATA, "dose '%s': route must be iv, ip, sc, po, infusion, local",
                        text);
  }
  return RU_OK;
}

/* Human time per animal time (physiological time ratio). */
static double time_factor(const char *species) {
  const double bw = strncasecmp(species, "mouse", 5) == 0 ? MOUSE_KG : RAT_KG;
  return pow(HUMAN_KG / bw, ALLOMETRIC_EXPONENT);
}

/* The receptor input of a non-KB ligand (antagonist or agonist), or -1. */
static int ligand_input(const char *name) {
  const ru_syn_ligand *l = ru_synapse_ligand_find(name);
  if (l == NULL || l->kind == RU_SYN_RELEASER) {
    return -1;
  }
  return (int)l->input;
}

/* Local occupancy of a reverse-dialysed KB compound at each transporter. */
static ru_status local_occupancy(const ru_kb *kb, const dose_item *it, double *local,
                                 int *local_eff, ru_error *err) {
  static const char *const tr[RU_SYN_NTRANSPORTERS] = {"NET", "DAT", "SERT"};
  const char *lig[1] = {it->compound};
  for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
    double k = (double)NAN;
    ru_status st = ru_pd_affinities(kb, tr[t], 1, lig, &k, err);
    if (st != RU_OK) {
      return st;
    }
    if (!isfinite(k)) {
      continue;
    }
    double o = 0.0;
    if (it->amount > 0.0) {
      const double c_nm = it->amount * 1000.0;
      o = c_nm / (c_nm + k);
    } else if (k < LOCAL_BIND_KI_NM) {
      local_eff[t]++; /* occupancy set at prediction time (the calibrated factor) */
    }
    local[t] = local[t] >= 0.0 ? ru_synapse_combine_occupancy(local[t], o) : o;
  }
  return RU_OK;
}

/* Human regimen of a KB compound: the same mg/kg dose for a 70 kg adult, on the human clock
 * (animal intervals x the physiological time factor f). */
static void human_regimen(const rui_syn_row *r, const dose_item *it, double f, char *out,
                          size_t cap) {
  const double mg = it->amount * HUMAN_KG;
  const long n = r->days > 0.0 ? (long)ceil(r->days) : 1;
  if (it->rt == R_IV) {
    snprintf(out, cap, "%s:%.6gmg:iv", it->compound, mg);
  } else if (it->rt == R_INFUSION) {
    /* an osmotic pump: the daily dose in 12 equal doses every 2 animal hours (an i.v.
     * infusion would need the bioavailability, which apparent CL/F, V/F do not carry) */
    snprintf(out, cap, "%s:%.6gmg:q%.6gh:n=%ld", it->compound, mg / 12.0, 2.0 * f, 12 * n);
  } else if (strcmp(r->schedule, "daily") == 0 && n > 1) {
    snprintf(out, cap, "%s:%.6gmg:q%.6gh:n=%ld", it->compound, mg, 24.0 * f, n);
  } else {
    snprintf(out, cap, "%s:%.6gmg", it->compound, mg);
  }
}

/* Rat ex-vivo transporter ED50 rule (docs/synapse.md section 5): where the KB holds a primary
 * rat ex-vivo binding ED50 (mg/kg) of a compound at a transporter, an acute systemic rat dose D
 * (i.p., s.c., p.o.: the routes of ex-vivo binding protocols, animals taken hours after the
 * dose) occupies that transporter D / (D + ED50) (one site, exposure proportional to dose),
 * instead of the allometric human mapping. An i.v. bolus read within minutes keeps the
 * allometric rule (its early brain exposure is not that of the ED50's route). The compound's
 * transporters without a rat ED50, and its receptor inputs (alpha1, 5-HT2C from KB affinities),
 * get nothing from it on this path. Returns 1 when the compound took this path. */
static int rat_ed50_occupancy(const ru_kb *kb, const rui_syn_row *r, const dose_item *it,
                              const char *canon, double *held) {
  static const char *const tr[RU_SYN_NTRANSPORTERS] = {"NET", "DAT", "SERT"};
  if (strncasecmp(r->species, "rat", 3) != 0 || r->days > 0.0 ||
      it->rt != R_ORAL) {
    return 0;
  }
  int found = 0;
  for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
    char name[RU_NAME_MAX + 48];
    snprintf(name, sizeof name, "rat.ex_vivo_ed50_mg_per_kg.%s.%s", canon, tr[t]);
    ru_value v;
    if (ru_kb_param(kb, "synapse", name, &v, NULL) == RU_OK && v.value > 0.0) {
      held[t] = ru_synapse_combine_occupancy(held[t], it->amount / (it->amount + v.value));
      found = 1;
    }
  }
  return found;
}

static void set_prep_error(rui_syn_row *r, ru_status st, const ru_error *e) {
  r->prep_status = st;
  rui_strlcpy(r->prep_msg, e != NULL && e->message[0] ? e->message : ru_strerror(st),
              sizeof r->prep_msg);
}

/* Builds the time grid and the input time course of the regimen in sim. */
static ru_status course(const ru_kb *kb, rui_syn_row *r, ru_sim *sim, double t_end, double step,
                        double f, const double *held, ru_error *err) {
  const size_t nt = (size_t)ceil(t_end / step - 1e-9) + 1;
  double *t = rui_malloc(nt * sizeof *t);
  double *in = rui_malloc(nt * NIN * sizeof *in);
  double *conc = rui_malloc((ru_sim_compound_count(sim) * nt + 1) * sizeof *conc);
  if (t == NULL || in == NULL || conc == NULL) {
    rui_free(t);
    rui_free(in);
    rui_free(conc);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < nt; k++) {
    t[k] = fmin(t_end, (double)k * step) * f; /* human clock */
  }
  ru_status st = ru_sim_run(sim, t, nt, conc, err);
  for (size_t k = 0; k < nt; k++) {
    t[k] /= f; /* back to the animal clock of the synapse model */
  }
  if (st == RU_OK) {
    st = ru_synapse_inputs_from_sim(kb, sim, conc, nt, held, in, err);
  }
  rui_free(conc);
  if (st != RU_OK) {
    rui_free(t);
    rui_free(in);
    return st;
  }
  r->t = t;
  r->in = in;
  r->nt = nt;
  return RU_OK;
}

/* Sample time of a row: "end" -> after `days`, "<h>h" -> h after the last dose. */
static double sample_time(const rui_syn_row *r, double last_dose_h) {
  if (strcmp(r->sample, "end") == 0) {
    return r->days * 24.0;
  }
  char *end = NULL;
  const double h = strtod(r->sample, &end);
  if (end != r->sample && *end == 'h') {
    return last_dose_h + h;
  }
  return last_dose_h;
}

static ru_status prepare_physiology(const ru_kb *kb, rui_syn_row *r, ru_error *err) {
  if (r->doses[0] == '\0') {
    r->nt = 0;
    r->hold_h = RU_SYN_ACUTE_H;
    return RU_OK;
  }
  ru_regimen *reg = NULL;
  ru_sim *sim = NULL;
  ru_status st = ru_regimen_new(&reg, err);
  char buf[256];
  rui_strlcpy(buf, r->doses, sizeof buf);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ";", &save); st == RU_OK && tok != NULL;
       tok = strtok_r(NULL, ";", &save)) {
    st = ru_regimen_parse(reg, tok, err);
  }
  if (st == RU_OK) {
    st = ru_sim_new(kb, &sim, err);
  }
  if (st == RU_OK) {
    st = ru_sim_add_regimen(sim, reg, err);
  }
  if (st == RU_OK) {
    st = ru_sim_prepare(sim, err);
  }
  if (st == RU_OK) {
    const double last = ru_regimen_last_dose_h(reg);
    st = course(kb, r, sim, last + 24.0, ACUTE_STEP_H, 1.0, NULL, err);
    if (st == RU_OK) {
      /* evaluated at the peak NET occupancy after the last dose: samples strictly after the
       * dose time (at the instant of an i.v. bolus the synapse has not responded yet) */
      size_t best = 0;
      for (size_t k = 0; k < r->nt; k++) {
        if (r->t[k] > last && (r->t[best] <= last || r->in[k * NIN + RU_SYN_NET] >
                                                         r->in[best * NIN + RU_SYN_NET])) {
          best = k;
        }
      }
      r->t_eval = r->t[best];
    }
  }
  ru_sim_free(sim);
  ru_regimen_free(reg);
  return st;
}

ru_status rui_syn_prepare(const ru_kb *kb, rui_syn_row *r, ru_error *err) {
  if (r->prepared) {
    return r->prep_status;
  }
  r->prepared = 1;
  r->prep_status = RU_OK;
  ru_error e;
  ru_error_clear(&e);
  ru_status st = RU_OK;
  if (r->kind == SYN_PHYSIOLOGY) {
    st = prepare_physiology(kb, r, &e);
    if (st != RU_OK) {
      set_prep_error(r, st, &e);
      if (err != NULL) {
        *err = e;
      }
    }
    return st;
  }
  double held[NIN] = {0};
  int any_kb = 0;
  int iv = 0;
  ru_regimen *reg = NULL;
  ru_sim *sim = NULL;
  st = ru_regimen_new(&reg, &e);
  char buf[256];
  rui_strlcpy(buf, r->doses, sizeof buf);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ";", &save); st == RU_OK && tok != NULL;
       tok = strtok_r(NULL, ";", &save)) {
    dose_item it;
    st = parse_item(tok, &it, &e);
    if (st != RU_OK) {
      break;
    }
    char canon[RU_NAME_MAX];
    const int in_kb = ru_kb_resolve(kb, it.compound, canon, NULL) == RU_OK;
    if (it.rt == R_LOCAL) {
      if (!in_kb) {
        st = ru_error_set(&e, RU_EMISSING, "local '%s' is not a knowledge-base compound",
                          it.compound);
        break;
      }
      st = local_occupancy(kb, &it, r->local, r->local_eff, &e);
      continue;
    }
    if (in_kb && rat_ed50_occupancy(kb, r, &it, canon, held)) {
      continue;
    }
    if (in_kb) {
      char spec[160];
      human_regimen(r, &it, time_factor(r->species), spec, sizeof spec);
      st = ru_regimen_parse(reg, spec, &e);
      any_kb = 1;
      iv |= it.rt == R_IV;
      continue;
    }
    const int inp = ligand_input(it.compound);
    if (inp < 0) {
      st = ru_error_set(&e, RU_EMISSING,
                        "'%s' is neither a knowledge-base compound nor a listed receptor ligand",
                        it.compound);
      break;
    }
    r->eff[inp]++;
  }
  if (st == RU_OK && any_kb) {
    st = ru_sim_new(kb, &sim, &e);
    if (st == RU_OK) {
      st = ru_sim_add_regimen(sim, reg, &e);
    }
    if (st == RU_OK) {
      st = ru_sim_prepare(sim, &e);
    }
    if (st == RU_OK) {
      const double f = time_factor(r->species);
      const double last = ru_regimen_last_dose_h(reg) / f; /* animal clock */
      const int chronic = r->days > 0.0;
      double t_end = 0.0;
      double step = ACUTE_STEP_H;
      if (!chronic) {
        r->peak = 1;
        r->win_lo = 0.0;
        r->win_hi = iv || strcmp(r->sample, "iv") == 0 ? IV_WINDOW_H : ACUTE_WINDOW_H;
        step = r->win_hi == IV_WINDOW_H ? IV_STEP_H : ACUTE_STEP_H;
        t_end = r->win_hi;
      } else {
        step = strcmp(r->schedule, "infusion") == 0 ? INFUSION_STEP_H : DAILY_STEP_H;
        if (strcmp(r->sample, "peak") == 0) {
          r->peak = 1;
          r->win_lo = last;
          r->win_hi = last + ACUTE_WINDOW_H;
          t_end = r->win_hi;
        } else {
          r->t_eval = sample_time(r, last);
          t_end = r->t_eval;
        }
      }
      st = course(kb, r, sim, t_end, step, f, held, &e);
    }
  } else if (st == RU_OK) {
    memcpy(r->in0, held, sizeof held);
    r->nt = 0;
    r->hold_h = r->days > 0.0 ? r->days * 24.0 : RU_SYN_ACUTE_H;
  }
  ru_sim_free(sim);
  ru_regimen_free(reg);
  if (st != RU_OK) {
    set_prep_error(r, st, &e);
    if (err != NULL) {
      *err = e;
    }
  }
  return st;
}

/* --- prediction ----------------------------------------------------------------------------- */

/* "DAT=ahn_dat,NET=0.9": held inputs, values numbers or theta names. */
static ru_status resolve_held(const ru_kb *kb, const rui_syn_row *r, const rui_syn_theta *th,
                              double *in, ru_error *err) {
  if (r->held[0] == '\0') {
    return RU_OK;
  }
  char buf[128];
  rui_strlcpy(buf, r->held, sizeof buf);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL) {
      return ru_error_set(err, RU_EDATA, "held '%s': expected INPUT=value", r->held);
    }
    *eq = '\0';
    ru_syn_input t;
    ru_status st = ru_synapse_input_parse(tok, &t, err);
    if (st != RU_OK) {
      return st;
    }
    double v = rui_validate_number(eq + 1);
    if (!isfinite(v)) {
      v = rui_syn_theta_get(th, eq + 1);
    }
    if (!isfinite(v)) {
      /* a nuisance value fitted with the calibration (e.g. an uncatalogued ligand's
       * occupancy), stored in the KB beside the parameters it was fitted with */
      ru_value kv;
      if (ru_kb_param(kb, "synapse", eq + 1, &kv, NULL) == RU_OK) {
        v = kv.value;
      }
    }
    if (!(v >= 0.0 && v <= 1.0)) {
      return ru_error_set(err, RU_EDATA, "held '%s': value of %s not in [0,1] or unknown",
                          r->held, tok);
    }
    in[t] = ru_synapse_combine_occupancy(in[t], v);
  }
  return RU_OK;
}

static ru_status apply_theta_syn(ru_synapse *s, const rui_syn_theta *th, ru_error *err) {
  for (size_t i = 0; th != NULL && i < th->n; i++) {
    if (isfinite(ru_synapse_get_param(s, th->name[i]))) {
      ru_status st = ru_synapse_set_param(s, th->name[i], th->value[i], err);
      if (st != RU_OK) {
        return st;
      }
    }
  }
  return RU_OK;
}

/* Region index, or -1 for the raphe (the DRN compartment). */
static ru_status find_region(const ru_synapse *s, const char *name, long *idx, ru_error *err) {
  if (strcasecmp(name, "raphe") == 0 || strcasecmp(name, "DRN") == 0) {
    *idx = -1;
    return RU_OK;
  }
  size_t r = 0;
  ru_status st = ru_synapse_region_find(s, name, &r, err);
  *idx = (long)r;
  return st;
}

static int nucleus_of(const char *name, ru_syn_nucleus *n) {
  if (strcasecmp(name, "LC") == 0) {
    *n = RU_SYN_LC;
  } else if (strcasecmp(name, "VTA") == 0) {
    *n = RU_SYN_VTA;
  } else if (strcasecmp(name, "DRN") == 0 || strcasecmp(name, "raphe") == 0) {
    *n = RU_SYN_DRN;
  } else {
    return 0;
  }
  return 1;
}

typedef struct syn_eval {
  long region;
  ru_syn_analyte analyte;
  ru_syn_nucleus nucleus;
  int is_firing;
} syn_eval;

static double value_at(const ru_synapse *s, size_t k, const syn_eval *ev) {
  if (ev->is_firing) {
    return ru_synapse_firing_fold(s, k, ev->nucleus);
  }
  if (ev->region < 0) {
    return ru_synapse_soma_fold(s, k, RU_SYN_DRN);
  }
  return ru_synapse_fold(s, k, (size_t)ev->region, ev->analyte);
}

/* Runs the synapse on the row's inputs; nt_out results. */
static ru_status run_row(const ru_kb *kb, const rui_syn_theta *th, const rui_syn_row *r,
                         ru_synapse **out, const double *times, size_t nt, ru_error *err) {
  ru_synapse *s = NULL;
  ru_status st = ru_synapse_new(kb, &s, err);
  if (st != RU_OK) {
    return st;
  }
  st = apply_theta_syn(s, th, err);
  if (st == RU_OK) {
    st = ru_synapse_set_tolerances(s, VAL_RTOL, VAL_ATOL, err);
  }
  double held[NIN] = {0};
  if (st == RU_OK) {
    st = resolve_held(kb, r, th, held, err);
  }
  double eff = rui_syn_theta_get(th, EFFECTIVE_NAME);
  if (!isfinite(eff)) {
    ru_value kv;
    eff = ru_kb_param(kb, "synapse", EFFECTIVE_NAME, &kv, NULL) == RU_OK ? kv.value : (double)NAN;
  }
  double local[NIN];
  memcpy(local, r->local, sizeof local);
  for (size_t j = 0; st == RU_OK && j < NIN; j++) {
    if ((r->eff[j] > 0 || r->local_eff[j] > 0) && !(eff >= 0.0 && eff <= 1.0)) {
      st = ru_error_set(err, RU_EMISSING, "%s is missing from the knowledge base", EFFECTIVE_NAME);
    }
    for (int q = 0; st == RU_OK && q < r->eff[j]; q++) {
      held[j] = ru_synapse_combine_occupancy(held[j], eff);
    }
    for (int q = 0; st == RU_OK && q < r->local_eff[j]; q++) {
      local[j] = ru_synapse_combine_occupancy(fmax(local[j], 0.0), eff);
    }
  }
  if (st == RU_OK && r->nt == 0) {
    double in[NIN];
    for (size_t j = 0; j < NIN; j++) {
      in[j] = ru_synapse_combine_occupancy(r->in0[j], held[j]);
    }
    st = ru_synapse_set_inputs_constant(s, in, err);
  } else if (st == RU_OK) {
    /* held ligands (effective-dose convention) combined into every sample */
    double *in = rui_malloc(r->nt * NIN * sizeof *in);
    if (in == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
    } else {
      for (size_t k = 0; k < r->nt; k++) {
        for (size_t j = 0; j < NIN; j++) {
          in[k * NIN + j] = ru_synapse_combine_occupancy(r->in[k * NIN + j], held[j]);
        }
        for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
          in[k * NIN + RU_SYN_NET_RELEASER + t] =
              fmin(in[k * NIN + t], in[k * NIN + RU_SYN_NET_RELEASER + t]);
        }
      }
      st = ru_synapse_set_inputs_samples(s, r->t, r->nt, in, err);
      rui_free(in);
    }
  }
  if (st == RU_OK && (local[0] >= 0.0 || local[1] >= 0.0 || local[2] >= 0.0)) {
    long reg = 0;
    st = find_region(s, r->region, &reg, err);
    if (st == RU_OK && reg < 0) {
      /* the raphe: a local block acts on the nucleus, which only takes systemic inputs;
       * the raphe's own level under a systemic block of the same size is the same */
      st = ru_error_set(err, RU_EINVAL, "local raphe perfusion is run as a systemic block");
    }
    for (size_t t = 0; st == RU_OK && t < RU_SYN_NTRANSPORTERS; t++) {
      if (local[t] >= 0.0) {
        st = ru_synapse_set_local_input(s, (size_t)reg, (ru_syn_input)t, local[t], err);
      }
    }
  }
  if (st == RU_OK) {
    st = ru_synapse_run(s, times, nt, err);
  }
  if (st != RU_OK) {
    ru_synapse_free(s);
    return st;
  }
  *out = s;
  return RU_OK;
}

/* The extreme (largest |log fold|) over an acute window, evaluated as the held-input steady
 * state at each sample where one of the inputs peaks. */
static ru_status predict_peak(const ru_kb *kb, const rui_syn_theta *th, const rui_syn_row *r,
                              const syn_eval *ev, double *pred, ru_error *err) {
  size_t cand[NIN + 1];
  size_t nc = 0;
  for (size_t j = 0; j < NIN; j++) {
    size_t best = 0;
    double bv = -1.0;
    for (size_t k = 0; k < r->nt; k++) {
      if (r->t[k] < r->win_lo - 1e-9 || r->t[k] > r->win_hi + 1e-9) {
        continue;
      }
      if (r->in[k * NIN + j] > bv) {
        bv = r->in[k * NIN + j];
        best = k;
      }
    }
    if (bv <= 0.0) {
      continue;
    }
    int dup = 0;
    for (size_t q = 0; q < nc; q++) {
      dup |= cand[q] == best;
    }
    if (!dup) {
      cand[nc++] = best;
    }
  }
  double extreme = 1.0;
  for (size_t q = 0; q < nc; q++) {
    rui_syn_row held = *r;
    memcpy(held.in0, r->in + cand[q] * NIN, sizeof held.in0);
    held.nt = 0;
    held.hold_h = RU_SYN_ACUTE_H;
    ru_synapse *s = NULL;
    const double t = RU_SYN_ACUTE_H;
    ru_status st = run_row(kb, th, &held, &s, &t, 1, err);
    if (st != RU_OK) {
      return st;
    }
    syn_eval e = *ev;
    if (!e.is_firing) {
      st = find_region(s, r->region, &e.region, err);
    }
    const double v = st == RU_OK ? value_at(s, 0, &e) : (double)NAN;
    ru_synapse_free(s);
    if (st != RU_OK) {
      return st;
    }
    if (isfinite(v) && fabs(log(fmax(v, 1e-12))) > fabs(log(fmax(extreme, 1e-12)))) {
      extreme = v;
    }
  }
  *pred = extreme;
  return RU_OK;
}

static ru_status predict_synapse(const ru_kb *kb, const rui_syn_theta *th, rui_syn_row *r,
                                 double *pred, ru_error *err) {
  syn_eval ev;
  memset(&ev, 0, sizeof ev);
  const char *m = r->measure;
  if (strcmp(m, "NE") == 0 || strcmp(m, "DA") == 0 || strcmp(m, "5-HT") == 0) {
    ev.analyte = strcmp(m, "NE") == 0 ? RU_SYN_NE : (strcmp(m, "DA") == 0 ? RU_SYN_DA : RU_SYN_5HT);
  } else if (strcmp(m, "firing_fold") == 0 || strcmp(m, "rate_hz") == 0 ||
             strcmp(m, "desens_ratio_3_21") == 0 || strcmp(m, "agonist_ec50_fold") == 0) {
    ev.is_firing = 1;
    if (!nucleus_of(r->region, &ev.nucleus)) {
      return ru_error_set(err, RU_EDATA, "row %s: unknown nucleus '%s'", r->id, r->region);
    }
  } else {
    return ru_error_set(err, RU_EDATA, "row %s: measure '%s' not modelled", r->id, m);
  }
  /* raphe rows with a local perfusion: the block acts on the raphe (a systemic-input run
   * restricted to the nucleus is equivalent for the raphe compartment's own level) */
  rui_syn_row local_raphe;
  const rui_syn_row *rr = r;
  if (!ev.is_firing && (strcasecmp(r->region, "raphe") == 0) &&
      (r->local[0] >= 0.0 || r->local[1] >= 0.0 || r->local[2] >= 0.0)) {
    local_raphe = *r;
    for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
      if (r->local[t] >= 0.0) {
        local_raphe.in0[t] = ru_synapse_combine_occupancy(local_raphe.in0[t], r->local[t]);
      }
      local_raphe.local[t] = -1.0;
      local_raphe.eff[t] += r->local_eff[t];
      local_raphe.local_eff[t] = 0;
    }
    rr = &local_raphe;
  }
  double tbuf[2];
  const double *times = NULL;
  size_t nt = 0;
  if (strcmp(m, "rate_hz") == 0) {
    tbuf[0] = 0.0;
    times = tbuf;
    nt = 1;
  } else if (strcmp(m, "desens_ratio_3_21") == 0) {
    tbuf[0] = 72.0;
    tbuf[1] = 504.0;
    times = tbuf;
    nt = 2;
  } else if (rr->nt == 0) {
    tbuf[0] = rr->hold_h;
    times = tbuf;
    nt = 1;
  } else if (rr->peak) {
    /* acute window: every synapse state but desensitization (days) equilibrates in seconds,
     * so the level at time t is the steady state of the inputs at t; the extreme over the
     * window is taken over the samples where an input peaks (quasi-steady evaluation) */
    return predict_peak(kb, th, rr, &ev, pred, err);
  } else {
    tbuf[0] = rr->t_eval;
    times = tbuf;
    nt = 1;
  }
  ru_synapse *s = NULL;
  ru_status st = run_row(kb, th, rr, &s, times, nt, err);
  if (st != RU_OK) {
    return st;
  }
  if (!ev.is_firing) {
    st = find_region(s, r->region, &ev.region, err);
  }
  if (st == RU_OK) {
    if (strcmp(m, "rate_hz") == 0) {
      *pred = ru_synapse_firing_hz(s, 0, ev.nucleus);
    } else if (strcmp(m, "desens_ratio_3_21") == 0) {
      const double s3 = ru_synapse_sensitivity(s, 0, RU_SYN_R_5HT1A_SOMA, 0);
      const double s21 = ru_synapse_sensitivity(s, 1, RU_SYN_R_5HT1A_SOMA, 0);
      *pred = (1.0 - s21) > 0.0 ? (1.0 - s3) / (1.0 - s21) : (double)NAN;
    } else if (strcmp(m, "agonist_ec50_fold") == 0) {
      *pred = 1.0 / ru_synapse_sensitivity(s, nt - 1, RU_SYN_R_5HT1A_SOMA, 0);
    } else if (rr->peak && rr->nt > 0) {
      /* the extreme (largest |log fold|) over the window */
      double best = 1.0;
      for (size_t k = 0; k < nt; k++) {
        if (times[k] < rr->win_lo - 1e-9 || times[k] > rr->win_hi + 1e-9) {
          continue;
        }
        const double v = value_at(s, k, &ev);
        if (isfinite(v) && fabs(log(fmax(v, 1e-12))) > fabs(log(fmax(best, 1e-12)))) {
          best = v;
        }
      }
      *pred = best;
    } else {
      *pred = value_at(s, nt - 1, &ev);
    }
  }
  ru_synapse_free(s);
  return st;
}

static ru_status predict_physiology(const ru_kb *kb, const rui_syn_theta *th, rui_syn_row *r,
                                    double *pred, ru_error *err) {
  ru_physio *p = NULL;
  ru_status st = ru_physio_new(kb, &p, err);
  if (st != RU_OK) {
    return st;
  }
  for (size_t i = 0; th != NULL && i < th->n; i++) {
    if (strncmp(th->name[i], "physio.", 7) == 0) {
      st = ru_physio_set_param(p, th->name[i], th->value[i], err);
      if (st != RU_OK) {
        ru_physio_free(p);
        return st;
      }
    }
  }
  size_t state = 0;
  st = ru_physio_state_find(r->region, &state, err);
  ru_physio_drug drug = {0.0, 1.0};
  if (st == RU_OK && r->nt > 0) {
    /* the central drive: LC firing of the synapse model under the same inputs */
    size_t k = 0;
    while (k + 1 < r->nt && r->t[k] < r->t_eval) {
      k++;
    }
    ru_synapse *s = NULL;
    const double te = r->t[k];
    st = run_row(kb, th, r, &s, &te, 1, err);
    if (st == RU_OK) {
      drug.net_occupancy = r->in[k * NIN + RU_SYN_NET];
      drug.central_drive_fold = ru_synapse_firing_fold(s, 0, RU_SYN_LC);
    }
    ru_synapse_free(s);
  }
  ru_physio_values v0;
  ru_physio_values vd;
  ru_physio_values rest;
  if (st == RU_OK) {
    st = ru_physio_steady_state(p, state, NULL, &v0, err);
  }
  if (st == RU_OK) {
    st = ru_physio_steady_state(p, state, &drug, &vd, err);
  }
  if (st == RU_OK) {
    st = ru_physio_steady_state(p, 0, NULL, &rest, err);
  }
  const int with_drug = r->nt > 0;
  if (st == RU_OK) {
    const char *m = r->measure;
    const ru_physio_values *a = with_drug ? &vd : &v0;
    const ru_physio_values *b = with_drug ? &v0 : &rest;
    if (strcmp(m, "plasma_ne_pg_per_ml") == 0) {
      *pred = a->plasma_ne_pg_per_ml;
    } else if (strcmp(m, "plasma_ne_fold") == 0 || strcmp(m, "plasma_ne_fold_vs_supine") == 0) {
      *pred = a->plasma_ne_pg_per_ml / b->plasma_ne_pg_per_ml;
    } else if (strcmp(m, "plasma_ne_change_pg_per_ml") == 0) {
      *pred = a->plasma_ne_pg_per_ml - b->plasma_ne_pg_per_ml;
    } else if (strcmp(m, "ne_spillover_fold") == 0) {
      *pred = a->spillover_ug_per_min / b->spillover_ug_per_min;
    } else if (strcmp(m, "ne_clearance_fold") == 0) {
      *pred = a->clearance_l_per_min / b->clearance_l_per_min;
    } else if (strcmp(m, "heart_rate_bpm") == 0) {
      *pred = a->heart_rate_bpm;
    } else if (strcmp(m, "heart_rate_change_bpm") == 0) {
      *pred = vd.heart_rate_bpm - v0.heart_rate_bpm;
    } else if (strcmp(m, "msna_fold") == 0) {
      *pred = vd.sympathetic_drive_fold;
    } else if (strcmp(m, "cardiac_spillover_fold") == 0) {
      *pred = vd.cardiac_ne_fold;
    } else {
      st = ru_error_set(err, RU_EDATA, "row %s: measure '%s' not modelled", r->id, m);
    }
    if (st == RU_OK && !isfinite(*pred)) {
      st = ru_error_set(err, RU_EMISSING, "row %s: %s has no sourced value in state %s", r->id,
                        m, r->region);
    }
  }
  ru_physio_free(p);
  return st;
}

ru_status rui_syn_predict(const ru_kb *kb, const rui_syn_theta *theta, rui_syn_row *row,
                          double *pred, ru_error *err) {
  *pred = (double)NAN;
  ru_status st = rui_syn_prepare(kb, row, err);
  if (st != RU_OK) {
    return st;
  }
  return row->kind == SYN_PHYSIOLOGY ? predict_physiology(kb, theta, row, pred, err)
                                     : predict_synapse(kb, theta, row, pred, err);
}

/* --- scoring -------------------------------------------------------------------------------- */

static int is_hr_change(const rui_syn_row *r) { return strcmp(r->measure, "heart_rate_change_bpm") == 0; }

double rui_syn_error(const rui_syn_row *r, double pred) {
  if (!isfinite(pred)) {
    return (double)NAN;
  }
  if (pred < 0.0 && pred > -1e-6 && !is_hr_change(r)) {
    pred = 0.0; /* integration round-off around an extinguished level */
  }
  if (is_hr_change(r)) {
    if (isfinite(r->lo) && isfinite(r->hi) && pred >= r->lo && pred <= r->hi) {
      return 0.0;
    }
    const double ref = isfinite(r->observed) ? r->observed : (isfinite(r->lo) ? r->lo : r->hi);
    return isfinite(ref) ? fabs(pred - ref) : (double)NAN;
  }
  const int has_lo = isfinite(r->lo);
  const int has_hi = isfinite(r->hi);
  if (has_lo || has_hi) {
    const double lo = has_lo ? r->lo : 0.0;
    const double hi = has_hi ? r->hi : (double)INFINITY;
    if (pred >= lo && pred <= hi) {
      return 1.0;
    }
    if (pred < lo) {
      return pred > 0.0 ? lo / pred : (double)INFINITY;
    }
    return pred / hi;
  }
  if (!isfinite(r->observed)) {
    return (double)NAN;
  }
  if (r->observed <= 0.0 || pred <= 0.0) {
    return (double)INFINITY;
  }
  return fmax(pred / r->observed, r->observed / pred);
}

int rui_syn_hit(const rui_syn_row *r, double pred) {
  if (!isfinite(pred)) {
    return 0;
  }
  if (is_hr_change(r)) {
    const double e = rui_syn_error(r, pred);
    return isfinite(e) && e <= 3.0; /* bpm */
  }
  if (strcmp(r->measure, "heart_rate_bpm") == 0 && isfinite(r->observed)) {
    return fabs(pred - r->observed) <= 0.10 * r->observed;
  }
  if (isfinite(r->observed) && fabs(r->observed - 1.0) < 1e-9 && !isfinite(r->lo)) {
    return pred >= 0.83 && pred <= 1.2; /* "unchanged" */
  }
  const double e = rui_syn_error(r, pred);
  return isfinite(e) && e <= 1.5;
}

int rui_syn_direction_ok(const rui_syn_row *r, double pred) {
  if (!isfinite(pred)) {
    return 0;
  }
  int want = r->direction;
  if (want == 2) {
    const double o = isfinite(r->observed) ? r->observed
                     : (isfinite(r->lo) && isfinite(r->hi) ? 0.5 * (r->lo + r->hi) : (double)NAN);
    if (!isfinite(o) || is_hr_change(r) || strcmp(r->measure, "heart_rate_bpm") == 0 ||
        strcmp(r->measure, "plasma_ne_pg_per_ml") == 0 || strcmp(r->measure, "rate_hz") == 0 ||
        strcmp(r->measure, "plasma_ne_change_pg_per_ml") == 0) {
      return 1;
    }
    want = o > 1.1 ? 1 : (o < 0.9 ? -1 : 0);
  }
  const int got = pred > 1.1 ? 1 : (pred < 0.9 ? -1 : 0);
  if (is_hr_change(r)) {
    return want == (pred > 1.0 ? 1 : (pred < -1.0 ? -1 : 0));
  }
  return want == got;
}
