#!/usr/bin/env bash
# Brain exposure, occupancy summaries and validation with cross-validation, end to end on the
# real binary: the Kp,uu line of `drugs show`, --set DRUG.kpuu_brain, the default flagged in
# occupancy output, `validate --calibrate` residuals, `validate --cross-validate` JSON
# (sets[].metrics.cv, per-row held-out predictions). Usage: test_occupancy_validate.sh BINARY SRC
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/common.sh"

# --- brain exposure in drugs show ---------------------------------------------------------------
"$bin" drugs show atomoxetine | grep -q 'brain exposure: Kp,uu,brain 0.7 (primary, kielbasa2009)' &&
  ok "drugs show: measured Kp,uu with its source" || bad "drugs show atomoxetine brain line"
"$bin" drugs show sertraline | grep -q 'brain exposure: Kp,uu,brain 1 (DEFAULT' &&
  ok "drugs show: default Kp,uu flagged" || bad "drugs show sertraline brain line"
"$bin" drugs show paroxetine --format json >"$tmp/p.json" &&
  json_has "$tmp/p.json" "d['brain_exposure']['default'] is False and abs(d['brain_exposure']['kpuu_brain']-0.5913)<1e-12 and d['pk']['kpuu_brain_status']=='derived'" &&
  ok "drugs show JSON: brain_exposure and pk.kpuu_brain" || bad "drugs show JSON brain_exposure"

# --- --set DRUG.kpuu_brain ------------------------------------------------------------------------
"$bin" occupancy --conc paroxetine=5ng/mL --target SERT --format json >"$tmp/wt.json" &&
  "$bin" occupancy --conc paroxetine=5ng/mL --target SERT --set paroxetine.kpuu_brain=1 --format json >"$tmp/ko.json" &&
  python3 - "$tmp/wt.json" "$tmp/ko.json" <<'PY' && ok "--set kpuu_brain=1 (P-gp knockout) raises SERT occupancy by KO:WT 1.691" || bad "--set kpuu_brain"
import json, sys, math
wt = json.load(open(sys.argv[1]))['targets'][0]['mean']
ko = json.load(open(sys.argv[2]))['targets'][0]['mean']
r = (ko / (1 - ko)) / (wt / (1 - wt))
sys.exit(0 if ko > wt and abs(r - 1 / 0.5913) < 1e-9 else 1)
PY
expect_input_error "--set kpuu_brain=-1 exits 2" occupancy --conc paroxetine=5ng/mL --set paroxetine.kpuu_brain=-1

# --- the default flagged in occupancy output ---------------------------------------------------------
"$bin" occupancy sertraline:50mg:q24h --target SERT | grep -q 'sertraline .*(Kp,uu default)' &&
  ok "occupancy table marks a default Kp,uu" || bad "occupancy table default mark"
"$bin" occupancy sertraline:50mg:q24h --target SERT --format json >"$tmp/s.json" &&
  json_has "$tmp/s.json" "d['targets'][0]['by_compound'][0]['kpuu_brain_default'] is True and 'brain_exposure_note' in d" &&
  ok "occupancy JSON marks a default Kp,uu" || bad "occupancy JSON default mark"

# --- validate --calibrate: factors, rows, residuals ---------------------------------------------------
"$bin" validate --calibrate --format csv >"$tmp/cal.csv" &&
  head -1 "$tmp/cal.csv" | grep -q '^target,factor,source,status,rows,rmse_pp,residuals_pp,not_used$' &&
  grep -q '^SERT,.*cal-sert-1:[+-]' "$tmp/cal.csv" &&
  ok "validate --calibrate CSV carries residuals" || bad "validate --calibrate CSV"
"$bin" validate --calibrate --format json >"$tmp/cal.json" &&
  json_has "$tmp/cal.json" "all('residuals' in s and len(s['residuals'])>0 for s in d['scaling'])" &&
  ok "validate --calibrate JSON residuals" || bad "validate --calibrate JSON"

# --- validate --cross-validate ------------------------------------------------------------------------
"$bin" validate --set pet --cross-validate --format json >"$tmp/cv.json" &&
  json_has "$tmp/cv.json" "'mae_pp' in d['sets'][0]['metrics']['cv'] and 'in_sample_mae_pp' in d['sets'][0]['metrics']['cv'] and len(d['sets'][0]['metrics']['cv']['folds'])==4 and all('cv_predicted' in r for r in d['sets'][0]['rows'] if r['calibration'] and r['predicted'] is not None) and not any('cv_predicted' in r for r in d['sets'][0]['rows'] if not r['calibration'])" &&
  ok "validate --cross-validate: metrics.cv, folds, held-out rows" || bad "validate --cross-validate JSON"
"$bin" validate --set pet --cross-validate | grep -q 'cv.mae_pp ' &&
  ok "validate --cross-validate table prints cv metrics" || bad "validate --cross-validate table"
"$bin" validate --set ddi --cross-validate --format json >"$tmp/dcv.json" &&
  json_has "$tmp/dcv.json" "'nothing is fitted' in d['sets'][0]['metrics']['cv']['note']" &&
  ok "validate --cross-validate on an unfitted set says so" || bad "ddi cross-validate note"

if grep -qi '\bnan\b' "$tmp"/*.json; then bad "no NaN in any output"; else ok "no NaN in any output"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
