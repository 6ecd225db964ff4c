#!/usr/bin/env bash
# Installs the system packages the tests need on a clean Debian/Ubuntu machine; idempotent
# (does nothing when everything is present). Called from .ci/run before the tests.
#   docker-registry: distribution 2.8 registry that provenance-oci's tests run on 127.0.0.1
set -euo pipefail
missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
if [ ${#missing[@]} -eq 0 ]; then
    echo "ci-deps: all present"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ci-deps: missing ${missing[*]} and no apt-get; install them by hand" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "ci-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# the package enables a system service; the tests start their own instance
$sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
