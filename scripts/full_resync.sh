#!/usr/bin/env bash
# The runbook's full resync: stop the scheduled service if it runs, clear the syncs' cached
# state with our own tool, run the four syncs with --full-sync in order, validate Notion
# against the sources, and start the service again. Every step's output goes to a log file;
# the first failing step stops the script with its exit code and leaves the service stopped.
#
# Usage: scripts/full_resync.sh [--force] [--log FILE]
#   --force     pass --force to the syncs (a guard tripped and you checked why)
#   --log FILE  where the log goes (default: logs/full_resync_<UTC time>.log)
#
# Environment:
#   OBERACONNECT_BIN_DIR  where the binaries are (default: on PATH, else built with cargo
#                         into target/release)
#   OBERACONNECT_SERVICE  the systemd unit to stop and start (default: oberaconnect-sync)
#   DR_TEST_MODE=true     run against the built-in simulator, as every binary does
set -euo pipefail

force=()
log=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) force=(--force); shift ;;
    --log) log="${2:?--log needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
log="${log:-logs/full_resync_$(date -u +%Y%m%dT%H%M%SZ).log}"
mkdir -p "$(dirname "$log")"
: > "$log"
service="${OBERACONNECT_SERVICE:-oberaconnect-sync}"

say() { printf '%s %s\n' "$(date -u +%H:%M:%SZ)" "$*" | tee -a "$log"; }

# Where the binaries are: the given directory, PATH, or a release build of this checkout.
bin_dir="${OBERACONNECT_BIN_DIR:-}"
if [[ -z "$bin_dir" ]]; then
  if command -v customer-status-sync >/dev/null 2>&1; then
    bin_dir="$(dirname "$(command -v customer-status-sync)")"
  else
    say "building the binaries (cargo build --release -p oberaconnect-cli)"
    (cd "$root" && cargo build --release -q -p oberaconnect-cli) >>"$log" 2>&1
    bin_dir="$root/target/release"
  fi
fi

# Runs one step; on failure says which and exits with its code.
step() {
  local name="$1"; shift
  say "== $name: $*"
  local code=0
  "$@" >>"$log" 2>&1 || code=$?
  if [[ $code -ne 0 ]]; then
    say "FAILED: $name (exit $code); see $log"
    if [[ "$stopped" == yes ]]; then
      say "the service $service was left stopped; start it with: systemctl start $service"
    fi
    exit "$code"
  fi
  say "ok: $name"
}

stopped=no
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
  step "stop the scheduled service" systemctl stop "$service"
  stopped=yes
else
  say "no running $service service to stop"
fi

step "health check" "$bin_dir/health-check" --check
step "clear cached sync state" "$bin_dir/sync-state" clear --all
for sync in customer-status-sync daily-health-sync config-change-sync alert-sync; do
  step "$sync" "$bin_dir/$sync" --full-sync "${force[@]}"
done
step "validate Notion against the sources" "$bin_dir/health-check" --validate

if [[ "$stopped" == yes ]]; then
  step "start the scheduled service" systemctl start "$service"
fi
say "full resync complete; log: $log"
