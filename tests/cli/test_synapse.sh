#!/usr/bin/env bash
# CLI contract of `reuptake synapse`: JSON fields of DESIGN.md, exit codes, --params, --plot.
# Invoked as: bash test_synapse.sh BINARY SOURCE_DIR
set -u
BIN="$1"
SRC="$2"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0
check() { # name, condition command...
  local name="$1"; shift
  if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fail=1; fi
}
py() { python3 -c "$@"; }

# NET block, default 3 h acute response, JSON contract
"$BIN" synapse --occupancy NET=0.9 --format json > "$TMP/net.json"
check "net json exit 0" test $? -eq 0
check "net json fields" py "
import json; d=json.load(open('$TMP/net.json'))
assert d['region']=='pfc'
assert abs(d['time_h'][-1]-3.0)<1e-9 and d['time_h'][0]==0
an=[s['analyte'] for s in d['series']]; assert an==['NE','DA','5-HT'], an
assert all(len(s['fold_of_baseline'])==len(d['time_h']) for s in d['series'])
f=d['final']; assert 1.5<=f['NE']<=4.5 and 1.3<=f['DA']<=4.5 and 0.8<f['5-HT']<1.3, f
assert set(d['firing'])=={'LC','VTA','DRN'}
assert d['firing']['LC']['final_fold']<0.5
"
# striatum: DA unchanged under NET block (Bymaster 2002)
"$BIN" synapse --occupancy NET=0.9 --region striatum --format json > "$TMP/str.json"
check "striatal DA within 1.2x" py "
import json; d=json.load(open('$TMP/str.json')); v=d['final']['DA']; assert 1/1.2<=v<=1.2, v"
# SERT block over 21 days: the rise grows, DRN firing recovers
"$BIN" synapse --occupancy SERT=0.9 --days 21 --region hippocampus --format json > "$TMP/sert.json"
check "sert 21 d" py "
import json; d=json.load(open('$TMP/sert.json'))
s=[x for x in d['series'] if x['analyte']=='5-HT'][0]['fold_of_baseline']
t=d['time_h']; i3=min(range(len(t)), key=lambda i: abs(t[i]-3))
assert s[-1] > 1.2*s[i3], (s[i3], s[-1])
assert d['firing']['DRN']['final_fold']>0.7
assert d['final_receptor_sensitivity']['5-HT1A (raphe soma)']<0.8
assert abs(t[-1]-504)<1e-9"
# antagonist and expression knobs
"$BIN" synapse --occupancy NET=0.9 --antagonist idazoxan=0.9 --format json > "$TMP/ida.json"
check "idazoxan raises NE further" py "
import json; a=json.load(open('$TMP/net.json'))['final']['NE']; b=json.load(open('$TMP/ida.json'))['final']['NE']; assert b>2*a, (a,b)"
"$BIN" synapse --occupancy SERT=0 --genotype SERT+/- --format json > "$TMP/het.json"
check "SERT+/- basal 5-HT up" py "
import json; d=json.load(open('$TMP/het.json')); assert d['final']['5-HT']>1.2 and d['inputs']['expression']['SERT']==0.5"
# table and csv formats
"$BIN" synapse --occupancy NET=0.9 > "$TMP/table.txt"
check "table exit 0" test $? -eq 0
check "table has final line" grep -q "^final: NE" "$TMP/table.txt"
"$BIN" synapse --occupancy NET=0.9 --format csv > "$TMP/t.csv"
check "csv header" py "
import csv; r=list(csv.reader(open('$TMP/t.csv'))); assert r[0][:4]==['time_h','NE','DA','5-HT'], r[0]; assert len(r)==14, len(r)"
# parameter table
"$BIN" synapse --params --format json > "$TMP/params.json"
check "params json" py "
import json; p=json.load(open('$TMP/params.json'))['parameters']
cal=[x for x in p if x['status']=='calibrated']; assert len(cal)>=10
assert all('fitted on validation/calibration_synapse.csv' in x['citation'] for x in cal)
assert all(x['domain']=='synapse' for x in p)
assert all(x['source'] or x['status']=='missing' for x in p)
assert not any('../' in x['citation'] for x in p)"
# --param is KB-backed: it changes the result and marks the value as a user value
"$BIN" synapse --occupancy NET=0.9 --param ne.share_net=0.6 --format json > "$TMP/p06.json"
check "param override lowers NE" py "
import json; a=json.load(open('$TMP/net.json'))['final']['NE']; b=json.load(open('$TMP/p06.json'))['final']['NE']; assert b<a, (a,b)"
# named ligands: atipamezole on duloxetine-like block, a releaser vs a blocker
"$BIN" synapse --occupancy NET=0.95 --antagonist atipamezole=0.9 --format json > "$TMP/atip.json"
check "atipamezole multiplies NE under NET block" py "
import json; d=json.load(open('$TMP/atip.json')); assert d['final']['NE']>5, d['final']"
"$BIN" synapse --releaser d-amphetamine=0.97 --region striatum --format json > "$TMP/amph.json"
"$BIN" synapse --occupancy DAT=0.97 --region striatum --format json > "$TMP/mph.json"
check "releaser raises striatal DA more than a blocker" py "
import json; a=json.load(open('$TMP/amph.json'))['final']['DA']; b=json.load(open('$TMP/mph.json'))['final']['DA']; assert a>2*b, (a,b)"
# plot
"$BIN" synapse --occupancy NET=0.9 --plot "$TMP/p.png" --quiet > /dev/null
check "plot written" test -s "$TMP/p.png"
# usage errors: exit 2, one line on stderr, nothing on stdout
for args in "--occupancy FOO=0.5" "--occupancy NET=1.5" "--region cerebellum --occupancy NET=0.9" \
            "--bogus" "" "--genotype XYZ --occupancy NET=0.5" "--occupancy" \
            "--occupancy NET=0.5 --param no.such=1" "--occupancy NET=0.5 --param ne.share_net=7" \
            "--antagonist nonsense=0.5" "--releaser methylphenidate=0.5"; do
  # shellcheck disable=SC2086
  "$BIN" synapse $args > "$TMP/out" 2> "$TMP/err"
  rc=$?
  check "usage error exit 2 ($args)" test $rc -eq 2
  check "usage error stdout empty ($args)" test ! -s "$TMP/out"
  check "usage error one line ($args)" test "$(wc -l < "$TMP/err")" -eq 1
done
exit $fail
