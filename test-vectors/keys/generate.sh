#!/usr/bin/env bash
# Regenerates the key fixtures of test-vectors/keys/ with OpenSSL and Python (pynacl +
# cryptography, for the cosign key). Keys are random, so a rerun produces different files that
# the tests accept just the same: every test derives its expectations from these files.
# Usage: test-vectors/keys/generate.sh   (needs openssl >= 3.0; python3 with pynacl, cryptography)
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
msg=message.txt
printf 'the message the fixtures sign\n' > "$msg"

# Ed25519, PKCS#8 (OpenSSL writes PKCS#8 v1 without the public key)
openssl genpkey -algorithm ed25519 -out ed25519.pkcs8.pem
openssl pkey -in ed25519.pkcs8.pem -pubout -out ed25519.pub.pem
# P-256 as SEC1 "EC PRIVATE KEY"
openssl ecparam -name prime256v1 -genkey -noout -out p256.sec1.pem
openssl ec -in p256.sec1.pem -pubout -out p256.pub.pem 2>/dev/null
openssl dgst -sha256 -sign p256.sec1.pem -out p256.sig.der "$msg"
# P-384 PKCS#8
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pkcs8.pem
openssl pkey -in p384.pkcs8.pem -pubout -out p384.pub.pem
openssl dgst -sha384 -sign p384.pkcs8.pem -out p384.sig.der "$msg"
# P-521: verification only
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.key.tmp
openssl pkey -in p521.key.tmp -pubout -out p521.pub.pem
openssl dgst -sha512 -sign p521.key.tmp -out p521.sig.der "$msg"
# RSA 3072: verification only, PKCS#1 v1.5 and PSS signatures, SPKI and PKCS#1 public keys
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa.key.tmp 2>/dev/null
openssl pkey -in rsa.key.tmp -pubout -out rsa.pub.pem
openssl rsa -in rsa.key.tmp -RSAPublicKey_out -out rsa.pkcs1.pub.pem 2>/dev/null
openssl dgst -sha256 -sign rsa.key.tmp -out rsa.pkcs1v15.sig "$msg"
openssl dgst -sha256 -sign rsa.key.tmp -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
    -out rsa.pss.sig "$msg"
# RSA private keys are refused for signing: keep one PKCS#1 private key to test that
openssl rsa -in rsa.key.tmp -traditional -out rsa.pkcs1.key.pem 2>/dev/null
# Too short to be accepted (refused at load, finding 16): 1024 bits (SPKI), 512 bits (PKCS#1).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2>/dev/null | openssl pkey -pubout -out rsa1024.pub.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 2>/dev/null | openssl rsa -RSAPublicKey_out -out rsa512.pkcs1.pub.pem 2>/dev/null
rm -f p521.key.tmp rsa.key.tmp
# Encrypted PKCS#8 by OpenSSL: scrypt + AES-256-CBC, and PBKDF2-SHA256 + AES-256-CBC
openssl pkcs8 -topk8 -in p256.sec1.pem -scrypt -v2 aes-256-cbc -passout pass:fixture-password \
    -out p256.encrypted-scrypt.pem
openssl pkcs8 -topk8 -in ed25519.pkcs8.pem -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout pass:fixture-password -out ed25519.encrypted-pbkdf2.pem
# cosign-format key (scrypt N=2^15, the legacy set; cosign today uses 2^16)
"$PY" make_cosign_key.py p256.sec1.pem fixture-password 32768 p256.cosign.key
