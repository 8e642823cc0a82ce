#!/usr/bin/env bash
# `reuptake interact` through the binary on a deterministic sample of ordered pairs of parent
# compounds at their label doses (the steady-state regimens of validation/pk_reference.csv); the
# library-level test test_interact_pairs runs every pair in one process. Each run exits 0 with
# JSON holding finite ratios and a mechanisms and pathways list, or 2 with exactly one line on
# stderr and nothing on stdout; NaN never appears. Usage: test_interact_pairs.sh BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
# one steady-state regimen per compound, in table order
mapfile -t regs < <(python3 - "$src/validation/pk_reference.csv" <<'PY'
import csv, sys
seen = []
for r in csv.DictReader(open(sys.argv[1])):
    reg = r['regimen']
    if any(x in reg for x in (':q', ':bid', ':tid')) and r['compound'] not in [s[0] for s in seen]:
        seen.append((r['compound'], reg))
for c, reg in seen:
    print(reg)
PY
)
n=${#regs[@]}
k=0
for ((v = 0; v < n; v++)); do
  for ((p = 0; p < n; p++)); do
    [ "$v" -eq "$p" ] && continue
    k=$((k + 1))
    [ $((k % 59)) -ne 1 ] && continue
    name="interact ${regs[$v]} --with ${regs[$p]}"
    "$bin" interact "${regs[$v]}" --with "${regs[$p]}" --format json >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 0 ]; then
      if python3 - "$tmp/out" <<'PY'
import json, math, re, sys
text = open(sys.argv[1]).read()
if re.search(r'(?i)\bnan\b', text):  # a NaN number or "nan" printed inside a text field
    sys.exit(1)
d = json.loads(text)
ok = all(isinstance(d[k], (int, float)) and math.isfinite(d[k]) and d[k] > 0 for k in ('auc_ratio', 'cmax_ratio'))
ok = ok and isinstance(d['mechanisms'], list) and len(d['pathways']) > 0
sys.exit(0 if ok else 1)
PY
      then pass=$((pass + 1)); echo "PASS $name (exit 0)"
      else fail=$((fail + 1)); echo "FAIL $name: JSON contract"; cat "$tmp/out"
      fi
    elif [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]; then
      pass=$((pass + 1)); echo "PASS $name (exit 2: $(cat "$tmp/err"))"
    else
      fail=$((fail + 1)); echo "FAIL $name: exit $rc"; cat "$tmp/err"
    fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
