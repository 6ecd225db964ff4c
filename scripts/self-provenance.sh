#!/usr/bin/env bash
# Self-provenance: the project traces its own deployable back to its source.
#
# 1. builds the release binary (cargo build --release --locked -p provenance-cli);
# 2. generates an ephemeral signing key for this run with `provenance keygen` (encrypted with a
#    random PROVENANCE_PASSWORD that lives only in this process's environment, in a 0700
#    temporary directory removed on exit);
# 3. attests target/release/provenance with the binary itself, the build context taken from
#    this repository's git: source repository, ref and commit;
# 4. verifies the attestation with expectations on the source repository, the source commit
#    (`git rev-parse HEAD`), the ref and the builder id, and checks that a wrong commit and a
#    wrong builder are refused (so the expectations are really enforced);
# 5. prints the trace (`provenance verify --format json` and `provenance trace`).
# Any failing step exits non-zero.
#
# Context, each overridable from the environment:
#   PROVENANCE_SOURCE_URI  default: `git remote get-url origin` (scp-style and ssh:// remotes
#                          rewritten to https://, a trailing .git dropped); in a fresh clone or
#                          copy without that remote, the documented fallback is the workspace
#                          `repository` of Cargo.toml ([workspace.package] repository).
#   PROVENANCE_SOURCE_REF  default: `git symbolic-ref HEAD` (refs/heads/<branch>), else the
#                          exact tag (refs/tags/<tag>), else none (detached HEAD: only the
#                          commit is attested and expected).
#   PROVENANCE_BUILDER_ID  default: "<source uri>/.ci/run", the identity of this repository's
#                          CI script, which runs this build step (documented local builder id;
#                          it is the same procedure when run by hand).
#   PROVENANCE_SELF_OUT    default: target/self-provenance (the attestation and the reports).
# A dirty working tree is reported: the binary then contains changes the commit does not.
#
# Usage: scripts/self-provenance.sh [--context-only]
#   --context-only  print the context that would be attested and exit (no build)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

step() { printf '== self-provenance: %s\n' "$*"; }
die() { printf 'self-provenance: FAILED: %s\n' "$*" >&2; exit 1; }

command -v git >/dev/null || die "git is needed"
git rev-parse --git-dir >/dev/null 2>&1 || die "not a git checkout: no source commit to attest"

# --- context from git -----------------------------------------------------------------------
commit="$(git rev-parse HEAD)"
source_uri="${PROVENANCE_SOURCE_URI:-}"
if [ -z "$source_uri" ]; then
    remote="$(git remote get-url origin 2>/dev/null || true)"
    case "$remote" in
        "") ;;
        http://* | https://*) source_uri="$remote" ;;
        ssh://*)
            source_uri="https://${remote#ssh://}"
            source_uri="https://${source_uri#https://*@}"
            ;;
        *@*:*)
            hostpath="${remote#*@}"
            source_uri="https://${hostpath%%:*}/${hostpath#*:}"
            ;;
        *) source_uri="" ;; # a local path remote says nothing about the public source
    esac
    source_uri="${source_uri%.git}"
fi
if [ -z "$source_uri" ]; then
    source_uri="$(sed -n '/^\[workspace.package\]/,/^\[/s/^repository *= *"\(.*\)"/\1/p' Cargo.toml)"
    [ -n "$source_uri" ] || die "no git remote 'origin' and no [workspace.package] repository"
    echo "note: no usable 'origin' remote; source uri from Cargo.toml: $source_uri"
fi
source_ref="${PROVENANCE_SOURCE_REF:-}"
if [ -z "$source_ref" ]; then
    source_ref="$(git symbolic-ref -q HEAD || true)"
    if [ -z "$source_ref" ]; then
        tag="$(git describe --exact-match --tags HEAD 2>/dev/null || true)"
        [ -z "$tag" ] || source_ref="refs/tags/$tag"
    fi
fi
builder_id="${PROVENANCE_BUILDER_ID:-$source_uri/.ci/run}"
out="${PROVENANCE_SELF_OUT:-$root/target/self-provenance}"
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    echo "warning: the working tree has uncommitted changes: the binary is built from $commit" \
        "plus those changes"
fi
echo "source:  $source_uri"
echo "ref:     ${source_ref:-(none: detached HEAD)}"
echo "commit:  $commit"
echo "builder: $builder_id"
[ "${1:-}" != "--context-only" ] || exit 0

# --- 1. build ---------------------------------------------------------------------------------
step "cargo build --release --locked -p provenance-cli"
cargo build --release --locked --quiet -p provenance-cli
bin="$root/target/release/provenance"
[ -x "$bin" ] || die "no release binary at $bin"

# --- 2. ephemeral key -------------------------------------------------------------------------
work="$(mktemp -d)"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
PROVENANCE_PASSWORD="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PROVENANCE_PASSWORD
step "provenance keygen (ephemeral, encrypted)"
"$bin" keygen --algorithm ed25519 --output "$work/key.pem" >"$work/keygen.txt"
cat "$work/keygen.txt"
[ "$(stat -c %a "$work/key.pem")" = 600 ] || die "the private key is not 0600"

# --- 3. attest --------------------------------------------------------------------------------
mkdir -p "$out"
attestation="$out/provenance.intoto.jsonl"
rm -f "$attestation"
ref_flags=()
[ -z "$source_ref" ] || ref_flags=(--source-ref "$source_ref")
step "provenance attest target/release/provenance"
(
    cd "$root/target/release"
    "$bin" attest --key "$work/key.pem" --output "$attestation" \
        --builder-id "$builder_id" --source-uri "$source_uri" "${ref_flags[@]}" \
        --source-commit "$commit" provenance
)
cp "$work/key.pem.pub" "$out/provenance.pub.pem"
unset PROVENANCE_PASSWORD

# --- 4. verify --------------------------------------------------------------------------------
expect=(--key "$out/provenance.pub.pem" --attestation "$attestation"
    --source-uri "$source_uri" --source-commit "$commit" --builder-id "$builder_id")
[ -z "$source_ref" ] || expect+=(--source-ref "$source_ref")
step "provenance verify (expected source, commit, ref, builder)"
"$bin" verify "${expect[@]}" "$bin" || die "the release binary does not verify"
"$bin" verify "${expect[@]}" --format json "$bin" >"$out/verify.json" \
    || die "verify --format json failed"

step "negative checks: a wrong commit and a wrong builder are refused"
wrong_commit="$(printf '%s' "$commit" | tr '0-9a-f' '1-9a-f0')"
set +e
"$bin" verify --key "$out/provenance.pub.pem" --attestation "$attestation" \
    --source-uri "$source_uri" --source-commit "$wrong_commit" --builder-id "$builder_id" \
    "$bin" >"$out/wrong-commit.txt" 2>&1
rc_commit=$?
"$bin" verify --key "$out/provenance.pub.pem" --attestation "$attestation" \
    --source-uri "$source_uri" --source-commit "$commit" \
    --builder-id "https://example.invalid/some-other-builder" \
    "$bin" >"$out/wrong-builder.txt" 2>&1
rc_builder=$?
set -e
[ "$rc_commit" = 1 ] || die "a wrong expected commit gave exit $rc_commit, not 1: $(cat "$out/wrong-commit.txt")"
[ "$rc_builder" = 1 ] || die "a wrong expected builder gave exit $rc_builder, not 1: $(cat "$out/wrong-builder.txt")"
echo "refused as expected (exit 1 each)"

# --- 5. trace ---------------------------------------------------------------------------------
step "trace (verify --format json)"
cat "$out/verify.json"
echo
step "provenance trace"
store="$out/store"
rm -rf "$store"
mkdir -p "$store"
cp "$attestation" "$store/"
"$bin" trace --store "$store" --key "$out/provenance.pub.pem" "$bin" | tee "$out/trace.txt" \
    || die "provenance trace failed"
step "OK: target/release/provenance <- $commit ($source_uri${source_ref:+ $source_ref}) built by $builder_id"
echo "attestation: $attestation"
echo "public key:  $out/provenance.pub.pem"
