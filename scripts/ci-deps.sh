#!/usr/bin/env bash
# Installs what the tests need beyond cargo on a clean Debian/Ubuntu machine; idempotent (does
# nothing when everything is present). Called from .ci/run before the tests.
#   docker-registry   distribution 2.8 registry that the provenance-oci / oci_* tests run on 127.0.0.1
#   nodejs, npm       for the @sigstore/oci interop test (provenance-cli/tests/oci_interop_sigstore_js.rs)
#   @sigstore/oci     npm package, pinned, into target/interop-node (what actions/attest pushes with)
#   @sigstore/mock    npm package, pinned, into target/sigstore-mock-node: the local Fulcio/Rekor/TSA
#                     that scripts/sigstore-mock/server.js serves to the keyless_* tests
#   ferro-oci-server  crates.io binary, pinned (--locked), into target/ferro-oci-server: a registry
#                     with the OCI 1.1 referrers API (Debian's docker-registry 2.8 has none), for
#                     provenance-cli/tests/oci_keyless.rs; about 3 minutes of build on 2 cores
set -euo pipefail
cd "$(dirname "$0")/.."

SIGSTORE_OCI_VERSION=0.6.0
node_dir=target/interop-node
SIGSTORE_MOCK_VERSION=0.11.0
mock_dir=target/sigstore-mock-node

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ci-deps: missing ${missing[*]} and no apt-get; install them by hand" >&2
        exit 1
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "ci-deps: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # the package enables a system service; the tests start their own instances
    $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi

# @sigstore/oci 0.6 needs Node >= 20.17; Debian bookworm's own nodejs is 18.19, which 0.4 supports
# (same attachArtifactToImage API, same manifest layout; both checked against this test)
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then SIGSTORE_OCI_VERSION=0.4.0; fi
# @sigstore/mock 0.11 needs Node >= 20.17; 0.10 (Node 18) has the same handlers and initialisers
if [ "$node_major" -lt 20 ]; then SIGSTORE_MOCK_VERSION=0.10.0; fi
installed=$(node -p "require('./$node_dir/node_modules/@sigstore/oci/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$SIGSTORE_OCI_VERSION" ] || [ ! -d "$node_dir/node_modules/promise-retry" ]; then
    echo "ci-deps: npm install @sigstore/oci@$SIGSTORE_OCI_VERSION into $node_dir"
    mkdir -p "$node_dir"
    # promise-retry: @sigstore/oci 0.6.0's dist/fetch.js requires it without declaring it
    npm install --prefix "$node_dir" --no-audit --no-fund --silent \
        "@sigstore/oci@$SIGSTORE_OCI_VERSION" "promise-retry@2"
fi
installed=$(node -p "require('./$mock_dir/node_modules/@sigstore/mock/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$SIGSTORE_MOCK_VERSION" ]; then
    echo "ci-deps: npm install @sigstore/mock@$SIGSTORE_MOCK_VERSION into $mock_dir"
    mkdir -p "$mock_dir"
    npm install --prefix "$mock_dir" --no-audit --no-fund --silent "@sigstore/mock@$SIGSTORE_MOCK_VERSION"
fi
FERRO_OCI_SERVER_VERSION=1.0.0
ferro_root=target/ferro-oci-server
if [ "$(cat "$ferro_root/VERSION" 2>/dev/null || true)" != "$FERRO_OCI_SERVER_VERSION" ] \
    || [ ! -x "$ferro_root/bin/ferro-oci-server" ]; then
    echo "ci-deps: cargo install ferro-oci-server@$FERRO_OCI_SERVER_VERSION into $ferro_root"
    # its own build directory (not the workspace's target dir), removed afterwards
    CARGO_TARGET_DIR=target/ferro-oci-build CARGO_INCREMENTAL=0 cargo install --quiet --locked \
        --root "$ferro_root" "ferro-oci-server@$FERRO_OCI_SERVER_VERSION"
    rm -rf target/ferro-oci-build
    echo "$FERRO_OCI_SERVER_VERSION" > "$ferro_root/VERSION"
fi
echo "ci-deps: docker-registry $(docker-registry --version 2>/dev/null | awk '{print $3}'), node $(node --version), @sigstore/oci $SIGSTORE_OCI_VERSION, @sigstore/mock $SIGSTORE_MOCK_VERSION, ferro-oci-server $FERRO_OCI_SERVER_VERSION"
