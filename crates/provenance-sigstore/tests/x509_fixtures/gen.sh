#!/usr/bin/env bash
# Regenerates the x509_* test fixtures: a test Sigstore instance (root CA, RFC 3161 TSA; no
# transparency or CT logs, like GitHub's private instance) and, for every leaf key algorithm
# sigstore-go verifies, a message-signature bundle and a DSSE bundle, each timestamped.
#
# Only public material is written (certificates inside trusted_root.json and the bundles);
# the private keys live in a temporary directory and are discarded. Needs OpenSSL 3 and
# cargo (Ed25519ph signatures come from `examples/ed25519ph_sign.rs`).
#
#   crates/provenance-sigstore/tests/x509_fixtures/gen.sh
set -euo pipefail

OUT="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

b64() { base64 -w0 "$@"; }
ISSUER_V2="https://issuer.x509-test.invalid"
ARTIFACT="$OUT/artifact.txt"
printf 'x509 fixture artifact\n' >"$ARTIFACT"

# --- root CA (P-384, as Fulcio's) and TSA (P-256, sole critical timeStamping EKU) ---------
openssl ecparam -name secp384r1 -genkey -noout -out root.key
openssl req -x509 -new -key root.key -sha384 -days 3650 -subj "/O=x509-test/CN=x509-test root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out root.pem
openssl ecparam -name prime256v1 -genkey -noout -out tsa.key
openssl req -new -key tsa.key -subj "/O=x509-test/CN=x509-test TSA" -out tsa.csr
cat >tsa.ext <<'EOF'
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
EOF
openssl x509 -req -in tsa.csr -CA root.pem -CAkey root.key -sha384 -days 3650 -set_serial 2 \
  -extfile tsa.ext -extensions ext -out tsa.pem 2>/dev/null
cat >ts.cnf <<EOF
[ tsa ]
default_tsa = t
[ t ]
dir = $WORK
serial = \$dir/tsaserial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.57264.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
echo 01 >tsaserial
# A second TSA: RSA 3072, signing SHA-384 (CMS digest algorithm other than SHA-256).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out tsa2.key 2>/dev/null
openssl req -new -key tsa2.key -subj "/O=x509-test/CN=x509-test RSA TSA" -out tsa2.csr
openssl x509 -req -in tsa2.csr -CA root.pem -CAkey root.key -sha384 -days 3650 -set_serial 3 \
  -extfile tsa.ext -extensions ext -out tsa2.pem 2>/dev/null
sed -e 's/tsa\.pem/tsa2.pem/; s/tsa\.key/tsa2.key/; s/signer_digest = sha256/signer_digest = sha384/' \
  ts.cnf >ts2.cnf
TSCNF=ts.cnf

der_b64() { openssl x509 -in "$1" -outform DER | b64; }
START="2020-01-01T00:00:00Z"
cat >"$OUT/trusted_root.json" <<EOF
{
  "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "tlogs": [],
  "certificateAuthorities": [
    {"subject": {"organization": "x509-test", "commonName": "x509-test root"},
     "uri": "https://ca.x509-test.invalid",
     "certChain": {"certificates": [{"rawBytes": "$(der_b64 root.pem)"}]},
     "validFor": {"start": "$START"}}
  ],
  "ctlogs": [],
  "timestampAuthorities": [
    {"subject": {"organization": "x509-test", "commonName": "x509-test TSA"},
     "uri": "https://tsa.x509-test.invalid",
     "certChain": {"certificates": [{"rawBytes": "$(der_b64 tsa.pem)"}, {"rawBytes": "$(der_b64 root.pem)"}]},
     "validFor": {"start": "$START"}},
    {"subject": {"organization": "x509-test", "commonName": "x509-test RSA TSA"},
     "uri": "https://tsa2.x509-test.invalid",
     "certChain": {"certificates": [{"rawBytes": "$(der_b64 tsa2.pem)"}, {"rawBytes": "$(der_b64 root.pem)"}]},
     "validFor": {"start": "$START"}}
  ]
}
EOF

# --- leaves ----------------------------------------------------------------------------------
# leaf NAME KEYGEN-ARGS EXTENSIONS
leaf() {
  local name=$1 keyspec=$2 exts=$3
  case $keyspec in
    ec:*) openssl ecparam -name "${keyspec#ec:}" -genkey -noout -out "$name.key" ;;
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${keyspec#rsa:}" -out "$name.key" 2>/dev/null ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$name.key" ;;
  esac
  openssl req -new -key "$name.key" -subj "/O=x509-test" -out "$name.csr" 2>/dev/null
  printf '[ext]\n%b\n' "$exts" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA root.pem -CAkey root.key -sha384 -days 3650 \
    -set_serial "0x$(openssl rand -hex 8)" -extfile "$name.ext" -extensions ext -out "$name.pem" 2>/dev/null
}

FULCIO="keyUsage = critical,digitalSignature
1.3.6.1.4.1.57264.1.8 = ASN1:UTF8String:$ISSUER_V2"
CODESIGN="extendedKeyUsage = codeSigning"
email() { printf 'subjectAltName = email:%s@x509-test.invalid' "$1"; }

# Ed25519ph (OpenSSL 3.0's CLI has only pure Ed25519): a small example of this crate.
ed25519ph() {
  cargo run -q --manifest-path "$OUT/../../Cargo.toml" --example ed25519ph_sign -- "$@"
}

# sign NAME DIGEST OUTFILE INFILE [message]  (the signature scheme the key implies; an
# Ed25519 message signature is Ed25519ph, as sigstore-go verifies it, DSSE pure Ed25519)
sign() {
  local name=$1 dgst=$2 out=$3 in=$4 what=${5:-}
  case $name in
    ed25519*) if [ "$what" = message ]; then ed25519ph "$name.key" "$in" "$out"
      else openssl pkeyutl -sign -rawin -inkey "$name.key" -in "$in" -out "$out"; fi ;;
    *pss*) openssl dgst "-$dgst" -sign "$name.key" -sigopt rsa_padding_mode:pss \
      -sigopt rsa_pss_saltlen:digest -out "$out" "$in" ;;
    *) openssl dgst "-$dgst" -sign "$name.key" -out "$out" "$in" ;;
  esac
}

timestamp() {
  openssl ts -query -data "$1" -sha256 -cert -no_nonce -out "$1.tsq" 2>/dev/null
  openssl ts -reply -config "$TSCNF" -queryfile "$1.tsq" -out "$1.tsr" 2>/dev/null
  b64 "$1.tsr"
}

# bundles NAME DIGEST PROTO-DIGEST-NAME
bundles() {
  local name=$1 dgst=$2 proto=$3 cert sig digest
  cert=$(der_b64 "$name.pem")
  # message signature over the artifact
  sign "$name" "$dgst" "$name.msg.sig" "$ARTIFACT" message
  digest=$(openssl dgst "-$dgst" -binary "$ARTIFACT" | b64)
  sig=$(b64 "$name.msg.sig")
  cat >"$OUT/$name.message.sigstore.json" <<EOF
{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
 "verificationMaterial": {"certificate": {"rawBytes": "$cert"}, "tlogEntries": [],
   "timestampVerificationData": {"rfc3161Timestamps": [{"signedTimestamp": "$(timestamp "$name.msg.sig")"}]}},
 "messageSignature": {"messageDigest": {"algorithm": "$proto", "digest": "$digest"}, "signature": "$sig"}}
EOF
  # DSSE envelope with an in-toto statement about the artifact
  local ptype="application/vnd.in-toto+json" payload
  payload="{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"artifact.txt\",\"digest\":{\"sha256\":\"$(openssl dgst -sha256 -r "$ARTIFACT" | cut -d' ' -f1)\"}}],\"predicateType\":\"https://x509-test.invalid/predicate\",\"predicate\":{}}"
  printf '%s' "$payload" >"$name.payload"
  printf 'DSSEv1 %d %s %d %s' "${#ptype}" "$ptype" "${#payload}" "$payload" >"$name.pae"
  sign "$name" "$dgst" "$name.dsse.sig" "$name.pae"
  sig=$(b64 "$name.dsse.sig")
  cat >"$OUT/$name.dsse.sigstore.json" <<EOF
{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
 "verificationMaterial": {"certificate": {"rawBytes": "$cert"}, "tlogEntries": [],
   "timestampVerificationData": {"rfc3161Timestamps": [{"signedTimestamp": "$(timestamp "$name.dsse.sig")"}]}},
 "dsseEnvelope": {"payload": "$(b64 "$name.payload")", "payloadType": "$ptype",
   "signatures": [{"sig": "$sig", "keyid": ""}]}}
EOF
}

# Every key algorithm as a leaf, with its sigstore-go default hash.
leaf p256 ec:prime256v1 "$FULCIO\n$CODESIGN\n$(email p256)";        bundles p256 sha256 SHA2_256
leaf p384 ec:secp384r1 "$FULCIO\n$CODESIGN\n$(email p384)";         bundles p384 sha384 SHA2_384
leaf p521 ec:secp521r1 "$FULCIO\n$CODESIGN\n$(email p521)";         bundles p521 sha512 SHA2_512
leaf rsa2048 rsa:2048 "$FULCIO\n$CODESIGN\n$(email rsa2048)";       bundles rsa2048 sha256 SHA2_256
leaf rsa3072 rsa:3072 "$FULCIO\n$CODESIGN\n$(email rsa3072)";       bundles rsa3072 sha256 SHA2_256
leaf rsa4096 rsa:4096 "$FULCIO\n$CODESIGN\n$(email rsa4096)";       bundles rsa4096 sha256 SHA2_256
leaf rsa2048pss rsa:2048 "$FULCIO\n$CODESIGN\n$(email rsa2048pss)"; bundles rsa2048pss sha256 SHA2_256
leaf rsa4096pss rsa:4096 "$FULCIO\n$CODESIGN\n$(email rsa4096pss)"; bundles rsa4096pss sha256 SHA2_256
leaf ed25519 ed25519 "$FULCIO\n$CODESIGN\n$(email ed25519)";        bundles ed25519 sha512 SHA2_512
# An RSA size sigstore-go's registry does not know: refused as a signing leaf.
leaf rsa5120 rsa:5120 "$FULCIO\n$CODESIGN\n$(email rsa5120)";       bundles rsa5120 sha256 SHA2_256
# P-384 signed with SHA-256: what old clients wrote (sigstore-go's compatibility verifier).
leaf p384sha256 ec:secp384r1 "$FULCIO\n$CODESIGN\n$(email p384sha256)"; bundles p384sha256 sha256 SHA2_256
# Timestamped by the RSA TSA (SHA-384 CMS signature).
leaf rsatsa ec:prime256v1 "$FULCIO\n$CODESIGN\n$(email rsatsa)"
TSCNF=ts2.cnf; bundles rsatsa sha256 SHA2_256; TSCNF=ts.cnf
# EKU rules: no EKU extension at all (valid, as GitHub's instance issues), EKU without codeSigning.
leaf noeku ec:prime256v1 "$FULCIO\n$(email noeku)";                 bundles noeku sha256 SHA2_256
leaf serverauth ec:prime256v1 "$FULCIO\nextendedKeyUsage = serverAuth\n$(email serverauth)"
bundles serverauth sha256 SHA2_256
# Identities: the Fulcio username otherName; URI and email SANs together; issuer extensions.
leaf othername ec:prime256v1 "$FULCIO\n$CODESIGN\nsubjectAltName = otherName:1.3.6.1.4.1.57264.1.7;UTF8:alice"
bundles othername sha256 SHA2_256
# Only a DNS SAN: no identity sigstore-go reads (refused whatever the policy).
leaf dnsonly ec:prime256v1 "$FULCIO\n$CODESIGN\nsubjectAltName = DNS:host.x509-test.invalid"
bundles dnsonly sha256 SHA2_256
leaf multisan ec:prime256v1 "$FULCIO\n$CODESIGN\nsubjectAltName = email:first@x509-test.invalid,URI:https://x509-test.invalid/workflow@refs/heads/main,DNS:host.x509-test.invalid"
bundles multisan sha256 SHA2_256
# .1.8 and .1.1 both present: .1.8 wins. Only .1.1: it is used. (.1.1 holds the raw string.)
V1_HEX=$(printf 'https://v1.x509-test.invalid' | od -An -tx1 | tr -d ' \n')
leaf issuerboth ec:prime256v1 "keyUsage = critical,digitalSignature\n$CODESIGN\n$(email issuerboth)\n1.3.6.1.4.1.57264.1.1 = DER:$V1_HEX\n1.3.6.1.4.1.57264.1.8 = ASN1:UTF8String:$ISSUER_V2"
bundles issuerboth sha256 SHA2_256
leaf issuerv1 ec:prime256v1 "keyUsage = critical,digitalSignature\n$CODESIGN\n$(email issuerv1)\n1.3.6.1.4.1.57264.1.1 = DER:$V1_HEX"
bundles issuerv1 sha256 SHA2_256
# GitHub Actions extensions (typed fields of SignerIdentity).
leaf github ec:prime256v1 "$FULCIO\n$CODESIGN
subjectAltName = URI:https://github.com/octo/repo/.github/workflows/release.yml@refs/tags/v1
1.3.6.1.4.1.57264.1.12 = ASN1:UTF8String:https://github.com/octo/repo
1.3.6.1.4.1.57264.1.15 = ASN1:UTF8String:123456
1.3.6.1.4.1.57264.1.16 = ASN1:UTF8String:https://github.com/octo
1.3.6.1.4.1.57264.1.17 = ASN1:UTF8String:654321
1.3.6.1.4.1.57264.1.19 = ASN1:UTF8String:sha1:0123456789abcdef0123456789abcdef01234567
1.3.6.1.4.1.57264.1.21 = ASN1:UTF8String:https://github.com/octo/repo/actions/runs/1/attempts/1
1.3.6.1.4.1.57264.1.22 = ASN1:UTF8String:public"
bundles github sha256 SHA2_256

echo "wrote fixtures to $OUT"
