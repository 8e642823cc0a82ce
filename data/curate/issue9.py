#!/usr/bin/env python3
"""Issue 9 curation step (run once from the repository root; kept to show how each row was made).

Appends to data/*.csv: elimination-pathway fractions (fm.<PATHWAY>, with fm.other as the named
remainder), documented absences (pathway_gaps.csv), inhibition constants, new compounds and
metabolites, and the PK values that were missing. Every value cites a source key; where the
value was read second-hand (round-3 leads in ../shared/data/round3/kb_inputs.csv, which name
the primary and the page read), the row is marked secondary or derived and says so in notes.
Nothing is tuned to a validation row."""
import csv, math, sys

D = 'data/'
def app(f, rows, cols):
    with open(D + f, 'a', newline='') as o:
        w = csv.DictWriter(o, fieldnames=cols, lineterminator='\n')
        for r in rows:
            w.writerow({k: r.get(k, '') for k in cols})

def cols(f):
    return next(csv.reader(open(D + f)))

SRC = []   # key, citation, found_at, quality
def src(key, citation, found_at, quality):
    SRC.append(dict(key=key, citation=citation, found_at=found_at, quality=quality))

LEAD = 'lead ../shared/data/round3/kb_inputs.csv, page read there: '
src('brosen1986_imipramine', 'Brosen K, Klysner R, Gram LF, Otton SV, Bech P, Bertilsson L. Steady-state concentrations of imipramine and its metabolites in relation to the sparteine/debrisoquine polymorphism. Eur J Clin Pharmacol 1986;30:679-684', LEAD + 'https://link.springer.com/article/10.1007/BF00608215', 'secondary')
src('swiss_fachinfo_imipramine', 'Swiss Fachinformation imipramine (Tofranil), Pharmakokinetik (Elimination: unchanged imipramine 5 % and desipramine 6 % of the dose in urine)', 'pages: https://ch.oddb.org:443/de/gcc/fachinfo/reg/24115/chapter/kinetic', 'primary')
src('huang2017_atomoxetine', 'Huang W, Nakano M, Sager J, Ragueneau-Majlessi I, Isoherranen N. Physiologically based pharmacokinetic model of the CYP2D6 probe atomoxetine: extrapolation to special populations and drug-drug interactions. Drug Metab Dispos 2017;45:1156-1165, Table 1 (CLr 0.185 L/h from Sauer 2003; CLiv 16.3 L/h from the Strattera NDA; fm,CYP2D6 0.876, remainder CYP2C19)', LEAD + 'https://dmd.aspetjournals.org/highwire/markup/69995/expansion (table page; paper identity inferred by the lead)', 'secondary')
src('jukic2018', 'Jukic MM, Haslemo T, Molden E, Ingelman-Sundberg M. Impact of CYP2C19 genotype on escitalopram exposure and therapeutic failure: a retrospective study based on 2,087 patients. Am J Psychiatry 2018;175:463-470 (abstract: CYP2C19 Null/Null 3.3-fold dose-harmonised escitalopram vs *1/*1)', LEAD + 'https://psychiatryonline.org/doi/abs/10.1176/appi.ajp.2017.17050550', 'secondary')
src('sager2016_bupropion', 'Sager JE, Price LSL, Isoherranen N. Stereoselective metabolism of bupropion to OH-bupropion, threohydrobupropion, erythrohydrobupropion, and 4\'-OH-bupropion in vitro. Drug Metab Dispos 2016;44:1709-1719 (abstract: fm,CYP2B6 21 %, fm,CYP2C19 6 % for racemic bupropion)', LEAD + 'https://pmc.ncbi.nlm.nih.gov/articles/PMC5034696', 'secondary')
src('brunner2015', 'Brunner V, Maynadier B, Chen L, et al. Disposition and metabolism of [14C]-levomilnacipran, a serotonin and norepinephrine reuptake inhibitor, in humans, monkeys, and rats. Drug Des Devel Ther 2015;9:3199-3215 (abstract: 58.4 % of the dose excreted in urine as unchanged levomilnacipran in humans)', 'pages: https://www.dovepress.com/front_end/disposition-and-metabolism-of-14c-levomilnacipran-a-serotonin-and-nore-peer-reviewed-article-DDDT', 'primary')
src('savella_label_copy', 'Savella (milnacipran HCl) US label, Clinical Pharmacology (absorption 85-90 %, 55 % excreted unchanged in urine, 13 % protein bound, Vd 400 L, t1/2 6-8 h l-isomer, tmax 2-4 h), third-party copies', LEAD + 'http://edrugslist.com/drug/savella; pages: https://download.skyscape.com/download/ota/lonestar/F31E6463-B697-47C5-8589-F78B5C964691/drugguide.ed18_2022/content/HTML/z/tl9.htm', 'secondary')
src('edwards1995_renal', 'Edwards DMF, Pellizzoni C, Breuel HP, et al. Pharmacokinetics of reboxetine in healthy volunteers: single oral doses, linearity and plasma protein binding. Biopharm Drug Dispos 1995;16:443-460 (unchanged reboxetine ~9 % of the dose in urine)', LEAD + 'https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/30061715', 'secondary')
src('dring1970', 'Dring LG, Smith RL, Williams RT. The metabolic fate of amphetamine in man and other species. Biochem J 1970;116:425-435 (5 mg [14C]amphetamine, day 1 urine: 30 % unchanged, 21 % benzoic acid, 3 % 4-hydroxyamphetamine)', LEAD + 'https://pmc.ncbi.nlm.nih.gov/articles/PMC1185381', 'secondary')
src('swiss_fachinfo_dexamphetamine', 'Swiss Fachinformation dexamphetamine, Pharmakokinetik (extrarenal dose fraction Q0 = 0.5)', LEAD + 'https://ch.oddb.org:443/en/gcc/fachinfo/reg/22661/chapter/kinetic', 'secondary')
src('faraj1974', 'Faraj BA, Israili ZH, Perel JM, et al. Metabolism and disposition of methylphenidate-14C: studies in man and animals. J Pharmacol Exp Ther 1974;191:535-547 (ritalinic acid ~80 % of an oral dose in urine)', LEAD + 'https://jpet.aspetjournals.org/content/191/3/535', 'secondary')
src('pristiq_label_mims', 'Pristiq (desvenlafaxine) prescribing information, Pharmacokinetics - Excretion: 45 % unchanged in urine at 72 h, 19 % as glucuronide, < 5 % as N,O-didesmethylvenlafaxine (CYP3A4); MIMS Thailand copy', 'pages: https://uat.mimsdev.com/thailand/drug/info/desfoxine/mechanism-of-action', 'secondary')
src('skinner2003_substrate', 'Skinner MH, Kuan HY, Pan A, et al. Duloxetine is both an inhibitor and a substrate of cytochrome P4502D6 in healthy volunteers. Clin Pharmacol Ther 2003;73:170-177 (abstract: paroxetine 20 mg/day raised steady-state duloxetine AUC and Cmax 1.6-fold)', LEAD + 'https://antidepressantsfacts.com/2002-05-20-Duloxetine-CYP2D6-inhib.htm', 'secondary')
src('osp_fluvoxamine_model', 'Britz H, Hanke N, Volz AK, et al. Physiologically-based pharmacokinetic models for CYP1A2 drug-drug interaction prediction: a modeling network of fluvoxamine, theophylline, caffeine, rifampicin, and midazolam. CPT Pharmacometrics Syst Pharmacol 2019;8:296-307; OSP Fluvoxamine-Model (GlomerularFiltration data source "4% Urine"; model-predicted CYP2D6 PM/EM AUC ratio 1.5; CYP1A2 mixed inhibition Ki 10 nmol/l unbound from Karjalainen 2008 / Yao 2001; CYP3A4 Ki 1.6 umol/l from Olesen & Linnet 2000 / Yao 2001)', 'github Open-Systems-Pharmacology/Fluvoxamine-Model Fluvoxamine-Model.json (Compounds) and Evaluation/Input/Content/Section2.3_Model_Parameters_and_Assumptions.md', 'model')
src('swiss_fachinfo_citalopram', 'Swiss Fachinformation citalopram, Pharmakokinetik (N-demethylation: CYP2C19 ~60 %, CYP3A4 ~30 %, CYP2D6 ~10 %; elimination ~85 % hepatic, ~15 % renal)', 'pages: https://ch.oddb.org:443/en/gcc/fachinfo/reg/56286/chapter/kinetic', 'primary')
src('hesse2000', 'Hesse LM, Venkatakrishnan K, Court MH, von Moltke LL, Duan SX, Shader RI, Greenblatt DJ. CYP2B6 mediates the in vitro hydroxylation of bupropion: potential drug interactions with other antidepressants. Drug Metab Dispos 2000;28:1176-1183 (abstract: IC50 for bupropion hydroxylation in HLM)', LEAD + 'https://medluna.com/article/10997936', 'secondary')
src('preskorn_acnp_table2', 'Preskorn SH. ACNP Psychopharmacology: The Fourth Generation of Progress, chapter on SSRI drug interactions, Table 2 (in vitro Ki values tabulated from von Moltke et al., Kobayashi et al., Rasmussen et al., Brosen et al.)', 'pages: http://www.acnp.org/g4/GN401000086/85_2.htm', 'secondary')
src('adderall_xr_label_copy', 'Adderall XR (mixed amphetamine salts) US label, Clinical Pharmacology - Pharmacokinetics: Adderall IR peak plasma concentrations at about 3 h for d- and l-amphetamine; adult t1/2 10 h (d) and 13 h (l); third-party copy', 'pages: http://www.healthscout.com/rxdetail/1/7/5/main.html', 'secondary')
src('wellbutrin_xl_nda_label', 'Wellbutrin XL (bupropion HCl extended-release) NDA label, Clinical Pharmacology - Distribution: bupropion 84 % bound; hydroxybupropion binding similar; threohydrobupropion binding about half that of bupropion (third-party copy of the NDA label pages)', 'pages: http://www.geocities.ws/adrforall2008/WellXLNDAPg19.html', 'secondary')
src('fetzima_label_rxlist', 'Fetzima (levomilnacipran) US label, 12.3 Pharmacokinetics (apparent total clearance 21-29 L/h; t1/2 ~12 h; 120 mg once daily: mean Cmax 341 ng/mL, steady-state AUC 5196 ng*h/mL), RxList copy dated March 24, 2017', 'pages: http://www.rxlist.com/fetzima-drug/clinical-pharmacology.htm', 'secondary')
src('nuvigil_label_copy', 'Nuvigil (armodafinil) US label, Clinical Pharmacology - Distribution: apparent volume of distribution ~42 L; armodafinil-specific protein binding not available (modafinil ~60 % bound, mainly albumin); third-party copy', LEAD + 'http://armodafinil.thesemeds.work/nuvigil-pharmacokinetics.html', 'secondary')
src('darwish2009', 'Darwish M, Kirby M, Hellriegel ET, Yang R, Robertson P Jr. Pharmacokinetic profile of armodafinil in healthy subjects: pooled analysis of data from three randomized studies. Clin Drug Investig 2009;29:87-100 (t1/2 ~15 h; tmax ~2 h fasted; linear 50-400 mg)', LEAD + 'https://www.scribd.com/document/707510686/9-darwish2009', 'secondary')
src('provigil_label_binding', 'Provigil/Nuvigil US label text: modafinil ~60 % bound to plasma proteins, mainly albumin (third-party copy of the Nuvigil label quoting the modafinil value)', LEAD + 'http://armodafinil.thesemeds.work/nuvigil-pharmacokinetics.html', 'secondary')
src('kb_pathway_gap', 'reuptake knowledge-base convention: a documented absence (pathway_gaps.csv) - searched, no usable number; the pathway share stays inside fm.other', 'docs/knowledge-base.md#elimination-pathways', 'derived')
src('fm_other_rule', 'reuptake knowledge-base convention: fm.other = 1 - sum of the sourced pathway fractions of the compound (docs/knowledge-base.md, Elimination pathways); it names the unattributed clearance', 'docs/knowledge-base.md#elimination-pathways', 'derived')
src('davies_morris1993_body', 'Davies B, Morris T. Physiological parameters in laboratory animals and humans. Pharm Res 1993;10:1093-1095 (human liver blood flow 20.7 mL/min/kg as tabulated in JPET); 70 kg adult', 'https://jpet.aspetjournals.org/highwire/markup/77887/expansion?width=1000&height=500&iframe=true&postprocessors=highwire_tables%2Chighwire_reclass%2Chighwire_figures%2Chighwire_math%2Chighwire_inline_linked_media%2Chighwire_embed', 'secondary')
src('chen2015_cmax', 'Chen L, Greenberg W, Brand-Schieber E, Wangsa J, Periclou A, Ghahramani P. Effect of renal impairment on the pharmacokinetics of levomilnacipran following a single oral dose of levomilnacipran extended-release capsule in humans. Drug Des Devel Ther 2015;9:3293-3300 (abstract: normal renal function, 40 mg ER: Cmax 83.9 ng/mL, AUCinf 2101 ng*h/mL)', 'pages: https://www.dovepress.com/effect-of-renal-impairment-on-the-pharmacokinetics-of-levomilnacipran--peer-reviewed-article-DDDT', 'primary')
src('abernethy1984_cmax', 'Abernethy DR, Greenblatt DJ, Shader RI. Imipramine-cimetidine interaction: impairment of clearance and enhanced absolute bioavailability. J Pharmacol Exp Ther 1984;229:702-705 (control: 50 mg oral, peak 19.3 ng/mL, AUC 306 ng*h/mL)', 'pages: https://www.ncbi.nlm.nih.gov/pubmed/6726654', 'primary')
src('edwards1995_cmax', 'Edwards DMF et al. Biopharm Drug Dispos 1995;16:443-460 (abstract: Cmax 164 ng/mL after 5 mg)', 'pages: http://onlinelibrary.wiley.com/doi/10.1002/bdd.2510160603/abstract', 'primary')
src('knadler2011_cmax', 'Knadler MP, Lobo E, Chappell J, Bergstrom R. Duloxetine: clinical pharmacokinetics and drug interactions. Clin Pharmacokinet 2011;50:281-294 (abstract: steady-state Cmax ~47 ng/mL at 40 mg bid to ~110 ng/mL at 80 mg bid)', 'pages: http://pubmed.ncbi.nlm.nih.gov/21366359/', 'secondary')
src('akhtar2008_sr_cmax', 'Bupropion SR US label as quoted by Akhtar & Khan 2008: steady-state Cmax 136 ng/mL at 150 mg q12h', 'pages: https://m.booksci.cn/literature/67088147.htm', 'secondary')

PK = []
def pk(c, key, value, unit, source, status, used=1, derivation='', notes='', found_at=''):
    PK.append(dict(compound=c, key=key, value=value, unit=unit, source=source, status=status,
                   used=used, derivation=derivation, notes=notes, found_at=found_at))

def ka_from_tmax(tmax, k):
    # solve tmax = ln(ka/k)/(ka-k) for ka > k (bisection on ka in (k, 1000k))
    lo, hi = k * (1 + 1e-9), k * 1e4
    f = lambda a: math.log(a / k) / (a - k) - tmax
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0: lo = mid
        else: hi = mid
    return 0.5 * (lo + hi)

# --- pathway fractions -------------------------------------------------------------------------
pk('atomoxetine', 'fm.renal', '0.01135', 'fraction', 'huang2017_atomoxetine', 'derived', 1, 'fm.renal = CLr/CLiv = 0.185 L/h / 16.3 L/h (huang2017_atomoxetine Table 1)', 'label: < 3 % of the dose excreted unchanged')
pk('atomoxetine', 'fm.CYP2C19', '0.11265', 'fraction', 'huang2017_atomoxetine', 'derived', 1, 'fm.CYP2C19 = 1 - fm.CYP2D6 (0.876) - fm.renal (0.01135): the Simcyp model assigns the non-CYP2D6 hepatic clearance to CYP2C19 (recombinant CLint CYP2C19 1.84 vs CYP2D6 25.4 uL/min/pmol)', 'secondary: read from the lead, table page not re-read')
pk('imipramine', 'fm.CYP2D6', '0.5535', 'fraction', 'brosen1986_imipramine', 'derived', 1, 'fm = 1 - 1/ratio, steady-state imipramine PM/EM 378.5/169 nmol/L = 2.24 (brosen1986_imipramine; 100 mg/day, 28 EM vs 2 PM)', 'only 2 PMs; the CYP2D6 route is 2-hydroxylation')
pk('imipramine', 'fm.renal', '0.05', 'fraction', 'swiss_fachinfo_imipramine', 'primary', 1, '', 'unchanged imipramine 5 % of the dose in urine')
pk('escitalopram', 'fm.CYP2C19', '0.6970', 'fraction', 'jukic2018', 'derived', 1, 'fm = 1 - 1/ratio = 1 - 1/3.3 (CYP2C19 Null/Null vs *1/*1 dose-harmonised serum concentration, jukic2018; 2087 TDM patients)', 'USED over the in-vitro upper bound 0.3441 (moltke2001 row, now used=0): an in-vivo genotype ratio ranks above an in-vitro share by the selection rule')
pk('bupropion', 'fm.CYP2B6', '0.21', 'fraction', 'sager2016_bupropion', 'secondary', 1, '', 'in vitro stereoselective IVIVE for racemic bupropion. CONFLICT (kept in notes): in vivo fraction of dose to OH-bupropion 0.05-0.16, and ~0.4 (CYP2B6+2C19) implied by the ticlopidine DDI (Sager 2016 introduction); the in vitro value is used because it is a fraction of clearance, the others are not')
pk('bupropion', 'fm.CYP2C19', '0.06', 'fraction', 'sager2016_bupropion', 'secondary', 1, '', 'in vitro IVIVE, racemic')
pk('levomilnacipran', 'fm.renal', '0.584', 'fraction', 'brunner2015', 'primary', 1, '', '[14C] mass balance: 58.4 % of the dose excreted unchanged in urine')
pk('milnacipran', 'fm.renal', '0.55', 'fraction', 'savella_label_copy', 'secondary', 1, '', '55 % excreted unchanged in urine; minimal CYP metabolism')
pk('reboxetine', 'fm.renal', '0.09', 'fraction', 'edwards1995_renal', 'secondary', 1, '', 'unchanged reboxetine ~9 % of the dose in urine (renal CL ~3 mL/min ~ GFR x fu)')
pk('d-amphetamine', 'fm.renal', '0.30', 'fraction', 'dring1970', 'secondary', 1, '', 'day-1 urine 30 % unchanged at uncontrolled urine pH (strongly pH dependent, 1-75 %). CONFLICT: Swiss Fachinformation Q0 0.5 (row below, used=0); the mass-balance study is primary')
pk('d-amphetamine', 'fm.renal', '0.5', 'fraction', 'swiss_fachinfo_dexamphetamine', 'derived', 0, 'fm.renal = 1 - Q0 = 1 - 0.5', 'not used: see the Dring 1970 row')
pk('d-amphetamine', 'fm.CYP2D6', '0.03', 'fraction', 'dring1970', 'derived', 1, 'fm.CYP2D6 >= urinary 4-hydroxyamphetamine fraction 0.03 (day 1, dring1970): a lower bound', 'no CYP2D6 PM/EM amphetamine exposure ratio found')
pk('methylphenidate', 'fm.CES1', '0.80', 'fraction', 'faraj1974', 'secondary', 1, '', 'ritalinic acid (CES1 de-esterification, sole hydrolase) ~80 % of the oral dose in urine; 60-80 % across studies')
pk('desvenlafaxine', 'fm.renal', '0.45', 'fraction', 'pristiq_label_mims', 'secondary', 1, '', '45 % unchanged in urine at 72 h')
pk('desvenlafaxine', 'fm.UGT', '0.19', 'fraction', 'pristiq_label_mims', 'secondary', 1, '', '19 % as glucuronide in urine (lower bound for the UGT share)')
pk('desvenlafaxine', 'fm.CYP3A4', '0.05', 'fraction', 'pristiq_label_mims', 'derived', 1, 'fm.CYP3A4 <= 0.05: N,O-didesmethylvenlafaxine < 5 % of the dose (upper bound used)', 'upper bound')
pk('duloxetine', 'fm.CYP2D6', '0.375', 'fraction', 'skinner2003_substrate', 'derived', 1, 'fm >= 1 - 1/1.6 with the paroxetine 20 mg/day steady-state duloxetine AUC ratio 1.6 (skinner2003_substrate): a lower bound (paroxetine inhibits CYP2D6 incompletely)', 'the only other quantitative route, CYP1A2, is known only from the fluvoxamine interaction, which is a validation row (validation/ddi.csv): not used (RULES.md), see pathway_gaps.csv')
pk('fluvoxamine', 'fm.CYP2D6', '0.3333', 'fraction', 'osp_fluvoxamine_model', 'derived', 1, 'fm = 1 - 1/1.5 with the PBPK-model-predicted CYP2D6 PM/EM AUC ratio 1.5 (osp_fluvoxamine_model)', 'a model prediction, not a clinical ratio; Spigset 1998: 2 PMs within the EM range (CONFLICT, qualitative)')
pk('fluvoxamine', 'fm.renal', '0.04', 'fraction', 'osp_fluvoxamine_model', 'secondary', 1, '', 'glomerular filtration, data source "4% Urine"')
pk('citalopram', 'fm.CYP3A4', '0.255', 'fraction', 'swiss_fachinfo_citalopram', 'derived', 1, 'fm = share of N-demethylation x hepatic fraction = 0.30 x 0.85 (swiss_fachinfo_citalopram)', 'upper bound by the same rule as fm.CYP2C19 (docs/knowledge-base.md)')
pk('citalopram', 'fm.CYP2D6', '0.085', 'fraction', 'swiss_fachinfo_citalopram', 'derived', 1, 'fm = 0.10 x 0.85 (swiss_fachinfo_citalopram)', 'upper bound by the same rule')
pk('citalopram', 'fm.renal', '0.15', 'fraction', 'swiss_fachinfo_citalopram', 'primary', 1, '', 'elimination ~15 % renal')

# --- missing PK values -------------------------------------------------------------------------
v = 400.0; th = 7.0; cl = math.log(2) * v / th
pk('milnacipran', 'model', '1cmt', '-', 'ru_convention', 'derived', 1, '', 'one-compartment linear disposition with first-order absorption (DESIGN.md default)', 'docs/knowledge-base.md')
pk('milnacipran', 'v_f_l', '400', 'L', 'savella_label_copy', 'secondary', 1, '', 'label Vd 400 L taken as V/F (F 0.85-0.90)')
pk('milnacipran', 'cl_f_l_per_h', '%.4g' % cl, 'L/h', 'savella_label_copy', 'derived', 1, 'CL/F = ln2 * V/F / t1/2 = ln2 * 400 L / 7 h (savella_label_copy, l-isomer t1/2 6-8 h midpoint)')
pk('milnacipran', 'half_life_h', '7', 'h', 'savella_label_copy', 'secondary', 1, '', '6-8 h (l-isomer) midpoint; replaces the DrugBank-mirror row as the used value')
ka = ka_from_tmax(3.0, cl / v)
pk('milnacipran', 'ka_per_h', '%.4g' % ka, '1/h', 'savella_label_copy', 'derived', 1, 'ka from tmax=3 h (2-4 h midpoint, savella_label_copy) solving tmax=ln(ka/k)/(ka-k), k=CL/V=%.4g 1/h' % (cl / v))
v = 42.0; th = 15.0; cl = math.log(2) * v / th
pk('armodafinil', 'model', '1cmt', '-', 'ru_convention', 'derived', 1, '', 'one-compartment linear disposition with first-order absorption (DESIGN.md default)', 'docs/knowledge-base.md')
pk('armodafinil', 'v_f_l', '42', 'L', 'nuvigil_label_copy', 'secondary', 1, '', 'apparent volume ~42 L')
pk('armodafinil', 'cl_f_l_per_h', '%.4g' % cl, 'L/h', 'nuvigil_label_copy', 'derived', 1, 'CL/F = ln2 * 42 L (nuvigil_label_copy) / 15 h (darwish2009)')
ka = ka_from_tmax(2.0, cl / v)
pk('armodafinil', 'ka_per_h', '%.4g' % ka, '1/h', 'darwish2009', 'derived', 1, 'ka from tmax=2 h fasted (darwish2009) solving tmax=ln(ka/k)/(ka-k), k=CL/V=%.4g 1/h' % (cl / v))
pk('armodafinil', 'fu', '0.40', 'fraction', 'nuvigil_label_copy', 'derived', 1, 'fu = 1 - 0.60 (modafinil binding; the label gives no armodafinil-specific value): the R-enantiomer is taken to bind as the racemate', 'stated analogy rule, not a measurement')
pk('modafinil', 'fu', '0.40', 'fraction', 'provigil_label_binding', 'derived', 1, 'fu = 1 - 0.60 (~60 % bound, mainly albumin)', '')
# l-amphetamine (Adderall is 3:1 d:l)
v = 318.5; th = 13.0; cl = math.log(2) * v / th
pk('l-amphetamine', 'model', '1cmt', '-', 'ru_convention', 'derived', 1, '', 'one-compartment linear disposition with first-order absorption (DESIGN.md default)', 'docs/knowledge-base.md')
pk('l-amphetamine', 'half_life_h', '13', 'h', 'adderall_xr_label_copy', 'secondary', 1, '', 'adults (children 11 h)')
pk('l-amphetamine', 'v_f_l', '318.5', 'L', 'castelli2022', 'derived', 1, 'V/F of d-amphetamine (castelli2022/zenzedi derivation) taken for the l-enantiomer: enantiomers are assumed to share the apparent volume; the label reports their difference in elimination only', 'stated assumption')
pk('l-amphetamine', 'cl_f_l_per_h', '%.4g' % cl, 'L/h', 'adderall_xr_label_copy', 'derived', 1, 'CL/F = ln2 * 318.5 L / 13 h (adderall_xr_label_copy)')
ka = ka_from_tmax(3.0, cl / v)
pk('l-amphetamine', 'ka_per_h', '%.4g' % ka, '1/h', 'adderall_xr_label_copy', 'derived', 1, 'ka from tmax=3 h (Adderall IR, both enantiomers; adderall_xr_label_copy) solving tmax=ln(ka/k)/(ka-k), k=CL/V=%.4g 1/h' % (cl / v))
pk('l-amphetamine', 'fu', '0.725', 'fraction', 'wikipedia_dextroamphetamine_infobox', 'derived', 1, 'fu of d-amphetamine (15-40 % bound midpoint) taken for the l-enantiomer', 'weak source (encyclopedia), as for d-amphetamine; no enantiomer-specific binding found')
pk('l-amphetamine', 'fm.renal', '0.30', 'fraction', 'dring1970', 'derived', 1, 'racemic [14C]amphetamine day-1 urine 30 % unchanged (dring1970), taken for each enantiomer', '')
# threohydrobupropion binding
pk('threohydrobupropion', 'fu', '0.58', 'fraction', 'wellbutrin_xl_nda_label', 'derived', 1, 'fu = 1 - 0.84/2 (threohydrobupropion binding about half that of bupropion, 84 %; wellbutrin_xl_nda_label)')
pk('threohydrobupropion', 'half_life_h', '37', 'h', 'bupropion_xl_us_label', 'secondary', 1, '', 'label 37 (+/-13) h')
pk('erythrohydrobupropion', 'half_life_h', '33', 'h', 'bupropion_xl_us_label', 'secondary', 1, '', 'label 33 (+/-10) h')
pk('lisdexamfetamine', 'half_life_h', '0.5', 'h', 'vyvanse_label_summary', 'secondary', 1, '', 'prodrug t1/2 < 1 h; hydrolysed by red blood cells to d-amphetamine and l-lysine')
pk('lisdexamfetamine', 'fm.peptidase', '1', 'fraction', 'vyvanse_label_summary', 'derived', 1, 'the prodrug is eliminated by conversion (hydrolysis in red blood cells) only: fm = 1', 'not a CYP substrate')
src('vyvanse_label_summary', 'Vyvanse (lisdexamfetamine dimesylate) US label, 12.3 Pharmacokinetics (LDX tmax ~1 h, t1/2 < 1 h, hydrolysed by red blood cells to d-amphetamine; d-amphetamine tmax 3.8 h adults fasted) as summarized on a third-party page', LEAD + 'https://www.droracle.ai/articles/711879/what-is-the-half-life-t-12-curve-for-vyvanse', 'secondary')
pk('escitalopram', 'fm.renal', '0.07', 'fraction', 'lexapro_us_label_via', 'secondary', 1, '', '~7 % renal (label copy), the value the upper-bound rule already used')

app('pk.csv', PK, cols('pk.csv'))

# the old escitalopram fm row becomes the conflict row
rows = list(csv.DictReader(open(D + 'pk.csv')))
for r in rows:
    if r['compound'] == 'escitalopram' and r['key'] == 'fm.CYP2C19' and r['source'] == 'moltke2001' and r['status'] == 'derived':
        r['used'] = '0'
        r['notes'] = 'NOT USED (upper bound from in-vitro demethylation shares); the in-vivo genotype ratio (jukic2018) is used. ' + r['notes']
    if r['compound'] == 'milnacipran' and r['key'] == 'half_life_h' and r['source'] == 'drugbank_genelabs_com_copy':
        r['used'] = '0'
        r['notes'] = 'not used: DrugBank mirror; the label copy row is used. ' + r['notes']
hdr = cols('pk.csv')
with open(D + 'pk.csv', 'w', newline='') as o:
    w = csv.DictWriter(o, fieldnames=hdr, lineterminator='\n'); w.writeheader(); w.writerows(rows)

# --- compounds -----------------------------------------------------------------------------------
CMP = [
 dict(name='l-amphetamine', **{'class': 'stimulant (releaser)'}, kind='drug', parent='', same_as='', mw_g_per_mol='135.2062', mw_source='mw_formula_iupac', synonyms='levoamphetamine;levo-amphetamine;levamfetamine', notes='Adderall is a 3:1 d:l mixed-salt product; no enantiomer-specific transporter affinities sourced yet', incomplete=''),
 dict(name='lisdexamfetamine', **{'class': 'stimulant (prodrug)'}, kind='drug', parent='', same_as='', mw_g_per_mol='263.3785', mw_source='mw_formula_iupac', synonyms='Vyvanse;Elvanse;LDX', notes='prodrug of d-amphetamine (metabolites.csv); inactive at the transporters itself', incomplete='apparent volume of the prodrug not sourced (the label summary gives only t1/2 < 1 h and tmax ~1 h): its own concentration would be invented'),
 dict(name='threohydrobupropion', **{'class': 'NDRI'}, kind='metabolite', parent='bupropion', same_as='', mw_g_per_mol='241.7582', mw_source='mw_formula_iupac', synonyms='threo-hydrobupropion;threo-dihydrobupropion', notes='CYP2D6 inhibitor (Reese 2008)', incomplete='apparent clearance and volume not sourced (no metabolite/parent AUC ratio read): not formed in simulations'),
 dict(name='erythrohydrobupropion', **{'class': 'NDRI'}, kind='metabolite', parent='bupropion', same_as='', mw_g_per_mol='241.7582', mw_source='mw_formula_iupac', synonyms='erythro-hydrobupropion;erythro-dihydrobupropion', notes='CYP2D6 inhibitor (Reese 2008)', incomplete='apparent clearance, volume and fu not sourced (Daviss 2006 youths: 24 h AUC ratio to bupropion 1.0, paediatric only): not formed in simulations'),
 dict(name='desmethylsertraline', **{'class': 'SSRI'}, kind='metabolite', parent='sertraline', same_as='', mw_g_per_mol='292.2037', mw_source='mw_formula_iupac', synonyms='norsertraline;N-desmethylsertraline', notes='weak CYP2D6/2B6/2C19/3A4 inhibitor (Preskorn ACNP table; Hesse 2000)', incomplete='CL/F, V/F and fu not sourced (t1/2 56-120 h only, PharmGKB summary): not formed in simulations'),
 dict(name='desmethylcitalopram', **{'class': 'SSRI'}, kind='metabolite', parent='citalopram', same_as='', mw_g_per_mol='310.3687', mw_source='mw_formula_iupac', synonyms='N-desmethylcitalopram;DCT', notes='weak CYP2D6/2C19 inhibitor (von Moltke 2001; Kobayashi)', incomplete='CL/F, V/F and fu not sourced (Sidhu 1997 abstract: enantiomer exposure only): not formed in simulations'),
 dict(name='nordoxepin', **{'class': 'TCA'}, kind='metabolite', parent='doxepin', same_as='', mw_g_per_mol='265.3496', mw_source='mw_formula_iupac', synonyms='desmethyldoxepin;N-desmethyldoxepin', notes='', incomplete='CL/F, V/F and fu not sourced (t1/2 28-31 h from an encyclopedia only): not formed in simulations'),
]
_rows = list(csv.DictReader(open(D + 'compounds.csv')))
_hdr = cols('compounds.csv')
if 'incomplete' not in _hdr:
    _hdr.append('incomplete')
    with open(D + 'compounds.csv', 'w', newline='') as o:
        w = csv.DictWriter(o, fieldnames=_hdr, lineterminator='\n'); w.writeheader()
        for r in _rows: r['incomplete'] = ''; w.writerow(r)
app('compounds.csv', CMP, cols('compounds.csv'))
rows = list(csv.DictReader(open(D + 'compounds.csv')))
for r in rows:
    if r['name'] == 'desmethylclomipramine':
        r['incomplete'] = 'CL/F, V/F and fu not sourced (t1/2 54-77 h from an encyclopedia only; Nielsen 1992: steady-state ratios only): not formed in simulations'
    if r['name'] == 'doxepin':
        r['incomplete'] = 'CL/F, V/F and an absorption rate not sourced (the Silenor label in the openFDA index was not readable past its first sections; F 0.29, fu 0.24 and t1/2 17 h only from an encyclopedia mirror)'
    if r['name'] == 'imipramine':
        r['incomplete'] = 'no sourced absorption rate or tmax (Abernethy 1984 and Sutfin 1984 abstracts give none); a 1-cmt model on Vz cannot reach the observed 19.3 ng/mL peak after 50 mg (D/Vz = 14.5 ng/mL), so a 2-cmt oral model with sourced parameters is needed'
    r.setdefault('incomplete', '')
hdr = cols('compounds.csv')
hdr = hdr + ([] if 'incomplete' in hdr else ['incomplete'])
with open(D + 'compounds.csv', 'w', newline='') as o:
    w = csv.DictWriter(o, fieldnames=hdr, lineterminator='\n')
    w.writeheader(); w.writerows(rows)

app('metabolites.csv', [dict(parent='lisdexamfetamine', metabolite='d-amphetamine', enzyme='', fraction_formed='1', source='vyvanse_label_summary', status='derived', derivation='every mole of lisdexamfetamine cleared is hydrolysed to one mole of d-amphetamine (label); mass converted by molar mass', notes='prodrug conversion')], cols('metabolites.csv'))

# --- inhibition constants ------------------------------------------------------------------------
INH = []
def inh(p, e, mech, ki='', src_='', used=1, notes='', found_at='', fu_mic='', method=''):
    INH.append(dict(perpetrator=p, enzyme=e, mechanism=mech, ki_um=ki, ki_inact_um='', kinact_per_h='', source=src_, used=used, notes=notes, found_at=found_at, fu_mic=fu_mic, fu_mic_method=method))
ACNP = 'pages: http://www.acnp.org/g4/GN401000086/85_2.htm'
HES = 'pages: https://medluna.com/article/10997936'
for p, e, k, n in [('paroxetine', 'CYP2B6', 1.6, 'IC50 (not a Ki), bupropion hydroxylation, HLM'), ('sertraline', 'CYP2B6', 3.2, 'IC50, bupropion hydroxylation, HLM'), ('norfluoxetine', 'CYP2B6', 4.2, 'IC50'), ('fluvoxamine', 'CYP2B6', 6.1, 'IC50'), ('desmethylsertraline', 'CYP2B6', 19.9, 'IC50'), ('fluoxetine', 'CYP2B6', 59.5, 'IC50')]:
    inh(p, e, 'competitive', k, 'hesse2000', 1, '[USED: only value] ' + n + '; IC50 taken as Ki (competitive assumption, substrate at ~Km)', HES)
inh('bupropion', 'CYP2D6', 'competitive', 58, 'hesse2000', 0, 'IC50, dextromethorphan O-demethylation, HLM; CONFLICT with Reese 2008 Ki 21 (used: a Ki over an IC50)', HES)
inh('hydroxybupropion', 'CYP2D6', 'competitive', 74, 'hesse2000', 0, 'IC50; CONFLICT with Reese 2008 Ki 13 (used)', HES)
for p, e, k, n in [('sertraline', 'CYP3A4', 23.8, 'alprazolam, HLM'), ('sertraline', 'CYP2C19', 8.8, 'von Moltke, HLM'), ('sertraline', 'CYP1A2', 70, 'phenacetin, HLM'),
                   ('desmethylsertraline', 'CYP3A4', 20.4, 'alprazolam'), ('desmethylsertraline', 'CYP2C19', 9.5, 'von Moltke'),
                   ('paroxetine', 'CYP2C19', 5.5, 'von Moltke, HLM'), ('paroxetine', 'CYP1A2', 45, 'phenacetin, HLM'),
                   ('fluoxetine', 'CYP3A4', 83.3, 'alprazolam (table cell 83.3/11/1 read as 83.3/11.1)'), ('norfluoxetine', 'CYP3A4', 11.1, 'alprazolam'),
                   ('norfluoxetine', 'CYP2C19', 5.9, 'value as found "4.4 (fluoxetine); 5.9 (norfluoxetine)"'),
                   ('citalopram', 'CYP2C19', 87.3, 'S-mephenytoin (Kobayashi)'), ('desmethylcitalopram', 'CYP2C19', 55.8, 'S-mephenytoin (Kobayashi)')]:
    inh(p, e, 'competitive', k, 'preskorn_acnp_table2', 1, '[USED: only value in the sources read] ' + n, ACNP)
inh('paroxetine', 'CYP3A4', 'competitive', 39, 'preskorn_acnp_table2', 1, '[USED] reversible component, alprazolam; the mechanism-based row (Bertelsen 2003) is kept as well', ACNP)
inh('fluvoxamine', 'CYP3A4', 'competitive', 10, 'preskorn_acnp_table2', 0, 'alprazolam 10, cortisol 40 (total Ki); CONFLICT: the unbound Ki 1.6 of the OSP model is used (rule: an unbound Ki over a total one)', ACNP)
inh('fluvoxamine', 'CYP3A4', 'competitive', 1.6, 'osp_fluvoxamine_model', 1, '[USED: unbound Ki] Olesen & Linnet 2000 / Yao 2001 as used in the OSP model (applied to unbound concentrations)', 'github Open-Systems-Pharmacology/Fluvoxamine-Model Fluvoxamine-Model.json (Compounds: CompetitiveInhibition CYP3A4)', '1', 'Ki given as unbound by the source (OSP model input, Yao 2001 unbound in vitro Ki): no further correction')
inh('fluvoxamine', 'CYP1A2', 'competitive', 0.010, 'osp_fluvoxamine_model', 1, '[USED: unbound Ki] mixed inhibition Ki_c = Ki_u = 10 nmol/l (Karjalainen 2008 / Yao 2001) as used in the OSP model; the competitive part is modelled', 'github Open-Systems-Pharmacology/Fluvoxamine-Model Fluvoxamine-Model.json (Compounds: MixedInhibition CYP1A2)', '1', 'Ki given as unbound by the source (OSP model input, Yao 2001): no further correction')
inh('atomoxetine', 'CYP2D6', 'competitive', 34.3, 'huang2017_atomoxetine', 1, '[USED: only value] Sauer 2004 as used in the Simcyp model (Huang 2017 Table 1)', 'pages: https://dmd.aspetjournals.org/highwire/markup/69995/expansion')
inh('atomoxetine', 'CYP3A4', 'competitive', 3.6, 'huang2017_atomoxetine', 1, '[USED: only value] Sauer 2004 as used in the Simcyp model', 'pages: https://dmd.aspetjournals.org/highwire/markup/69995/expansion')
app('cyp_inhibition.csv', INH, cols('cyp_inhibition.csv'))
rows = list(csv.DictReader(open(D + 'cyp_inhibition.csv')))
for r in rows:
    if r['perpetrator'] == 'fluvoxamine' and r['enzyme'] == 'CYP1A2' and r['source'] == 'brosen_et_al_rasmussen':
        r['used'] = '0'
        r['notes'] = 'NOT USED: total Ki; the unbound Ki 0.010 uM (OSP model) is used (rule: an unbound Ki over a total one). ' + r['notes']
hdr = cols('cyp_inhibition.csv')
with open(D + 'cyp_inhibition.csv', 'w', newline='') as o:
    w = csv.DictWriter(o, fieldnames=hdr, lineterminator='\n'); w.writeheader(); w.writerows(rows)

# --- body parameters ---------------------------------------------------------------------------
app('params.csv', [dict(domain='body', name='hepatic_blood_flow_l_per_h', value='84', unit='L/h', source='davies_morris1993_body', status='derived', notes='20 mL/min/kg x 70 kg = 1.4 L/min (the value of ddi/hepatic_blood_flow_l_per_h, same source); for the physiological oral route (issue 10)', found_at='https://jpet.aspetjournals.org/highwire/markup/77887/expansion')], cols('params.csv'))

app('sources.csv', SRC, cols('sources.csv'))
print('appended', len(PK), 'pk rows,', len(INH), 'inhibition rows,', len(CMP), 'compounds,', len(SRC), 'sources')
