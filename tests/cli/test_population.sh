#!/usr/bin/env bash
# CLI contract of `reuptake population`: JSON fields, input errors (exit 2, one stderr line,
# nothing on stdout), bitwise-identical output for mpirun -n 1, 2, 4, and SIGINT leaving no file.
# Usage: bash test_population.sh BINARY SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

# 1. JSON fields
if "$bin" population atomoxetine:80mg:q24h --subjects 300 --seed 5 --days 3 --format json \
    --percentiles 10,50,90 --target-attainment 'NET>=0.5' >"$tmp/pop.json" 2>"$tmp/err"; then
  if python3 - "$tmp/pop.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ["subjects", "seed", "ancestry", "time_h", "bands", "attainment", "by_phenotype", "variability"]:
    assert k in d, k
assert d["subjects"] == 300 and d["seed"] == 5 and d["ancestry"] == "european"
b = d["bands"][0]
assert ("compound" in b or "target" in b) and b["quantity"] in ("total", "occupancy") and "unit" in b
assert set(b["percentiles"]) == {"10", "50", "90"}
assert all(len(v) == len(d["time_h"]) for v in b["percentiles"].values())
assert any(x.get("target") == "NET" and x["quantity"] == "occupancy" for x in d["bands"])
a = d["attainment"][0]
assert a["target"] == "NET" and a["threshold"] == 0.5 and 0 <= a["final"] <= 1
assert len(a["probability"]) == len(d["time_h"])
assert sum(x["n"] for x in d["by_phenotype"] if x["compound"] == "atomoxetine") == 300
assert {"phenotype", "n", "auc_mean"} <= set(d["by_phenotype"][0])
v = {(x["compound"], x["key"]): x for x in d["variability"]}
assert v[("atomoxetine", "cl_f_l_per_h")]["source"] != "default, not sourced"
assert v[("atomoxetine", "v_f_l")]["source"] == "default, not sourced"
PY
  then pass json_fields; else fail json_fields; fi
else
  fail "json_run (exit $?): $(cat "$tmp/err")"
fi

# 2. input errors: exit 2, exactly one line on stderr, nothing on stdout
check_usage() {
  local name=$1
  shift
  "$bin" population "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
    pass "$name"
  else
    fail "$name (exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err"))"
  fi
}
check_usage bad_subjects_zero atomoxetine:80mg:q24h --subjects 0
check_usage bad_subjects_text atomoxetine:80mg:q24h --subjects lots
check_usage bad_subjects_negative atomoxetine:80mg:q24h --subjects -5
check_usage missing_subjects atomoxetine:80mg:q24h
check_usage unknown_ancestry atomoxetine:80mg:q24h --subjects 10 --ancestry atlantean
if grep -q european "$tmp/err"; then pass unknown_ancestry_names_known; else fail unknown_ancestry_names_known; fi
check_usage bad_attainment atomoxetine:80mg:q24h --subjects 10 --target-attainment NET=0.8
check_usage bad_percentiles atomoxetine:80mg:q24h --subjects 10 --percentiles 50,5

# 3. mpirun K = 1, 2, 4: bitwise identical output (a binary built without MPI, as the sanitizer
# builds are, would run K independent copies: nothing to test)
mpi_linked=0
if ldd "$bin" 2>/dev/null | grep -q 'libmpi'; then mpi_linked=1; fi
if command -v mpirun >/dev/null 2>&1 && [ "$mpi_linked" = 1 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  ok=1
  for k in 1 2 4; do
    if ! mpirun --oversubscribe --allow-run-as-root -n $k "$bin" population atomoxetine:80mg:q24h \
        --subjects 5000 --seed 9 --days 7 --format json --output "$tmp/k$k.json" >"$tmp/mpi_out" 2>"$tmp/mpi_err"; then
      echo "mpirun -n $k failed: $(cat "$tmp/mpi_err")"
      ok=0
    fi
  done
  if [ $ok -eq 1 ] && cmp -s "$tmp/k1.json" "$tmp/k2.json" && cmp -s "$tmp/k1.json" "$tmp/k4.json"; then
    pass mpirun_1_2_4_identical
  else
    fail mpirun_1_2_4_identical
  fi
  # and identical to a plain (non-MPI) launch
  "$bin" population atomoxetine:80mg:q24h --subjects 5000 --seed 9 --days 7 --format json \
    --output "$tmp/plain.json" 2>"$tmp/plain_err"
  if cmp -s "$tmp/k1.json" "$tmp/plain.json" && [ ! -s "$tmp/plain_err" ]; then
    pass plain_launch_identical_and_quiet
  else
    fail plain_launch_identical_and_quiet
  fi
  # the JSON on stdout (ranks see a pty under mpirun) is byte-identical to a plain launch's
  mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" population atomoxetine:80mg:q24h \
    --subjects 3000 --seed 9 --days 2 --format json >"$tmp/k2_stdout.json" 2>/dev/null
  "$bin" population atomoxetine:80mg:q24h --subjects 3000 --seed 9 --days 2 --format json \
    >"$tmp/plain_stdout.json" 2>/dev/null
  if [ -s "$tmp/k2_stdout.json" ] && cmp -s "$tmp/k2_stdout.json" "$tmp/plain_stdout.json"; then
    pass mpirun_stdout_json_identical
  else
    fail mpirun_stdout_json_identical
  fi
  # a nonlinear subject (paroxetine inhibits its own clearance): the hybrid batch, identical for
  # 1 and 2 ranks
  for k in 1 2; do
    mpirun --oversubscribe --allow-run-as-root -n $k "$bin" population paroxetine:20mg:q24h \
      --subjects 2100 --seed 3 --days 3 --format json --output "$tmp/px$k.json" 2>/dev/null
  done
  if [ -s "$tmp/px1.json" ] && cmp -s "$tmp/px1.json" "$tmp/px2.json" &&
     grep -q '"engine":"hybrid solver' "$tmp/px1.json"; then
    pass mpirun_hybrid_batch_identical
  else
    fail mpirun_hybrid_batch_identical
  fi
  # a rank failing before the first collective aborts the job with its message (the others
  # would otherwise wait for it forever)
  if RU_POP_FAIL_RANK=1 timeout 60 mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" \
      population atomoxetine:80mg:q24h --subjects 50000 --format json >/dev/null 2>"$tmp/abort_err"; then
    fail failing_rank_aborts_the_job
  elif [ $? -ne 124 ] && grep -q "\[rank 1\].*failed on purpose" "$tmp/abort_err"; then
    pass failing_rank_aborts_the_job
  else
    fail failing_rank_aborts_the_job
  fi
else
  echo "SKIP mpirun cases (mpirun not found or the binary is built without MPI)"
fi

# 4. SIGINT: clean stop, exit 130, no output file
"$bin" population atomoxetine:80mg:q24h --subjects 2000000000 --format json \
  --output "$tmp/never.json" 2>"$tmp/int_err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && [ ! -e "$tmp/never.json" ] && ! ls "$tmp" | grep -q '^never'; then
  pass sigint_no_output_file
else
  fail "sigint_no_output_file (exit $rc; files: $(ls "$tmp" | tr '\n' ' '))"
fi

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all population CLI tests passed"
