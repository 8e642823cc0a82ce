/* Per-command help texts (`reuptake help COMMAND`, `reuptake COMMAND --help`). */
#include <string.h>

#include "common.h"

static const struct {
  const char *name;
  const char *text;
} HELP[] = {
    {"drugs",
     "reuptake drugs list [--class CLASS] [--products]\n"
     "reuptake drugs show NAME        every value with its citation (brand names accepted)\n"
     "reuptake drugs search TEXT      names, brand names, synonyms and classes\n\n"
     "  reuptake drugs show venlafaxine --format json\n"
     "Products (brands as labelled: Concerta, Effexor XR, Adderall) are shown with their release\n"
     "model, compounds, salt factors and label doses; --products lists them.\n\n"
     "  reuptake drugs show Concerta\n"
     "  reuptake drugs list --products"},
    {"map",
     "reuptake map [--class SSRI|SNRI|NRI|NDRI|TCA|stimulant|...] [--dose low|usual|high]\n"
     "             [--plot FILE.png|svg|pdf] [--format table|csv|json]\n"
     "Every product at its label dose (usual by default), steady state, one row each: mean\n"
     "occupancy of SERT, NET, DAT, H1, M1, alpha1, 5-HT2A and 5-HT2C over the dosing interval,\n"
     "the NET/SERT occupancy ratio at that dose, and the CYP enzymes the product inhibits at\n"
     "that dose (FDA 2020 basic static models). --plot draws the heatmap (rows by class).\n"
     "Products without a sourced dose or with a missing value are listed with the reason.\n\n"
     "  reuptake map --plot map.png\n"
     "  reuptake map --class SNRI --dose high --format json"},
    {"kb",
     "reuptake kb check    sources resolve, units known, no duplicates, fractions in [0,1],\n"
     "                     metabolites point to parents; prints coverage; exit 1 on violation\n"
     "Options: --kb FILE (another database), --compounds FILE (user compounds)"},
    {"simulate",
     "reuptake simulate REGIMEN... [--days N|--hours H] [--step H|--times T1,T2,...]\n"
     "                  [--phenotype CYP2D6=PM] [--targets SERT,NET|all] [--data FILE.csv]\n"
     "                  [--data-map F=COL,ALAG=COL,R=COL,D=COL] [--id N] [--solver auto|cvode]\n"
     "                  [--set DRUG.KEY=VALUE] [--plot FILE.png|svg|pdf]\n"
     "Total (ng/mL) and unbound (nM) concentrations of every compound and metabolite, and\n"
     "occupancy of the targets they bind. Time zero is the first dose.\n"
     "With --data, each subject (ID) of the dataset is simulated at its observation records\n"
     "(EVID 0/2) unless a grid is given; --id N selects one; CSV is then in long form.\n"
     "Per-record F, ALAG, R (RATE=-1) and D (RATE=-2) columns are read as NONMEM data items;\n"
     "--data-map names the dataset's own columns for them (docs/regimens.md).\n\n"
     "  reuptake simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 28 --plot demo.png\n"
     "  reuptake simulate atomoxetine:40mg:q12h --phenotype CYP2D6=PM --format json"},
    {"exposure",
     "reuptake exposure REGIMEN... [--phenotype GENE=PHENO] [--set ...]\n"
     "Steady state over the last dosing interval: AUCtau, Cmax, Cmin, Cavg, unbound Cavg; for a\n"
     "single dose AUC0-inf, Cmax and tmax.\n\n"
     "  reuptake exposure venlafaxine:75mg:q12h"},
    {"occupancy",
     "reuptake occupancy REGIMEN... [--target T] [--phenotype ...]\n"
     "reuptake occupancy --conc DRUG=LEVEL[,DRUG=LEVEL...]   at measured plasma levels\n"
     "reuptake occupancy DRUG --doses 10,20,40,80 [--every 24h]   dose-occupancy curve, ED50\n"
     "reuptake occupancy REGIMEN... --profile   targets engaged above 50 %\n"
     "Steady-state mean, trough and peak occupancy per target with per-compound shares.\n\n"
     "  reuptake occupancy venlafaxine:225mg:q24h --target NET\n"
     "  reuptake occupancy --conc nortriptyline=50ng/mL"},
    {"interact",
     "reuptake interact VICTIM_REGIMEN --with PERPETRATOR_REGIMEN... [--stop-after DURATION]\n"
     "Victim AUC and Cmax ratios with vs without the perpetrator(s), the mechanisms, and the\n"
     "time to reach and to lose the interaction.\n\n"
     "  reuptake interact desipramine:50mg:q24h --with paroxetine:20mg:q24h"},
    {"synapse",
     "reuptake synapse (REGIMEN...|--occupancy NET=0.9,DAT=0.1,...) [--region pfc|striatum|\n"
     "                 hippocampus] [--hours H|--days D] [--plot FILE]\n"
     "                 [--antagonist idazoxan=0.9|WAY-100635=0.9|alpha2=x|D2=x|5-HT1A=x]\n"
     "                 [--expression NET=x,DAT=x,SERT=x] [--genotype SERT+/-|SERT-/-|\n"
     "                 DAT-overexpression|NET-182T] [--param NAME=VALUE] [--params]\n"
     "Extracellular NE, DA and 5-HT as fold of baseline, firing of LC, VTA and raphe.\n"
     "--params lists every model number with its source and status (docs/synapse.md)."},
    {"physiology",
     "reuptake physiology [--state rest_supine|standing|exercise_max|mental_stress|...]\n"
     "                    [REGIMEN...|--occupancy NET=x]\n"
     "                    [--params]\n"
     "Plasma noradrenaline, its kinetics and heart rate, with and without NET blockade.\n"
     "States: rest_supine, standing, exercise_submax, exercise_max, mental_stress, cold_pressor."},
    {"population",
     "reuptake population REGIMEN... --subjects N [--seed S] [--ancestry NAME]\n"
     "Virtual population: percentile bands and target attainment (runs under mpirun)."},
    {"validate",
     "reuptake validate [--set pet|ddi|pm|microdialysis|physiology] [--data FILE] [--calibrate]\n"
     "                  [--cross-validate]\n"
     "Predicted vs observed for every published row with its source, and summary metrics.\n"
     "--calibrate refits the per-family Ki scaling on calibration rows (factors, rows, residuals);\n"
     "--cross-validate refits leaving one study out at a time: in-sample vs held-out error."},
};

const char *cli_help_text(const char *command) {
  for (size_t i = 0; i < sizeof HELP / sizeof HELP[0]; i++) {
    if (strcmp(HELP[i].name, command) == 0) return HELP[i].text;
  }
  return NULL;
}
