#!/bin/sh
# Regenerates the loopback test CA and registry certificate (valid 100 years) used by
# tests/registry.rs for the TLS + htpasswd registry. Needs OpenSSL 3. Run from this folder.
set -eu
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
  -subj "/CN=provenance-oci test CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
  -subj "/CN=127.0.0.1" -CA ca.pem -CAkey ca.key -keyout registry.key -out registry.pem \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:FALSE" \
  -addext "extendedKeyUsage=serverAuth"
rm -f ca.key
# htpasswd for user `tester`, password `s3cret-pass` (bcrypt, cost 5: distribution reads only bcrypt)
python3 -c 'import crypt; print("tester:" + crypt.crypt("s3cret-pass", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))' > htpasswd
