#!/usr/bin/env bash
# CLI contract of `reuptake physiology`: JSON fields of DESIGN.md, states, NET block, errors.
# Invoked as: bash test_physiology.sh BINARY SOURCE_DIR
set -u
BIN="$1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0
check() {
  local name="$1"; shift
  if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fail=1; fi
}
py() { python3 -c "$@"; }

"$BIN" physiology --format json > "$TMP/rest.json"
check "rest exit 0" test $? -eq 0
check "rest fields and range" py "
import json; d=json.load(open('$TMP/rest.json'))
for k in ['state','plasma_ne_pg_per_ml','half_life_min','spillover_ug_per_min','clearance_l_per_min','heart_rate_bpm','baseline','plasma_ne_fold']:
    assert k in d, k
assert d['state']=='rest_supine' and 70<=d['plasma_ne_pg_per_ml']<=750
assert abs(d['half_life_min']-2.4)<1e-9 and d['plasma_ne_fold']==1
assert d['state_source'] and d['sympathetic_drive_fold']==1"
"$BIN" physiology --state standing --format json > "$TMP/stand.json"
check "standing in range" py "
import json; d=json.load(open('$TMP/stand.json')); assert 200<=d['plasma_ne_pg_per_ml']<=1700"
"$BIN" physiology --state standing --occupancy NET=0.9 --format json > "$TMP/standnet.json"
check "NET block: spillover and clearance down together, sympathetic drive down" py "
import json; d=json.load(open('$TMP/standnet.json')); b=d['baseline']
assert d['spillover_ug_per_min']<b['spillover_ug_per_min'] and d['clearance_l_per_min']<b['clearance_l_per_min']
assert d['sympathetic_drive_fold']<1"
# single dose: the time course, reported at the peak NET occupancy
"$BIN" physiology desipramine:125mg --format json > "$TMP/single.json"
check "single dose accepted" py "
import json; d=json.load(open('$TMP/single.json'))
assert 'single dose' in d['occupancy_input'] and d['net_occupancy']>0.3
tc=d['time_course']; assert len(tc['time_h'])==len(tc['plasma_ne_pg_per_ml'])>5"
# steady state of a repeated regimen; tilt raises heart rate more than supine
"$BIN" physiology reboxetine:4mg:bid --state tilt --format json > "$TMP/tilt.json"
check "steady state accepted, HR up on tilt" py "
import json; d=json.load(open('$TMP/tilt.json')); assert 'steady-state' in d['occupancy_input'] and d['heart_rate_bpm']>d['baseline']['heart_rate_bpm']"
"$BIN" physiology --state seated > "$TMP/out" 2> "$TMP/err"
check "seated: missing spillover is an error, not a guess" test $? -eq 2
"$BIN" physiology --state exercise_max --format json > "$TMP/ex.json"
check "exercise_max HR null (no sourced value)" py "
import json; d=json.load(open('$TMP/ex.json')); assert d['heart_rate_bpm'] is None and d['plasma_ne_pg_per_ml']>3000"
"$BIN" physiology --params --format json > "$TMP/p.json"
check "physio params" py "
import json; p=json.load(open('$TMP/p.json'))['parameters']; assert p and all(x['domain']=='physiology' for x in p)"
"$BIN" physiology --state cold_pressor > "$TMP/t.txt"
check "table exit 0" test $? -eq 0
for args in "--state sleeping" "--occupancy SERT=0.5" "--occupancy NET=2" "--bogus" "--state" \
            "--param physio.none=1"; do
  # shellcheck disable=SC2086
  "$BIN" physiology $args > "$TMP/out" 2> "$TMP/err"
  rc=$?
  check "usage error exit 2 ($args)" test $rc -eq 2
  check "usage error stdout empty ($args)" test ! -s "$TMP/out"
done
exit $fail
