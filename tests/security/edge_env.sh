# shellcheck shell=bash disable=SC2154
# The hub's production edge on loopback, for tests/security/edge_limits.sh and
# tests/bench/attack_bench.sh (sourced; bash). Before sourcing, set:
#   hub_bin  the ledsager-hub binary        src  the repository
#   tmp      an empty private folder (mktemp -d); everything goes in it
# Then: edge_require_tools, edge_pick_ports, edge_make_cert, edge_render_nginx, edge_start_hub,
# edge_start_nginx. edge_stop ends what was started (by process id); call it from an EXIT trap.
# After edge_start_*: hub_pid, nginx_pid, hub_port, tls_port, http_port are set.

edge_fail() { echo "FAIL: $*" >&2; exit 1; }

edge_require_tools() {
  # Missing tools are a failure, not a skip: the edge is what ships.
  local t
  for t in nginx openssl node curl; do
    command -v "$t" > /dev/null || [ -x "/usr/sbin/$t" ] || edge_fail "$t is missing (deploy/dev.sh setup installs it)"
  done
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  [ -x "$hub_bin" ] || edge_fail "no hub binary at $hub_bin"
  [ -f "$src/deploy/nginx/ledsager-hub.conf" ] || edge_fail "no $src/deploy/nginx/ledsager-hub.conf"
}

# Three free loopback ports (the kernel picks them; nothing else is listening on them).
edge_pick_ports() {
  read -r hub_port tls_port http_port < <(node -e '
    const net = require("net"); const ports = []; const servers = [];
    (async () => { for (let i = 0; i < 3; i++) { const s = net.createServer(); servers.push(s);
      await new Promise((r) => s.listen(0, "127.0.0.1", r)); ports.push(s.address().port); }
      servers.forEach((s) => s.close()); console.log(ports.join(" ")); })();')
  [ -n "${http_port:-}" ] || edge_fail "no free ports"
}

# A self-signed certificate for 127.0.0.1 and localhost (the test's own CA is the cert itself).
edge_make_cert() {
  mkdir -p "$tmp/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$tmp/tls/hub.key" -out "$tmp/tls/hub.crt" > "$tmp/openssl.log" 2>&1 \
    || { cat "$tmp/openssl.log"; edge_fail "openssl could not make a certificate"; }
  chmod 0600 "$tmp/tls/hub.key"
}

# The shipped site file, with only its ports, the certificate paths and the hub's port changed,
# inside a minimal nginx.conf whose http {} has what Debian's has (logs and temp files in $tmp).
edge_render_nginx() {
  local site="$src/deploy/nginx/ledsager-hub.conf" out="$tmp/nginx"
  mkdir -p "$out/logs" "$out/temp"
  sed -e "s|^\(\s*\)listen 443 ssl;|\1listen 127.0.0.1:$tls_port ssl;|" \
      -e "s|^\(\s*\)listen 80;|\1listen 127.0.0.1:$http_port;|" \
      -e '/^\s*listen \[::\]:/d' \
      -e "/^\s*ssl_certificate /s|/etc/ledsager-hub/tls/hub.crt;|$tmp/tls/hub.crt;|" \
      -e "/^\s*ssl_certificate_key /s|/etc/ledsager-hub/tls/hub.key;|$tmp/tls/hub.key;|" \
      -e "s|server 127.0.0.1:8081;|server 127.0.0.1:$hub_port;|" \
      "$site" > "$out/ledsager-hub.conf"
  # The rendering must have changed exactly those lines (else nginx would take real ports).
  local directives
  directives=$(sed -e 's/#.*//' "$out/ledsager-hub.conf")
  grep -q "listen 127.0.0.1:$tls_port ssl;" <<< "$directives" && grep -q "listen 127.0.0.1:$http_port;" <<< "$directives" &&
    grep -q "server 127.0.0.1:$hub_port;" <<< "$directives" && grep -q "ssl_certificate_key $tmp/tls/hub.key;" <<< "$directives" &&
    ! grep -Eq 'listen (\[::\]:)?(80|443)\b|/etc/ledsager-hub|:8081' <<< "$directives" ||
    edge_fail "rendering $site for the test failed (were its listen/ssl_certificate/upstream lines changed?)"
  local changed
  changed=$(diff "$site" "$out/ledsager-hub.conf" | grep -c '^<')
  [ "$changed" -eq 7 ] || edge_fail "rendering changed $changed lines of the site file, expected 7"
  local mime=/etc/nginx/mime.types
  [ -f "$mime" ] || edge_fail "$mime is missing (Debian's nginx-common)"
  cat > "$out/nginx.conf" <<EOF
# Test rendering of deploy/nginx/ledsager-hub.conf: Debian's nginx.conf, paths in $tmp.
worker_processes auto;
pid $out/nginx.pid;
error_log $out/logs/error.log warn;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include $mime;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log $out/logs/access.log;
    gzip on;
    client_body_temp_path $out/temp/body;
    proxy_temp_path $out/temp/proxy;
    fastcgi_temp_path $out/temp/fastcgi;
    uwsgi_temp_path $out/temp/uwsgi;
    scgi_temp_path $out/temp/scgi;
    include $out/ledsager-hub.conf;
}
EOF
  # As root, nginx's workers run as nobody: they must be able to reach the temp folders.
  chmod 0755 "$tmp" "$out" "$out/temp"
  "$nginx_bin" -t -p "$out" -c "$out/nginx.conf" -e "$out/logs/error.log" > "$tmp/nginx-t.log" 2>&1 \
    || { cat "$tmp/nginx-t.log"; edge_fail "nginx -t refuses the rendered site file"; }
}

# The hub on loopback behind nginx, with --demo and --trusted-proxy 127.0.0.1 (without it, and
# a note, when the binary predates that option); arguments are passed on to the hub.
edge_start_hub() {
  local trusted=(--trusted-proxy 127.0.0.1)
  if ! "$hub_bin" --help 2>&1 | grep -q -- '--trusted-proxy'; then
    hub_has_trusted_proxy=0
    trusted=()
    echo "# NOTE: this ledsager-hub has no --trusted-proxy yet: started without it" >&2
  else
    hub_has_trusted_proxy=1
  fi
  "$hub_bin" --data "$tmp/hub" --listen "127.0.0.1:$hub_port" --demo --web "$src/hub/web" \
    --content "$src/assets/guides" "${trusted[@]}" "$@" > "$tmp/hub.log" 2>&1 &
  hub_pid=$!

  for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$hub_port/healthz" > /dev/null 2>&1 && return 0
    kill -0 "$hub_pid" 2>/dev/null || { cat "$tmp/hub.log"; edge_fail "the hub did not start"; }
    sleep 0.05
  done
  cat "$tmp/hub.log"; edge_fail "the hub did not answer /healthz"
}

edge_stop_hub() {
  [ -n "${hub_pid:-}" ] || return 0
  kill "$hub_pid" 2>/dev/null

  for _ in $(seq 50); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$hub_pid" 2>/dev/null
  wait "$hub_pid" 2>/dev/null
  hub_pid=
}

edge_start_nginx() {
  local out="$tmp/nginx"
  "$nginx_bin" -p "$out" -c "$out/nginx.conf" -e "$out/logs/error.log" -g 'daemon off;' > "$tmp/nginx.log" 2>&1 &
  nginx_pid=$!

  for _ in $(seq 100); do
    curl -sfk --max-time 2 "https://127.0.0.1:$tls_port/healthz" > /dev/null 2>&1 && return 0
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$tmp/nginx.log" "$out/logs/error.log"; edge_fail "nginx did not start"; }
    sleep 0.05
  done
  cat "$out/logs/error.log"; edge_fail "nginx does not answer https://127.0.0.1:$tls_port/healthz"
}

# Ends nginx (its master ends its workers) and the hub, by process id.
edge_stop() {
  if [ -n "${nginx_pid:-}" ]; then
    kill -QUIT "$nginx_pid" 2>/dev/null
  
    for _ in $(seq 30); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -TERM "$nginx_pid" 2>/dev/null
    wait "$nginx_pid" 2>/dev/null
    nginx_pid=
  fi
  edge_stop_hub
}
