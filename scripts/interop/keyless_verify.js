// @sigstore/verify's side of scripts/interop/keyless-interop.sh.
//
// Usage: node keyless_verify.js TRUSTED_ROOT BUNDLE ARTIFACT IDENTITY ISSUER
//   (NODE_PATH = node_modules with @sigstore/verify, @sigstore/bundle, @sigstore/protobuf-specs)
// Prints PASS (exit 0) or FAIL: reason (exit 1). A message signature is verified over the
// artifact bytes; for a DSSE bundle some in-toto subject must carry the artifact's SHA-256.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

function verify([rootPath, bundlePath, artifactPath, identity, issuer]) {
  const material = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath))));
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath)));
  const artifact = fs.readFileSync(artifactPath);
  const isDsse = bundle.content.$case === 'dsseEnvelope';
  const entity = toSignedEntity(bundle, isDsse ? undefined : artifact);
  new Verifier(material).verify(entity, { subjectAlternativeName: identity, extensions: { issuer } });
  if (isDsse) {
    const want = crypto.createHash('sha256').update(artifact).digest('hex');
    const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString());
    if (!(statement.subject || []).some((s) => (s.digest || {}).sha256 === want)) {
      throw new Error("no statement subject has the artifact's digest");
    }
  }
}

try {
  verify(process.argv.slice(2));
  process.stdout.write('PASS\n');
} catch (e) {
  process.stdout.write(`FAIL: ${e.code || e.name}: ${e.message}`.replace(/\s+/g, ' ').slice(0, 300) + '\n');
  process.exit(1);
}
