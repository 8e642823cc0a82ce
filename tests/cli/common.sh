# Helpers shared by the CLI test scripts (sourced; needs $bin and $tmp set, defines ok/bad).
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# json_has FILE EXPR: python3 evaluates EXPR with d = parsed JSON; true when it holds
json_has() {
  python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# expect_input_error NAME ARGS...: exit 2, exactly one line on stderr, nothing on stdout
expect_input_error() {
  local name=$1
  shift
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ]; then
    ok "$name"
  else
    bad "$name (rc=$rc, stderr lines=$lines, stdout bytes=$(wc -c <"$tmp/out"))"
    cat "$tmp/err"
  fi
}
