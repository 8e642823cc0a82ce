#!/usr/bin/env bash
# The shared library exports exactly the public API: every defined dynamic symbol of
# libreuptake.so is an ru_* function or object declared in include/reuptake/ (STYLE rule 11;
# issue 17: -fvisibility=hidden with RU_API on the public functions only).
set -euo pipefail
lib="$1"
root="$2"
# the linker's section-bound symbols of sanitizer coverage (the ASan build instruments the
# library with -fsanitize=fuzzer-no-link) are not API and are left out
syms=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -Ev '^__(start|stop)___sancov_' | sort -u)
bad=$(printf '%s\n' "$syms" | grep -v '^ru_' || true)
if [ -n "$bad" ]; then
  echo "non-API symbols exported from $lib:" >&2
  printf '  %s\n' $bad >&2
  exit 1
fi
# and every exported ru_ symbol is declared in a public header
for s in $syms; do
  if ! grep -qw "$s" "$root"/include/reuptake.h "$root"/include/reuptake/*.h; then
    echo "exported symbol $s is not declared in include/" >&2
    exit 1
  fi
done
n=$(printf '%s\n' "$syms" | wc -l)
echo "test_exports: $n exported symbols, all ru_* and declared in include/"
