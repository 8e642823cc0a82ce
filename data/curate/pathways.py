#!/usr/bin/env python3
"""Completes the elimination-pathway table (issue 9): for every compound, fm.other = 1 - sum of its
used fm rows (the named remainder), and a pathway_gaps.csv row for every core pathway without a
used fm row, with the reason it is absent and what was searched. Re-run after adding fm rows:
it rewrites the fm.other rows (source fm_other_rule) and pathway_gaps.csv."""
import csv

D = 'data/'
CORE = ['CYP1A2', 'CYP2B6', 'CYP2C9', 'CYP2C19', 'CYP2D6', 'CYP3A4', 'UGT', 'CES1', 'renal']
# why a cell is empty, per compound and pathway (default below); "searched" names the leads
REASON = {
    ('nortriptyline', 'CYP2D6'): 'no usable PM/EM AUC ratio: Mellstrom 1981 is qualitative (CL correlates with 10-hydroxylation), Dalen 1998 not in the stored pages',
    ('amitriptyline', 'CYP2D6'): 'no PM/EM AUC ratio found (Mellstrom: qualitative correlation with debrisoquine MR)',
    ('amitriptyline', 'CYP2C19'): 'no CYP2C19 PM/EM ratio study found; N-demethylation to nortriptyline by CYP2C19 is modelled through the formation fraction instead',
    ('venlafaxine', 'CYP2D6'): 'no numeric PM/EM ratio in the pages read (Effexor label: PMs have higher venlafaxine, similar active moiety; Lessard 1999 not seen)',
    ('duloxetine', 'CYP1A2'): 'the only quantitative source (fluvoxamine DDI, Lobo 2008 / Cymbalta label 7.1) is a validation row in validation/ddi.csv: never used to set a parameter (RULES.md)',
    ('duloxetine', 'renal'): 'Lantz 2003 mass balance: unchanged duloxetine not quantified in the abstract (label "< 1 %" not verified)',
    ('fluoxetine', 'CYP2D6'): 'Margolis 2000: CYP2D6, CYP2C9, CYP3A4 dominate N-demethylation, numeric fm not in the abstract',
    ('fluoxetine', 'CYP2C9'): 'Margolis 2000: qualitative only',
    ('fluoxetine', 'CYP3A4'): 'Margolis 2000: qualitative only',
    ('sertraline', 'CYP2B6'): 'Obach 2005: CYP2B6 the largest in vitro contributor to N-demethylation, numeric fm not in the abstract',
    ('sertraline', 'CYP3A4'): 'Obach 2005: qualitative only',
    ('sertraline', 'CYP2C9'): 'Obach 2005: qualitative only',
    ('sertraline', 'CYP2D6'): 'Obach 2005: qualitative only',
    ('sertraline', 'UGT'): 'Obach 2005: N-carbamoyl glucuronidation (UGT2B7), not quantified',
    ('reboxetine', 'CYP3A4'): 'ketoconazole significantly raised reboxetine AUC (Fleishaker 2001 abstract) but the magnitude is not in the abstract; Herman 1999 not found',
    ('levomilnacipran', 'CYP3A4'): 'label caps the dose at 80 mg with strong CYP3A4 inhibitors; no AUC ratio found',
    ('modafinil', 'CYP3A4'): 'sulfone formation by CYP3A4/5 not quantified; amide hydrolysis (35-60 % of the dose as modafinil acid) is the main route',
    ('armodafinil', 'CYP3A4'): 'as modafinil: not quantified',
    ('clomipramine', 'CYP2C19'): 'N-demethylation by CYP2C19/1A2/3A4 not quantified',
    ('imipramine', 'CYP2C19'): 'N-demethylation by CYP3A4, CYP2C19, CYP1A2 (Swiss Fachinformation): shares not quantified',
    ('imipramine', 'CYP3A4'): 'as CYP2C19: not quantified',
    ('imipramine', 'CYP1A2'): 'as CYP2C19: not quantified',
    ('paroxetine', 'CYP3A4'): 'Jornil 2010 CYP3A4 pathway in the PK-Sim model is a kcat/Km, not an fm of oral clearance',
    ('viloxazine', 'UGT'): '5-hydroxyviloxazine glucuronide is the main metabolite (Nasser 2021 popPK); fraction not quantified',
    ('hydroxybupropion', 'UGT'): 'glucuronidation by UGT2B7 (OSP bupropion model, Gufford 2016) not expressed as a fraction',
}
SEARCHED = 'round-3 leads (../shared/data/round3/kb_inputs.csv and its README "Still missing"), OSP model repositories, and the issue-9 searches (docs/knowledge-base.md)'

pk = list(csv.DictReader(open(D + 'pk.csv')))
hdr = next(csv.reader(open(D + 'pk.csv')))
pk = [r for r in pk if not (r['key'] == 'fm.other' and r['source'] == 'fm_other_rule')]
comps = [r['name'] for r in csv.DictReader(open(D + 'compounds.csv'))]
gaps = []
for c in comps:
    used = {r['key'][3:]: float(r['value']) for r in pk if r['compound'] == c and r['used'] == '1' and r['key'].startswith('fm.')}
    rest = 1.0 - sum(used.values())
    if rest < -1e-9:
        raise SystemExit('%s: fm sum %.6f > 1' % (c, 1 - rest))
    listed = ', '.join('%s %.4g' % (k, v) for k, v in sorted(used.items())) or 'none'
    missing = [p for p in CORE if p not in used]
    pk.append(dict(compound=c, key='fm.other', value='%.10g' % max(rest, 0.0), unit='fraction', source='fm_other_rule',
                   status='derived', used='1', derivation='fm.other = 1 - sum(sourced fm) = 1 - (%s)' % listed,
                   notes='unattributed clearance; contains the unquantified pathways: %s' % (', '.join(missing) or 'none'),
                   found_at='data/curate/pathways.py'))
    for p in missing:
        why = REASON.get((c, p), 'no fraction found in the sources read; not known to be a major route of this compound')
        gaps.append(dict(compound=c, pathway=p, reason=why, searched=SEARCHED))
with open(D + 'pk.csv', 'w', newline='') as o:
    w = csv.DictWriter(o, fieldnames=hdr, lineterminator='\n'); w.writeheader(); w.writerows(pk)
with open(D + 'pathway_gaps.csv', 'w', newline='') as o:
    w = csv.DictWriter(o, fieldnames=['compound', 'pathway', 'reason', 'searched'], lineterminator='\n'); w.writeheader(); w.writerows(gaps)
print(len(comps), 'compounds,', len(gaps), 'documented absences')
