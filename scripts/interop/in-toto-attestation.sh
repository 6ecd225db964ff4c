#!/usr/bin/env bash
# Interop: statements emitted by `provenance statement` under simulated GitHub Actions, GitLab CI
# and no CI (in a temporary git repository) must parse strictly with the in-toto reference
# protobufs (PyPI in-toto-attestation) and pass its validators; the GitHub statement must carry
# the fields of GitHub's own actions/attest-build-provenance exactly.
# Prints "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

# Shared venv (other interop scripts use it too): create it when missing, only add packages.
venv=target/interop-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import in_toto_attestation, google.protobuf" 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check in-toto-attestation
fi

cargo build --quiet --locked -p provenance-cli
bin=$root/target/debug/provenance

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
out=$work/out
mkdir -p "$repo" "$out"

git_() {
    GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
        GIT_COMMITTER_EMAIL=t@example.com git -C "$repo" "$@"
}
git_ init -q -b main
mkdir -p "$repo/dist"
printf 'binary\n' >"$repo/dist/app"
printf 'docs\n' >"$repo/dist/README"
printf 'source\n' >"$repo/main.c"
git_ add main.c
git_ commit -q -m "first"
git_ remote add origin "https://ci-bot:not-a-real-token@github.com/octo-org/hello.git"
head=$(git_ rev-parse HEAD)
(cd "$repo" && sha256sum dist/app dist/README >"$work/SHA256SUMS")
base64 -w0 <"$work/SHA256SUMS" >"$work/subjects.b64"

# Runs the CLI in the repository with exactly the given environment (plus PATH).
emit() {
    local name=$1
    shift
    (cd "$repo" && env -i PATH="$PATH" "$@" "$bin" statement dist >"$out/$name.json")
}

github=(
    GITHUB_ACTIONS=true
    GITHUB_SERVER_URL=https://github.com
    GITHUB_REPOSITORY=octo-org/hello
    GITHUB_REPOSITORY_ID=123456
    GITHUB_REPOSITORY_OWNER_ID=7890
    GITHUB_EVENT_NAME=push
    GITHUB_REF=refs/tags/v1.2.3
    GITHUB_SHA="$head"
    GITHUB_WORKFLOW_REF=octo-org/hello/.github/workflows/release.yml@refs/tags/v1.2.3
    GITHUB_RUN_ID=4242
    GITHUB_RUN_ATTEMPT=2
    RUNNER_ENVIRONMENT=github-hosted
    SOURCE_DATE_EPOCH=1700000000
)
emit github "${github[@]}"

emit gitlab GITLAB_CI=true CI_SERVER_URL=https://gitlab.com \
    CI_PROJECT_URL=https://gitlab.com/octo-group/hello CI_COMMIT_SHA="$head" \
    CI_COMMIT_BRANCH=main CI_COMMIT_REF_NAME=main CI_PIPELINE_SOURCE=push CI_JOB_NAME=build \
    CI_JOB_ID=7001 CI_JOB_URL=https://gitlab.com/octo-group/hello/-/jobs/7001 \
    CI_JOB_STARTED_AT=2026-01-02T03:04:05Z CI_RUNNER_ID=55 CI_RUNNER_VERSION=17.5.0 \
    CI_RUNNER_REVISION=abcdef12 CI_RUNNER_DESCRIPTION=shared CI_RUNNER_EXECUTABLE_ARCH=linux/amd64

emit local SOURCE_DATE_EPOCH=1700000000

# No CI, dirty tree, subjects from a checksum list and its base64 form, every override flag.
printf 'changed\n' >>"$repo/main.c"
(cd "$repo" && env -i PATH="$PATH" "$bin" statement \
    --subjects-from "$work/SHA256SUMS" --subjects-from "$work/subjects.b64" \
    --builder-id https://ci.example.com/builders/release \
    --build-type https://example.com/buildtypes/make/v1 \
    --source-uri git@github.com:octo-org/hello.git --source-ref refs/heads/main \
    --source-commit "$head" --invocation-id https://ci.example.com/runs/1 \
    --external-parameter target=x86_64-unknown-linux-gnu >"$out/local-overrides.json")

# What GitHub's actions/attest-build-provenance writes for this run, field by field.
cat >"$work/github-expected.json" <<JSON
{
  "_type": "https://in-toto.io/Statement/v1",
  "predicateType": "https://slsa.dev/provenance/v1",
  "predicate": {
    "buildDefinition": {
      "buildType": "https://actions.github.io/buildtypes/workflow/v1",
      "externalParameters": {
        "workflow": {
          "ref": "refs/tags/v1.2.3",
          "repository": "https://github.com/octo-org/hello",
          "path": ".github/workflows/release.yml"
        }
      },
      "internalParameters": {
        "github": {
          "event_name": "push",
          "repository_id": "123456",
          "repository_owner_id": "7890",
          "runner_environment": "github-hosted"
        }
      },
      "resolvedDependencies": [
        {"uri": "git+https://github.com/octo-org/hello@refs/tags/v1.2.3", "digest": {"gitCommit": "$head"}}
      ]
    },
    "runDetails": {
      "builder": {"id": "https://github.com/octo-org/hello/.github/workflows/release.yml@refs/tags/v1.2.3"},
      "metadata": {"invocationId": "https://github.com/octo-org/hello/actions/runs/4242/attempts/2"}
    }
  }
}
JSON
cat >"$work/gitlab-expected.json" <<JSON
{"predicate": {"runDetails": {"metadata": {"invocationId": "https://gitlab.com/octo-group/hello/-/jobs/7001"}}}}
JSON
cat >"$work/local-expected.json" <<JSON
{"predicate": {"buildDefinition": {
  "internalParameters": {"git": {"dirty": false}},
  "resolvedDependencies": [{"uri": "git+https://github.com/octo-org/hello@refs/heads/main", "digest": {"gitCommit": "$head"}}]}}}
JSON

if grep -l "not-a-real-token" "$out"/*.json; then
    echo "FAIL: remote credentials leaked into a statement"
    exit 1
fi

# Negative controls: the checker must refuse a field the protobufs do not define, a subject
# without digest and a wrong expectation, or its passes mean nothing.
python3 - "$out/github.json" "$work/neg" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
os.makedirs(sys.argv[2], exist_ok=True)
def write(name, mutate):
    d = json.loads(json.dumps(doc)); mutate(d)
    json.dump(d, open(os.path.join(sys.argv[2], name + ".json"), "w"))
write("unknown-field", lambda d: d["predicate"]["runDetails"].__setitem__("builderId", "x"))
write("no-digest", lambda d: d["subject"][0].pop("digest"))
write("no-builder", lambda d: d["predicate"]["runDetails"]["builder"].pop("id"))
PY
for neg in "$work"/neg/*.json; do
    if "$venv/bin/python" scripts/interop/in_toto_attestation_check.py "$neg" >/dev/null; then
        echo "FAIL: the checker accepted $(basename "$neg")"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
echo '{"predicate": {"runDetails": {"builder": {"id": "https://wrong.example"}}}}' >"$work/wrong.json"
if "$venv/bin/python" scripts/interop/in_toto_attestation_check.py \
    --expect "github=$work/wrong.json" "$out/github.json" >/dev/null; then
    echo "FAIL: the checker accepted a wrong expectation"
    echo "0 passed, 1 failed"
    exit 1
fi

"$venv/bin/python" scripts/interop/in_toto_attestation_check.py \
    --expect "github=$work/github-expected.json" \
    --expect "gitlab=$work/gitlab-expected.json" \
    --expect "local=$work/local-expected.json" \
    "$out"/*.json
