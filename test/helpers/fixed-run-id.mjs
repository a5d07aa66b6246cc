// Preloaded into the CLI (`NODE_OPTIONS=--import=<this file>`) by tests that must know the next run id: the 2 random
// bytes of a run id become ORCHESTRATE_TEST_RUN_SUFFIX (4 hex digits); every other use of randomBytes is untouched.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

const suffix = process.env.ORCHESTRATE_TEST_RUN_SUFFIX;
if (suffix && /^[0-9a-f]{4}$/.test(suffix)) {
  const original = crypto.randomBytes;
  crypto.randomBytes = function randomBytes(size, callback) {
    if (size === 2 && callback === undefined) return Buffer.from(suffix, 'hex');
    return original.call(crypto, size, callback);
  };
  syncBuiltinESMExports();
}
