// sigstore-js's side of scripts/interop/keyless-interop.sh: signs with npm `sigstore` (the
// signer npm provenance uses) against the local Sigstore mock.
//
// Usage: node keyless_sign.js sign|attest URL TOKEN_FILE INPUT BUNDLE_OUT [TSA_URL]
//   (NODE_PATH = node_modules with `sigstore`)
// sign: a message signature over INPUT; attest: INPUT (an in-toto statement) as the DSSE
// payload. Fulcio and Rekor are both at URL; with TSA_URL a timestamp is added too.
'use strict';
const fs = require('fs');
const sigstore = require('sigstore');

async function main([mode, url, tokenFile, input, out, tsa]) {
  const options = {
    fulcioURL: url,
    rekorURL: url,
    identityToken: fs.readFileSync(tokenFile, 'utf8').trim(),
  };
  if (tsa) options.tsaServerURL = tsa;
  const payload = fs.readFileSync(input);
  const bundle = mode === 'attest'
    ? await sigstore.attest(payload, 'application/vnd.in-toto+json', options)
    : await sigstore.sign(payload, options);
  fs.writeFileSync(out, JSON.stringify(bundle));
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`sigstore-js: ${e.message}`);
  process.exit(1);
});
