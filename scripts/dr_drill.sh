#!/usr/bin/env bash
# The quarterly disaster-recovery drill (RUNBOOK.md), end to end against the built-in
# simulator: each step runs a command of the runbook and checks its exit code. Prints one
# line per step and a summary; exits 1 when any step did not behave as the runbook says.
#
# Usage: scripts/dr_drill.sh [--state-dir DIR] [--log FILE]
#   --state-dir DIR  the drill's simulator state (default: a fresh temporary directory)
#   --log FILE       every command's output (default: logs/dr_drill_<UTC time>.log)
#
# Environment: OBERACONNECT_BIN_DIR as for scripts/full_resync.sh (the binaries, mock-apis
# included; default: built with cargo into target/release).
set -uo pipefail

state_dir=""
log=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --state-dir) state_dir="${2:?--state-dir needs a directory}"; shift 2 ;;
    --log) log="${2:?--log needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
state_dir="${state_dir:-$(mktemp -d)}"
log="${log:-logs/dr_drill_$(date -u +%Y%m%dT%H%M%SZ).log}"
mkdir -p "$(dirname "$log")"
: > "$log"

bin_dir="${OBERACONNECT_BIN_DIR:-}"
if [[ -z "$bin_dir" ]]; then
  echo "building the binaries (cargo build --release -p oberaconnect-cli -p mock-apis)"
  (cd "$root" && cargo build --release -q -p oberaconnect-cli -p mock-apis) >>"$log" 2>&1 \
    || { echo "error: the build failed; see $log" >&2; exit 1; }
  bin_dir="$root/target/release"
fi
export PATH="$bin_dir:$PATH"
export DR_TEST_MODE=true DR_TEST_STATE_DIR="$state_dir" DR_TEST_FAST=true
unset DR_TEST_URL

failed=0
# expect CODE NAME COMMAND...: runs the command, compares its exit code with CODE.
expect() {
  local want="$1" name="$2"; shift 2
  echo "== $name: $*" >>"$log"
  local got=0
  "$@" >>"$log" 2>&1 || got=$?
  if [[ "$got" == "$want" ]]; then
    printf '  ok    %-58s exit %s\n' "$name" "$got"
  else
    printf '  FAIL  %-58s exit %s, expected %s\n' "$name" "$got" "$want"
    failed=$((failed + 1))
  fi
}
fault() { mock-apis fault --state-dir "$state_dir" "$1" >>"$log" 2>&1; }
clear_faults() { mock-apis clear-faults --state-dir "$state_dir" >>"$log" 2>&1; }

started=$(date +%s)
echo "DR drill against the simulator (state: $state_dir, log: $log)"
expect 0 "health check" health-check --check
expect 0 "schema verifies" setup-databases --verify
for sync in customer-status-sync daily-health-sync config-change-sync alert-sync; do
  expect 0 "$sync" "$sync" -q
done
expect 0 "validation" health-check --validate
expect 0 "backup" notion-export --out-dir "$state_dir/backups"
expect 0 "backup verifies" notion-export --verify "$state_dir/backups"

fault '{"api":"notion","kind":"outage"}'
expect 5 "Notion outage: the sync stops" customer-status-sync -q
clear_faults
expect 0 "Notion back: the sync completes" customer-status-sync -q

fault '{"api":"ninjaone","kind":"revoked"}'
expect 4 "NinjaOne credentials revoked: health check names them" health-check --check
clear_faults

fault '{"api":"vault","kind":"unreachable"}'
expect 1 "Key Vault unreachable: secrets fall back, degraded" health-check --check
clear_faults

expect 0 "full resync" "$root/scripts/full_resync.sh" --log "$state_dir/full_resync.log"
expect 0 "validation after the resync" health-check --validate

echo "drill finished in $(( $(date +%s) - started )) s; $failed step(s) failed"
[[ $failed -eq 0 ]]
