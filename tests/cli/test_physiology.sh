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
assert 'sources' in d and d['sources']"
"$BIN" physiology --state standing --format json > "$TMP/stand.json"
check "standing in range" py "
import json; d=json.load(open('$TMP/stand.json')); assert 200<=d['plasma_ne_pg_per_ml']<=1700"
"$BIN" physiology --state standing --occupancy NET=0.9 --format json > "$TMP/standnet.json"
check "NET block: plasma ~unchanged, spillover and clearance down, HR up" py "
import json; d=json.load(open('$TMP/standnet.json')); b=d['baseline']
assert abs(d['plasma_ne_fold']-1)<0.1
assert d['spillover_ug_per_min']<b['spillover_ug_per_min'] and d['clearance_l_per_min']<b['clearance_l_per_min']
assert d['heart_rate_bpm']>b['heart_rate_bpm']"
"$BIN" physiology --state exercise_max --format json > "$TMP/ex.json"
check "exercise_max HR null (no sourced value)" py "
import json; d=json.load(open('$TMP/ex.json')); assert d['heart_rate_bpm'] is None and d['plasma_ne_pg_per_ml']>3000"
"$BIN" physiology --params --format json > "$TMP/p.json"
check "physio params" py "
import json; p=json.load(open('$TMP/p.json'))['parameters']; assert p and all(x['domain']=='physio' for x in p)"
"$BIN" physiology --state cold_pressor > "$TMP/t.txt"
check "table exit 0" test $? -eq 0
for args in "--state sleeping" "--occupancy SERT=0.5" "--occupancy NET=2" "--bogus" "--state"; do
  # shellcheck disable=SC2086
  "$BIN" physiology $args > "$TMP/out" 2> "$TMP/err"
  rc=$?
  check "usage error exit 2 ($args)" test $rc -eq 2
  check "usage error stdout empty ($args)" test ! -s "$TMP/out"
done
exit $fail
