/* The command table: every subcommand of `reuptake` with its help text and its options, declared
 * once. The parser (options.c), the generated help (help.c), the option matrix test and the argv
 * fuzzer all read these rows, so what help lists is exactly what the parser accepts. */
#include <string.h>

#include "common.h"
#include "simargs.h"

#define END {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0}
#define G_OUTPUT {"Output", CLI_OPTS_OUTPUT}
#define G_KB {"Knowledge base", CLI_OPTS_KB}
#define G_SET {"Parameter overrides", CLI_OPTS_SET}
#define G_PLOT {"Plot", CLI_OPTS_PLOT}
#define G_REGIMEN {"Regimen and subject", CLI_OPTS_REGIMEN}
#define G_SOLVER {"Solver", CLI_OPTS_SOLVER}
#define G_GRID {"Time grid", CLI_OPTS_GRID}
#define G_TARGETS {"Targets", CLI_OPTS_TARGETS}
#define G_END {NULL, NULL}

/* --- drugs, kb -------------------------------------------------------------------------------- */

static const cli_option DRUGS_OPTS[] = {
    {"--class", NULL, CLI_V_TEXT, "CLASS", "list: only this class (SSRI, SNRI, NRI, TCA, ...)", 0, 0,
     NULL, "SNRI", 0},
    {"--products", NULL, CLI_V_FLAG, NULL, "list: the products (brands) instead of the compounds", 0,
     0, NULL, NULL, 0},
    END,
};
static const cli_optgroup DRUGS_GROUPS[] = {{"drugs", DRUGS_OPTS}, G_KB, G_OUTPUT, G_END};

static const cli_optgroup KB_GROUPS[] = {G_KB, G_OUTPUT, G_END};

/* --- simulate, exposure ----------------------------------------------------------------------- */

static const cli_option SIMULATE_OPTS[] = {
    {"--id", NULL, CLI_V_INTEGER, "N", "with --data: simulate only subject N", -1e15, 1e15, NULL, "1",
     0},
    END,
};
static const cli_optgroup SIMULATE_GROUPS[] = {
    {"simulate", SIMULATE_OPTS}, G_REGIMEN, G_SOLVER, G_GRID, G_TARGETS, G_SET, G_PLOT, G_KB,
    G_OUTPUT, G_END};

static const cli_optgroup EXPOSURE_GROUPS[] = {G_REGIMEN, G_SOLVER, G_SET, G_KB, G_OUTPUT, G_END};

/* --- occupancy -------------------------------------------------------------------------------- */

static const cli_option OCCUPANCY_OPTS[] = {
    {"--conc", NULL, CLI_V_TEXT, "DRUG=LEVEL,...",
     "occupancy at measured total plasma levels (a unit each: ng/mL, nM)", 0, 0, NULL,
     "nortriptyline=50ng/mL", 0},
    {"--doses", NULL, CLI_V_TEXT, "D1,D2,...", "dose-occupancy curve of DRUG (mg) with ED50", 0, 0,
     NULL, "10,20,40", 0},
    {"--every", NULL, CLI_V_DURATION, "DURATION", "with --doses: the dosing interval (default 24h)",
     1e-3, 8760.0, NULL, "12h", 0},
    {"--at", NULL, CLI_V_DURATION, "TIME", "occupancy at this time after the first dose", 0.0,
     SIMARGS_MAX_HORIZON_H, NULL, "6h", 0},
    {"--profile", NULL, CLI_V_FLAG, NULL, "only the targets engaged above 50 %", 0, 0, NULL, NULL, 0},
    END,
};
static const cli_optgroup OCCUPANCY_GROUPS[] = {
    {"occupancy", OCCUPANCY_OPTS}, G_TARGETS, G_REGIMEN, G_SOLVER, G_SET, G_KB, G_OUTPUT, G_END};

/* --- interact --------------------------------------------------------------------------------- */

static const cli_option INTERACT_OPTS[] = {
    {"--with", NULL, CLI_V_TEXT, "REGIMEN...",
     "the perpetrator regimen(s); the arguments after it are perpetrators too", 0, 0, NULL,
     "paroxetine:20mg:q24h", CLI_REPEAT | CLI_GREEDY},
    {"--stop-after", NULL, CLI_V_DURATION, "DURATION",
     "the perpetrators stop after this long: times to 50 % and 90 % recovery", 0.0, 87600.0,
     NULL, "14d", 0},
    {"--phenotype", NULL, CLI_V_TEXT, "GENE=PHENO", "metabolizer phenotype (CYP2D6=PM), repeatable",
     0, 0, NULL, "CYP2D6=PM", CLI_REPEAT},
    END,
};
static const cli_optgroup INTERACT_GROUPS[] = {{"interact", INTERACT_OPTS}, G_SOLVER, G_SET, G_KB, G_OUTPUT,
                                               G_END};

/* --- synapse, physiology ---------------------------------------------------------------------- */

static const cli_option SYNAPSE_OPTS[] = {
    {"--occupancy", NULL, CLI_V_TEXT, "T=x,...",
     "held occupancy from time 0 (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C; "
     "fractions)", 0, 0, NULL, "NET=0.9", CLI_REPEAT},
    {"--antagonist", NULL, CLI_V_TEXT, "DRUG=x,...",
     "held receptor antagonism: idazoxan, atipamezole, WAY-100635, pindolol, GR127935, "
     "raclopride, or a receptor (alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C)", 0, 0, NULL,
     "idazoxan=0.9", CLI_REPEAT},
    {"--agonist", NULL, CLI_V_TEXT, "DRUG=x,...",
     "held autoreceptor agonism: clonidine, 8-OH-DPAT, apomorphine, or a receptor", 0, 0, NULL,
     "clonidine=0.5", CLI_REPEAT},
    {"--releaser", NULL, CLI_V_TEXT, "DRUG=x,...",
     "held releaser occupancy (d-amphetamine, or a transporter: NET, DAT, SERT)", 0, 0, NULL,
     "DAT=0.8", CLI_REPEAT},
    {"--expression", NULL, CLI_V_TEXT, "T=x,...", "transporter expression, fold of wild type", 0, 0,
     NULL, "NET=0.5", CLI_REPEAT},
    {"--genotype", NULL, CLI_V_TEXT, "NAME", "SERT+/-, SERT-/-, DAT-overexpression", 0, 0, NULL,
     "SERT+/-", 0},
    {"--region", NULL, CLI_V_TEXT, "NAME", "pfc (default), striatum or hippocampus", 0, 0, NULL,
     "striatum", 0},
    {"--param", NULL, CLI_V_TEXT, "NAME=VALUE",
     "override a knowledge-base parameter for this run (see --params)", 0, 0, NULL,
     "autoreceptor.basal_activation=0.5", CLI_REPEAT},
    {"--rtol", NULL, CLI_V_NUMBER, "R", "relative tolerance of the synapse integration", 1e-14,
     1e-2, NULL, "1e-8", 0},
    {"--atol", NULL, CLI_V_NUMBER, "A", "absolute tolerance of the synapse integration", 1e-16,
     1.0, NULL, "1e-10", 0},
    {"--params", NULL, CLI_V_FLAG, NULL, "list every model parameter with its source and status", 0,
     0, NULL, NULL, 0},
    END,
};
static const cli_optgroup SYNAPSE_GROUPS[] = {
    {"synapse", SYNAPSE_OPTS}, G_REGIMEN, G_SOLVER, G_GRID, G_SET, G_PLOT, G_KB, G_OUTPUT, G_END};

static const cli_option PHYSIOLOGY_OPTS[] = {
    {"--state", NULL, CLI_V_TEXT, "STATE",
     "rest_supine (default), seated, standing, tilt, exercise_submax, exercise_max, "
     "mental_stress, public_speaking, cold_pressor, hypoglycemia", 0, 0, NULL, "standing", 0},
    {"--occupancy", NULL, CLI_V_TEXT, "NET=x", "held NET occupancy (fraction)", 0, 0, NULL,
     "NET=0.5", 0},
    {"--param", NULL, CLI_V_TEXT, "NAME=VALUE",
     "override a knowledge-base parameter for this run (see --params)", 0, 0, NULL,
     "physio.hr_gain_bpm=20", CLI_REPEAT},
    {"--params", NULL, CLI_V_FLAG, NULL, "list the physiology parameters with their sources", 0, 0,
     NULL, NULL, 0},
    END,
};
static const cli_optgroup PHYSIOLOGY_GROUPS[] = {
    {"physiology", PHYSIOLOGY_OPTS}, G_REGIMEN, G_SOLVER, G_SET, G_KB, G_OUTPUT, G_END};

/* --- population ------------------------------------------------------------------------------- */

static const cli_option POPULATION_OPTS[] = {
    {"--subjects", NULL, CLI_V_TEXT, "N", "number of virtual subjects (required)", 0, 0, NULL, "20",
     0},
    {"--seed", NULL, CLI_V_TEXT, "S", "random seed (default 1): the same seed, the same population",
     0, 0, NULL, "7", 0},
    {"--ancestry", NULL, CLI_V_TEXT, "NAME", "CYP2D6 genotype frequencies of this ancestry", 0, 0,
     NULL, "european", 0},
    {"--percentiles", NULL, CLI_V_TEXT, "P1,P2,...", "percentile bands (default 5,50,95)", 0, 0,
     NULL, "10,50,90", 0},
    {"--target-attainment", NULL, CLI_V_TEXT, "T>=x",
     "probability of reaching an occupancy (SERT>=0.8), repeatable", 0, 0, NULL, "SERT>=0.8",
     CLI_REPEAT},
    {"--list-ancestries", NULL, CLI_V_FLAG, NULL, "list the ancestries with genotype frequencies", 0,
     0, NULL, NULL, 0},
    END,
};
static const cli_optgroup POPULATION_GROUPS[] = {
    {"population", POPULATION_OPTS}, G_REGIMEN, G_GRID, G_TARGETS, G_SET, G_PLOT, G_KB, G_OUTPUT,
    G_END};

/* --- validate, map ---------------------------------------------------------------------------- */

static const cli_option VALIDATE_OPTS[] = {
    {"--set", NULL, CLI_V_TEXT, "SET|DRUG.KEY=VALUE",
     "one set (pet, ddi, pm, washout, microdialysis, physiology), or a parameter override; "
     "repeatable", 0,
     0, NULL, "pm", CLI_REPEAT},
    {"--data", NULL, CLI_V_FILE, "FILE.csv", "with --set: your own table of that set's kind", 0, 0,
     NULL, "rows.csv", 0},
    {"--calibrate", NULL, CLI_V_FLAG, NULL,
     "refit the per-family Ki scaling on the calibration rows only (factors, rows, residuals)", 0, 0,
     NULL, NULL, 0},
    {"--cross-validate", NULL, CLI_V_FLAG, NULL,
     "refit leaving one study out at a time: in-sample vs held-out error", 0, 0, NULL, NULL, 0},
    END,
};
static const cli_optgroup VALIDATE_GROUPS[] = {{"validate", VALIDATE_OPTS}, G_KB, G_OUTPUT, G_END};

static const cli_option MAP_OPTS[] = {
    {"--class", NULL, CLI_V_TEXT, "CLASS", "only products of this class (SNRI, TCA, stimulant...)",
     0, 0, NULL, "NRI", 0},
    {"--dose", NULL, CLI_V_CHOICE, "WHICH", "the label dose used (default usual)", 0, 0,
     "low|usual|high", "high", 0},
    END,
};
static const cli_optgroup MAP_GROUPS[] = {{"map", MAP_OPTS}, G_PLOT, G_KB, G_OUTPUT, G_END};

/* --- the commands ----------------------------------------------------------------------------- */

static const cli_command DRUGS = {
    "drugs", "list, show or search the compounds of the knowledge base",
    "list [--class CLASS] [--products]\nshow NAME\nsearch TEXT",
    "Every compound and product (brand) of the knowledge base with its citations. `show` prints\n"
    "every value with its status and source (brand names accepted); a product shows its release\n"
    "model, compounds, salt factors and label doses. `search` matches names, brand names,\n"
    "synonyms and classes.",
    "reuptake drugs show venlafaxine --format json\nreuptake drugs show Concerta\n"
    "reuptake drugs list --products",
    DRUGS_GROUPS, cmd_drugs, "show atomoxetine"};

static const cli_command KB = {
    "kb", "check the knowledge base (sources, units, coverage)", "check",
    "Sources resolve, units are known, no duplicates, fractions in [0, 1], metabolites point to\n"
    "parents; prints the coverage. Exit 1 when the shipped knowledge base has a violation, 2 when\n"
    "a --kb or --compounds file given by you does.",
    "reuptake kb check\nreuptake kb check --format json", KB_GROUPS, cmd_kb, "check"};

static const cli_command SIMULATE = {
    "simulate", "concentration and occupancy time course of a regimen",
    "REGIMEN... [OPTIONS]\n--data FILE.csv [--id N] [OPTIONS]",
    "Total (ng/mL) and unbound (nM) concentrations of every compound and metabolite, and the\n"
    "occupancy of the targets they bind (SERT, NET, DAT by default). Time zero is the first dose.\n"
    "With --data, each subject (ID) of the dataset is simulated at its observation records\n"
    "(EVID 0/2) unless a grid is given; --id N selects one; CSV is then in long form\n"
    "(id,time_h,compound,quantity,target,unit,value). Per-record F, ALAG, R (RATE=-1) and D\n"
    "(RATE=-2) columns are read as NONMEM data items (docs/regimens.md).",
    "reuptake simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 28 --plot demo.png\n"
    "reuptake simulate atomoxetine:40mg:q12h --phenotype CYP2D6=PM --format json",
    SIMULATE_GROUPS, cmd_simulate, "atomoxetine:40mg:q12h"};

static const cli_command EXPOSURE = {
    "exposure", "steady-state (or single-dose) exposure per compound", "REGIMEN... [OPTIONS]",
    "Steady state over the last dosing interval: AUCtau, Cmax, Cmin, Cavg, unbound Cavg; for a\n"
    "single dose AUC0-inf, Cmax and tmax.",
    "reuptake exposure venlafaxine:75mg:q12h\nreuptake exposure Effexor-XR:150mg:qd --format json",
    EXPOSURE_GROUPS, cmd_exposure, "atomoxetine:40mg:q12h"};

static const cli_command OCCUPANCY = {
    "occupancy", "target occupancy at steady state, dose-occupancy curves",
    "REGIMEN... [--targets T] [--profile] [--at TIME] [OPTIONS]\n--conc DRUG=LEVEL[,DRUG=LEVEL...]\n"
    "DRUG --doses 10,20,40,80 [--every 24h]",
    "Steady-state mean, trough and peak occupancy per target with per-compound shares; at\n"
    "measured plasma levels (--conc); a dose-occupancy curve with ED50 (--doses).",
    "reuptake occupancy venlafaxine:225mg:q24h --target NET\n"
    "reuptake occupancy --conc nortriptyline=50ng/mL",
    OCCUPANCY_GROUPS, cmd_occupancy, "atomoxetine:40mg:q12h"};

static const cli_command INTERACT = {
    "interact", "drug-drug interaction: victim exposure with vs without",
    "VICTIM_REGIMEN --with PERPETRATOR_REGIMEN... [--stop-after DURATION] [OPTIONS]",
    "Victim AUC and Cmax ratios with vs without the perpetrator(s) (inhibition driven by their\n"
    "unbound concentrations over time, enzyme turnover), the mechanisms, the victim's metabolites,\n"
    "and the time to reach 90 % of the interaction and, with --stop-after, to 50 % and 90 % recovery.",
    "reuptake interact desipramine:50mg:q24h --with paroxetine:20mg:q24h\n"
    "reuptake interact atomoxetine:40mg:bid --with fluoxetine:20mg:qd --stop-after 28d",
    INTERACT_GROUPS, cmd_interact, "atomoxetine:40mg --with paroxetine:20mg"};

static const cli_command SYNAPSE = {
    "synapse", "extracellular NE, DA and 5-HT by brain region",
    "(REGIMEN...|--occupancy NET=0.9,DAT=0.1,...) [--region pfc|striatum|hippocampus] [OPTIONS]",
    "Extracellular NE, DA and 5-HT as fold of baseline, firing of LC, VTA and dorsal raphe, and\n"
    "the sensitivity of every autoreceptor (alpha2, D2, 5-HT1A, 5-HT1B desensitize with their own\n"
    "time courses). Held values (--occupancy, --antagonist, --agonist, --releaser) are fractions\n"
    "from time 0 (default 3 h: the acute response); with a regimen the occupancy comes from its\n"
    "PK/PD and held values add by competitive binding. --params lists every model number with\n"
    "its status and source (docs/synapse.md).",
    "reuptake synapse --occupancy NET=0.9 --region pfc\n"
    "reuptake synapse atomoxetine:80mg:qd --days 28",
    SYNAPSE_GROUPS, cmd_synapse, "--occupancy NET=0.9"};

static const cli_command PHYSIOLOGY = {
    "physiology", "plasma noradrenaline and heart rate by state",
    "[--state STATE] [REGIMEN...|--occupancy NET=x] [--params] [OPTIONS]",
    "Plasma noradrenaline, its kinetics (spillover, clearance, half-life) and heart rate in a\n"
    "physiological state, with and without NET blockade. A repeated regimen is taken at steady\n"
    "state (mean over the last interval); a single dose gives its time course, reported at the\n"
    "peak NET occupancy. A state whose spillover is not sourced is an error; one whose clearance\n"
    "change is not sourced keeps the resting clearance and says so.",
    "reuptake physiology --state standing --occupancy NET=0.5\n"
    "reuptake physiology atomoxetine:80mg:qd --format json",
    PHYSIOLOGY_GROUPS, cmd_physiology, "--state standing"};

static const cli_command POPULATION = {
    "population", "virtual population: percentiles and target attainment",
    "REGIMEN... --subjects N [--seed S] [--ancestry NAME] [OPTIONS]",
    "Virtual subjects with inter-individual variability and CYP2D6 genotypes drawn from the\n"
    "ancestry's frequencies: percentile bands of concentration and occupancy over time,\n"
    "probability of target attainment, exposure by phenotype (docs/population.md). Runs sharded\n"
    "under mpirun with the same output for any number of ranks. Ctrl-C stops between subjects\n"
    "and writes nothing.",
    "reuptake population atomoxetine:80mg:qd --subjects 1000 --target-attainment NET>=0.8\n"
    "reuptake population --list-ancestries",
    POPULATION_GROUPS, cmd_population, "atomoxetine:40mg:q24h --subjects 4 --days 2"};

static const cli_command VALIDATE = {
    "validate", "run the published validation sets and report metrics",
    "[--set pet|ddi|pm|washout|microdialysis|firing|physiology[,...]] [--data FILE] [--calibrate|--cross-validate] [OPTIONS]",
    "Predicted vs observed for every published row with its source, the summary metrics of each\n"
    "set, and the fitted in-vitro to in-vivo scaling factors with the calibration rows they came\n"
    "from (docs/validation.md).",
    "reuptake validate\nreuptake validate --set pet --format json", VALIDATE_GROUPS, cmd_validate,
    "--set physiology"};

static const cli_command MAP = {
    "map", "every product at its label dose: occupancy, NET/SERT, CYP liabilities",
    "[--class CLASS] [--dose low|usual|high] [--plot FILE] [OPTIONS]",
    "Every product at its label dose (usual by default), steady state, one row each: mean\n"
    "occupancy of SERT, NET, DAT, H1, M1, alpha1, 5-HT2A and 5-HT2C over the dosing interval, the\n"
    "NET/SERT occupancy ratio at that dose, and the CYP enzymes the product inhibits at that dose\n"
    "(FDA 2020 basic static models). --plot draws the heatmap (rows by class). Products without a\n"
    "sourced dose or with a missing value are listed with the reason.",
    "reuptake map --plot map.png\nreuptake map --class SNRI --dose high --format json", MAP_GROUPS,
    cmd_map, "--class NRI"};

const cli_command *const CLI_COMMANDS[] = {&DRUGS,    &KB,         &SIMULATE,   &EXPOSURE,
                                           &OCCUPANCY, &INTERACT,  &SYNAPSE,    &PHYSIOLOGY,
                                           &POPULATION, &VALIDATE, &MAP,        NULL};

const cli_command *cli_command_find(const char *name) {
  for (size_t i = 0; CLI_COMMANDS[i] != NULL; i++) {
    if (strcmp(CLI_COMMANDS[i]->name, name) == 0) return CLI_COMMANDS[i];
  }
  return NULL;
}
