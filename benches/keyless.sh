#!/usr/bin/env bash
# Time of a whole `provenance attest --keyless` against the local Sigstore mock on loopback
# (scripts/sigstore-mock/server.js: Fulcio, Rekor v1, or Rekor v2 + TSA), split into our own
# work (the process's user + system CPU time) and waiting (wall time minus CPU time: network
# round trips and the mock's own work). Issue #12: well under a second of our own time.
#
#   benches/keyless.sh            # 20 runs, Rekor v1, then Rekor v2 + TSA
#   RUNS=5 benches/keyless.sh
# Needs node and @sigstore/mock (scripts/ci-deps.sh) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
target=${CARGO_TARGET_DIR:-target}
modules=${SIGSTORE_MOCK_NODE_MODULES:-$PWD/target/sigstore-mock-node/node_modules}
[ -f "$modules/@sigstore/mock/package.json" ] || { echo "keyless.sh: run scripts/ci-deps.sh first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "keyless.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
cargo build --release --locked --quiet -p provenance-cli
bin=$PWD/$target/release/provenance
[ -x "$bin" ] || bin=$target/release/provenance

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

run_case() { # NAME SERVER-ARGS...
    local name=$1; shift
    local dir=$work/$name
    mkdir -p "$dir"
    SIGSTORE_MOCK_NODE_MODULES=$modules node scripts/sigstore-mock/server.js --dir "$dir" "$@" \
        > "$dir/server.out" &
    pids+=($!)
    for _ in $(seq 100); do [ -s "$dir/server.out" ] && break; sleep 0.1; done
    local url
    url=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$dir/server.out")
    head -c 1048576 /dev/urandom > "$dir/app.bin"
    local flags=(--keyless --identity-token "@$dir/token" --trusted-root "$dir/trusted_root.json")
    if [ "$name" = rekor-v1 ]; then
        flags+=(--fulcio-url "$url" --rekor-url "$url")
    else
        flags+=(--signing-config "$dir/signing_config.json")
    fi
    (cd "$dir" && python3 - "$name" "$RUNS" "$bin" "${flags[@]}" <<'PY'
import os, statistics, subprocess, sys, time
name, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
walls, cpus = [], []
for _ in range(runs):
    if os.path.exists("app.bin.sigstore.json"):
        os.remove("app.bin.sigstore.json")
    t = time.perf_counter()
    p = subprocess.Popen([cmd[0], "attest", *cmd[1:], "--bundle", "app.bin.sigstore.json", "app.bin"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    walls.append(time.perf_counter() - t)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{name}: attest failed: {p.stderr.read().decode()}")
    cpus.append(usage.ru_utime + usage.ru_stime)
wall, cpu = statistics.median(walls), statistics.median(cpus)
print(f"{name:>12}: {runs} runs, median wall {wall*1000:.1f} ms = our CPU {cpu*1000:.1f} ms "
      f"+ waiting {max(wall-cpu, 0)*1000:.1f} ms (network round trips and the mock's work)")
PY
    )
}
run_case rekor-v1
run_case rekor-v2-tsa --rekor-v2 yes
