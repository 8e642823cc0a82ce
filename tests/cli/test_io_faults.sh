#!/usr/bin/env bash
# I/O faults on the real binary (issue 15): output to a full device, to a read-only directory, to
# a directory that does not exist or vanishes during the run, and SIGINT during a long simulate
# and population. Each must exit non-zero with exactly one line on stderr, leave no partial or
# temporary file, and leave the previous file of that name untouched.
# Usage: test_io_faults.sh BINARY SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/common.sh"

# expect_fault NAME EXPECTED_RC ARGS...: that exit code, one stderr line, nothing on stdout
expect_fault() {
  local name=$1 want=$2
  shift 2
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ]; then
    ok "$name"
  else
    bad "$name (rc=$rc, stderr lines=$lines, stdout bytes=$(wc -c <"$tmp/out"))"
    cat "$tmp/err"
  fi
}

# no_leftovers NAME DIR: no temporary file (name.tmp.XXXXXX) left in DIR
no_leftovers() {
  if ls -A "$2" | grep -q '\.tmp\.'; then bad "$1: temporary file left: $(ls -A "$2" | tr '\n' ' ')"; else ok "$1"; fi
}

sim=(simulate atomoxetine:40mg:q12h --days 2)

# --- a full device ---------------------------------------------------------------------------
for fmt in table csv json; do
  expect_fault "--output /dev/full ($fmt) exits 2 with one line" 2 "${sim[@]}" --format "$fmt" --output /dev/full
done
expect_fault "--plot /dev/full exits 2 with one line" 2 "${sim[@]}" --plot /dev/full
"$bin" "${sim[@]}" >/dev/full 2>"$tmp/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok "stdout on a full device exits non-zero with one line" ||
  bad "stdout on /dev/full (rc=$rc)"

# --- a read-only directory (as root: run as nobody, whom the mode binds) ---------------------
ro="$tmp/ro"
mkdir "$ro"
echo previous >"$ro/x.json"
chmod 0555 "$ro"
chmod 0644 "$ro/x.json"
chmod 0755 "$tmp"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
  for fmt in table csv json; do
    "${as_user[@]}" "$bin" "${sim[@]}" --format "$fmt" --output "$ro/x.json" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
      [ "$(cat "$ro/x.json")" = previous ]; then
      ok "read-only directory ($fmt): exit 2, one line, the previous file untouched"
    else
      bad "read-only directory ($fmt) (rc=$rc)"
      cat "$tmp/err"
    fi
  done
  "${as_user[@]}" "$bin" "${sim[@]}" --plot "$ro/p.png" >/dev/null 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 2 ] && [ ! -e "$ro/p.png" ] && ok "read-only directory: --plot exits 2, no file" || bad "read-only --plot (rc=$rc)"
  no_leftovers "read-only directory: no temporary file" "$ro"
else
  echo "SKIP read-only directory (root without setpriv: permissions do not bind)"
fi

# --- a directory that does not exist, or vanishes during the run -----------------------------
expect_fault "--output in a missing directory exits 2" 2 "${sim[@]}" --output "$tmp/missing/x.json"
expect_fault "--plot in a missing directory exits 2" 2 "${sim[@]}" --plot "$tmp/missing/p.png"
[ ! -e "$tmp/missing" ] && ok "missing directory: nothing created" || bad "missing directory created"

gone="$tmp/gone"
mkdir "$gone"
"$bin" simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 365 --step 0.02 --format csv \
  --output "$gone/x.csv" >"$tmp/out" 2>"$tmp/err" &
pid=$!
# wait until the streamed temporary file exists, then remove the directory under it
for _ in $(seq 1 600); do
  ls "$gone" 2>/dev/null | grep -q '\.tmp\.' && break
  sleep 0.05
done
rm -rf "$gone"
wait $pid
rc=$?
if [ "$rc" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$gone" ]; then
  ok "directory removed during a streamed CSV: exit $rc, one line, no file"
else
  bad "vanished directory (rc=$rc, stderr lines=$(wc -l <"$tmp/err"))"
  cat "$tmp/err"
fi

# --- SIGINT during a long simulate and a long population ------------------------------------
# interrupt CMD...: runs it with --output "$tmp/prev.out" holding "previous", sends SIGINT after
# the run has started, expects 130, one line, the previous file untouched, no temporary file
interrupt() {
  local name=$1
  shift
  echo previous >"$tmp/prev.out"
  "$bin" "$@" --output "$tmp/prev.out" >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  sleep 1.5
  kill -INT $pid
  wait $pid
  local rc=$?
  # progress lines (population on a terminal) are not errors; the last line is the message
  if [ "$rc" -eq 130 ] && [ "$(grep -c . "$tmp/err")" -eq 1 ] && [ "$(cat "$tmp/prev.out")" = previous ] &&
    ! ls -A "$tmp" | grep -q '^prev\.out\.tmp'; then
    ok "$name"
  else
    bad "$name (rc=$rc, stderr: $(tr '\n' '|' <"$tmp/err"), files: $(ls -A "$tmp" | tr '\n' ' '))"
  fi
}
interrupt "SIGINT during simulate (CVODE): 130, one line, previous file untouched" \
  simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 3650 --step 0.05 --format csv
interrupt "SIGINT during simulate (JSON): 130, one line, previous file untouched" \
  simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 3650 --step 0.05 --format json
interrupt "SIGINT during population: 130, one line, previous file untouched" \
  population atomoxetine:80mg:q24h --subjects 2000000000 --format json

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
