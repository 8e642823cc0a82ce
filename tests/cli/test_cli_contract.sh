#!/usr/bin/env bash
# The command-line contract of DESIGN.md, checked end to end on the real binary:
# JSON fields scripts rely on, exit codes (0 / 2 / 1), one-line errors with nothing on stdout,
# atomic --output, no NaN ever printed. Usage: test_cli_contract.sh BINARY SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/common.sh"

# --- drugs ---------------------------------------------------------------------------------
"$bin" drugs show venlafaxine --format json >"$tmp/v.json" &&
  json_has "$tmp/v.json" "d['name']=='venlafaxine' and {'SERT','NET','DAT'} <= {a['target'] for a in d['affinities']} and all(a['source'] for a in d['affinities']) and 'pk' in d and 'sources' in d" &&
  ok "drugs show venlafaxine lists SERT/NET/DAT with sources" || bad "drugs show venlafaxine"
"$bin" drugs show Strattera --format json >"$tmp/s.json" &&
  json_has "$tmp/s.json" "d['name']=='Strattera' and d['kind']=='product' and d['compounds'][0]['compound']=='atomoxetine'" && ok "product name Strattera resolves to the product" || bad "Strattera"
"$bin" drugs show Sinequan --format json >"$tmp/s2.json" &&
  json_has "$tmp/s2.json" "d['name']=='doxepin'" && ok "a brand synonym that is not a product still resolves to its compound" || bad "Sinequan"
expect_input_error "unknown drug exits 2 with one line" drugs show xyz
"$bin" drugs show xyz 2>&1 >/dev/null | grep -q "did you mean" && ok "unknown drug suggests a name" || bad "did you mean"
"$bin" kb check >/dev/null && ok "kb check passes on the shipped data" || bad "kb check"

# --- simulate ------------------------------------------------------------------------------
"$bin" simulate atomoxetine:40mg:q12h --days 2 --step 1 --format json >"$tmp/sim.json" &&
  json_has "$tmp/sim.json" "len(d['time_h'])==49 and d['time_h'][0]==0 and any(s['quantity']=='total' and s['unit']=='ng/mL' and len(s['values'])==49 for s in d['series']) and any(s['quantity']=='unbound' and s['unit']=='nM' for s in d['series']) and any(s['quantity']=='occupancy' and s['compound']=='all' and s['target']=='NET' and s['unit']=='fraction' for s in d['series'])" &&
  ok "simulate JSON has time_h and total/unbound/occupancy series" || bad "simulate JSON"
"$bin" simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 3 --format csv >"$tmp/sim.csv" &&
  head -1 "$tmp/sim.csv" | grep -q '^time_h,paroxetine_ng_per_ml' && ok "simulate CSV header" || bad "simulate CSV"
"$bin" simulate atomoxetine:40mg:q12h --days 2 --output "$tmp/o.json" --format json &&
  json_has "$tmp/o.json" "'series' in d" && ok "--output writes the file" || bad "--output"
expect_input_error "bad regimen exits 2" simulate atomoxetine:40xg:q12h
expect_input_error "unknown interval exits 2" simulate paroxetine:20mg:q24x
expect_input_error "unknown option exits 2" simulate atomoxetine:40mg --bogus
expect_input_error "incomplete compound exits 2 with its reason" simulate doxepin:25mg:q24h
"$bin" simulate atomoxetine:40mg:q12h --output "$tmp/nodir/x.json" >/dev/null 2>&1
[ ! -e "$tmp/nodir/x.json" ] && ok "unwritable --output leaves no file" || bad "unwritable --output"
"$bin" simulate atomoxetine:40mg:q12h --days 2 --plot "$tmp/p.png" >/dev/null 2>&1 &&
  [ -s "$tmp/p.png" ] && head -c 8 "$tmp/p.png" | grep -q PNG && ok "--plot writes a PNG" || bad "--plot"

# --- NONMEM-style datasets: one subject per ID, output at the observation records -----------
cat >"$tmp/ds.csv" <<'CSV'
ID,TIME,AMT,EVID,DRUG,II,ADDL
1,0,40,1,atomoxetine,12,3
1,1,0,0,,,
1,48,0,0,,,
2,0,20,1,paroxetine,24,6
2,168,0,0,,,
CSV
"$bin" simulate --data "$tmp/ds.csv" --format json >"$tmp/ds.json" &&
  json_has "$tmp/ds.json" "[(s['id'], s['time_h']) for s in d['subjects']] == [(1, [1, 48]), (2, [168])]" &&
  ok "dataset: every subject simulated at its observation times" || bad "dataset JSON"
"$bin" simulate --data "$tmp/ds.csv" --format csv >"$tmp/ds.csv.out" &&
  head -1 "$tmp/ds.csv.out" | grep -q '^id,time_h,compound,quantity,target,unit,value$' &&
  ok "dataset CSV in long form with an id column" || bad "dataset CSV"
"$bin" simulate --data "$tmp/ds.csv" --id 2 --format json >"$tmp/ds2.json" &&
  json_has "$tmp/ds2.json" "d['time_h'] == [168] and d['series'][0]['compound'] == 'paroxetine'" &&
  ok "--id selects one subject" || bad "--id"
expect_input_error "--id of a missing subject exits 2" simulate --data "$tmp/ds.csv" --id 9

# --- exposure / occupancy / interact -----------------------------------------------------
"$bin" exposure atomoxetine:40mg:q12h --format json >"$tmp/e.json" &&
  json_has "$tmp/e.json" "all(k in d['compounds'][0] for k in ('compound','auc_ng_h_per_ml','cmax_ng_per_ml','cmin_ng_per_ml','cavg_ng_per_ml','unbound_cavg_nM'))" &&
  ok "exposure JSON fields" || bad "exposure JSON"
"$bin" occupancy venlafaxine:75mg:q12h --format json >"$tmp/oc.json" &&
  json_has "$tmp/oc.json" "all(0<=t['trough']<=t['mean']<=t['peak']<=1 and 'by_compound' in t for t in d['targets']) and any(t['target']=='SERT' for t in d['targets'])" &&
  ok "occupancy JSON fields, fractions ordered trough<=mean<=peak" || bad "occupancy JSON"
"$bin" occupancy --conc nortriptyline=50ng/mL --format json >"$tmp/c.json" &&
  json_has "$tmp/c.json" "all(t['mean']==t['trough']==t['peak'] for t in d['targets'])" &&
  ok "occupancy --conc gives mean = trough = peak" || bad "occupancy --conc"
"$bin" occupancy nortriptyline --doses 10,50,150 --format json >"$tmp/d.json" &&
  json_has "$tmp/d.json" "len(d['doses'])==3 and 'NET' in d['ed50_mg']" && ok "dose-occupancy curve with ED50" || bad "--doses"
"$bin" interact desipramine:50mg:q24h --with paroxetine:20mg:q24h --format json >"$tmp/i.json" &&
  json_has "$tmp/i.json" "d['victim']=='desipramine' and d['auc_ratio']>1.5 and d['cmax_ratio']>1 and len(d['mechanisms'])>0" &&
  ok "interact JSON fields" || bad "interact JSON"
expect_input_error "interact without --with exits 2" interact desipramine:50mg:q24h

# --- validate ----------------------------------------------------------------------------------
"$bin" validate --set pm --format json >"$tmp/val.json" &&
  json_has "$tmp/val.json" "d['sets'][0]['set']=='pm' and sum(r['calibration'] for r in d['sets'][0]['rows'])>=2 and len(d['sets'][0]['rows'])>=5 and 'metrics' in d['sets'][0]" &&
  ok "validate JSON fields" || bad "validate JSON"
expect_input_error "validate unknown set exits 2" validate --set nonsense

# --- the exit-code contract, command by command ---------------------------------------------------
# 0 success; 2 anything the user can fix (one line on stderr, nothing on stdout, no file); 1 only
# internal failures (out of memory: asserted by tests/fault/alloc_sweep for every command's paths);
# 130 interrupted (tests/cli/test_io_faults.sh). Each command starts from its probe arguments, the
# cheap valid run its option table declares (`reuptake help CMD --format json`).
for c in $("$bin" --help | awk '/^commands:/{on=1;next} on&&/^  [a-z]/{print $1} on&&/^$/{exit}'); do
  read -r -a probe <<<"$("$bin" help "$c" --format json | python3 -c "import json,sys; print(' '.join(json.load(sys.stdin)['probe']))")"
  "$bin" "$c" "${probe[@]}" >/dev/null 2>"$tmp/err" && ok "$c: a valid run exits 0" || bad "$c ${probe[*]}: $(cat "$tmp/err")"
  expect_input_error "$c: an unknown option exits 2" "$c" "${probe[@]}" --no-such-option
  expect_input_error "$c: an option without its value exits 2" "$c" "${probe[@]}" --output
  expect_input_error "$c: --format bogus exits 2" "$c" "${probe[@]}" --format bogus
  expect_input_error "$c: --kb at a file that is not a knowledge base exits 2" "$c" "${probe[@]}" --kb /etc/passwd
  expect_input_error "$c: --kb at an empty path exits 2" "$c" "${probe[@]}" --kb ""
  expect_input_error "$c: --kb at a missing file exits 2" "$c" "${probe[@]}" --kb "$tmp/missing.sqlite"
  expect_input_error "$c: --output in a missing directory exits 2" "$c" "${probe[@]}" --output "$tmp/nodir/x"
  [ ! -e "$tmp/nodir" ] || bad "$c: --output created a directory"
  expect_input_error "$c: a stray argument exits 2" "$c" "${probe[@]}" "%s%n,,:"
done
expect_input_error "no command exits 2"

# --- no NaN, help, version -----------------------------------------------------------------------
if grep -qi '\bnan\b' "$tmp"/*.json "$tmp/sim.csv"; then bad "no NaN in any output"; else ok "no NaN in any output"; fi
"$bin" --version | grep -q '^reuptake ' && ok "--version" || bad "--version"
"$bin" help simulate | grep -q 'no clinical advice' && ok "help carries the disclaimer" || bad "help"
expect_input_error "unknown command exits 2" frobnicate

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
