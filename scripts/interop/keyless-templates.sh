#!/usr/bin/env bash
# The GitHub Action (action.yml) and the GitLab template (ci/gitlab/provenance.gitlab-ci.yml),
# run by provenance-cli/tests/ci_templates.rs against the local Sigstore mock, with the bundles
# they write verified by sigstore-python and @sigstore/verify too: this script requires those
# two (target/differential-venv, target/differential-node, which keyless-interop.sh installs;
# ./test.sh runs it first), where `cargo test` alone skips them when they are absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x target/differential-venv/bin/sigstore ] ||
    [ ! -f target/differential-node/node_modules/@sigstore/verify/package.json ] ||
    [ ! -f target/sigstore-mock-node/node_modules/@sigstore/mock/package.json ]; then
    if [ "${CI:-}" = true ]; then
        echo "keyless-templates: sigstore-python, @sigstore/verify or @sigstore/mock missing under target/ (run scripts/ci-deps.sh and keyless-interop.sh)" >&2
        exit 1
    fi
    echo "SKIPPED: keyless-templates needs target/differential-venv, target/differential-node and @sigstore/mock"
    exit 0
fi
PROVENANCE_REQUIRE_INTEROP_VERIFIERS=1 cargo test --quiet --locked -p provenance-cli --test ci_templates
