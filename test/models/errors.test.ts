import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, Errors, errInvalidSyslog, isError } from '../../src/models/index.js';

describe('the error catalogue', () => {
  it('names every error by its key, and a copy keeps the name', () => {
    for (const [name, err] of Object.entries(Errors)) assert.equal(err.code, name);
    const copy = Errors.CallTimeoutServerBusy.copy();
    assert.ok(isError(copy, 'CallTimeoutServerBusy'));
    assert.deepEqual(copy.headers, { 'Retry-After': '15' });
  });

  it('tells errors apart by their code, not their text', () => {
    const sameText = new ApiError(504, Errors.CallTimeout.message);
    assert.equal(isError(sameText, 'CallTimeout'), false, 'the same message is not the same error');
    assert.equal(isError(Errors.CallTimeout.copy(), 'CallTimeout'), true);
    assert.equal(isError(new Error('Timed out'), 'CallTimeout'), false);
    assert.equal(errInvalidSyslog('yo', 'bad').code, 'InvalidSyslogUrl');
  });
});
