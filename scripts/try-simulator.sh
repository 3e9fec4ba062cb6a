#!/usr/bin/env bash
# Builds the simulator, starts it on free loopback ports with its state in a temporary folder,
# shows each API answering, and stops it. Pass --keep to leave it serving until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false
[ "${1:-}" = "--keep" ] && keep=true

cargo build --release --quiet -p mock-apis
state_dir=$(mktemp -d)
summary="$state_dir/summary.json"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state_dir"' EXIT

./target/release/mock-apis serve --port 0 --vault-port 0 --state-dir "$state_dir/sim" --json >"$summary" &
pid=$!
for _ in $(seq 100); do [ -s "$summary" ] && break; sleep 0.1; done
[ -s "$summary" ] || { echo "the simulator did not start" >&2; exit 1; }

field() { python3 -c "import json,sys; d=json.load(open('$summary')); print(eval('d' + sys.argv[1]))" "$1"; }
notion=$(field '["urls"]["notion"]')
unifi=$(field '["urls"]["unifi"]')
ninjaone=$(field '["urls"]["ninjaone"]')
control=$(field '["urls"]["control"]')

show() { printf '\n$ %s\n' "$1"; shift; "$@" | head -c 600; echo; }
show "Notion: who am I" curl -s -H "Authorization: Bearer $(field '["credentials"]["notion_token"]')" \
  -H "Notion-Version: 2026-03-11" "$notion/v1/users/me"
show "UniFi: first two sites" curl -s -H "X-API-Key: $(field '["credentials"]["unifi_api_key"]')" \
  "$unifi/v1/sites?pageSize=2"
token=$(curl -s -d grant_type=client_credentials -d scope=monitoring \
  -d "client_id=$(field '["credentials"]["ninjaone_client_id"]')" \
  -d "client_secret=$(field '["credentials"]["ninjaone_client_secret"]')" \
  "$ninjaone/ws/oauth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
show "NinjaOne: first organization" curl -s -H "Authorization: Bearer $token" \
  "$ninjaone/v2/organizations?pageSize=1"
show "Simulator: request counters" curl -s "$control/stats"

if $keep; then
  echo; echo "Serving (state in $state_dir/sim). Ctrl-C to stop."
  wait "$pid"
fi
