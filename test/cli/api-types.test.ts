import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOCUMENT_FILE, generateApiTypes, TYPES_FILE } from '../../scripts/api-types.js';

// The CLI's client is typed by src/cli/api/openapi-types.ts, generated from the document the
// routes' schemas give. Regenerated files that differ from the committed ones mean a route
// changed without the CLI being checked against it (`npm run api-types`, then the typecheck).
describe('the typed API client', () => {
  it('is generated from the OpenAPI document the server serves today', async () => {
    const { document, types } = await generateApiTypes();
    assert.equal(
      readFileSync(DOCUMENT_FILE, 'utf8'),
      document,
      'docs/openapi.json is stale: run `npm run api-types`',
    );
    assert.equal(
      readFileSync(TYPES_FILE, 'utf8'),
      types,
      'src/cli/api/openapi-types.ts is stale: run `npm run api-types`',
    );
    // The types name the operations the CLI calls, with their paths.
    for (const path of ['/v2/apps', '/v2/fns/{fn_id}', '/v2/triggers/{trigger_id}', '/v2/tokens/{token_id}'])
      assert.match(types, new RegExp(`"${path.replace(/[{}/]/g, '\\$&')}": \\{`));
  });
});
