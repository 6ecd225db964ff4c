// @sigstore/verify's side of the Sigstore differential test.
//
// Usage: node sigstore_differential.js CASES.tsv VECTORS_DIR   (NODE_PATH = the node_modules
// holding @sigstore/verify, @sigstore/bundle, @sigstore/protobuf-specs)
// Prints one line per case: ID<TAB>PASS|FAIL<TAB>reason. Offline: each case's trusted root
// becomes the trust material; nothing is fetched.
//
// As the `sigstore` package's verify does: bundleFromJSON (which validates the bundle per
// version), toSignedEntity(bundle, artifact), Verifier(trustMaterial).verify(entity, policy)
// with policy { subjectAlternativeName, extensions: { issuer } }. A digest instead of the
// artifact cannot be given for a message signature (N/A: it verifies over the bytes). DSSE bundles
// with an artifact: some in-toto subject must carry its digest (as `sigstore verify` and our
// verifier require). Key-based cases: the key is given through toTrustMaterial's key map
// under the bundle's hint.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

function bundleJSON(dir, spec) {
  const [p, frag = ''] = spec.split('#');
  const raw = fs.readFileSync(path.join(dir, p));
  if (frag.startsWith('attestations/')) {
    return JSON.parse(raw).attestations[Number(frag.split('/')[1])].bundle;
  }
  if (frag.startsWith('line/')) {
    const lines = raw.toString().split('\n').filter((l) => l.trim());
    return JSON.parse(lines[Number(frag.split('/')[1])]);
  }
  return JSON.parse(raw);
}

function trustedRoot(dir, p) {
  let doc = bundleJSON(dir, p); // `root.jsonl#line/N` picks one root of a JSON Lines file
  if (doc.trustedRoot) doc = doc.trustedRoot; // ClientTrustConfig
  return TrustedRoot.fromJSON(doc);
}

function subjectMatches(payload, artifact, dir) {
  let alg;
  let want;
  if (/^sha(256|512):/.test(artifact)) {
    [alg, want] = artifact.split(':');
  } else {
    alg = 'sha256';
    want = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, artifact))).digest('hex');
  }
  const st = JSON.parse(payload.toString());
  return (st.subject || []).some((s) => (s.digest || {})[alg] === want);
}

function run(dir, c) {
  const json = bundleJSON(dir, c.bundle);
  const bundle = bundleFromJSON(json);
  let keys;
  if (c.key) {
    const hint = (json.verificationMaterial.publicKey || {}).hint || '';
    const pem = fs.readFileSync(path.join(dir, c.key), 'utf8');
    const keyObj = crypto.createPublicKey(pem);
    keys = (h) => {
      if (h !== hint) throw new Error(`no key for hint ${h}`);
      return { publicKey: keyObj, validFor: () => true };
    };
  }
  const material = toTrustMaterial(trustedRoot(dir, c.trusted_root), keys);
  const isDsse = bundle.content.$case === 'dsseEnvelope';
  let data;
  if (!isDsse) {
    if (!c.artifact) throw new Error('a message signature needs the artifact');
    if (/^sha(256|512):/.test(c.artifact)) {
      return 'N/A'; // @sigstore/verify checks message signatures over the artifact bytes only
    } else {
      data = fs.readFileSync(path.join(dir, c.artifact));
    }
  }
  const entity = toSignedEntity(bundle, data);
  const policy = {};
  if (c.identity) policy.subjectAlternativeName = c.identity;
  if (c.issuer) policy.extensions = { issuer: c.issuer };
  new Verifier(material).verify(entity, c.key ? undefined : policy);
  if (isDsse && c.artifact) {
    const payload = bundle.content.dsseEnvelope.payload;
    if (!subjectMatches(payload, c.artifact, dir)) throw new Error("no statement subject has the artifact's digest");
  }
  return 'PASS';
}

function main() {
  const [manifest, dir] = process.argv.slice(2);
  const lines = fs
    .readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const header = lines[0].split('\t');
  const out = [];
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    const c = {};
    header.forEach((h, i) => {
      c[h] = f[i] || '';
    });
    let verdict;
    let reason = '';
    try {
      verdict = run(dir, c);
    } catch (e) {
      verdict = 'FAIL';
      reason = `${e.code || e.name || 'Error'}: ${e.message}`.replace(/\s+/g, ' ').slice(0, 300);
    }
    out.push(`${c.id}\t${verdict}\t${reason}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

main();
