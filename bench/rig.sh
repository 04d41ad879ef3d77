# Sourced by bench/ab.sh and bench/syscalls.sh: a throwaway loopback rig with the mock, nginx in
# front of it, gateways on free ports, sbload built, and a 1 KB chat body. Everything started is
# stopped and the work folder removed on exit.
#   rig_start                      sets $work, $mock_port, $nginx_port, $nginx_pid, builds $work/sbload
#   rig_gateway NAME BINARY [WORKERS]   starts a gateway in front of the mock; sets $gateway_pid, $gateway_port
build=${SB_BUILD_DIR:-build}
pids=()

rig_cleanup() {
  ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null || true
  [[ -n ${work:-} ]] && rm -rf "$work"
}

rig_wait_for_file() {
  for _ in $(seq 200); do [[ -s $1 ]] && return 0; sleep 0.05; done
  echo "rig: $1 never appeared" >&2
  exit 1
}

rig_start() {
  command -v nginx >/dev/null && command -v perf >/dev/null || scripts/install-bench-deps.sh
  work=$(mktemp -d)
  chmod 755 "$work"
  trap rig_cleanup EXIT
  cc -O2 -o "$work/sbload" bench/sbload.c
  python3 -c 'import json; print(json.dumps({"model":"bench","messages":[{"role":"user","content":"w "*490}]}))' \
    >"$work/body.json"

  "$build/switchboard-mock" --host 127.0.0.1 --port 0 --port-file "$work/mock.port" \
    --request-log 0 >"$work/mock.log" 2>&1 &
  pids+=($!)
  rig_wait_for_file "$work/mock.port"
  mock_port=$(cat "$work/mock.port")

  mkdir -p "$work/nginx"
  chmod 777 "$work/nginx"
  nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  upstream mock { server 127.0.0.1:$mock_port; keepalive 512; }
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >/dev/null 2>&1 &
  nginx_pid=$!
  pids+=($nginx_pid)
  for _ in $(seq 200); do curl -sf "127.0.0.1:$nginx_port/_mock/health" >/dev/null && break; sleep 0.05; done
}

rig_gateway() {
  local name=$1 binary=$2 workers=${3:-0}
  {
    echo '[gateway]'
    echo 'bind_address = "127.0.0.1:0"'
    ((workers > 0)) && echo "workers = $workers"
    cat <<TOML
[gateway.observability]
enabled = false
[models.bench]
routing = ["mock"]
[models.bench.providers.mock]
type = "openai"
model_name = "bench"
api_base = "http://127.0.0.1:$mock_port/v1"
api_key_location = "none"
TOML
  } >"$work/$name.toml"
  "$binary" --config-file "$work/$name.toml" --port-file "$work/$name.port" >"$work/$name.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
  rig_wait_for_file "$work/$name.port"
  gateway_port=$(cat "$work/$name.port")
}
