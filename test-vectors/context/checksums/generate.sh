#!/usr/bin/env bash
# Regenerates the checksum-list cases with GNU coreutils (sha256sum/sha512sum) and base64.
# Deterministic: fixed file names and contents. Usage: bash generate.sh
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'alpha\n' >"$tmp/a.txt"
mkdir -p "$tmp/dist"
printf 'beta' >"$tmp/dist/b.bin"
printf 'gamma\n' >"$tmp/back\\slash
newline"

case_dir() { mkdir -p "$1"; printf '%s\n' "$2" >"$1/README"; }
expected() { # expected.json from a list of "name<TAB>algorithm<TAB>hex"
    python3 -c 'import json,sys; print(json.dumps([{"name": n, "digest": {a: h}} for n, a, h in (l.rstrip("\n").split("\t") for l in sys.stdin)], indent=1))'
}
sum() { (cd "$tmp" && "$1" "${@:2}" | cut -d' ' -f1); }

case_dir gnu-text "sha256sum text mode (two spaces), two files"
(cd "$tmp" && sha256sum a.txt dist/b.bin) >gnu-text/input
printf 'a.txt\tsha256\t%s\ndist/b.bin\tsha256\t%s\n' "$(sum sha256sum a.txt)" "$(sum sha256sum dist/b.bin)" | expected >gnu-text/expected.json

case_dir gnu-binary "sha256sum -b binary mode (' *')"
(cd "$tmp" && sha256sum -b a.txt) >gnu-binary/input
printf 'a.txt\tsha256\t%s\n' "$(sum sha256sum a.txt)" | expected >gnu-binary/expected.json

case_dir gnu-escaped "a file name with a backslash and a newline: coreutils escapes it and prefixes the line with a backslash"
(cd "$tmp" && sha256sum "back\\slash
newline") >gnu-escaped/input
python3 - "$tmp" >gnu-escaped/expected.json <<'PY'
import hashlib, json, os, sys
name = "back\\slash\nnewline"
h = hashlib.sha256(open(os.path.join(sys.argv[1], name), "rb").read()).hexdigest()
print(json.dumps([{"name": name, "digest": {"sha256": h}}], indent=1))
PY

case_dir gnu-tag "sha256sum --tag (BSD style)"
(cd "$tmp" && sha256sum --tag a.txt) >gnu-tag/input
printf 'a.txt\tsha256\t%s\n' "$(sum sha256sum a.txt)" | expected >gnu-tag/expected.json

case_dir sha512 "sha512sum output: the digest length selects sha512"
(cd "$tmp" && sha512sum a.txt) >sha512/input
printf 'a.txt\tsha512\t%s\n' "$(sum sha512sum a.txt)" | expected >sha512/expected.json

case_dir slsa-base64 "slsa-github-generator base64-subjects: sha256sum output | base64 -w0"
(cd "$tmp" && sha256sum a.txt dist/b.bin | base64 -w0) >slsa-base64/input
cp gnu-text/expected.json slsa-base64/expected.json

case_dir bad-line_fail "second line is not a checksum line: error names line 2"
{ (cd "$tmp" && sha256sum a.txt); echo "this is not a checksum"; } >bad-line_fail/input
echo 2 >bad-line_fail/expected-error-line

case_dir truncated-digest_fail "third line has a 63-digit digest: error names line 3"
{ (cd "$tmp" && sha256sum a.txt dist/b.bin); (cd "$tmp" && sha256sum a.txt) | sed 's/^.//'; } >truncated-digest_fail/input
echo 3 >truncated-digest_fail/expected-error-line
