/* `reuptake interact VICTIM --with PERPETRATOR...`: the victim's exposure with vs without the
 * perpetrators, as dynamics (inhibition by their unbound concentrations over time, enzyme
 * turnover), not a lookup: AUC and Cmax ratios at the victim's steady state (or after a single
 * victim dose given once the perpetrators are at steady state), the mechanisms acting, and the
 * time to reach 90 % of the interaction and, with --stop-after, to lose 90 % of it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "simargs.h"

#define NGRID 3000

typedef struct interact_args {
  const char *victim;
  const char *perps[16];
  size_t nperp;
  double stop_after_h; /* NaN: perpetrators continue */
} interact_args;

/* Victim clearance multiplier m(t) = CL(t)/CL(no inhibition) from the enzyme activities. */
static void clearance_multiplier(ru_kb *kb, ru_sim *s, const char *victim, const double *act,
                                 size_t nt, const double *activity_pheno, double *m) {
  ru_compound c;
  if (ru_kb_compound(kb, victim, &c, NULL) != RU_OK) {
    for (size_t j = 0; j < nt; j++) m[j] = 1.0;
    return;
  }
  const size_t ne = ru_sim_enzyme_count(s);
  double base = 1.0;
  for (size_t f = 0; f < c.pk.n_fm; f++) base -= isfinite(c.pk.fm[f].fm.value) ? c.pk.fm[f].fm.value : 0.0;
  for (size_t j = 0; j < nt; j++) {
    double num = base, den = base;
    for (size_t f = 0; f < c.pk.n_fm; f++) {
      const double fm = c.pk.fm[f].fm.value;
      if (!isfinite(fm)) continue;
      double g = 1.0, a = 1.0;
      for (size_t e = 0; e < ne; e++) {
        if (strcasecmp(ru_sim_enzyme_name(s, e), c.pk.fm[f].enzyme) == 0) {
          g = act[e * nt + j];
          a = activity_pheno ? activity_pheno[e] : 1.0;
        }
      }
      num += fm * a * g;
      den += fm * a;
    }
    m[j] = den > 0.0 ? num / den : 1.0;
  }
}

int cmd_interact(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  interact_args ia;
  memset(&ia, 0, sizeof ia);
  ia.stop_after_h = nan("");
  int in_with = 0;
  /* simargs put the regimens in order; --with splits victim from perpetrators */
  size_t reg_i = 0;
  for (size_t i = 0; i < ctx->nargs; i++) {
    const char *x = ctx->args[i];
    if (strcmp(x, "--with") == 0) {
      in_with = 1;
      continue;
    }
    if (strncmp(x, "--with=", 7) == 0) {
      in_with = 1;
      if (ia.nperp < 16) ia.perps[ia.nperp++] = x + 7;
      continue;
    }
    if (reg_i < a.nregimens && x == a.regimens[reg_i]) {
      reg_i++;
      if (!in_with) {
        if (ia.victim != NULL) return cli_usage(ctx, "one victim regimen only (perpetrators follow --with)");
        ia.victim = x;
      } else if (ia.nperp < 16) {
        ia.perps[ia.nperp++] = x;
      }
    }
  }
  for (size_t i = 0; i < a.nrest; i++) {
    const char *x = a.rest[i];
    if (strcmp(x, "--with") == 0 || strncmp(x, "--with=", 7) == 0) continue;
    if (strcmp(x, "--stop-after") == 0 || strncmp(x, "--stop-after=", 13) == 0) {
      const char *v = x[12] == '=' ? x + 13 : (i + 1 < a.nrest ? a.rest[++i] : NULL);
      ru_error err;
      if (v == NULL || ru_units_parse(RU_UNIT_TIME, v, "h", 0.0, &ia.stop_after_h, &err) != RU_OK)
        return cli_usage(ctx, "--stop-after needs a duration such as 14d");
      continue;
    }
    return cli_usage(ctx, x[0] == '-' ? "unknown option '%s'" : "'%s' is not a regimen", x);
  }
  if (ia.victim == NULL) return cli_usage(ctx, "no victim regimen (interact VICTIM --with PERPETRATOR)");
  if (ia.nperp == 0) return cli_usage(ctx, "no perpetrator (give --with REGIMEN)");
  int krc = 0;
  ru_kb *kb = cli_kb(ctx, &krc);
  if (kb == NULL) return krc;
  ru_error err;
  ru_error_clear(&err);
  ru_ddi_options opt = {a.phenotypes, a.nphenotypes, ctx->sets, ctx->nsets, ia.stop_after_h};
  ru_ddi_result res;
  ru_status st = ru_ddi_interaction(kb, ia.victim, ia.perps, ia.nperp, &opt, &res, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  const int single = res.single_dose;
  const char *victim = res.victim;
  ru_sim *with = NULL;
  st = ru_ddi_build(kb, ia.victim, ia.perps, ia.nperp, &opt, 1, res.shift_h, &with, &err);
  /* onset and offset from the victim's clearance multiplier over time */
  double t_reach = nan(""), t_lose = nan(""), m_ss = nan("");
  if (st == RU_OK && ru_sim_is_nonlinear(with)) {
    const double settle = ru_sim_settling_time_h(with);
    const double horizon = (isfinite(ia.stop_after_h) ? ia.stop_after_h : 0.0) + settle;
    const size_t ne = ru_sim_enzyme_count(with);
    double *t = malloc(NGRID * sizeof *t), *act = malloc((ne + 1) * NGRID * sizeof *act),
           *m = malloc(NGRID * sizeof *m);
    if (t && act && m) {
      /* the victim's own dosing does not matter for its clearance multiplier: perpetrators
       * alone drive it (unless the victim inhibits itself, which the with-sim includes) */
      ru_sim *onset = NULL;
      st = ru_ddi_build(kb, ia.victim, ia.perps, ia.nperp, &opt, 1, 0.0, &onset, &err);
      for (size_t j = 0; j < NGRID; j++) t[j] = horizon * (double)j / (double)(NGRID - 1);
      if (st == RU_OK) st = ru_sim_run_enzymes(onset, t, NGRID, act, &err);
      if (st == RU_OK) {
        clearance_multiplier(kb, onset, victim, act, NGRID, NULL, m);
        const double stop = isfinite(ia.stop_after_h) ? ia.stop_after_h : horizon;
        size_t js = 0;
        while (js + 1 < NGRID && t[js + 1] <= stop) js++;
        m_ss = m[js];
        const double full = 1.0 - m_ss;
        if (full > 0.01) {
          for (size_t j = 0; j <= js; j++)
            if (1.0 - m[j] >= 0.9 * full) {
              t_reach = t[j];
              break;
            }
          if (isfinite(ia.stop_after_h)) {
            const double at_stop = 1.0 - m[js];
            for (size_t j = js; j < NGRID; j++)
              if (1.0 - m[j] <= 0.1 * at_stop) {
                t_lose = t[j] - stop;
                break;
              }
          }
        }
      }
      ru_sim_free(onset);
    }
    free(t);
    free(act);
    free(m);
  }
  if (st != RU_OK) {
    ru_sim_free(with);
    return cli_fail(ctx, st, &err);
  }
  const ru_exposure *w = &res.with, *o = &res.without;
  const double auc_ratio = res.auc_ratio, cmax_ratio = res.cmax_ratio;
  const char *mech = ru_sim_mechanisms(with);
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "victim", victim);
    cJSON_AddStringToObject(root, "basis", single ? "single victim dose, perpetrators at steady state"
                                                  : "victim at steady state");
    cJSON_AddItemToObject(root, "auc_ratio", cli_json_number(auc_ratio));
    cJSON_AddItemToObject(root, "cmax_ratio", cli_json_number(cmax_ratio));
    cJSON *m = cJSON_AddArrayToObject(root, "mechanisms");
    char *copy = strdup(mech);
    char *save = NULL;
    for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
      cJSON_AddItemToArray(m, cJSON_CreateString(l));
    free(copy);
    cJSON *pw = cJSON_AddArrayToObject(root, "pathways");
    for (size_t k = 0; k < res.nexplain; k++) {
      const ru_ddi_explanation *x = &res.explain[k];
      cJSON *jx = cJSON_CreateObject();
      cJSON_AddStringToObject(jx, "pathway", x->pathway);
      cJSON_AddItemToObject(jx, "fm", cli_json_number(x->fm));
      if (x->perpetrator[0]) cJSON_AddStringToObject(jx, "perpetrator", x->perpetrator);
      else cJSON_AddNullToObject(jx, "perpetrator");
      cJSON_AddStringToObject(jx, "reason", ru_ddi_reason_name(x->reason));
      cJSON_AddItemToObject(jx, "strength", cli_json_number(x->strength));
      cJSON_AddStringToObject(jx, "text", x->text);
      cJSON_AddItemToArray(pw, jx);
    }
    cJSON *mets = cJSON_AddArrayToObject(root, "metabolites");
    for (size_t k = 0; k < res.nmetabolites; k++) {
      cJSON *jx = cJSON_CreateObject();
      cJSON_AddStringToObject(jx, "compound", res.metabolites[k].compound);
      cJSON_AddItemToObject(jx, "auc_ratio", cli_json_number(res.metabolites[k].auc_ratio));
      cJSON_AddItemToObject(jx, "cmax_ratio", cli_json_number(res.metabolites[k].cmax_ratio));
      cJSON_AddItemToArray(mets, jx);
    }
    cJSON *ex = cJSON_AddObjectToObject(root, "victim_exposure");
    cJSON *jo = cJSON_AddObjectToObject(ex, "without");
    cJSON_AddItemToObject(jo, "auc_ng_h_per_ml", cli_json_number(o->auc_ng_h_per_ml));
    cJSON_AddItemToObject(jo, "cmax_ng_per_ml", cli_json_number(o->cmax_ng_per_ml));
    cJSON *jw = cJSON_AddObjectToObject(ex, "with");
    cJSON_AddItemToObject(jw, "auc_ng_h_per_ml", cli_json_number(w->auc_ng_h_per_ml));
    cJSON_AddItemToObject(jw, "cmax_ng_per_ml", cli_json_number(w->cmax_ng_per_ml));
    cJSON_AddItemToObject(root, "clearance_multiplier", cli_json_number(m_ss));
    cJSON_AddItemToObject(root, "time_to_90pct_effect_h", cli_json_number(t_reach));
    if (isfinite(ia.stop_after_h)) {
      cJSON_AddNumberToObject(root, "stop_after_h", ia.stop_after_h);
      cJSON_AddItemToObject(root, "time_to_lose_90pct_effect_h", cli_json_number(t_lose));
    }
    rc = cli_emit_json(ctx, root);
  } else {
    cli_out *out = cli_out_new();
    char b[4][32];
    if (ctx->format == CLI_FMT_CSV) {
      cli_out_printf(out, "victim,auc_ratio,cmax_ratio,time_to_90pct_effect_h,time_to_lose_90pct_effect_h\n");
      cli_out_printf(out, "%s,%s,%s,%s,%s\n", victim, cli_fmt(b[0], 32, auc_ratio, 6),
                     cli_fmt(b[1], 32, cmax_ratio, 6), cli_fmt(b[2], 32, t_reach, 5),
                     cli_fmt(b[3], 32, t_lose, 5));
    } else {
      cli_out_printf(out, "victim %s (%s)\n", victim,
                     single ? "single dose, perpetrators at steady state" : "steady state");
      cli_out_printf(out, "  AUC  ratio %s  (%s -> %s ng*h/mL)\n", cli_fmt(b[0], 32, auc_ratio, 4),
                     cli_fmt(b[1], 32, o->auc_ng_h_per_ml, 4), cli_fmt(b[2], 32, w->auc_ng_h_per_ml, 4));
      cli_out_printf(out, "  Cmax ratio %s  (%s -> %s ng/mL)\n", cli_fmt(b[0], 32, cmax_ratio, 4),
                     cli_fmt(b[1], 32, o->cmax_ng_per_ml, 4), cli_fmt(b[2], 32, w->cmax_ng_per_ml, 4));
      if (isfinite(t_reach))
        cli_out_printf(out, "  90 %% of the interaction reached after %s days\n", cli_fmt(b[0], 32, t_reach / 24.0, 3));
      if (isfinite(ia.stop_after_h))
        cli_out_printf(out, "  after stopping at day %g: 90 %% of it lost after %s days\n",
                       ia.stop_after_h / 24.0, cli_fmt(b[0], 32, t_lose / 24.0, 3));
      for (size_t k = 0; k < res.nmetabolites; k++) {
        cli_out_printf(out, "  metabolite %s: AUC ratio %s, Cmax ratio %s\n", res.metabolites[k].compound,
                       cli_fmt(b[0], 32, res.metabolites[k].auc_ratio, 4),
                       cli_fmt(b[1], 32, res.metabolites[k].cmax_ratio, 4));
      }
      cli_out_printf(out, "mechanisms:\n%s", mech[0] ? mech : "  none modelled (see the victim pathways below)\n");
      cli_out_printf(out, "victim pathways:\n");
      for (size_t k = 0; k < res.nexplain; k++) cli_out_printf(out, "  %s\n", res.explain[k].text);
      cli_out_printf(out, "\n%s\n", CLI_DISCLAIMER);
    }
    rc = cli_out_commit(ctx, out);
  }
  ru_sim_free(with);
  return rc;
}
