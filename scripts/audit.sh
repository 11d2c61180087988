#!/usr/bin/env bash
# npm audit of the production dependencies. Fails on any finding. A registry without the advisories
# endpoint (these machines' answers 405) cannot audit: that is reported, not taken for a clean audit.
set -uo pipefail
output=$(npm audit --omit=dev 2>&1)
status=$?
echo "$output"
if [ $status -ne 0 ] && grep -q 'audit endpoint returned an error\|405 Method Not Allowed' <<<"$output"; then
  echo "npm audit: NOT RUN - this registry has no advisories endpoint. Run it where the public registry is reachable." >&2
  exit 0
fi
exit $status
