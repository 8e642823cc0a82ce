/* The sourced parameter table of the synapse and physiology layers. Every number the model uses
 * is a row here with its source and status:
 *   primary    - value as reported by the cited study (as stored in ../shared/data/ CSVs);
 *   secondary  - value quoted by another work or by model code citing the study;
 *   derived    - arithmetic on sourced values (the expression is in the note and in the code);
 *   calibrated - fitted to the named rows of ../shared/data/synapse_params.csv or physiology.csv,
 *                NEVER to ../shared/validation/ (tests/unit/test_synapse_calibration.c
 *                re-derives each one);
 *   assumed    - a stated modelling assumption where no sourced value exists.
 * Values are compile-time expressions of the sourced numbers, so derived rows cannot drift from
 * their inputs. The knowledge-base engineer may later move this table into data/. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "synapse/synapse_impl.h"

#define RUI_NAN ((double)NAN)
#define RUI_LN2 0.69314718055994530942 /* ln 2 (mathematical constant) */

/* --- sourced inputs (see the rows below for citations) ------------------------------------- */
#define SRC_SYNCSV "../shared/data/synapse_params.csv"
#define A0 0.5
#define NEAR_COMPLETE 0.9
#define NE_DIALYSATE_FMOL 69.0 /* fmol per 30 uL hippocampal dialysate */
#define NE_DIALYSATE_UL 30.0
#define PALIJ_T_HALF_S 2.93
#define DAT_KM_UM 0.22
#define DAT_VMAX_UM_S 3.8
#define DA_DIFF_TAU_S 5.0
#define SERT_KM_UM 0.060
#define SERT_VMAX_UM_H 250.0
#define SERT_WT_FC 1.4
#define SERT_KO_FC 14.0
#define SERT_WT_STR 2.8
#define SERT_KO_STR 18.0
#define APO_VTA_FRACTION 0.2 /* apomorphine: VTA DA firing <= 20% of baseline */

/* --- calibrated values (tests/unit/test_synapse_calibration.c re-derives them) -------------- */
#define CAL_SH_NET_NE 0.999
#define CAL_G_S_ALPHA2 1.2606
#define CAL_G_T_ALPHA2 0.3974
#define CAL_SH_DAT_DA_CTX 0.0
#define CAL_DA_CTX_LC 0.984
#define CAL_G_S_5HT1A 0.8252
#define CAL_TAU_DES_D 3.556
#define CAL_D_DES_5HT1A 5.08

#define K_DAT_PER_S (DAT_VMAX_UM_S / DAT_KM_UM)
#define K_SERT_PER_S (SERT_VMAX_UM_H / SERT_KM_UM / 3600.0)
#define SH_SERT_CTX (1.0 - SERT_WT_FC / SERT_KO_FC)
#define SH_SERT_STR (1.0 - SERT_WT_STR / SERT_KO_STR)
#define PH_CL0 3.07
#define PH_THALF 2.4
#define PH_SO0 0.7
#define PH_DMI_SO_DROP 0.40
#define PH_BASAL_PG_ML (PH_SO0 / PH_CL0 * 1000.0) /* ug/min / (L/min) = ug/L; x1000 = pg/mL */

static const ru_synapse_param PARAMS[RUI_P_COUNT] = {
    [RUI_P_A0] = {"autoreceptor", "autoreceptor.a0", A0, "fraction",
                  "none (modelling assumption)", "assumed",
                  "fraction of autoreceptors activated by the endogenous transmitter at the basal "
                  "concentration (EC50 = basal level); no in vivo EC50 for NE/DA/5-HT at "
                  "alpha2/D2/5-HT1A is in the sourced data (synapse_README C). Gains g are "
                  "calibrated given this choice"},
    [RUI_P_HILL] = {"autoreceptor", "autoreceptor.hill", 1.0, "-", "none (modelling assumption)",
                    "assumed", "Hill coefficient of autoreceptor activation (simple mass action)"},
    [RUI_P_OCC_NEAR_COMPLETE] =
        {"autoreceptor", "calibration.near_complete_occupancy", NEAR_COMPLETE, "fraction",
         "../shared/validation/README.md convention (microdialysis 'condition')", "assumed",
         "occupancy assumed for an effective systemic or local dose of a blocker in the "
         "calibration scenarios (reboxetine 15 mg/kg, idazoxan 1 mg/kg, local desipramine 5 uM, "
         "citalopram 10 mg/kg, paroxetine 10 mg/kg/d, desipramine 0.5 mg/kg i.v.)"},

    /* ----------------------------------------------------------------------------- NE / LC */
    [RUI_P_C0_NE] = {"NE", "ne.c0", NE_DIALYSATE_FMOL / NE_DIALYSATE_UL, "nM",
                     "'Basic characteristics of noradrenaline release in the hippocampus ...' "
                     "(rat microdialysis), " SRC_SYNCSV " dialysate_NE_amount",
                     "derived",
                     "69 fmol / 30 uL dialysate = 2.3 nM; not recovery-corrected, so a lower "
                     "bound. Used for every region and the LC (Devoto 2004: basal NE similar in "
                     "both cortices). Folds are insensitive to it while C << Km"},
    [RUI_P_K_NE] = {"NE", "ne.k_total", RUI_LN2 / PALIJ_T_HALF_S, "1/s",
                    "Palij P et al. 1994 Brain Res 634:275 (LC slice, uptake half-life 2.93 s)",
                    "derived",
                    "ln2 / 2.93 s. Total first-order NE clearance; sets only the seconds-scale "
                    "equilibration, not folds. Also used for cortical DA (NE terminals)"},
    [RUI_P_KM_NET] = {"NE", "net.km", DAT_KM_UM, "uM",
                      "Wu et al. 2001 DAT Km (via wiencke/DAcomp parameters.py), by analogy",
                      "assumed",
                      "NET Km not found (synapse_README C); DAT value used. Basal NE (2.3 nM) "
                      "<< Km, so uptake is first order and folds barely depend on it"},
    [RUI_P_SH_NET_NE] =
        {"NE", "ne.share_net", CAL_SH_NET_NE, "fraction",
         "calibrated on " SRC_SYNCSV
         " rows dialysate_NE_amount (local desipramine 5 uM: hippocampal NE 8-fold) and "
         "reboxetine_15mgkg_NE (+idazoxan 1 mg/kg: +1580% FC, +1360% dHPC)",
         "calibrated",
         "NET share of low-concentration NE clearance in cortex, hippocampus, striatum and LC "
         "(rest: diffusion). Jointly fitted with alpha2 gains (see docs/synapse.md). Michel 1984 "
         "(34% of cortical synaptosomal NE uptake DMI-sensitive) is NOT used: a 34% share caps "
         "full NET block at 1.5-fold, contradicted by the 8-fold local desipramine row"},
    [RUI_P_SH_DAT_NE] = {"NE", "ne.share_dat", 0.0, "fraction",
                         "Michel M et al. 1984 Brain Res 301:149 considered and not applied",
                         "assumed",
                         "DAT uptake of NE set to 0 (in vivo share unknown; see ne.share_net)"},
    [RUI_P_IMP_NE] = {"NE", "ne.impulse_fraction", 0.85, "fraction",
                      "hippocampal NE microdialysis study, " SRC_SYNCSV
                      " dialysate_NE_amount (TTX with DMI -85%)",
                      "primary", "fraction of basal NE release that is impulse (firing) dependent"},
    [RUI_P_F0_LC] = {"NE", "lc.f0", 1.0, "Hz",
                     "PMC8852367 (cat LC: quiet wake 0.5-1.5 Hz); rat tonic 0.1-5 Hz (PMC6674489)",
                     "derived", "midpoint of the quiet-wake range; only scales reported Hz"},
    [RUI_P_G_S_ALPHA2] =
        {"NE", "alpha2.gain_soma", CAL_G_S_ALPHA2, "-",
         "calibrated on " SRC_SYNCSV
         " reboxetine_LC_firing_ED50 (2-day minipump 10 mg/kg/d: LC firing -83%, plateau)",
         "calibrated",
         "LC somatodendritic alpha2A gain; NET occupancy 0.9 assumed for the plateau dose; "
         "steady state LC firing fold 0.17"},
    [RUI_P_G_T_ALPHA2] =
        {"NE", "alpha2.gain_terminal", CAL_G_T_ALPHA2, "-",
         "calibrated on " SRC_SYNCSV " reboxetine_15mgkg_NE (+idazoxan: +1580% FC, +1360% dHPC) "
         "with dialysate_NE_amount (local DMI 8-fold)",
         "calibrated",
         "terminal alpha2 brake; least squares (log) on the two idazoxan+reboxetine rows, "
         "idazoxan alpha2 occupancy 0.9 assumed"},
    [RUI_P_D_DES_ALPHA2] = {"NE", "alpha2.desensitization", 0.0, "-",
                            "Eur J Neurosci 2001 doi 10.1046/j.0953-816x.2001.01583.x: LC firing "
                            "-80% after 21 d reboxetine (no recovery)",
                            "derived",
                            "no functional alpha2 desensitization of LC firing over 21 d"},

    /* ----------------------------------------------------------------------------- DA / VTA */
    [RUI_P_C0_DA_STR] = {"DA", "da.c0_striatum", 10.2, "nM",
                         "quantitative microdialysis (no-net-flux) of rat anterior striatum, "
                         "https://data.zhenzhi.com/details/1/1001838634",
                         "primary", "basal extracellular DA, striatum"},
    [RUI_P_C0_DA_CTX] = {"DA", "da.c0_cortex", 4.2, "nM",
                         "J Neurochem 1992 doi 10.1111/j.1471-4159.1992.tb09298.x (NAc no-net-flux)",
                         "assumed",
                         "no absolute cortical DA in the sourced data; NAc value as a placeholder "
                         "for pfc, hippocampus and VTA. C << Km: folds barely depend on it"},
    [RUI_P_KM_DAT] = {"DA", "dat.km", DAT_KM_UM, "uM",
                      "Wu et al. 2001 (via wiencke/DAcomp parameters.py comment)", "secondary",
                      "Atcherley 2015 in vivo 0.32 uM; Michael 2005 ~0.2 uM"},
    [RUI_P_VMAX_DAT] = {"DA", "dat.vmax", DAT_VMAX_UM_S, "uM/s",
                        "Wu et al. 2001 (via wiencke/DAcomp parameters.py comment)", "secondary",
                        "dorsal striatum"},
    [RUI_P_TAU_DIFF_DA] = {"DA", "da.diffusion_tau", DA_DIFF_TAU_S, "s",
                           "PMC9668542 (FSCV kinetic model, perisynaptic restricted diffusion)",
                           "primary", "time constant of DA escape by diffusion, striatum"},
    [RUI_P_K_DA_STR] = {"DA", "da.k_total_striatum", K_DAT_PER_S + 1.0 / DA_DIFF_TAU_S, "1/s",
                        "derived from dat.vmax, dat.km, da.diffusion_tau", "derived",
                        "Vmax/Km + 1/tau = 17.27 + 0.2"},
    [RUI_P_SH_DAT_DA_STR] = {"DA", "da.share_dat_striatum",
                             K_DAT_PER_S / (K_DAT_PER_S + 1.0 / DA_DIFF_TAU_S), "fraction",
                             "derived from dat.vmax, dat.km, da.diffusion_tau", "derived",
                             "(Vmax/Km) / (Vmax/Km + 1/tau); VTA uses the same share"},
    [RUI_P_SH_NET_DA_STR] = {"DA", "da.share_net_striatum", 0.0, "fraction",
                             "Mateo Y et al. 2004 J Neurosci Methods 140:183 (DAT-KO NAc: "
                             "desipramine no effect on DA clearance)",
                             "primary", "NET does not clear DA in striatum/NAc"},
    [RUI_P_SH_DAT_DA_CTX] =
        {"DA", "da.share_dat_cortex", CAL_SH_DAT_DA_CTX, "fraction",
         "calibrated on " SRC_SYNCSV
         " atomoxetine_3mgkg_PFC note: selective DAT inhibitor AHN 2005 10 mg/kg ~+100% PFC DA "
         "and ~+200% NAc DA (Biol Psychiatry 2015;77:940 Fig 4)",
         "calibrated",
         "DAT occupancy of the AHN dose solved from the NAc (striatum) +200%, then the cortical "
         "DAT share from PFC +100%"},
    [RUI_P_SH_NET_DA_CTX] =
        {"DA", "da.share_net_cortex", (1.0 - CAL_SH_DAT_DA_CTX) * CAL_SH_NET_NE, "fraction",
         "Carboni E et al. 1990 J Neurochem 55:1067; Devoto P et al. 2004 Eur J Pharmacol 487:105",
         "derived",
         "(1 - da.share_dat_cortex) * ne.share_net: the non-DAT part of cortical DA clearance is "
         "split like NE (DA co-released from and taken up into noradrenergic terminals; "
         "NRI-induced PFC DA rise abolished by noradrenergic lesion)"},
    [RUI_P_K_DA_CTX] = {"DA", "da.k_total_cortex", RUI_LN2 / PALIJ_T_HALF_S, "1/s",
                        "Palij 1994 (as ne.k_total)", "assumed",
                        "cortical DA cleared mostly by NE terminals: NE rate used (timescale only)"},
    [RUI_P_DA_CTX_LC_FRACTION] =
        {"DA", "da.cortex_lc_fraction", CAL_DA_CTX_LC, "fraction",
         "calibrated on " SRC_SYNCSV
         " atomoxetine_3mgkg_PFC note (AHN 2005: PFC DA +100%, PFC NE +100%, NAc DA +200%); "
         "pathway from Devoto P et al. 2004 Eur J Pharmacol 487:105 (cortical DA largely from "
         "noradrenergic terminals) and Devoto et al. BMC Neurosci 6:31 (LC stimulation raises "
         "cortical DA)",
         "calibrated",
         "fraction of cortical (pfc, hippocampus) DA release that follows LC firing (co-release "
         "from NE terminals); the rest follows VTA firing. Added after a first version with "
         "VTA-only cortical DA release (see docs/synapse.md, 'history')"},
    [RUI_P_IMP_DA_STR] = {"DA", "da.impulse_fraction_striatum", 0.95, "fraction",
                          "2001 on-line microdialysis study (concepedia W2069082974): TTX -95% "
                          "dorsal striatum at 20 h",
                          "primary", "20 h after probe insertion (4 h values reflect trauma)"},
    [RUI_P_IMP_DA_CTX] = {"DA", "da.impulse_fraction_cortex", 0.85, "fraction",
                          "same study: TTX -85% NAc at 20 h", "assumed",
                          "NAc value used for cortical and hippocampal DA"},
    [RUI_P_F0_VTA] = {"DA", "vta.f0", 4.25, "Hz",
                      "J Neurosci 2000;20:8876 Table 1 (PMC6773051), bursting VTA DA cells, LR rats",
                      "primary", "only scales reported Hz"},
    [RUI_P_G_S_D2] = {"DA", "d2.gain_soma",
                      (1.0 - APO_VTA_FRACTION) / (1.0 - APO_VTA_FRACTION * A0), "-",
                      "calibrated on " SRC_SYNCSV
                      " D2_agonist_VTA_suppression (apomorphine 1 mg/kg: VTA DA firing <= 20% "
                      "of baseline, PLoS One 2011 e16528)",
                      "calibrated",
                      "closed form: (1-g)/(1-g*a0) = 0.2 with the agonist saturating the "
                      "receptor (A -> 1)"},
    [RUI_P_G_T_D2] = {"DA", "d2.gain_terminal", CAL_G_T_ALPHA2, "-",
                      "analogy with alpha2.gain_terminal", "assumed",
                      "D2 terminal autoinhibition exists (Naunyn-Schmiedeberg 1991:344:623) but "
                      "no magnitude in the sourced data"},
    [RUI_P_D_DES_D2] = {"DA", "d2.desensitization", 0.0, "-", "none found", "assumed",
                        "no D2 autoreceptor desensitization data in the sourced set"},

    /* ----------------------------------------------------------------------------- 5-HT / DRN */
    [RUI_P_C0_5HT_CTX] = {"5-HT", "5ht.c0_cortex", SERT_WT_FC, "nM",
                          "'Gene dose-dependent alterations in extraneuronal serotonin ...' "
                          "(mouse zero-net-flux), " SRC_SYNCSV,
                          "primary", "frontal cortex; also used for hippocampus and DRN (assumed)"},
    [RUI_P_C0_5HT_STR] = {"5-HT", "5ht.c0_striatum", SERT_WT_STR, "nM", "same study", "primary",
                          "striatum"},
    [RUI_P_KM_SERT] = {"5-HT", "sert.km", SERT_KM_UM, "uM",
                       "Best/Nijhout/Reed-lineage model code citing Bunin & Wightman 1998",
                       "secondary", "unverified against the paper (synapse_README)"},
    [RUI_P_VMAX_SERT] = {"5-HT", "sert.vmax", SERT_VMAX_UM_H, "uM/h",
                         "Best/Nijhout/Reed-lineage model code", "secondary",
                         "code comment: 'in paper Vmax = 8000'; sets only the timescale"},
    [RUI_P_K_SERT] = {"5-HT", "sert.k", K_SERT_PER_S, "1/s", "derived: sert.vmax / sert.km",
                      "derived", "first-order SERT rate constant; region totals = k / share"},
    [RUI_P_SH_SERT_CTX] = {"5-HT", "5ht.share_sert_cortex", SH_SERT_CTX, "fraction",
                           "gene-dose SERT microdialysis study, " SRC_SYNCSV
                           " (frontal cortex WT 1.4 nM, SERT-/- 14 nM)",
                           "derived",
                           "1 - WT/KO = 1 - 1.4/14, assuming KO release at WT level (chronic "
                           "5-HT1A desensitization restores firing); hippocampus and DRN too"},
    [RUI_P_SH_SERT_STR] = {"5-HT", "5ht.share_sert_striatum", SH_SERT_STR, "fraction",
                           "same study (striatum WT 2.8 nM, SERT-/- 18 nM)", "derived",
                           "1 - 2.8/18"},
    [RUI_P_IMP_5HT] = {"5-HT", "5ht.impulse_fraction", 0.85, "fraction",
                       "analogy with ne.impulse_fraction (TTX -85%)", "assumed",
                       "no 5-HT TTX fraction in the sourced data"},
    [RUI_P_F0_DRN] = {"5-HT", "drn.f0", 2.5, "Hz",
                      "Lydic R, McCarley RW, Hobson JA 1984 Am J Physiol 247:R135 (cat DRN wake "
                      "2-3 spikes/s)",
                      "derived", "midpoint; rat value not found; only scales reported Hz"},
    [RUI_P_G_S_5HT1A] =
        {"5-HT", "5ht1a.gain_soma", CAL_G_S_5HT1A, "-",
         "calibrated on " SRC_SYNCSV
         " citalopram_dHPC_5HT (+205% dorsal hippocampus at 10 mg/kg)",
         "calibrated", "SERT occupancy 0.9 assumed for 10 mg/kg; 3 h acute response"},
    [RUI_P_G_T_5HT1B] = {"5-HT", "5ht1b.gain_terminal", CAL_G_T_ALPHA2, "-",
                         "analogy with alpha2.gain_terminal", "assumed",
                         "no terminal 5-HT1B brake magnitude in the sourced data"},
    [RUI_P_TAU_DES] =
        {"5-HT", "5ht1a.desensitization_tau", CAL_TAU_DES_D, "d",
         "calibrated on " SRC_SYNCSV
         " SSRI_5HT1A_desensitization_onset (~40% of DRN neurons desensitized at day 3 vs "
         "60-80% at day 21; INSERM U288 1995, PMID 7477436)",
         "calibrated",
         "first-order approach: (1-exp(-3/tau))/(1-exp(-21/tau)) = 40/70; also used (inert) for "
         "alpha2 and D2, whose depth is 0. DRN firing recovery by 14-21 d (Czachura & "
         "Rasmussen 2000) is checked, not fitted"},
    [RUI_P_D_DES_5HT1A] =
        {"5-HT", "5ht1a.desensitization_depth", CAL_D_DES_5HT1A, "-",
         "calibrated on " SRC_SYNCSV
         " paroxetine_chronic_8OHDPAT_EC50 (DRN firing EC50 10.7 -> 46.2 nM after 21 d)",
         "calibrated",
         "s(21 d) = 10.7/46.2 = 0.232 under SERT occupancy 0.9 held 21 d (agonist EC50 scales "
         "as 1/s)"},

    /* ----------------------------------------------------------------------------- scenarios */
    [RUI_P_EXPR_SERT_HET] = {"scenario", "expression.sert_heterozygous", 0.5, "fold",
                             "gene dose (one of two alleles)", "derived",
                             "SERT+/- knob; the measured basal 5-HT ratios of the gene-dose study "
                             "(2.5x cortex, 3.4x striatum) are a check, not an input"},
    [RUI_P_EXPR_DAT_TG] = {"scenario", "expression.dat_overexpression", 1.5, "fold",
                           "PMC2393812 (DAT-tg mice: +50% uptake rate)", "primary",
                           "measured uptake increase used as the Vmax scale; the -40% basal DA "
                           "of the same study is a check"},
    [RUI_P_EXPR_NET_182] = {"scenario", "expression.net_182T", 1.0, "fold",
                            "doi 10.1089/gtmb.2020.0092 (T allele > C in luciferase assay)",
                            "assumed",
                            "no published fold change: neutral (1.0); users set --expression "
                            "NET=x to explore"},

    /* ----------------------------------------------------------------------------- physiology */
    [RUI_P_PH_NE_MW] = {"physio", "physio.ne_molar_mass", 169.18, "g/mol",
                        "NE article (Wikipedia mirror), synapse_README", "secondary",
                        "1 nmol/L = 169 pg/mL"},
    [RUI_P_PH_CL0] = {"physio", "physio.clearance", PH_CL0, "L/min",
                      "Silverberg AB, Shah SD, Haymond MW, Cryer PE 1978 Am J Physiol 234:E252",
                      "primary", "metabolic clearance 3070 mL/min (venous sampling)"},
    [RUI_P_PH_THALF] = {"physio", "physio.half_life", PH_THALF, "min", "Silverberg et al. 1978",
                        "primary", "after stopping NE infusion (SD 0.7)"},
    [RUI_P_PH_VD] = {"physio", "physio.volume", PH_CL0 * PH_THALF / RUI_LN2, "L",
                     "derived: Vd = CL * t1/2 / ln2 (synapse_README B2)", "derived",
                     "3.07 * 2.4 / 0.693"},
    [RUI_P_PH_SO0] = {"physio", "physio.spillover", PH_SO0, "ug/min", "Silverberg et al. 1978",
                      "primary", "basal production rate, resting supine; SO/CL = 228 pg/mL"},
    [RUI_P_PH_DMI_SO_DROP] = {"physio", "physio.dmi_spillover_drop", PH_DMI_SO_DROP, "fraction",
                              "Am J Physiol 1991;260:R817 (desipramine 0.5 mg/kg i.v.: whole-body "
                              "spillover -30 to -50%)",
                              "derived", "midpoint of -30..-50%"},
    [RUI_P_PH_A_SO] = {"physio", "physio.net_spillover_slope", PH_DMI_SO_DROP / NEAR_COMPLETE,
                       "1/occupancy", "derived from physio.dmi_spillover_drop", "derived",
                       "SO = SO0 * drive * (1 - a * occ_NET); desipramine i.v. occupancy 0.9 "
                       "assumed. Net of central sympatho-inhibition (MSNA -90%) and peripheral "
                       "uptake block"},
    [RUI_P_PH_A_CL] = {"physio", "physio.net_clearance_slope", PH_DMI_SO_DROP / NEAR_COMPLETE,
                       "1/occupancy",
                       "'Effect of norepinephrine uptake blockers on norepinephrine kinetics' "
                       "(scilit 00ac1b3c): plasma NE unchanged under uptake blockade",
                       "derived",
                       "CL = CL0 * (1 - a * occ_NET): plasma NE = SO/CL unchanged while "
                       "spillover falls implies clearance falls by the same fraction. Hence "
                       "'desipramine leaves plasma NE unchanged' is built in, not predicted"},
    [RUI_P_PH_DRIVE_STANDING] = {"physio", "physio.drive_standing", 2.0, "fold",
                                 "Ziegler MG, 'Catecholamine measurement in behavioral research' "
                                 "(plasma NE doubles 5 min after standing)",
                                 "secondary", "spillover multiplier, clearance unchanged"},
    [RUI_P_PH_DRIVE_EX_SUB] = {"physio", "physio.drive_exercise_submax", 1371.0 / PH_BASAL_PG_ML,
                               "fold",
                               "'Plasma norepinephrine response to exercise before and after "
                               "training in humans' (1371 pg/mL at a fixed submax load)",
                               "derived",
                               "1371 pg/mL / model resting 228 pg/mL: reproduces the published "
                               "level (the study's own resting value was 167); clearance assumed "
                               "unchanged during exercise"},
    [RUI_P_PH_DRIVE_EX_MAX] = {"physio", "physio.drive_exercise_max", 4000.0 / PH_BASAL_PG_ML,
                               "fold",
                               "'Disappearance of norepinephrine from the circulation following "
                               "strenuous exercise' (~4 ng/mL after 5 min very heavy work)",
                               "derived",
                               "4000 pg/mL / model resting 228 pg/mL (the study gives no resting "
                               "value)"},
    [RUI_P_PH_DRIVE_MENTAL] = {"physio", "physio.drive_mental_stress", 1.0, "fold",
                               "Acta Physiol Scand 1983;117:19 (Stroop: no significant plasma NE "
                               "rise during the task)",
                               "primary", "qualitative 'no change' taken as 1.0"},
    [RUI_P_PH_DRIVE_COLD] = {"physio", "physio.drive_cold", 642.0 / PH_BASAL_PG_ML, "fold",
                             "Johnson DG et al. 1977 (10 C water immersion: 359 -> 642 pg/mL at "
                             "2 min)",
                             "derived",
                             "642 pg/mL / model resting 228 pg/mL (published level reproduced); "
                             "whole-body immersion used for 'cold_pressor' (hand CPT values not "
                             "found)"},
    [RUI_P_PH_HR_SUPINE] = {"physio", "physio.hr_supine", 65.0, "bpm",
                            "Schroeder C et al. 2002 Circulation (placebo arm, supine)", "primary",
                            ""},
    [RUI_P_PH_HR_STANDING] = {"physio", "physio.hr_standing", 84.0, "bpm",
                              "Schroeder et al. 2002 (placebo arm, 75 deg head-up tilt)",
                              "primary", "tilt used for 'standing'"},
    [RUI_P_PH_HR_EX_SUB] = {"physio", "physio.hr_exercise_submax", 162.0, "bpm",
                            "'Effect of differently induced plasma norepinephrine increments on "
                            "norepinephrine sulfate formation' (cycling 65% VO2max)",
                            "primary", "no sourced HR for max exercise, mental stress, cold"},
    [RUI_P_PH_CARD_DMI_RISE] = {"physio", "physio.cardiac_spillover_rise_dmi", 0.25, "fraction",
                                "Am J Physiol 1991;260:R817 (cardiac NE spillover +25% under "
                                "desipramine)",
                                "primary",
                                "cardiac junctional NE fold J = 1 + 0.25 * occ/0.9 (cardiac "
                                "spillover as proxy for junctional NE)"},
    [RUI_P_PH_HR_BETA] = {"physio", "physio.hr_gain", (71.0 - 65.0) / 0.25, "bpm",
                          "calibrated on physiology.csv reboxetine_HR_supine (65 -> 71 bpm, "
                          "Schroeder 2002)",
                          "calibrated",
                          "HR = HR_state + gain * drive_state * (J - 1); reboxetine NET occupancy "
                          "0.9 assumed. The tilt row (84 -> 119) is a prediction"},
};

_Static_assert(sizeof PARAMS / sizeof PARAMS[0] == RUI_P_COUNT, "one row per index");

size_t ru_synapse_param_count(void) { return RUI_P_COUNT; }

const ru_synapse_param *ru_synapse_param_get(size_t i) {
  if (i >= RUI_P_COUNT) {
    return NULL;
  }
  return &PARAMS[i];
}

const ru_synapse_param *ru_synapse_param_find(const char *name) {
  if (name == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < RUI_P_COUNT; i++) {
    if (PARAMS[i].name != NULL && strcmp(PARAMS[i].name, name) == 0) {
      return &PARAMS[i];
    }
  }
  return NULL;
}

double rui_syn_param_value(rui_syn_param p) {
  if ((size_t)p >= RUI_P_COUNT) {
    return RUI_NAN;
  }
  return PARAMS[p].value;
}
