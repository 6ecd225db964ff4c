#!/usr/bin/env node
// A local Sigstore for tests: npm @sigstore/mock's Fulcio, Rekor v1 and TSA handlers (with the
// CA, CT log, transparency log and TSA the mock initialises) behind one HTTP server on
// 127.0.0.1 with an ephemeral port, plus the files a client needs to use and trust it.
//
//   node scripts/sigstore-mock/server.js --dir DIR [--mode MODE] [--subject S] [--issuer I]
//                                        [--rekor-v2 yes] [--exit-with-stdin yes]
//                                        [--san-claim sub|email]  (the token claim Fulcio certifies)
//
// Writes, once listening:
//   DIR/trusted_root.json    the mock's CA root, CT log key, Rekor key and TSA chain
//   DIR/signing_config.json  SigningConfig v0.2 naming this server as CA, Rekor v1 and TSA
//   DIR/token                an OIDC identity token (ES256 JWT, aud "sigstore") for S / I
// and prints one JSON line on stdout: {"url": "http://127.0.0.1:PORT", "subject", "issuer"}.
// It serves until killed (with --exit-with-stdin yes also when its stdin closes, so that a
// dying test takes it along).
//
// Routes: POST /api/v2/signingCert (Fulcio), POST /api/v1/log/entries (Rekor v1),
// POST /api/v2/log/entries (Rekor v2, hashedrekord; listed in signing_config.json with
// --rekor-v2 yes),
// POST /api/v1/timestamp (TSA), GET /actions-token?audience=A (a GitHub Actions OIDC token
// endpoint: needs "Authorization: Bearer test-actions-request-token").
//
// Bridges for the mock's known gaps (measured against sigstore-python and the Fulcio v2 API):
// - Fulcio: the token may arrive as an "Authorization: Bearer" header (the mock reads only
//   credentials.oidcIdentityToken in the body); the CSR may be base64 of the PEM text (what the
//   protobuf-JSON `bytes` field carries; the mock reads only PEM).
// - CT log: the mock's SCTs come out with an empty signature and without the per-SCT length
//   prefix of RFC 6962 §3.3; the server signs them itself (same log key and signed structure)
//   and hands the mock's CA SCTs that carry the prefix.
// - Rekor v1: a `dsse` 0.0.1 entry is logged in Rekor's canonical form, not as proposed.
// - TSA: an RFC 3161 DER TimeStampReq (application/timestamp-query) is translated into the
//   mock's JSON request form; nonces of 2^53 and above (sigstore-python's are 64-bit) are
//   echoed exactly (the mock alone writes them as an empty INTEGER).
//
// Fault modes (--mode), for the clients' error paths:
//   ok                     default
//   fulcio-500             Fulcio answers 500
//   fulcio-garbage         Fulcio answers 201 with a body that is not JSON
//   fulcio-other-key       Fulcio certifies a freshly generated key instead of the caller's
//   rekor-500              Rekor answers 500
//   rekor-garbage          Rekor answers 201 with a body that is not JSON
//   rekor-other-signature  Rekor logs the entry with another signature than the one proposed
//   rekor-bad-proof        Rekor's inclusion proof names another root hash
//   fulcio-hang            Fulcio never answers (client timeouts)
//   tsa-500                the TSA answers 500
//   tsa-other-nonce        the TSA's timestamp carries another nonce than the request's
//   tsa-garbage            the TSA answers 200 with bytes that are no timestamp response
//   tsa-other-digest       the TSA timestamps another digest than the one it was sent
//   rekor-409              Rekor logs the entry but answers 409 Conflict naming it (ETag and
//                          Location), as Rekor does for an entry that exists already
//   rekor-409-no-uuid      the same, without ETag or Location
//   lookup-empty           the search index finds nothing (entries are still logged)
//   lookup-other-signature the search index lists an entry logged for the same payload with
//                          another signature (a valid entry, for another envelope)
//   lookup-bad-proof       entries fetched by UUID carry an inclusion proof for another root
//   lookup-intoto          the search index lists only `intoto` entries (tests log `intoto` 0.0.1
//                          entries themselves, as slsa-github-generator did, with
//                          POST /api/v1/log/entries)
//
// Lookups (Rekor v1, for entries this server logged; UUIDs are leaf hashes, as Rekor's):
// POST /api/v1/index/retrieve {"hash": "sha256:HEX"} lists the UUIDs of the `dsse` 0.0.1 and
// `intoto` 0.0.2 entries whose payload has that hash; GET /api/v1/log/entries/UUID returns
// {UUID: LogEntry}.
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');

function parseArgs(argv) {
  const out = {
    dir: null,
    mode: 'ok',
    subject: 'https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main',
    issuer: 'https://token.actions.mock.example',
    'exit-with-stdin': 'no',
    'rekor-v2': 'no',
    'san-claim': 'sub',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in out) || argv[i + 1] === undefined) {
      throw new Error(`usage: server.js --dir DIR [--mode M] [--subject S] [--issuer I]; bad ${argv[i]}`);
    }
    out[key] = argv[i + 1];
  }
  if (!out.dir) throw new Error('--dir is required');
  return out;
}

// @sigstore/mock lives in target/sigstore-mock-node (scripts/ci-deps.sh) unless
// SIGSTORE_MOCK_NODE_MODULES names another node_modules directory.
function load(name) {
  const dirs = [
    process.env.SIGSTORE_MOCK_NODE_MODULES,
    path.join(__dirname, '..', '..', 'target', 'sigstore-mock-node', 'node_modules'),
  ].filter(Boolean);
  return require(require.resolve(name, { paths: dirs }));
}

const mock = load('@sigstore/mock');
const jose = load('jose');
const pkijs = load('pkijs');
const asn1js = load('asn1js');

// The mock's TSA builds TSTInfo.nonce with `new asn1js.Integer({ value: nonce })`, exact only
// below 2^53 (a JavaScript number); above it the INTEGER comes out empty (invalid DER), while
// sigstore-python sends 64-bit nonces. The TSA bridge passes a nonce of any size as decimal
// digits, which this Integer (the mock's own asn1js module, patched in place) encodes exactly.
{
  const Integer = asn1js.Integer;
  asn1js.Integer = class extends Integer {
    constructor(params) {
      if (params && typeof params.value === 'string' && /^[0-9]+$/.test(params.value)) {
        super({ valueHex: Integer.fromBigInt(BigInt(params.value)).valueBlock.valueHexView });
      } else {
        super(params);
      }
    }
  };
}

const ACTIONS_REQUEST_TOKEN = 'test-actions-request-token';
const MAX_BODY = 1 << 20;

const b64 = (buf) => Buffer.from(buf).toString('base64');
const spki = (keyObject) => keyObject.export({ format: 'der', type: 'spki' });
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Fulcio bridges: Bearer header -> body credentials; CSR as base64(PEM) -> PEM.
function bridgeFulcio(body, headers) {
  const json = JSON.parse(body.toString());
  const auth = headers.authorization || '';
  const bearer = /^bearer\s+(.+)$/i.exec(auth);
  if (bearer && !(json.credentials && json.credentials.oidcIdentityToken)) {
    json.credentials = { oidcIdentityToken: bearer[1].trim() };
  }
  if (typeof json.certificateSigningRequest === 'string' && !json.certificateSigningRequest.startsWith('-----')) {
    const decoded = Buffer.from(json.certificateSigningRequest, 'base64').toString('latin1');
    if (decoded.startsWith('-----BEGIN')) json.certificateSigningRequest = decoded;
  }
  return json;
}

// TSA bridge: a DER TimeStampReq -> the mock's JSON request.
function bridgeTsa(body, headers) {
  if (!/timestamp-query/.test(headers['content-type'] || '')) return body;
  const asn = asn1js.fromBER(new Uint8Array(body).buffer);
  if (asn.offset === -1) throw new Error('TimeStampReq is not DER');
  const req = new pkijs.TimeStampReq({ schema: asn.result });
  const oid = req.messageImprint.hashAlgorithm.algorithmId;
  const names = {
    '2.16.840.1.101.3.4.2.1': 'sha256',
    '2.16.840.1.101.3.4.2.2': 'sha384',
    '2.16.840.1.101.3.4.2.3': 'sha512',
  };
  return Buffer.from(JSON.stringify({
    artifactHash: b64(req.messageImprint.hashedMessage.valueBlock.valueHexView),
    hashAlgorithm: names[oid] || 'sha256',
    // decimal digits: echoed exactly at any size (the asn1js.Integer patch above)
    nonce: req.nonce
      ? BigInt(`0x${Buffer.from(req.nonce.valueBlock.valueHexView).toString('hex') || '0'}`).toString()
      : undefined,
    certificates: req.certReq || false,
  }));
}

// Rekor bridge: the mock logs a proposed entry verbatim; real Rekor v1 stores a `dsse` 0.0.1
// entry in its canonical form (envelope and payload hashes, signatures with their verifiers),
// which is what verifiers compare with the bundle.
function canonicalDsse(entry) {
  if (entry.kind !== 'dsse' || !entry.spec || !entry.spec.proposedContent) return entry;
  const { envelope, verifiers } = entry.spec.proposedContent;
  const env = JSON.parse(envelope);
  if (!Array.isArray(verifiers) || verifiers.length !== 1) throw new Error('one verifier expected');
  const hex = (buf) => sha256(buf).toString('hex');
  return {
    apiVersion: entry.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: hex(Buffer.from(envelope)) },
      payloadHash: { algorithm: 'sha256', value: hex(Buffer.from(env.payload, 'base64')) },
      signatures: env.signatures.map((s) => ({ signature: s.sig, verifier: verifiers[0] })),
    },
  };
}

// Rekor v2 (`POST /api/v2/log/entries`), written here: @sigstore/mock 0.11 has no v2 handler,
// and 0.12's logs the request form itself as the entry body and proves a random index in a
// tree of one. This one stores the canonical `hashedrekord` 0.0.2 body, proves index 0 of a
// one-leaf tree, and signs a C2SP checkpoint note named after the host (rekor-tiles' form).
function rekorV2Entry(request, host, keys) {
  const req = request.hashedRekordRequestV002;
  if (!req || !req.signature || !req.signature.verifier) {
    throw new Error('only hashedRekordRequestV002 is supported');
  }
  const body = Buffer.from(JSON.stringify({
    apiVersion: '0.0.2',
    kind: 'hashedrekord',
    spec: {
      hashedRekordV002: {
        data: { algorithm: 'SHA2_256', digest: req.digest },
        signature: { content: req.signature.content, verifier: req.signature.verifier },
      },
    },
  }));
  const root = sha256(Buffer.concat([Buffer.from([0]), body]));
  const note = `${host}\n1\n${b64(root)}\n`;
  const sig = crypto.sign('sha256', Buffer.from(note), keys.privateKey);
  const hint = sha256(spki(keys.publicKey)).subarray(0, 4);
  const checkpoint = `${note}\n\u2014 ${host} ${b64(Buffer.concat([hint, sig]))}\n`;
  return {
    logIndex: '0',
    logId: { keyId: b64(sha256(spki(keys.publicKey))) },
    kindVersion: { kind: 'hashedrekord', version: '0.0.2' },
    integratedTime: '0',
    inclusionProof: { logIndex: '0', rootHash: b64(root), treeSize: '1', hashes: [], checkpoint: { envelope: checkpoint } },
    canonicalizedBody: b64(body),
  };
}

// Rekor fault: log the proposed entry with another (valid-looking) signature.
function otherSignature(entry) {
  const bogus = b64(crypto.randomBytes(71));
  if (entry.spec && entry.spec.signature) entry.spec.signature.content = bogus;
  if (entry.spec && entry.spec.proposedContent) {
    const env = JSON.parse(entry.spec.proposedContent.envelope);
    env.signatures = env.signatures.map((s) => ({ ...s, sig: bogus }));
    entry.spec.proposedContent.envelope = JSON.stringify(env);
  }
  return entry;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.dir, { recursive: true });

  const caKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlogKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tsaKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlogV2Keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const oidcKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

  const routes = {};
  // Rekor v1 entries logged (UUID -> LogEntry) and the search index (sha256:HEX -> UUIDs).
  const logged = new Map();
  const byHash = new Map();
  // Rekeys a Rekor answer {uuid: LogEntry} by the leaf hash of each body (Rekor's UUID) and
  // remembers the entries; `index` also lists them under their payload hash.
  const remember = (answer, index) => {
    const out = {};
    for (const e of Object.values(answer)) {
      const body = Buffer.from(e.body, 'base64');
      const uuid = sha256(Buffer.concat([Buffer.from([0]), body])).toString('hex');
      out[uuid] = e;
      logged.set(uuid, JSON.parse(JSON.stringify(e)));
      if (!index) continue;
      const b = JSON.parse(body.toString());
      const ph = b.kind === 'dsse' ? b.spec.payloadHash : (b.spec.content || {}).payloadHash;
      if (ph && ph.value) {
        const key = `sha256:${ph.value}`;
        byHash.set(key, [...(byHash.get(key) || []), uuid]);
      }
    }
    return out;
  };
  const server = http.createServer(async (req, res) => {
    const send = (status, body, type) => {
      res.writeHead(status, { 'content-type': type || 'application/json' });
      res.end(body);
    };
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      // Rekor answers `/api/v1/log/entries/` as it does `/api/v1/log/entries` (sigstore-python
      // 3.x posts to the former)
      if (url.pathname.length > 1 && url.pathname.endsWith('/')) {
        url.pathname = url.pathname.replace(/\/+$/, '');
      }
      if (req.method === 'GET' && url.pathname === '/actions-token') {
        if ((req.headers.authorization || '').toLowerCase() !== `bearer ${ACTIONS_REQUEST_TOKEN}`) {
          return send(401, '{"message":"bad request token"}');
        }
        const token = await mintToken(url.searchParams.get('audience') || 'unset');
        return send(200, JSON.stringify({ count: 1, value: token }));
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/log/entries') {
        const request = JSON.parse((await readBody(req)).toString());
        if (args.mode === 'rekor-500') return send(500, '{"message":"error"}');
        if (args.mode === 'rekor-other-signature' && request.hashedRekordRequestV002) {
          request.hashedRekordRequestV002.signature.content = b64(crypto.randomBytes(71));
        }
        return send(201, JSON.stringify(rekorV2Entry(request, new URL(base).host, tlogV2Keys)));
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/index/retrieve') {
        const query = JSON.parse((await readBody(req)).toString());
        let uuids = byHash.get(String(query.hash).toLowerCase()) || [];
        if (args.mode === 'lookup-empty') uuids = [];
        if (args.mode === 'lookup-intoto') {
          uuids = uuids.filter((u) => JSON.parse(Buffer.from(logged.get(u).body, 'base64').toString()).kind === 'intoto');
        }
        if (args.mode === 'lookup-other-signature') {
          // a valid entry of this log for the same payload, signed by someone else
          const others = [];
          for (const u of uuids) {
            const body = JSON.parse(Buffer.from(logged.get(u).body, 'base64').toString());
            for (const sig of (body.spec.signatures || [])) sig.signature = b64(crypto.randomBytes(71));
            others.push(...Object.keys(remember(await tlog.log(body), false)));
          }
          uuids = others;
        }
        return send(200, JSON.stringify(uuids));
      }
      const entryPath = /^\/api\/v1\/log\/entries\/([0-9a-fA-F]{64,80})$/.exec(url.pathname);
      if (req.method === 'GET' && entryPath) {
        const uuid = entryPath[1].toLowerCase();
        const e = logged.get(uuid.slice(-64));
        if (!e) return send(404, '{"code":404,"message":"entry not found"}');
        const entry = JSON.parse(JSON.stringify(e));
        if (args.mode === 'lookup-bad-proof') {
          entry.verification.inclusionProof.rootHash = sha256(Buffer.from('another tree')).toString('hex');
        }
        return send(200, JSON.stringify({ [uuid]: entry }));
      }
      const route = routes[url.pathname];
      if (req.method !== 'POST' || !route) return send(404, '{"message":"not found"}');
      let body = await readBody(req);
      const mode = args.mode;
      if (url.pathname === '/api/v2/signingCert') {
        if (mode === 'fulcio-hang') return; // never answers
        if (mode === 'fulcio-500') return send(500, '{"code":13,"message":"internal error"}');
        if (mode === 'fulcio-garbage') return send(201, '<html>surprise</html>', 'text/html');
        const json = bridgeFulcio(body, req.headers);
        if (mode === 'fulcio-other-key' && json.publicKeyRequest) {
          const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
          json.publicKeyRequest.publicKey.content = other.publicKey.export({ format: 'pem', type: 'spki' });
        }
        body = Buffer.from(JSON.stringify(json));
      } else if (url.pathname === '/api/v1/log/entries') {
        if (mode === 'rekor-500') return send(500, '{"code":500,"message":"error"}');
        if (mode === 'rekor-garbage') return send(201, 'not json at all');
        let entry = JSON.parse(body.toString());
        if (mode === 'rekor-other-signature') entry = otherSignature(entry);
        body = Buffer.from(JSON.stringify(canonicalDsse(entry)));
      } else if (url.pathname === '/api/v1/timestamp') {
        if (mode === 'tsa-500') return send(500, '{"message":"TSA down"}');
        if (mode === 'tsa-garbage') return send(200, 'not a timestamp response');
        body = bridgeTsa(body, req.headers);
        if (mode === 'tsa-other-digest') {
          const json = JSON.parse(body.toString());
          json.artifactHash = b64(sha256(Buffer.from(json.artifactHash || '')));
          body = Buffer.from(JSON.stringify(json));
        }
        if (mode === 'tsa-other-nonce') {
          const json = JSON.parse(body.toString());
          json.nonce = (json.nonce || 0) + 1;
          body = Buffer.from(JSON.stringify(json));
        }
        // @sigstore/verify 3.1.1 refuses a genTime with fewer than three fraction digits
        // ("…52.92Z", which DER requires when the milliseconds end in 0): sign in a
        // millisecond that does not, with room to spare, so the interop runs are deterministic.
        for (;;) { // one clock read per test (at most ~5 ms)
          const ms = Date.now() % 10;
          if (ms >= 1 && ms <= 5) break;
        }
      }
      const out = await route(body);
      let response = out.response;
      if (url.pathname === '/api/v1/log/entries' && out.statusCode === 201) {
        response = JSON.stringify(remember(JSON.parse(response), true));
        if (mode === 'rekor-409' || mode === 'rekor-409-no-uuid') {
          const uuid = Object.keys(JSON.parse(response))[0];
          const headers = { 'content-type': 'application/json' };
          if (mode === 'rekor-409') {
            headers.etag = uuid;
            headers.location = `/api/v1/log/entries/${uuid}`;
          }
          res.writeHead(409, headers);
          return res.end(JSON.stringify({
            code: 409, message: `An equivalent entry already exists in the transparency log with UUID ${uuid}`,
          }));
        }
      }
      if (url.pathname === '/api/v1/log/entries' && mode === 'rekor-bad-proof' && out.statusCode === 201) {
        const parsed = JSON.parse(response);
        for (const e of Object.values(parsed)) {
          e.verification.inclusionProof.rootHash = sha256(Buffer.from('another tree')).toString('hex');
        }
        response = JSON.stringify(parsed);
      }
      return send(out.statusCode, response, out.contentType);
    } catch (e) {
      return send(400, JSON.stringify({ message: String(e && e.message) }));
    }
  });

  async function mintToken(audience) {
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ email: 'octo@example.com', email_verified: true })
      .setProtectedHeader({ alg: 'ES256', kid: 'mock-oidc' })
      .setIssuer(args.issuer)
      .setSubject(args.subject)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now - 60)
      .setExpirationTime(now + 3600)
      .sign(oidcKeys.privateKey);
  }

  let base;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;

  const ctlog = await mock.initializeCTLog(ctKeys);
  // SCT bridge: with the pkijs that @sigstore/mock 0.11 resolves, its CT log serialises an
  // SCT with an empty signature, and its CA writes the SCT list without the u16 length that
  // RFC 6962 §3.3 puts before each SerializedSCT ("Invalid SCT length" in sigstore-python).
  // The same log key signs the same RFC 6962 §3.2 structure here, serialised per the RFC and
  // handed to the CA with its length prefix, so the CA's list encoding comes out right.
  const ctLogId = sha256(spki(ctKeys.publicKey));
  ctlog.log = async (preCert, issuerId) => {
    const tbs = Buffer.from(pkijs.Certificate.fromBER(preCert).encodeTBS().toBER());
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(Date.now()));
    const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
    const u24 = (n) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    const signed = Buffer.concat([
      Buffer.from([0, 0]), ts, u16(1), Buffer.from(issuerId), u24(tbs.length), tbs, u16(0),
    ]);
    const sig = crypto.sign('sha256', signed, ctKeys.privateKey);
    const sct = Buffer.concat([Buffer.from([0]), ctLogId, ts, u16(0), Buffer.from([4, 3]), u16(sig.length), sig]);
    return Buffer.concat([u16(sct.length), sct]);
  };
  const ca = await mock.initializeCA(caKeys, ctlog);
  const tlog = await mock.initializeTLog(base, tlogKeys);
  const tsa = await mock.initializeTSA(tsaKeys);
  const fulcio = mock.fulcioHandler(ca, { subjectClaim: args['san-claim'] });
  for (const h of [fulcio, mock.rekorHandler(tlog), mock.tsaHandler(tsa)]) {
    routes[h.path] = h.fn;
  }

  const start = new Date(Date.now() - 60_000).toISOString();
  const logEntry = (keys) => ({
    baseUrl: base,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: b64(spki(keys.publicKey)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
    logId: { keyId: b64(sha256(spki(keys.publicKey))) },
  });
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logEntry(tlogKeys), logEntry(tlogV2Keys)],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
      uri: base,
      certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
      validFor: { start },
    }],
    ctlogs: [logEntry(ctKeys)],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' },
      uri: `${base}/api/v1/timestamp`,
      certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
      validFor: { start },
    }],
  };
  const service = (url) => ({ url, majorApiVersion: 1, validFor: { start }, operator: 'sigstore.mock' });
  const signingConfig = {
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [service(base)],
    oidcUrls: [],
    rekorTlogUrls: args['rekor-v2'] === 'yes'
      ? [service(base), { ...service(base), majorApiVersion: 2 }]
      : [service(base)],
    tsaUrls: [service(`${base}/api/v1/timestamp`)],
    rekorTlogConfig: { selector: 'ANY' },
    tsaConfig: { selector: 'ANY' },
  };
  const write = (name, data) => {
    const file = path.join(args.dir, name);
    fs.writeFileSync(`${file}.tmp`, data);
    fs.renameSync(`${file}.tmp`, file);
  };
  write('trusted_root.json', JSON.stringify(trustedRoot, null, 2) + '\n');
  write('signing_config.json', JSON.stringify(signingConfig, null, 2) + '\n');
  write('token', await mintToken('sigstore'));
  process.stdout.write(JSON.stringify({
    url: base, subject: args.subject, issuer: args.issuer,
    actionsRequestToken: ACTIONS_REQUEST_TOKEN,
  }) + '\n');

  if (args['exit-with-stdin'] === 'yes') {
    process.stdin.on('end', () => process.exit(0));
    process.stdin.on('error', () => process.exit(0));
    process.stdin.resume();
  }
}

main().catch((e) => {
  process.stderr.write(`sigstore-mock: ${e && e.stack}\n`);
  process.exit(1);
});
