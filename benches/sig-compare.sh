#!/usr/bin/env bash
# Signature rates of our keys next to `openssl speed ed25519 ecdsap256`, in the same run.
# Usage: benches/sig-compare.sh [SECONDS]   (openssl seconds per algorithm, default 3)
# Prints ops/s for OpenSSL and for us (criterion means), the ratios, and the time to parse and
# verify a .intoto.jsonl of 10,000 Ed25519 envelopes (target: < 1 s; Ed25519 verify >= 2x OpenSSL).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-3}
command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 2; }

# The machine is shared and noisy: OpenSSL runs before and after criterion and the two rates
# are averaged, so that both sides see the same load on average.
run_openssl() { openssl speed -seconds "$secs" ed25519 ecdsap256 2>/dev/null; }
echo "== openssl speed -seconds $secs ed25519 ecdsap256 (one core), before"
ossl=$(run_openssl)
echo "$ossl" | grep -E "EdDSA|ecdsa \(nistp256\)" || true

echo "== cargo bench --bench signatures"
cargo bench --quiet -p provenance-benches --bench signatures -- --noplot >/dev/null 2>&1

echo "== openssl speed, after"
ossl2=$(run_openssl)
echo "$ossl2" | grep -E "EdDSA|ecdsa \(nistp256\)" || true
ossl="$ossl
$ossl2"

OSSL="$ossl" python3 - <<'PY'
import json, os, re

ossl = os.environ["OSSL"]
def ossl_rates(pattern):
    found = []
    for line in ossl.splitlines():
        if re.search(pattern, line):
            nums = re.findall(r"([0-9]+(?:\.[0-9]+)?)", line.split("bits")[-1])
            # columns: sign (s), verify (s), sign/s, verify/s
            found.append((float(nums[-2]), float(nums[-1])))
    if not found:
        return None, None
    return (sum(f[0] for f in found) / len(found), sum(f[1] for f in found) / len(found))
o_ed = ossl_rates(r"EdDSA \(Ed25519\)")
o_p256 = ossl_rates(r"256 bits ecdsa \(nistp256\)")

def mean_ns(group, bench):
    path = f"target/criterion/{group}/{bench}/new/estimates.json"
    with open(path) as f:
        return json.load(f)["mean"]["point_estimate"]

def rate(group, bench, per=1):
    return per * 1e9 / mean_ns(group, bench)

rows = []
for name, o in [("ed25519", o_ed), ("ecdsa-p256", o_p256), ("ecdsa-p384", (None, None))]:
    s, v = rate("sign", name), rate("verify", name)
    rows.append((name, s, v, o[0], o[1]))
print()
print(f"{'algorithm':<12}{'ours sign/s':>13}{'openssl sign/s':>16}{'ratio':>7}{'ours verify/s':>15}{'openssl verify/s':>18}{'ratio':>7}")
for name, s, v, os_, ov in rows:
    rs = f"{s/os_:.2f}" if os_ else "-"
    rv = f"{v/ov:.2f}" if ov else "-"
    print(f"{name:<12}{s:>13,.0f}{(f'{os_:,.0f}' if os_ else '-'):>16}{rs:>7}{v:>15,.0f}{(f'{ov:,.0f}' if ov else '-'):>18}{rv:>7}")
print()
for bench in ["verify_one_by_one", "verify_many_batch", "parse_and_verify_many"]:
    ns = mean_ns("jsonl_10k_ed25519", bench)
    per_s = 10_000 * 1e9 / ns
    ratio = f", {per_s / o_ed[1]:.2f}x openssl verify/s" if o_ed[1] else ""
    print(f"10,000 Ed25519 envelopes, {bench:<22} {ns/1e6:8.1f} ms  ({per_s:,.0f} envelopes/s{ratio})")
PY
