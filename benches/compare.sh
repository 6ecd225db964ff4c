#!/usr/bin/env bash
# Side-by-side timing of the release `provenance digest` against `openssl dgst` and coreutils
# (issue 2 targets). Generates its inputs in a temp dir, re-reads them before each group (hot
# page cache), runs every command RUNS times round-robin (so machine noise hits all of them
# alike), prints medians, throughput, ratios and the peak RSS of `provenance`.
#
#   benches/compare.sh                      # 1 GiB file, 20,000-file tree, 5 runs
#   SIZE_MIB=256 FILES=2000 RUNS=3 benches/compare.sh   # quicker
#   ONLY="sha256 tree" benches/compare.sh               # some groups only (sha256 sha512 both tree)
#
# Targets: sha256 <= 0.90x openssl; sha512 <= 1.10x openssl; tree --jobs 2 <= 0.60x --jobs 1;
# peak RSS < 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
FILES=${FILES:-20000}
BIN=${BIN:-target/release/provenance}
ONLY=${ONLY:-sha256 sha512 both tree}
want() { case " $ONLY " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
TIME=/usr/bin/time

if [ -z "${NO_BUILD:-}" ]; then
    cargo build --release --locked -p provenance-cli >&2
fi
for tool in openssl sha256sum sha512sum python3; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is required" >&2; exit 2; }
done
[ -x "$TIME" ] || { echo "compare.sh: GNU time ($TIME) is required for peak RSS" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "inputs in $work: ${SIZE_MIB} MiB file, ${FILES}-file tree (1-200 KiB each)" >&2
python3 - "$work" "$SIZE_MIB" "$(want tree && echo "$FILES" || echo 0)" <<'PY'
import os, random, sys
work, size_mib, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(2)
with open(os.path.join(work, "big.bin"), "wb") as f:
    block = rng.randbytes(1 << 20)
    for i in range(size_mib):
        f.write(block[i % 997:] + block[:i % 997])  # distinct blocks, cheap to make
tree = os.path.join(work, "tree")
pool = rng.randbytes(256 << 10)
for i in range(files):
    d = os.path.join(tree, f"d{i % 100:03d}", f"e{i % 7}")
    os.makedirs(d, exist_ok=True)
    n = rng.randint(1024, 200 << 10)
    off = rng.randint(0, len(pool) - n)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(i.to_bytes(8, "little") + pool[off:off + n - 8])
PY
big="$work/big.bin"
tree="$work/tree"
tree_bytes=$(du -sb "$tree" 2>/dev/null | cut -f1 || echo 0)

# run_group NAME BYTES REFERENCE_LABEL -- label1 'cmd1' label2 'cmd2' ...
# Prints one line per command: median seconds, MB/s, ratio to the reference, max RSS.
run_group() {
    local name=$1 bytes=$2 ref=$3
    shift 3
    local labels=() cmds=()
    while [ $# -gt 0 ]; do labels+=("$1"); cmds+=("$2"); shift 2; done
    local n=${#labels[@]} r i
    for ((i = 0; i < n; i++)); do : >"$work/times.$i"; : >"$work/rss.$i"; done
    for ((r = 0; r < RUNS; r++)); do
        for ((i = 0; i < n; i++)); do
            local t0 t1
            t0=$(date +%s%N)
            $TIME -f '%M' -o "$work/rss.one" bash -c "${cmds[$i]}" >/dev/null
            t1=$(date +%s%N)
            echo $(((t1 - t0) / 1000)) >>"$work/times.$i"
            cat "$work/rss.one" >>"$work/rss.$i"
        done
    done
    echo "== $name ($((bytes / 1000000)) MB, median of $RUNS)"
    local ref_us=0
    for ((i = 0; i < n; i++)); do
        local med
        med=$(sort -n "$work/times.$i" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        [ "${labels[$i]}" = "$ref" ] && ref_us=$med
        eval "med_$i=$med"
    done
    for ((i = 0; i < n; i++)); do
        local med rss
        eval "med=\$med_$i"
        rss=$(sort -n "$work/rss.$i" | tail -1)
        awk -v l="${labels[$i]}" -v us="$med" -v ref="$ref_us" -v b="$bytes" -v rss="$rss" -v refl="$ref" 'BEGIN {
            printf "  %-34s %8.3f s  %7.0f MB/s  %5.2fx %-22s peak RSS %6.1f MiB\n",
                l, us / 1e6, b / us, us / ref, "of " refl, rss / 1024 }'
    done
}

hot_file() { cat "$big" >/dev/null; }
hot_tree() { find "$tree" -type f -print0 | xargs -0 cat >/dev/null; }

if want sha256; then
    hot_file
    run_group "SHA-256, one file" "$((SIZE_MIB << 20))" "openssl dgst -sha256" \
        "openssl dgst -sha256" "openssl dgst -sha256 '$big'" \
        "provenance digest" "'$BIN' digest '$big'" \
        "sha256sum" "sha256sum '$big'"
fi

if want sha512; then
    hot_file
    run_group "SHA-512, one file" "$((SIZE_MIB << 20))" "openssl dgst -sha512" \
        "openssl dgst -sha512" "openssl dgst -sha512 '$big'" \
        "provenance digest -a sha512" "'$BIN' digest -a sha512 '$big'" \
        "sha512sum" "sha512sum '$big'"
fi

if want both; then
    hot_file
    run_group "SHA-256 + SHA-512, one file" "$((SIZE_MIB << 20))" "provenance -a sha512" \
        "provenance -a sha512" "'$BIN' digest -a sha512 '$big'" \
        "provenance -a sha256 -a sha512" "'$BIN' digest -a sha256 -a sha512 '$big'" \
        "openssl sha256; openssl sha512" "openssl dgst -sha256 '$big'; openssl dgst -sha512 '$big'"
fi

if want tree; then
    hot_tree
    run_group "SHA-256, tree of $FILES files" "$tree_bytes" "provenance --jobs 1" \
        "provenance --jobs 1" "'$BIN' digest --jobs 1 '$tree'" \
        "provenance --jobs 2" "'$BIN' digest --jobs 2 '$tree'" \
        "xargs -P2 openssl dgst -sha256" "find '$tree' -type f -print0 | xargs -0 -P2 -n 1000 openssl dgst -sha256"
fi
