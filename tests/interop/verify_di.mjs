// Verify an embedded eddsa-rdfc-2022 proof with Digital Bazaar's jsonld-signatures,
// data-integrity and eddsa-rdfc-2022-cryptosuite (the W3C spec editors' implementation).
// Offline: the document loader answers only from files given on the command line.
//
//   node verify_di.mjs CREDENTIAL.json DID_DOCUMENT.json CONTEXT_URL=FILE...
//
// Prints {"verified": true|false, "error": "..."} and exits 0 if verified, 1 if not.
import {readFileSync} from 'node:fs';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [credentialPath, didPath, ...contextArgs] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
const didDocument = JSON.parse(readFileSync(didPath, 'utf8'));
const documents = new Map();
for(const arg of contextArgs) {
  const at = arg.indexOf('=');
  documents.set(arg.slice(0, at), JSON.parse(readFileSync(arg.slice(at + 1), 'utf8')));
}
documents.set(didDocument.id, didDocument);
for(const method of didDocument.verificationMethod) {
  documents.set(method.id, {'@context': 'https://w3id.org/security/multikey/v1', ...method});
}

async function documentLoader(url) {
  const base = url.split('#')[0];
  const found = documents.get(url) ?? (url.includes('#') ? undefined : documents.get(base));
  if(!found) {
    throw new Error(`not available offline: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: found};
}

const suite = new DataIntegrityProof({cryptosuite});
const result = await jsigs.verify(credential, {
  suite,
  purpose: new jsigs.purposes.AssertionProofPurpose(),
  documentLoader
});
const error = result.error ? String(result.error.errors?.[0]?.message ?? result.error.message ?? result.error) : '';
process.stdout.write(JSON.stringify({verified: result.verified, error}) + '\n');
process.exit(result.verified ? 0 : 1);
