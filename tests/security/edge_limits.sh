#!/usr/bin/env bash
# hub_edge_limits: the hub's production edge holds. The real hub (--trusted-proxy 127.0.0.1, on
# loopback) behind nginx with the SHIPPED deploy/nginx/ledsager-hub.conf (only its ports, the
# certificate paths and the hub's port changed) and a self-signed certificate. Through nginx:
# normal use works (login with a Secure cookie, /api/v1/me, a kiosk's help request on a staff
# event stream within 1 s, HSTS, http -> https); a 400 MB chunked body gets 413 after ~16 KiB
# with the hub's RSS under 100 MB; a gzip body gets 415; 2,000 ranges get one plain answer;
# 200 slowloris connections leave /healthz and kiosks answered and are closed in ~10 s; a
# session gets at most 4 event streams while another user's works; a login flood gets 429.
# Fails (does not skip) without nginx or openssl. Usage: edge_limits.sh HUB_BINARY SOURCE_DIR
set -uo pipefail
hub_bin="$1"; src="$2"
tmp="$(mktemp -d)"
hub_pid=; nginx_pid=; node_pid=
# shellcheck source=edge_env.sh
source "$src/tests/security/edge_env.sh"
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null
  edge_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

edge_require_tools
edge_pick_ports
edge_make_cert
edge_render_nginx
edge_start_hub
edge_start_nginx
echo "# hub pid $hub_pid on 127.0.0.1:$hub_port; nginx pid $nginx_pid on https://127.0.0.1:$tls_port and http://127.0.0.1:$http_port"

EDGE_TLS_PORT=$tls_port EDGE_HTTP_PORT=$http_port EDGE_HUB_PORT=$hub_port EDGE_CA="$tmp/tls/hub.crt" EDGE_HUB_PID=$hub_pid \
EDGE_WEB="$src/hub/web" EDGE_TRUSTED_PROXY=$hub_has_trusted_proxy EDGE_NGINX_LOG="$tmp/nginx/logs/error.log" \
  node "$src/tests/security/edge_attacks.mjs" &
node_pid=$!
wait "$node_pid"; rc=$?
node_pid=
kill -0 "$hub_pid" 2>/dev/null || { echo "not ok - the hub is still running at the end"; rc=1; }
kill -0 "$nginx_pid" 2>/dev/null || { echo "not ok - nginx is still running at the end"; rc=1; }
if [ "$rc" -ne 0 ]; then
  echo "# --- nginx error log (last 30 lines)"; tail -n 30 "$tmp/nginx/logs/error.log" 2>/dev/null | sed 's/^/# /'
  echo "# --- hub log (last 30 lines)"; tail -n 30 "$tmp/hub.log" 2>/dev/null | sed 's/^/# /'
fi
exit "$rc"
