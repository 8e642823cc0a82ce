#!/usr/bin/env python3
"""Molar masses from molecular formulas with IUPAC standard atomic weights.

Atomic weights: IUPAC Commission on Isotopic Abundances and Atomic Weights, "Standard atomic
weights of the elements 2021" (Prohaska T et al. Pure Appl Chem 2022;94:573-600), conventional
values for elements with an interval (H 1.008, C 12.011, N 14.007, O 15.999, S 32.06, Cl 35.45)
and the standard value for F (18.998403162). Usage: molar_mass.py FORMULA... (prints g/mol);
with --check it recomputes every compounds.csv row whose mw_source is mw_formula_iupac from the
formula in its notes ("formula C9H13N") and reports a mismatch."""
import csv, re, sys

W = {'H': 1.008, 'C': 12.011, 'N': 14.007, 'O': 15.999, 'S': 32.06, 'Cl': 35.45, 'F': 18.998403162}

def mass(formula):
    tot = 0.0
    for el, n in re.findall(r'([A-Z][a-z]?)(\d*)', formula):
        if el not in W:
            raise SystemExit('unknown element %s in %s' % (el, formula))
        tot += W[el] * (int(n) if n else 1)
    return tot

# formula of the free base, and where it was read
FORMULAS = {
    'l-amphetamine': ('C9H13N', 'amphetamine base; same formula as d-amphetamine (enantiomer)'),
    'lisdexamfetamine': ('C15H25N3O', 'free base of lisdexamfetamine dimesylate (C15H25N3O.(CH4O3S)2)'),
    'threohydrobupropion': ('C13H20ClNO', 'bupropion C13H18ClNO reduced at the carbonyl (+2 H)'),
    'erythrohydrobupropion': ('C13H20ClNO', 'as threohydrobupropion (diastereomer)'),
    'desmethylsertraline': ('C16H15Cl2N', 'sertraline C17H17Cl2N minus CH2'),
    'desmethylcitalopram': ('C19H19FN2O', 'citalopram C20H21FN2O minus CH2'),
    'nordoxepin': ('C18H19NO', 'doxepin C19H21NO (USP monograph, below) minus CH2'),
    'paroxetine': ('C19H20FNO3', 'paroxetine tablets USP label, DESCRIPTION (C19H20FNO3.HCl.1/2H2O; free base 329.4)'),
    'modafinil': ('C15H15NO2S', 'Provigil label, DESCRIPTION (molecular formula C15H15NO2S, 273.35)'),
    'armodafinil': ('C15H15NO2S', 'R-enantiomer of modafinil: same formula (Provigil label DESCRIPTION)'),
    'milnacipran': ('C15H22N2O', 'racemate of levomilnacipran: same formula (Fetzima label DESCRIPTION; drugs.com ASHP monograph)'),
    'levomilnacipran': ('C15H22N2O', 'Fetzima label, DESCRIPTION (C15H23ClN2O as the HCl salt)'),
    'amitriptyline': ('C20H23N', 'USP monograph Amitriptyline Hydrochloride (USP29-NF24: C20H23N.HCl 313.86; pharmacopeia.cn/v29240/usp29nf24s0_m3480.html)'),
    'nortriptyline': ('C19H21N', 'USP monograph Nortriptyline Hydrochloride (USP28-NF23: C19H21N.HCl 299.84; newdruginfo.com/pharmacopeia/usp28/v28230/usp28nf23s0_m57800.htm); FDA GSRS UNII 00FN6IH15D lists the base C19H21N'),
    'bupropion': ('C13H18ClNO', 'AHFS Drug Information monograph Bupropion Hydrochloride (molecular formula C13H18ClNO.ClH; drugs.com/monograph/bupropion-hydrochloride.html)'),
    'fluoxetine': ('C17H18F3NO', 'USP monograph Fluoxetine Hydrochloride (USP35-NF30: C17H18F3NO.HCl 345.79; drugfuture.com/Pharmacopoeia/USP35/data/v35300/usp35nf30s0_m33780.html; same in USP28 newdruginfo.com usp28nf23s0_m33780)'),
    'norfluoxetine': ('C16H16F3NO', 'fluoxetine C17H18F3NO (USP monograph) minus CH2 (N-demethylation)'),
    'venlafaxine': ('C17H27NO2', 'USP-NF monograph Venlafaxine Hydrochloride (C17H27NO2.HCl 313.86; doi.usp.org/USPNF/USPNF_M88080_40101_01.html preview); replaces the mis-cited mw_duloxetine source'),
    'desvenlafaxine': ('C16H25NO2', 'venlafaxine C17H27NO2 (USP-NF monograph) minus CH2 (O-demethylation)'),
    'o-desmethylvenlafaxine': ('C16H25NO2', 'the same molecule as desvenlafaxine: venlafaxine C17H27NO2 minus CH2'),
    'atomoxetine': ('C17H21NO', 'USP monograph Atomoxetine Hydrochloride (USP38-NF33: C17H21NO.HCl 291.82; drugfuture.com/Pharmacopoeia/usp38/data/v38332/usp38nf33s2_m1417.html)'),
    'imipramine': ('C19H24N2', 'USP monograph Imipramine Hydrochloride (USP29-NF24: C19H24N2.HCl 316.88; pharmacopeia.cn/v29240/usp29nf24s0_m40030.html)'),
    'clomipramine': ('C19H23ClN2', 'USP monograph Clomipramine Hydrochloride (USP35-NF30: C19H23ClN2.HCl 351.31; drugfuture.com/Pharmacopoeia/USP35/data/v35300/usp35nf30s0_m18510.html)'),
    'desmethylclomipramine': ('C18H21ClN2', 'clomipramine C19H23ClN2 (USP monograph) minus CH2 (N-demethylation)'),
    'doxepin': ('C19H21NO', 'USP monograph Doxepin Hydrochloride (USP29-NF24: C19H21NO.HCl 315.84; ftp.uspbpep.com/v29240/usp29nf24s0_m28110.html; same in USP28)'),
    'hydroxybupropion': ('C13H18ClNO2', 'bupropion C13H18ClNO (AHFS monograph) plus O (hydroxylation of the tert-butyl group)'),
}

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] != '--check':
        for f in sys.argv[1:]:
            print('%s %.4f' % (f, mass(f)))
    else:
        bad = 0
        for r in csv.DictReader(open('data/compounds.csv')):
            if r['mw_source'] != 'mw_formula_iupac':
                continue
            f = FORMULAS.get(r['name'])
            if f is None:
                print('no formula for', r['name']); bad += 1; continue
            m = mass(f[0])
            if abs(m - float(r['mw_g_per_mol'])) > 5e-4:
                print('%s: %s gives %.4f, compounds.csv has %s' % (r['name'], f[0], m, r['mw_g_per_mol'])); bad += 1
        sys.exit(1 if bad else 0)
