#!/usr/bin/env bash
# The hub's production edge under attack: figures, not a test. The production layout on
# loopback (the real hub with --trusted-proxy 127.0.0.1 behind nginx with the shipped
# deploy/nginx/ledsager-hub.conf and a self-signed certificate), measured without and with an
# attack of 200 slowloris connections, 200 event streams (10 staff users x 5 sessions x 4) and a
# flood of chunked bodies: kiosk help request -> staff event stream latency (p50/p95, n=100),
# /healthz probes answered and their worst time, and the hub's largest RSS.
# Targets: p95 < 300 ms, every probe answered (< 1 s), RSS < 100 MB.
#   tests/bench/attack_bench.sh [HUB_BINARY] [N]     (default build/hub/ledsager-hub, N=100)
set -uo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
hub_bin="${1:-$src/build/hub/ledsager-hub}"
bench_n="${2:-100}"
tmp="$(mktemp -d)"
hub_pid=; nginx_pid=
# shellcheck source=../security/edge_env.sh
source "$src/tests/security/edge_env.sh"
trap 'edge_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

edge_require_tools
edge_pick_ports
edge_make_cert
edge_render_nginx
# The demo site first (made on the hub's first start), then ten more staff users for the
# attacker's event streams, then the hub for good.
edge_start_hub
edge_stop_hub
for i in $(seq 10); do
  echo "bench-password-$i" | "$hub_bin" --data "$tmp/hub" user add --username "u$i" --name "User $i" --role staff \
    --site demo --languages da > /dev/null || edge_fail "cannot add user u$i"
done
# And kiosks: the hub lets one kiosk ask for help only a few times a minute.
kiosks=$(( (2 * bench_n + 4) / 5 ))
for i in $(seq "$kiosks"); do
  "$hub_bin" --data "$tmp/hub" kiosk add --site demo --name "bench-$i" --place "Bench $i" | sed -n 's/.*(shown once): //p'
done > "$tmp/kiosk-tokens"
[ "$(wc -l < "$tmp/kiosk-tokens")" -eq "$kiosks" ] || edge_fail "cannot add $kiosks kiosks"
edge_start_hub
edge_start_nginx
echo "# $hub_bin on 127.0.0.1:$hub_port behind nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||') on https://127.0.0.1:$tls_port; $(nproc) cores"

EDGE_TLS_PORT=$tls_port EDGE_HTTP_PORT=$http_port EDGE_HUB_PORT=$hub_port EDGE_CA="$tmp/tls/hub.crt" EDGE_HUB_PID=$hub_pid \
EDGE_WEB="$src/hub/web" EDGE_TRUSTED_PROXY=$hub_has_trusted_proxy BENCH_N=$bench_n BENCH_KIOSK_TOKENS="$tmp/kiosk-tokens" \
  node "$src/tests/bench/attack_bench.mjs"
