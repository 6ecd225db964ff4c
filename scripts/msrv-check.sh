#!/usr/bin/env bash
# MSRV check without a second toolchain.
#
# The workspace declares `rust-version` in Cargo.toml ([workspace.package]); only one (newer)
# toolchain is installed here, so we cannot simply build with the MSRV compiler. Instead:
#
#  1. Every package in the resolved dependency graph (`cargo metadata --locked`, all targets
#     and platforms, dev- and build-dependencies included) must declare a `rust-version` no
#     newer than ours. A package without `rust-version` is bounded below by its edition
#     (2021 -> 1.56, 2024 -> 1.85) and listed as unverified.
#  2. Every workspace member inherits (or equals) the workspace `rust-version`, and the
#     edition's own minimum (2024 -> 1.85) does not exceed it.
#  3. clippy's `incompatible_msrv` lint is active: it is warn-by-default (clippy::suspicious)
#     and CI runs `cargo clippy --workspace --all-targets -- -D warnings`, so it must not be
#     allowed anywhere (Cargo.toml [workspace.lints], clippy.toml, or an `allow`/`expect`
#     attribute in the sources), and clippy.toml must not set a different `msrv`. clippy takes
#     the MSRV from each package's `rust-version`.
#
# What this proves: no dependency claims to need a newer compiler than our MSRV, and every use
# of a standard-library API stabilised after the MSRV fails CI (that is what
# `incompatible_msrv` checks, from the `#[stable(since = ...)]` attributes of std/core/alloc).
#
# What it does NOT prove: that the workspace compiles with rustc 1.<msrv>. Newer *language*
# features and syntax (e.g. a let-chain, a new pattern form, new lints or attributes), newer
# Cargo features (manifest keys, resolver behaviour, lockfile version), const-stability,
# std APIs whose stability attribute clippy cannot see (some trait impls, macros), and
# dependencies that declare a `rust-version` they do not actually honour are not caught.
# Only building and testing with that toolchain (`rustup toolchain install 1.<msrv>`;
# `cargo +1.<msrv> test --workspace --locked`) proves it.
#
# Usage: scripts/msrv-check.sh        (exit 0 ok, 1 a violation, 2 cannot check)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "msrv-check: python3 is needed" >&2; exit 2; }
metadata="$(mktemp)"
trap 'rm -f "$metadata"' EXIT
cargo metadata --format-version 1 --locked >"$metadata" || {
    echo "msrv-check: cargo metadata --locked failed" >&2
    exit 2
}

status=0
python3 - "$metadata" <<'PY' || status=1
import json, sys

def ver(v):
    parts = [int(x) for x in v.split(".")]
    return tuple((parts + [0, 0])[:3])

EDITION_MIN = {"2015": "1.0", "2018": "1.31", "2021": "1.56", "2024": "1.85"}
with open(sys.argv[1], encoding="utf-8") as f:
    m = json.load(f)
members = set(m["workspace_members"])
ws = [p for p in m["packages"] if p["id"] in members]
declared = {p.get("rust_version") for p in ws}
if None in declared or len(declared) != 1:
    print("msrv-check: workspace members disagree on rust-version:",
          {p["name"]: p.get("rust_version") for p in ws})
    sys.exit(1)
msrv = declared.pop()
print(f"workspace rust-version: {msrv}")
bad = []
for p in ws:
    if ver(EDITION_MIN[p["edition"]]) > ver(msrv):
        bad.append(f"{p['name']}: edition {p['edition']} needs {EDITION_MIN[p['edition']]}")
deps = [p for p in m["packages"] if p["id"] not in members]
unverified = []
newest = ("0", "")
for p in deps:
    rv = p.get("rust_version")
    if rv is None:
        rv_floor = EDITION_MIN.get(p["edition"], "1.0")
        if ver(rv_floor) > ver(msrv):
            bad.append(f"{p['name']} {p['version']}: edition {p['edition']} needs {rv_floor}")
        unverified.append(f"{p['name']} {p['version']} (edition {p['edition']})")
        continue
    if ver(rv) > ver(newest[0]):
        newest = (rv, f"{p['name']} {p['version']}")
    if ver(rv) > ver(msrv):
        bad.append(f"{p['name']} {p['version']} requires rust {rv}")
print(f"{len(deps)} dependency packages; newest declared rust-version: {newest[0]} ({newest[1]})")
print(f"{len(unverified)} declare no rust-version (bounded by edition only): "
      + ", ".join(sorted(unverified)))
if bad:
    print("msrv-check: FAILED, needs a newer compiler than the MSRV:")
    for b in bad:
        print("  " + b)
    sys.exit(1)
print("dependencies: OK")
PY

# clippy: incompatible_msrv must not be disabled, and no conflicting msrv setting.
if grep -rn --include='*.toml' -E 'incompatible_msrv' Cargo.toml clippy.toml crates provenance-cli benches 2>/dev/null \
    | grep -vE '"(warn|deny|forbid)"|= *\{ *level *= *"(warn|deny|forbid)"'; then
    echo "msrv-check: FAILED: incompatible_msrv is configured away above" >&2
    status=1
fi
if grep -rn --include='*.rs' -E '(allow|expect)\([^)]*incompatible_msrv' crates provenance-cli benches 2>/dev/null; then
    echo "msrv-check: FAILED: incompatible_msrv is allowed in the sources above" >&2
    status=1
fi
if [ -f clippy.toml ] && grep -nE '^\s*msrv\s*=' clippy.toml; then
    echo "msrv-check: FAILED: clippy.toml sets its own msrv (use rust-version in Cargo.toml)" >&2
    status=1
fi
if [ "$status" = 0 ]; then
    echo "clippy incompatible_msrv: active (warn by default; CI denies warnings)"
    echo "msrv-check: OK (see the header for what this does not prove)"
fi
exit "$status"
