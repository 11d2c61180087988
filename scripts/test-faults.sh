#!/usr/bin/env bash
# npm run test:faults: the fault tests need a PostgreSQL cluster they may stop, freeze and restart,
# so they get one of their own, whatever DATABASE_URL says. The hostile-input tests (point 5) run here too.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/throwaway-postgres.sh start)"
# A test that dies while PostgreSQL is frozen must not leave it frozen: thaw, then stop.
thaw() {
  local postmaster
  postmaster=$(head -n 1 "$PG_THROWAWAY_DIR/data/postmaster.pid" 2>/dev/null) || return 0
  kill -CONT "$postmaster" $(pgrep -P "$postmaster") 2>/dev/null || true
}
trap 'thaw; scripts/throwaway-postgres.sh stop "$PG_THROWAWAY_DIR"' EXIT
export DATABASE_URL PG_THROWAWAY_DIR PG_THROWAWAY_BIN MEIDUO_FAULTS=1
node --import tsx --test --test-concurrency=1 test/faults/*.test.ts test/http/hostile-input.test.ts test/unit/form-parsing.property.test.ts
