# Sourced by bench/quick.sh and bench/callgrind.sh: the one-model configuration they run the
# gateway with (observability off, gateway on :4000, the mock on :4999) and the request body.
# write_bench_config FILE [WORKERS]   (WORKERS 0 or absent: the gateway's default)
write_bench_config() {
  local file=$1 workers=${2:-0}
  {
    echo '[gateway]'
    echo 'bind_address = "127.0.0.1:4000"'
    echo 'observability.enabled = false'
    ((workers > 0)) && echo "workers = $workers"
    cat <<TOML
[models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "bench"
api_base = "http://127.0.0.1:4999/v1"
api_key_location = "none"
TOML
  } > "$file"
}

# write_bench_body FILE
write_bench_body() {
  echo '{"model":"m","messages":[{"role":"user","content":"Hello there"}]}' > "$1"
}
