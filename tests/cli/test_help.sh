#!/usr/bin/env bash
# Help is complete (issue 15): every option a command's code reads is in its option table, so
# `reuptake help COMMAND` (generated from that table) documents it, and the text help lists
# every option of the table. Usage: test_help.sh BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/common.sh"

commands=$("$bin" --help | awk '/^commands:/{on=1;next} on&&/^  [a-z]/{print $1} on&&/^$/{exit}')
[ -n "$commands" ] && ok "the overview lists the commands" || bad "no commands in --help"
: >"$tmp/all"
for c in $commands; do
  "$bin" help "$c" --format json >"$tmp/$c.json" || { bad "help $c --format json"; continue; }
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); [print(o['name']) for o in d['options']]; [print(o['alias']) for o in d['options'] if o.get('alias','').startswith('--')]" \
    "$tmp/$c.json" | sort -u >"$tmp/$c.opts"
  cat "$tmp/$c.opts" >>"$tmp/all"
  "$bin" help "$c" >"$tmp/$c.txt"
  missing=$(while read -r o; do grep -q -- "$o" "$tmp/$c.txt" || echo "$o"; done <"$tmp/$c.opts")
  [ -z "$missing" ] && ok "help $c lists all $(wc -l <"$tmp/$c.opts") options of its table" ||
    bad "help $c misses: $missing"
  "$bin" "$c" --help | cmp -s - "$tmp/$c.txt" && ok "$c --help is help $c" || bad "$c --help differs"
  grep -q "no clinical advice" "$tmp/$c.txt" && ok "help $c carries the disclaimer" || bad "help $c disclaimer"
done
sort -u -o "$tmp/all" "$tmp/all"

# option literals ("--name") in a C file, comments left out
literals() {
  python3 - "$1" <<'PY'
import re, sys
code = open(sys.argv[1]).read()
code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
code = re.sub(r"//[^\n]*", "", code)
for m in sorted(set(re.findall(r'"(--[a-z0-9][a-z0-9-]*)', code))):
    print(m)
PY
}

# every option literal in a command's source is documented for that command (cmd_drugs.c holds
# drugs and kb); the shared parsers' literals are documented for some command
for f in "$src"/cli/cmd_*.c; do
  base=$(basename "$f" .c)
  c=${base#cmd_}
  docs="$tmp/$c.opts"
  [ "$c" = drugs ] && cat "$tmp/drugs.opts" "$tmp/kb.opts" >"$tmp/drugs+kb" && docs="$tmp/drugs+kb"
  [ -f "$docs" ] || { bad "$base.c: no command '$c'"; continue; }
  undocumented=$(literals "$f" | while read -r o; do
    grep -qx -- "$o" "$docs" || echo "$o"
  done)
  [ -z "$undocumented" ] && ok "$base.c: every option it reads is documented" ||
    bad "$base.c reads undocumented options: $undocumented"
done
for f in "$src"/cli/simargs.c "$src"/cli/options.c; do
  undocumented=$(literals "$f" | while read -r o; do
    grep -qx -- "$o" "$tmp/all" || echo "$o"
  done)
  [ -z "$undocumented" ] && ok "$(basename "$f"): every option it reads is documented" ||
    bad "$(basename "$f") reads undocumented options: $undocumented"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
