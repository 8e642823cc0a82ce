#!/usr/bin/env python3
"""Writes the synapse and physiology domains of data/params.csv and their sources rows.

The values below are the knowledge base's source of truth for the synapse and physiology
models (the CSV rows are generated from this list so that every row carries its citation key,
status and note in one place). Calibrated values are re-derived by
tests/unit/test_synapse_calibration.c (`reuptake validate --set synapse-calibration` prints them);
their source keys name the rows of validation/calibration_synapse.csv they were fitted on.
Run from the repository root: python3 data/curate/synapse_params.py
"""
import csv, io, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)

# key, citation, found_at, quality
SOURCES = [
 ("syn_hippocampal_ne_dialysis", "'Basic characteristics of noradrenaline release in the hippocampus of intact and 6-hydroxydopamine-lesioned rats as studied by in vivo microdialysis' (rat, awake; authors, journal and pages not shown at found_at)", "https://discovery.researcher.life/article/basic-characteristics-of-noradrenaline-release-in-the-hippocampus-of-intact-and-6-hydroxydopamine-lesioned-rats-as-studied-by-in-vivo-microdialysis/234b5593bc5f3ee6adb58a2596c54fe7", "primary"),
 ("syn_palij1994", "Palij P, Stamford JA 1994 Brain Res 634:275-282 (rat locus coeruleus slices, fast cyclic voltammetry: NE uptake half-life 2.93 s)", "https://pubmed.ncbi.nlm.nih.gov/8131077/", "primary"),
 ("syn_cat_lc_wake", "PMC8852367 (cat locus coeruleus GABA/glutamate microdialysis study; LC unit rates by state cited in its introduction: quiet wake 0.5-1.5 Hz)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC8852367", "secondary"),
 ("syn_szabo_blier2001", "Szabo ST, Blier P 2001 Eur J Neurosci 13:2077-2087 'Effect of the selective noradrenergic reuptake inhibitor reboxetine on the firing activity of noradrenaline and serotonin neurons' (doi 10.1046/j.0953-816x.2001.01583.x; LC firing -52/-68/-81/-83% after 2 d of 1.25-10 mg/kg/d, -80% after 21 d of 2.5 mg/kg/d)", "http://onlinelibrary.wiley.com/doi/10.1046/j.0953-816x.2001.01583.x/abstract", "primary"),
 ("syn_parini2005", "Parini S, Renoldi G, Battaglia A, Invernizzi RW 2005 Neuropsychopharmacology 30:1048-1055 'Chronic reboxetine desensitizes terminal but not somatodendritic alpha2-adrenoceptors controlling noradrenaline release in the rat dorsal hippocampus'", "https://docslib.org/doc/5080735/chronic-reboxetine-desensitizes-terminal-but-not-somatodendritic-a2-adrenoceptors-controlling-noradrenaline-release-in-the-rat-dorsal-hippocampus", "primary"),
 ("syn_striatal_da_noflux", "Quantitative microdialysis study of rat anterior striatal DA by slow perfusion and no-net-flux (10.2 +/- 1.7 nM; authors, journal and pages not shown at found_at)", "https://data.zhenzhi.com/details/1/1001838634", "primary"),
 ("syn_parsons1992", "Parsons LH, Justice JB Jr 1992 J Neurochem 58:212-218 'Extracellular concentration and in vivo recovery of dopamine in the nucleus accumbens using microdialysis' (doi 10.1111/j.1471-4159.1992.tb09298.x)", "http://onlinelibrary.wiley.com/doi/10.1111/j.1471-4159.1992.tb09298.x/abstract", "primary"),
 ("syn_wu2001", "Wu Q et al. 2001 (rat striatal DAT Km 0.22 uM, Vmax 3.8 uM/s from FSCV) as quoted in the wiencke/DAcomp model code parameters.py; primary not seen", "https://github.com/wiencke/DAcomp/blob/1e51f0cf1ec844b0ac1b00d3117064dd15934323/parameters.py", "secondary"),
 ("syn_da_diffusion_tau", "PMC9668542 (fast-scan voltammetry kinetic model of striatal DA with perisynaptic restricted diffusion, time constant 5 s)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC9668542", "primary"),
 ("syn_online_dialysis_ttx2001", "2001 study of 5-min on-line microdialysis of DA in freely moving rats (TTX 2 uM reduced DA by 95% in dorsal striatum and 85% in nucleus accumbens 20 h after probe insertion; authors and journal not shown at found_at)", "https://preview.concepedia.online/publication/W2069082974", "primary"),
 ("syn_neurosci2000_vta", "J Neurosci 2000;20:8876 Table 1 (VTA DA cells of low- and high-responder rats; bursting cells 4.25 +/- 0.22 Hz in LR rats)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC6773051/table/T1/", "primary"),
 ("syn_mathews2004", "'Gene dose-dependent alterations in extraneuronal serotonin but not dopamine in mice with reduced serotonin transporter expression' (zero-net-flux microdialysis: frontal cortex 1.4/3.5/14 nM, striatum 2.8/9.4/18 nM in SERT+/+, +/-, -/-; authors and journal not shown at found_at)", "https://discovery.researcher.life/article/gene-dose-dependent-alterations-in-extraneuronal-serotonin-but-not-dopamine-in-mice-with-reduced-serotonin-transporter-expression/932586118f383a8598ac0c6431ef7061", "primary"),
 ("syn_reed_sert_code", "Best/Nijhout/Reed-lineage serotonin terminal model code (SERT Km 0.060 uM with comment 'Km is from Bunin98', Vmax 250 uM/h); repository not identified; primary (Bunin & Wightman 1998) not seen", "public code; code search ids 15773947017 / VSERT", "secondary"),
 ("syn_abellan2000", "Abellan MT, Jolas T, Aghajanian GK, Artigas F 2000 Eur Neuropsychopharmacol 10:455-462 'Local modulation of the 5-HT release in the dorsal striatum of the rat: an in vivo microdialysis study' (TTX reduced striatal 5-HT output to 15-20% of baseline)", "http://47.251.13.51:8081/11115735", "primary"),
 ("syn_raphe_ttx1993", "PubMed 7682600: in vivo microdialysis of 5-HT in the dorsal and median raphe nuclei of the rat (TTX 0.5 uM and Ca2+ omission did not affect dialysate 5-HT: somatodendritic 5-HT from a cytoplasmic, impulse-independent pool)", "http://linkedlifedata.com/resource/pubmed-article/7682600?generic=true&role=all", "primary"),
 ("syn_hajos1995", "Hajos M, Gartside SE, Sharp T 1995 Naunyn-Schmiedebergs Arch Pharmacol 351:624-629 (PMID 7675121; rat DRN 13.5 +/- 1.6 spikes/10 s under chloral hydrate; 8-OH-DPAT and paroxetine ED50s)", "https://suppr.wilddata.cn/browses/detail/pubmed/7675121", "primary"),
 ("syn_lepoul1995", "Le Poul E, Laaris N, Doucet E, Laporte AM, Hamon M, Lanfumey L 1995 Naunyn-Schmiedebergs Arch Pharmacol 352:141-148 'Early desensitization of somato-dendritic 5-HT1A autoreceptors in rats treated with fluoxetine or paroxetine' (PMID 7477436; ~40% of DRN neurons desensitized at day 3, 60-80% at day 21)", "https://www.ncbi.nlm.nih.gov/pubmed/7477436", "primary"),
 ("syn_paroxetine_5ht1a_ec50", "'Contrasting effects of chronic paroxetine on 5-HT1A control of dorsal raphe cell firing and 5-HT release' (rat DRN slices: 8-OH-DPAT firing EC50 10.7 -> 46.2 nM after 21 d paroxetine 10 mg/kg p.o.; authors and journal not shown at found_at)", "https://scilit.net/publications/74cab7bf75b583716eb64686ef7931db", "primary"),
 ("syn_ssri_5ht1b_2005", "'The effect of chronic selective serotonin reuptake inhibitor treatment on serotonin 1B receptor function and HPA axis activity' 2005 Prog Neuropsychopharmacol Biol Psychiatry 29:738-744 (University of Groningen; effect of 5-HT1B antagonists SB 224289 and GR 127935 on extracellular 5-HT unaltered after 15 d citalopram; authors not shown at found_at)", "https://research.rug.nl/en/publications/the-effect-of-chronic-selective-serotonin-reuptake-inhibitor-trea", "primary"),
 ("syn_dat_tg2008", "PMC2393812 (DAT-overexpressing transgenic mice: +50% striatal DA uptake rate, -40% extracellular DA)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC2393812", "primary"),
 ("syn_bymaster2001_ex_vivo", "Bymaster FP, Dreshfield-Ahmad LJ, Threlkeld PG, Shaw JL, Thompson L, Nelson DL, Hemrick-Luecke SK, Wong DT 2001 Neuropsychopharmacology 25:871-880 'Comparative affinity of duloxetine and venlafaxine for serotonin and norepinephrine transporters in vitro and in vivo, human serotonin receptor subtypes, and other neuronal receptors' (abstract: ex vivo binding to rat 5-HT and NE transporters, ED50 duloxetine 0.03 and 0.7 mg/kg, venlafaxine 2 and 54 mg/kg; route and time after dose not in the abstract)", "https://searchworks.staging.jioinstitute.edu.in/?q=%22Dreshfield-Ahmad+LJ%22&search_field=author", "primary"),
 ("syn_gene_dose", "gene dose: a heterozygous knock-out carries one of two alleles (expression 0.5 of wild type, before compensation)", "definition", "derived"),
 ("syn_doxey1983", "'Studies on RX 781094: a selective, potent and specific antagonist of alpha 2-adrenoceptors' Br J Pharmacol 1983 (PMID 6132640; idazoxan; alpha2/alpha1 selectivity 288; authors Doxey JC, Roach AG, Smith CF not shown at found_at)", "https://www.sigmaaldrich.com/catalog/papers/6132640", "primary"),
 ("syn_pertovaara2005", "Pertovaara A, Haapalinna A, Sirvio J, Virtanen R 2005 CNS Drug Rev 11:273-288 'Pharmacological properties, central nervous system effects, and potential therapeutic applications of atipamezole, a selective alpha2-adrenoceptor antagonist' (review of the binding studies)", "https://www.ncbi.nlm.nih.gov/pubmed/16389294", "secondary"),
 ("syn_gobert1997", "Gobert A, Rivet JM, Cistarelli L, Melon C, Millan MJ 1997 J Neurochem 69:2616-2619 'alpha2-Adrenergic receptor blockade markedly potentiates duloxetine- and fluoxetine-induced increases in noradrenaline, dopamine, and serotonin levels in the frontal cortex of freely moving rats'", "https://www.biopsychiatry.com/alp2ant.htm", "primary"),
 ("syn_fletcher1996", "'WAY-100635, a potent and selective 5-hydroxytryptamine1A antagonist, increases serotonergic neuronal activity in behaving cats: comparison with (S)-WAY-100135' J Pharmacol Exp Ther 1996 278:752-762 (PMID 8768728; Princeton University; authors not shown at found_at)", "http://www.ncbi.nlm.nih.gov/pubmed/8768728", "primary"),
 ("syn_engleman1996", "Engleman EA, Robertson DW, Thompson DC, Perry KW, Wong DT 1996 J Neurochem 66:599-603 (duloxetine +/- the 5-HT1A antagonist LY206130, hypothalamic microdialysis)", "https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/14159825", "primary"),
 ("syn_dreshfield1996", "Dreshfield LJ, Wong DT, Perry KW, Engleman EA 1996 Neurochem Res 21:557-562 (fluoxetine + (-)-pindolol, 5-HT1A antagonist, hypothalamic microdialysis; PMID 8726963)", "https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/16635065", "primary"),
 ("syn_skingle1996", "Skingle M et al. 1996 Behav Brain Res 73:157-161 'GR127935: a potent and selective 5-HT1D receptor antagonist' (PMID 8788495; nanomolar 5-HT1D affinity, blocks central 5-HT1D/1B autoreceptors)", "https://pubmed.ncbi.nlm.nih.gov/8788495/?dopt=Abstract", "primary"),
 ("syn_kohler1985", "'Specific in vitro and in vivo binding of 3H-raclopride. A potent substituted benzamide drug with high affinity for dopamine D-2 receptors in the rat brain' (KD 1.2 nM, striatum; title and findings verified at found_at; bibliographic details Kohler C et al. 1985 Biochem Pharmacol 34:2251 not shown there)", "https://discovery.researcher.life/article/specific-in-vitro-and-in-vivo-binding-of-3h-raclopride-a-potent-substituted-benzamide-drug-with-high-affinity-for-dopamine-d-2-receptors-in-the-rat-brain/c700d545197d39ff96f426d7920bd01a", "primary"),
 ("syn_apomorphine_vta2011", "PLoS One 2011;6:e16528 Fig 2 (apomorphine 1 mg/kg i.p. reduced putative VTA DA neuron firing to <= 20% of baseline in 9/10 neurons, awake rats)", "http://journals.plos.org/plosone/article/figure?id=10.1371/journal.pone.0016528.g002", "primary"),
 ("syn_dremencov2009", "Dremencov E, El Mansari M, Blier P 2009 J Psychiatry Neurosci 34:223-229 (PMC2674976; sustained escitalopram decreased VTA DA firing, reversed by the 5-HT2C antagonist SB 242084)", "https://bvbvf1.bib-bvb.de/vufind/PrimoRecord/cdi_pubmedcentral_primary_oai_pubmedcentral_nih_gov_2674976", "primary"),
 ("syn_sulzer2005", "Sulzer D, Sonders MS, Poulsen NW, Galli A 2005 Prog Neurobiol 75(6):406-433 'Mechanisms of neurotransmitter release by amphetamines: a review' (doi 10.1016/j.pneurobio.2005.04.003; substrate uptake through DAT/NET, VMAT2 disruption, transporter reversal)", "https://ouci.dntb.gov.ua/en/works/9jZBDpw9", "secondary"),
 # physiology
 ("phys_silverberg1978", "Silverberg AB, Shah SD, Haymond MW, Cryer PE 1978 Am J Physiol 234:E252-E256 'Norepinephrine: hormone and neurotransmitter in man' (metabolic clearance 3070 +/- 200 mL/min, half-time 2.4 +/- 0.7 min, basal production 0.7 ug/min)", "https://pubmed.ncbi.nlm.nih.gov/24347/", "primary"),
 ("phys_kopin1998", "Kopin IJ, Rundqvist B, Friberg P, Lenders J, Goldstein DS, Eisenhofer G 1998 Am J Physiol 275:R165-R173 'Different relationships of spillover to release of norepinephrine in human heart, kidneys, and forearm' (release/spillover: kidney 3, skeletal muscle 12, heart > 20)", "http://ajpregu.physiology.org/cgi/content/full/275/1/R165", "primary"),
 ("phys_esler1984_organ", "'Total, and organ-specific, noradrenaline plasma kinetics in essential hypertension' Clin Exp Hypertens A 1984 (shares of total NE spillover: lungs 33%, kidneys 22%, skeletal muscle 20%, hepatomesenteric 9%, skin 5%, heart 3%; authors and pages not shown at found_at)", "https://informahealthcare.com/doi/full/10.3109/10641968409062580", "primary"),
 ("phys_esler1981_dmi", "'Effect of norepinephrine uptake blockers on norepinephrine kinetics' (desipramine 125 mg p.o.: plasma NE clearance 1.33 -> 1.08 L/m2/min, spillover 0.27 -> 0.15 ug/m2/min, plasma NE unchanged; authors, journal and pages not shown at found_at)", "https://scilit.net/publications/00ac1b3c4cd4ab51bfc1e14ec9d1126a", "primary"),
 ("phys_schroeder2002", "Schroeder C, Tank J, Boschmann M, Diedrich A, Sharma AM, Biaggioni I, Luft FC, Jordan J 2002 Circulation 105:347-353 'Selective norepinephrine reuptake inhibition as a human model of orthostatic intolerance' (placebo: supine HR 65 +/- 2, 75 deg head-up tilt 84 +/- 3 bpm; reboxetine 8 mg x 2: 71 +/- 3 and 119 +/- 4)", "http://edoc.mdc-berlin.de/6291/", "primary"),
 ("phys_jacob1998", "Jacob G, Ertl AC, Shannon JR, Furlan R, Robertson RM, Robertson D 1998 J Appl Physiol 84:914-921 'Effect of standing on neurohumoral responses and plasma volume in healthy subjects' (30 min standing: NE spillover +80%, clearance -30%)", "https://moh-it.pure.elsevier.com/en/publications/effect-of-standing-on-neurohumoral-responses-and-plasma-volume-in", "primary"),
 ("phys_meredith1992", "Meredith IT et al. 1992 Hypertension 19(6 Pt 2):628-633 (PMID 1592459; 30 deg head-up tilt in healthy subjects: NE spillover +24%, arterial sampling)", "http://47.251.13.51:8081/1592459", "primary"),
 ("phys_exercise_training", "'Plasma norepinephrine response to exercise before and after training in humans' (10 men; rest 167 +/- 38 pg/mL, fixed submaximal load 1371 +/- 286 pg/mL before training; authors, journal and pages not shown at found_at)", "https://scilit.com/publications/aafc95f46db6572d3190450ab7bea513", "primary"),
 ("phys_exercise_heavy", "'Disappearance of norepinephrine from the circulation following strenuous exercise' (5 min at 1920 kpm/min: plasma NE 4 ng/mL at end of exercise; authors, journal and pages not shown at found_at)", "https://scilit.net/publications/9325adf2f3abead11077ae59209a1179", "primary"),
 ("phys_exercise_hr", "'Effect of differently induced plasma norepinephrine increments on norepinephrine sulfate formation' (bicycle exercise at 65% VO2max: heart rate 162 +/- 3 bpm; authors, journal and pages not shown at found_at)", "https://discovery.researcher.life/article/effect-of-differently-induced-plasma-norepinephrine-increments-on-norepinephrine-sulfate-formation/0a5da5d39ba238b6aafa6215adc797ca", "primary"),
 ("phys_stroop1983", "Acta Physiol Scand 1983;117:19 'Comparison of urinary and plasma catecholamine responses to mental stress' (Stroop test: no significant plasma NE rise during the task; authors not shown at found_at)", "http://linkedlifedata.com/resource/pubmed-article/6858703?generic=true", "primary"),
 ("phys_speech", "'Plasma level of catecholamines and lipids when speaking before an audience' (10 men: plasma noradrenaline x1.9 vs control day; authors and journal not shown at found_at)", "https://scilit.com/publications/02094fabd55c142c376e3b0b47d2a382", "primary"),
 ("phys_johnson1977", "Johnson DG, Hayward JS, Jacobs TP, Collis ML, Eckerson JD, Williams RH 1977 J Appl Physiol 43:216-220 'Plasma norepinephrine responses of man in cold water' (whole-body immersion in 10 C water: 359 +/- 32 -> 642 +/- 138 pg/mL at 2 min)", "https://experts.arizona.edu/en/publications/plasma-norepinephrine-responses-of-man-in-cold-water", "primary"),
 ("phys_hypoglycaemia", "'Plasma catecholamines and blood substrate concentrations: studies in insulin induced hypoglycaemia and after adrenaline infusions' (plasma NE 0.29 -> 0.59 ng/mL; authors and journal not shown at found_at)", "https://scilit.com/publications/03fa940e263b1d47a09b3bff4144a2ab", "primary"),
 ("syn_boxenbaum1982", "Boxenbaum H 1982 J Pharmacokinet Biopharm 10:201-227 'Interspecies scaling, allometry, physiological time, and the ground plan of pharmacokinetics' (doi 10.1007/BF01062336; the dose rule of the validation: volume ~ BW, clearance ~ BW^0.75)", "https://jpet.aspetjournals.org/lookup/external-ref?access_num=10.1007/BF01062336&link_type=DOI", "primary"),
 ("syn_fda2005", "US FDA CDER 2005 Guidance for Industry 'Estimating the Maximum Safe Starting Dose in Initial Clinical Trials for Therapeutics in Adult Healthy Volunteers', Table 1 (reference body weights: rat 0.15 kg, mouse 0.02 kg)", "https://www.fda.gov/media/72309/download", "primary"),
 ("phys_esler1991_dmi", "Esler MD, Wallin G, Dorward PK, Eisenhofer G, Westerman R, Meredith I, Lambert G, Cox HS, Jennings G 1991 Am J Physiol 260:R817-R823 'Effects of desipramine on sympathetic nerve firing and norepinephrine spillover to plasma in humans' (desipramine 0.5 mg/kg i.v.: whole-body spillover -30 to -50%, cardiac +25%, MSNA total activity -90%)", "http://www.pubmed.gov/2012253/", "primary"),
]

# domain, name, value, unit, source, status, notes
ROWS = [
 # --- synapse: structure and release
 ("synapse","autoreceptor.basal_activation",0.5,"fraction","syn_fit_autoreceptor","calibrated","fraction of every autoreceptor activated at the basal transmitter level"),
 ("synapse","release.capacity_fold",27,"fold","syn_hippocampal_ne_dialysis","primary","local KCl 100 mM raised hippocampal dialysate NE 27-fold: maximal sustained release (vesicular store refill) as fold of basal; used for every terminal (no DA/5-HT value found)"),
 ("synapse","ne.c0_nm",2.3,"nM","syn_hippocampal_ne_dialysis","derived","69 fmol per 30 uL dialysate = 2.3 nM (not recovery-corrected); folds do not depend on it (NET uptake first order)"),
 ("synapse","ne.uptake_half_life_s",2.93,"s","syn_palij1994","primary","sets only the seconds-scale equilibration, not folds; also used for cortical DA (cleared by NE terminals)"),
 ("synapse","ne.share_net",0.95,"fraction","syn_fit_ne","calibrated","NET share of NE clearance in every region and the LC; rest: diffusion and extraneuronal (MAO/COMT) clearance: the ceiling of full NET block is 1/(1-share) at constant release"),
 ("synapse","ne.impulse_fraction",0.85,"fraction","syn_hippocampal_ne_dialysis","primary","TTX with desipramine reduced hippocampal dialysate NE by 85%"),
 ("synapse","lc.rate_hz",1.0,"Hz","syn_cat_lc_wake","derived","midpoint of the cat quiet-wake range 0.5-1.5 Hz; scales reported Hz only"),
 ("synapse","alpha2.gain_soma",1.2,"-","syn_fit_ne","calibrated","LC somatodendritic alpha2A gain"),
 ("synapse","alpha2.gain_terminal",1.0,"-","syn_fit_ne","calibrated","terminal alpha2 gain (also brakes DA co-released from NE terminals)"),
 ("synapse","alpha2.soma_desensitization_depth",0,"-","syn_szabo_blier2001","derived","no functional LC alpha2 desensitization: LC firing still -80% after 21 d of reboxetine (and Parini 2005: somatodendritic alpha2 control of release unchanged after 14 d)"),
 ("synapse","alpha2.terminal_desensitization_depth",1.0,"-","syn_fit_alpha2_adaptation","calibrated","terminal alpha2 desensitization (Parini 2005: clonidine effect attenuated at 7 and 14 d)"),
 ("synapse","alpha2.desensitization_tau_d",2.0,"d","syn_fit_alpha2_adaptation","calibrated","time constant of alpha2 desensitization and of its recovery"),
 ("synapse","alpha1.raphe_weight",0.5,"-","syn_fit_coupling","calibrated","alpha1 (NE) drive of raphe firing"),
 ("synapse","da.c0_striatum_nm",10.2,"nM","syn_striatal_da_noflux","primary","rat anterior striatum, no-net-flux"),
 ("synapse","da.c0_nacc_nm",4.2,"nM","syn_parsons1992","primary","rat nucleus accumbens, no-net-flux; used for cortex and VTA (no absolute cortical value in the sourced data; folds barely depend on it, C << Km)"),
 ("synapse","dat.km_um",0.22,"uM","syn_wu2001","secondary","rat striatum"),
 ("synapse","dat.vmax_um_per_s",3.8,"uM/s","syn_wu2001","secondary","rat dorsal striatum"),
 ("synapse","da.diffusion_tau_s",5,"s","syn_da_diffusion_tau","primary","striatum"),
 ("synapse","da.impulse_fraction_striatum",0.95,"fraction","syn_online_dialysis_ttx2001","primary","TTX -95% dorsal striatum at 20 h after probe insertion"),
 ("synapse","da.impulse_fraction_nacc",0.85,"fraction","syn_online_dialysis_ttx2001","primary","TTX -85% nucleus accumbens at 20 h; used for cortex and VTA"),
 ("synapse","da.share_dat_cortex",0.0,"fraction","syn_fit_da","calibrated","DAT share of cortical DA clearance"),
 ("synapse","da.cortex_lc_fraction",0.9,"fraction","syn_fit_da","calibrated","fraction of cortical DA co-released from noradrenergic terminals (pathway: Devoto 2004, Carboni 1990)"),
 ("synapse","vta.rate_hz",4.25,"Hz","syn_neurosci2000_vta","primary","bursting VTA DA cells, LR rats; scales reported Hz only"),
 ("synapse","d2.gain_soma",0.8889,"-","syn_fit_d2","calibrated","VTA somatodendritic D2 gain"),
 ("synapse","d2.gain_terminal",0.5,"-","syn_fit_releaser_d2t","calibrated","terminal D2 gain"),
 ("synapse","5ht.c0_cortex_nm",1.4,"nM","syn_mathews2004","primary","mouse frontal cortex, zero-net-flux"),
 ("synapse","5ht.c0_striatum_nm",2.8,"nM","syn_mathews2004","primary","mouse striatum"),
 ("synapse","5ht.c0_sert_ko_cortex_nm",14,"nM","syn_mathews2004","primary","SERT-/- frontal cortex; SERT share = 1 - 1.4/14 (release assumed unchanged in the KO)"),
 ("synapse","5ht.c0_sert_ko_striatum_nm",18,"nM","syn_mathews2004","primary","SERT-/- striatum"),
 ("synapse","sert.km_um",0.06,"uM","syn_reed_sert_code","secondary","sets the Michaelis saturation of SERT"),
 ("synapse","sert.vmax_um_per_h",250,"uM/h","syn_reed_sert_code","secondary","with Km sets the seconds-scale kinetics only"),
 ("synapse","5ht.impulse_fraction",0.825,"fraction","syn_abellan2000","derived","TTX reduced striatal 5-HT output to 15-20% of baseline: midpoint 0.825; used for every terminal region"),
 ("synapse","drn.impulse_fraction",0,"fraction","syn_raphe_ttx1993","primary","TTX 0.5 uM and Ca2+ omission did not affect raphe dialysate 5-HT: somatodendritic 5-HT release in the raphe is impulse-independent"),
 ("synapse","drn.rate_hz",1.35,"Hz","syn_hajos1995","primary","13.5 spikes/10 s, rat DRN under chloral hydrate; scales reported Hz only"),
 ("synapse","5ht1a.gain_soma",0.8,"-","syn_fit_5ht","calibrated","raphe somatodendritic 5-HT1A gain"),
 ("synapse","5ht1b.gain_terminal",0.5,"-","syn_fit_5ht","calibrated","terminal 5-HT1B gain"),
 ("synapse","5ht1a.desensitization_tau_d",3.556,"d","syn_fit_5ht1a_adaptation","calibrated","time constant of 5-HT1A desensitization and recovery"),
 ("synapse","5ht1a.desensitization_depth",5.08,"-","syn_fit_5ht1a_adaptation","calibrated","5-HT1A desensitization per unit of excess activation"),
 ("synapse","5ht1b.desensitization_depth",0,"-","syn_ssri_5ht1b_2005","derived","no functional terminal 5-HT1B desensitization: 5-HT1B antagonist effects unaltered after 15 d citalopram (and 5-HT1B agonist sensitivity unchanged after 14 d fluvoxamine)"),
 ("synapse","5ht2c.vta_weight",0.1,"-","syn_fit_coupling","calibrated","5-HT2C (5-HT) inhibition of VTA firing"),
 ("synapse","releaser.efflux_max",10,"fold","syn_fit_releaser_d2t","calibrated","transporter reversal at full releaser occupancy, fold of basal release"),
 ("synapse","calibration.effective_dose_occupancy",0.9,"fraction","syn_fit_autoreceptor","calibrated","occupancy of its receptor by a receptor ligand outside the KB at the effective dose used in a study (the dose-rule convention of validation/README.md): one declared factor"),
 ("synapse","calibration.ahn_dat_occupancy",0.9,"fraction","syn_fit_da","calibrated","nuisance value of the DA fit: DAT occupancy of AHN 2-005 10 mg/kg (not a KB compound), fitted with da.cortex_lc_fraction and da.share_dat_cortex"),
 ("synapse","calibration.ahn_net_occupancy",0.9,"fraction","syn_fit_da","calibrated","nuisance value of the DA fit: NET occupancy of AHN 2-005 10 mg/kg"),
 ("synapse","expression.sert_heterozygous",0.5,"fold","syn_gene_dose","derived","SERT+/- scenario; the measured basal 5-HT of the same gene-dose study is a check, not an input"),
 ("synapse","expression.dat_overexpression",1.5,"fold","syn_dat_tg2008","primary","measured +50% uptake rate used as the DAT Vmax scale; the -40% basal DA of the same study is a check"),
 # rat ex-vivo transporter ED50s (the rat dose rule of docs/synapse.md section 5 uses them for
 # acute rat rows in place of the allometric human mapping)
 ("synapse","rat.ex_vivo_ed50_mg_per_kg.duloxetine.SERT",0.03,"mg/kg","syn_bymaster2001_ex_vivo","primary","rat ex vivo binding to 5-HT transporters after a systemic dose (route and time not in the abstract)"),
 ("synapse","rat.ex_vivo_ed50_mg_per_kg.duloxetine.NET",0.7,"mg/kg","syn_bymaster2001_ex_vivo","primary","rat ex vivo binding to NE transporters after a systemic dose (route and time not in the abstract)"),
 ("synapse","rat.ex_vivo_ed50_mg_per_kg.venlafaxine.SERT",2.0,"mg/kg","syn_bymaster2001_ex_vivo","primary","rat ex vivo binding to 5-HT transporters after a systemic dose (route and time not in the abstract)"),
 ("synapse","rat.ex_vivo_ed50_mg_per_kg.venlafaxine.NET",54.0,"mg/kg","syn_bymaster2001_ex_vivo","primary","rat ex vivo binding to NE transporters after a systemic dose (route and time not in the abstract)"),
 # --- physiology
 ("physiology","physio.clearance_l_per_min",3.07,"L/min","phys_silverberg1978","primary","metabolic clearance, venous sampling"),
 ("physiology","physio.half_life_min",2.4,"min","phys_silverberg1978","primary","after stopping an NE infusion (SD 0.7); Vd = CL t1/2 / ln2 = 10.6 L"),
 ("physiology","physio.spillover_ug_per_min",0.7,"ug/min","phys_silverberg1978","primary","basal production, rest supine; SO/CL = 228 pg/mL"),
 ("physiology","physio.uptake1_clearance_fraction",0.2,"fraction","phys_fit_uptake1","calibrated","share of plasma NE clearance by neuronal uptake-1"),
 ("physiology","physio.release_spillover_ratio.kidney",3,"ratio","phys_kopin1998","primary",""),
 ("physiology","physio.release_spillover_ratio.muscle",12,"ratio","phys_kopin1998","primary","skeletal muscle (forearm)"),
 ("physiology","physio.release_spillover_ratio.heart",20,"ratio","phys_kopin1998","primary","reported as > 20: the lower bound is used"),
 ("physiology","physio.spillover_share.kidney",0.22,"fraction","phys_esler1984_organ","primary","the peripheral spillover fold under NET block is weighted over the organs with a published release:spillover ratio (kidney, muscle, heart)"),
 ("physiology","physio.spillover_share.muscle",0.20,"fraction","phys_esler1984_organ","primary",""),
 ("physiology","physio.spillover_share.heart",0.03,"fraction","phys_esler1984_organ","primary",""),
 ("physiology","physio.hr_gain_bpm",24,"bpm","phys_fit_hr","calibrated","heart-rate rise per unit rise of cardiac junctional NE"),
 ("physiology","physio.central_drive_weight",0.9,"fraction","phys_fit_central","calibrated","share of sympathetic outflow (MSNA) that follows the central noradrenergic (LC) drive"),
 ("physiology","physio.spillover_fold.rest_supine",1,"fold","phys_silverberg1978","derived","reference state (definition)"),
 ("physiology","physio.clearance_fold.rest_supine",1,"fold","phys_silverberg1978","derived","reference state (definition)"),
 ("physiology","physio.hr_bpm.rest_supine",65,"bpm","phys_schroeder2002","primary","placebo arm, supine"),
 ("physiology","physio.spillover_fold.standing",1.8,"fold","phys_jacob1998","primary","NE spillover +80% after 30 min standing"),
 ("physiology","physio.clearance_fold.standing",0.7,"fold","phys_jacob1998","primary","NE clearance -30% after 30 min standing"),
 ("physiology","physio.spillover_fold.tilt",1.24,"fold","phys_meredith1992","primary","30 deg head-up tilt, healthy subjects (clearance change not published for healthy subjects: resting clearance used)"),
 ("physiology","physio.hr_bpm.tilt",84,"bpm","phys_schroeder2002","primary","placebo arm, 75 deg head-up tilt (the spillover row is for 30 deg: different angles, see docs/synapse.md)"),
 ("physiology","physio.spillover_fold.exercise_submax",8.21,"fold","phys_exercise_training","derived","1371 / 167 pg/mL (the study's own rest) with resting clearance: clearance during exercise not found, so this is the plasma NE fold"),
 ("physiology","physio.hr_bpm.exercise_submax",162,"bpm","phys_exercise_hr","primary","bicycle exercise at 65% VO2max"),
 ("physiology","physio.spillover_fold.exercise_max",17.5,"fold","phys_exercise_heavy","derived","4000 pg/mL / 228 pg/mL (resting level of this model; the study gives no resting value) with resting clearance"),
 ("physiology","physio.spillover_fold.mental_stress",1.0,"fold","phys_stroop1983","primary","Stroop test: no significant plasma NE rise during the task (qualitative 'no change' as 1.0)"),
 ("physiology","physio.spillover_fold.public_speaking",1.9,"fold","phys_speech","derived","plasma NE x1.9 vs control day, with resting clearance (calibration row r3hp-speech-ne)"),
 ("physiology","physio.spillover_fold.cold_pressor",1.79,"fold","phys_johnson1977","derived","642 / 359 pg/mL at 2 min of whole-body 10 C immersion (hand cold-pressor values not found), with resting clearance"),
 ("physiology","physio.spillover_fold.hypoglycemia",2.03,"fold","phys_hypoglycaemia","derived","590 / 290 pg/mL in insulin-induced hypoglycaemia, with resting clearance (calibration rows r3hp-hypo-ne-base, r3hp-hypo-ne)"),
]

FIT_SOURCES = {
 "syn_fit_autoreceptor": "the NE block: rows cal-gob-atip-ne, cal-gob-s18616-ne (Gobert 1997: atipamezole 0.16 mg/kg s.c. NE 2.8x, alpha2 agonist S 18616 NE to 0), cal-local-dmi-hpc (hippocampal NE 8x under local desipramine 5 uM), cal-reb-lc-2d (LC firing -83% after 2 d reboxetine 10 mg/kg/d), cal-reb-fc and cal-reb-dhpc (reboxetine 15 mg/kg i.p.: +242% FC, +240% dHPC), cal-reb-ida-fc and cal-reb-ida-dhpc (+ idazoxan 1 mg/kg: +1580% FC, +1360% dHPC)",
 "syn_fit_ne": "the NE block: rows cal-gob-atip-ne, cal-gob-s18616-ne, cal-local-dmi-hpc, cal-reb-lc-2d, cal-reb-fc, cal-reb-dhpc, cal-reb-ida-fc, cal-reb-ida-dhpc (see syn_fit_autoreceptor)",
 "syn_fit_alpha2_adaptation": "calibration rows cal-parini-2d, cal-parini-7d, cal-parini-14d (Parini 2005: dorsal hippocampal NE 272%, 469%, 437% after 2, 7, 14 d of reboxetine 10 mg/kg/d s.c.)",
 "syn_fit_coupling": "calibration rows cal-gob-s18616-5ht (alpha2 agonist S 18616: frontal 5-HT -63%) and cal-vta-cit (citalopram i.v.: VTA DA firing -14% maximal)",
 "syn_fit_da": "calibration rows cal-ahn-pfc-da, cal-ahn-nac-da (selective DAT inhibitor AHN 2005 10 mg/kg: PFC DA +100%, NAc DA +200%; Biol Psychiatry 2015;77:940 Fig 4)",
 "syn_fit_d2": "calibration row cal-apo-vta (apomorphine 1 mg/kg: VTA DA firing <= 20%)",
 "syn_fit_releaser_d2t": "calibration rows cal-amph-str and cal-mph-str (Schiffer 2006: amphetamine 2.5 mg/kg i.p. striatal DA 13.98x, methylphenidate 5 mg/kg i.p. 3.6x)",
 "syn_fit_5ht": "calibration rows cal-cit10-dhpc (citalopram 10 mg/kg: dorsal hippocampal 5-HT +205%) and cal-mil-local-fc (local milnacipran: frontal 5-HT 7x)",
 "syn_fit_5ht1a_adaptation": "calibration rows cal-lepoul-onset (~40% of DRN neurons desensitized at day 3 vs 70% at day 21) and cal-par21-ec50 (8-OH-DPAT firing EC50 10.7 -> 46.2 nM after 21 d paroxetine)",
  "phys_fit_uptake1": "calibration row cal-dmi125-clearance (desipramine 125 mg p.o.: plasma NE clearance -19%, 1.33 -> 1.08 L/m2/min)",
 "phys_fit_central": "calibration row cal-esler81-spill (desipramine 125 mg p.o.: whole-body NE spillover 0.27 -> 0.15 ug/m2/min)",
 "phys_fit_hr": "calibration row cal-reb-hr-supine (reboxetine 8 mg x 2: supine HR 65 -> 71 bpm, Schroeder 2002)",
}

def calibrated_values():
    """name -> value of the calibrated rows (data/curate/synapse_calibrated.csv, written from
    the output of tests/unit/test_synapse_calibration with RU_SYN_CALIBRATE_PRINT=1)."""
    path = os.path.join(HERE, "synapse_calibrated.csv")
    out = {}
    if os.path.exists(path):
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                out[r["name"]] = float(r["value"])
    return out

def main():
    cal = calibrated_values()
    src_path = os.path.join(DATA, "sources.csv")
    par_path = os.path.join(DATA, "params.csv")
    with open(par_path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    keep = [r for r in body if r[0] not in ("synapse", "physiology")]
    # my rows go where they stood, so that other domains' rows keep their order
    first = next((i for i, r in enumerate(body) if r[0] in ("synapse", "physiology")), len(body))
    n_before = sum(1 for r in body[:first] if r[0] not in ("synapse", "physiology"))
    with open(src_path, newline="") as f:
        srows = list(csv.reader(f))
    sheader, sbody = srows[0], srows[1:]
    used_elsewhere = set(r[header.index("source")] for r in keep)
    for name in os.listdir(DATA):
        if name.endswith(".csv") and name not in ("params.csv", "sources.csv"):
            with open(os.path.join(DATA, name), newline="") as f:
                txt = f.read()
            for r in sbody:
                if r[0] in txt:
                    used_elsewhere.add(r[0])
    old_syn = set()
    for r in body:
        if r[0] in ("synapse", "physiology"):
            old_syn.add(r[header.index("source")])
    mine = set(k for k, *_ in SOURCES) | set(FIT_SOURCES)
    sfirst = next((i for i, r in enumerate(sbody) if r[0] in mine), len(sbody))
    dropped = lambda r: r[0] in mine or (r[0] in old_syn and r[0] not in used_elsewhere)
    s_before = [r for r in sbody[:sfirst] if not dropped(r)]
    s_after = [r for r in sbody[sfirst:] if not dropped(r)]
    smine = []
    for k, cit, at, q in SOURCES:
        smine.append([k, cit, at, q])
    for k, rows_txt in FIT_SOURCES.items():
        smine.append([k, "reuptake calibration (docs/synapse.md section 4; re-derived by tests/unit/test_synapse_calibration.c): fitted on validation/calibration_synapse.csv " + rows_txt, "validation/calibration_synapse.csv", "derived"])
    sbody = s_before + smine + s_after
    myrows = []
    for domain, name, value, unit, source, status, notes in ROWS:
        if status == "calibrated" and name in cal:
            value = float("%.6g" % cal[name])
        myrows.append([domain, name, repr(value) if isinstance(value, float) else str(value), unit, source, status, notes, ""])
    keep = keep[:n_before] + myrows + keep[n_before:]
    keys = set(r[0] for r in sbody)
    for r in keep:
        if r[header.index("source")] not in keys:
            sys.exit("unresolved source " + r[header.index("source")])
    with open(par_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n"); w.writerow(header); w.writerows(keep)
    with open(src_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n"); w.writerow(sheader); w.writerows(sbody)

if __name__ == "__main__":
    main()
