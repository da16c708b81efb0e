import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('FNODE_CALL_RETENTION_SECS', () => {
  it('is 7 days by default; 0 keeps calls forever', () => {
    assert.equal(loadConfig({}, '/srv').callRetentionSecs, 604_800);
    assert.equal(loadConfig({ FNODE_CALL_RETENTION_SECS: '0' }, '/srv').callRetentionSecs, 0);
    assert.equal(loadConfig({ FNODE_CALL_RETENTION_SECS: '3600' }, '/srv').callRetentionSecs, 3600);
  });

  it('is read from FNODE_CALL_RETENTION_SECS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-config-'));
    try {
      const file = join(dir, 'retention');
      writeFileSync(file, '86400\n');
      assert.equal(loadConfig({ FNODE_CALL_RETENTION_SECS_FILE: file }, '/srv').callRetentionSecs, 86_400);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a value that is not a non-negative integer, naming the variable', () => {
    for (const raw of ['-1', 'week', '1.5']) {
      assert.throws(
        () => loadConfig({ FNODE_CALL_RETENTION_SECS: raw }, '/srv'),
        (e: unknown) => e instanceof ConfigError && e.message.includes('FNODE_CALL_RETENTION_SECS'),
      );
    }
  });
});
