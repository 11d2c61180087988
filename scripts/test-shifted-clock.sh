#!/usr/bin/env bash
# The unit tests and the contracts at other dates: the machine's clock moved two years ahead and
# one year back with libfaketime, so that a test reading the real date fails here before it fails in a year.
#   npm run test:shifted                      # both shifts
#   npm run test:shifted -- '+400d'           # any offsets faketime -f takes
# Installs Debian's faketime when it is missing (needs root). The contracts run on PGlite only: faketime
# moves this process's clock, which PGlite's now() reads, and not a PostgreSQL server's.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "test:shifted: faketime is missing: apt-get install faketime (as root), then run this again" >&2
    exit 1
  fi
  echo "faketime is missing: installing it with apt" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >&2
fi

shifts=("$@")
[ ${#shifts[@]} -gt 0 ] || shifts=('+2y' '-1y')
# The shifts run at once, each into its own log, printed whole in the order given once it has ended: one
# shift's two processes leave a core idle while the longer finishes, and the other shift's fill it.
echo "${#shifts[@]} shifts at once: ${shifts[*]}"
logs=() pids=()
trap 'rm -f "${logs[@]}"' EXIT
# Each shift is a process group of its own (setsid), so that stopping this script stops the whole of it.
trap 'for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done; exit 143' INT TERM
for shift in "${shifts[@]}"; do
  log=$(mktemp)
  logs+=("$log")
  {
    echo "=== the machine's clock moved ${shift}: $(faketime -f "$shift" date -u '+%Y-%m-%d %H:%M UTC')"
    DATABASE_URL='' exec setsid faketime -f "$shift" node --import tsx --test --test-concurrency=2 test/_tiers/contracts.ts test/_tiers/unit.ts
  } >"$log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed=1
  cat "${logs[$i]}"
  rm -f "${logs[$i]}"
done
exit "$failed"
