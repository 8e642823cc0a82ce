/* Held inputs as the literature names them: an assignment NAME=x of an occupancy, a releaser,
 * an antagonist, an agonist or a transporter expression is turned into the model's inputs
 * (ru_syn_input) here, once, for every front end (the CLI's `synapse` options and the Python
 * package). Names come from the ligand table (ligands.c, each entry sourced) and the input and
 * receptor name parsers; a releaser is a substrate carried by its transporter(s) (Sulzer 2005),
 * so it occupies them by competitive binding with whatever else is held there, and the part of
 * that occupancy it holds drives transporter reversal. Named genotypes read their expression
 * scale from the knowledge base (expression.* in domain "synapse"). */
#include <math.h>
#include <stddef.h>
#include <strings.h>

#include "reuptake/synapse.h"

/* What each kind of assignment may name (the not-found message). */
static const char *const WHAT[] = {
    [RU_SYN_HOLD_OCCUPANCY] = "target (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C)",
    [RU_SYN_HOLD_RELEASER] = "transporter (NET, DAT, SERT) or releaser (d-amphetamine, l-amphetamine)",
    [RU_SYN_HOLD_ANTAGONIST] = "receptor (alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C) or antagonist "
                               "(idazoxan, atipamezole, WAY-100635, pindolol, GR127935, raclopride, ...)",
    [RU_SYN_HOLD_AGONIST] = "receptor (alpha2, D2, 5-HT1A, 5-HT1B) or agonist (clonidine, 8-OH-DPAT, "
                            "apomorphine)",
    [RU_SYN_HOLD_EXPRESSION] = "transporter (NET, DAT, SERT)",
};

/* The agonist input of an autoreceptor named by its antagonist input; -1 for a receptor the
 * model has no agonist input for (alpha1, 5-HT2C are not autoreceptors). */
static int agonist_of(ru_syn_input antagonist) {
  switch (antagonist) {
  case RU_SYN_ALPHA2: return RU_SYN_ALPHA2_AGONIST;
  case RU_SYN_D2: return RU_SYN_D2_AGONIST;
  case RU_SYN_5HT1A: return RU_SYN_5HT1A_AGONIST;
  case RU_SYN_5HT1B: return RU_SYN_5HT1B_AGONIST;
  default: return -1;
  }
}

/* 1 when name sets inputs[0] (and inputs[1], or -1) in an assignment of this kind. */
static int lookup(ru_syn_hold_kind kind, const char *name, int inputs[2]) {
  const ru_syn_ligand *l = ru_synapse_ligand_find(name);
  ru_syn_input t = RU_SYN_NET;
  inputs[1] = -1;
  switch (kind) {
  case RU_SYN_HOLD_ANTAGONIST:
    if (l != NULL && l->kind == RU_SYN_ANTAGONIST) {
      inputs[0] = (int)l->input;
      return 1;
    }
    if (ru_synapse_receptor_parse(name, &t, NULL) != RU_OK) return 0;
    inputs[0] = (int)t;
    return 1;
  case RU_SYN_HOLD_AGONIST:
    if (l != NULL && l->kind == RU_SYN_AGONIST) {
      inputs[0] = (int)l->input;
      return 1;
    }
    if (ru_synapse_receptor_parse(name, &t, NULL) != RU_OK) return 0;
    inputs[0] = agonist_of(t);
    return inputs[0] >= 0;
  case RU_SYN_HOLD_RELEASER:
    if (l != NULL && l->kind == RU_SYN_RELEASER) {
      /* the ligand table names the releaser inputs; the transporters carry them */
      inputs[0] = (int)l->input - RU_SYN_NET_RELEASER;
      inputs[1] = l->input2 >= 0 ? l->input2 - RU_SYN_NET_RELEASER : -1;
      return 1;
    }
    return lookup(RU_SYN_HOLD_EXPRESSION, name, inputs); /* a transporter by name */
  case RU_SYN_HOLD_EXPRESSION:
    if (ru_synapse_input_parse(name, &t, NULL) != RU_OK || (int)t >= RU_SYN_NTRANSPORTERS) return 0;
    inputs[0] = (int)t;
    return 1;
  case RU_SYN_HOLD_OCCUPANCY:
    if (ru_synapse_input_parse(name, &t, NULL) != RU_OK) return 0;
    inputs[0] = (int)t;
    return 1;
  }
  return 0;
}

double ru_synapse_acute_h(void) { return RU_SYN_ACUTE_H; }

ru_status ru_synapse_hold_target(ru_syn_hold_kind kind, const char *name, int inputs[2],
                                 ru_error *err) {
  if (name == NULL || inputs == NULL || (int)kind < 0 || kind > RU_SYN_HOLD_EXPRESSION) {
    return ru_error_set(err, RU_EINVAL, "hold: bad argument");
  }
  int found[2] = {-1, -1};
  if (!lookup(kind, name, found)) {
    return ru_error_set(err, RU_ENOTFOUND, "unknown %s '%s'", WHAT[kind], name);
  }
  inputs[0] = found[0];
  inputs[1] = found[1];
  return RU_OK;
}

double ru_synapse_hold_max(ru_syn_hold_kind kind) {
  /* occupancies are fractions; expression is bounded as ru_synapse_set_expression bounds it */
  return kind == RU_SYN_HOLD_EXPRESSION ? RU_SYN_EXPRESSION_MAX : 1.0;
}

ru_status ru_synapse_hold(ru_syn_hold_kind kind, const char *name, double value, double *vals,
                          ru_error *err) {
  int in[2] = {-1, -1};
  const ru_status st = ru_synapse_hold_target(kind, name, in, err);
  if (st != RU_OK) return st;
  if (vals == NULL) return ru_error_set(err, RU_EINVAL, "hold: NULL values");
  const double hi = ru_synapse_hold_max(kind);
  if (!(value >= 0.0 && value <= hi)) {
    return ru_error_set(err, RU_ERANGE, "%g is outside [0, %g]", value, hi);
  }
  if (kind != RU_SYN_HOLD_RELEASER) {
    vals[in[0]] = value;
    return RU_OK;
  }
  /* a releaser occupies the transporter(s) carrying it, competing with what is held there; its
   * releaser part grows by the same amount and never exceeds the transporter occupancy */
  for (size_t k = 0; k < 2; k++) {
    if (in[k] < 0) continue;
    const int t = in[k];
    vals[t] = ru_synapse_combine_occupancy(vals[t], value);
    vals[t + RU_SYN_NET_RELEASER] = fmin(vals[t], vals[t + RU_SYN_NET_RELEASER] + value);
  }
  return RU_OK;
}

ru_status ru_synapse_genotype_expression(const ru_synapse *s, const char *genotype,
                                         double expression[RU_SYN_NTRANSPORTERS], ru_error *err) {
  /* knock-out: no transporter; the other scenarios are sourced scales in the KB */
  static const struct {
    const char *name;
    ru_syn_input transporter;
    const char *param; /* NULL: knock-out */
  } TABLE[] = {
      {"SERT+/-", RU_SYN_SERT, "expression.sert_heterozygous"},
      {"SERT-het", RU_SYN_SERT, "expression.sert_heterozygous"},
      {"SERT-/-", RU_SYN_SERT, NULL},
      {"SERT-KO", RU_SYN_SERT, NULL},
      {"DAT-overexpression", RU_SYN_DAT, "expression.dat_overexpression"},
      {"DAT-tg", RU_SYN_DAT, "expression.dat_overexpression"},
  };
  if (s == NULL || genotype == NULL || expression == NULL) {
    return ru_error_set(err, RU_EINVAL, "genotype: NULL argument");
  }
  for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
    if (strcasecmp(genotype, TABLE[i].name) == 0) {
      expression[TABLE[i].transporter] =
          TABLE[i].param != NULL ? ru_synapse_get_param(s, TABLE[i].param) : 0.0;
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_ENOTFOUND, "unknown '%s' (SERT+/-, SERT-/-, DAT-overexpression)",
                      genotype);
}
