// The pieces of git-remote.ts that need no server: the auth environment and how a refused push is told apart.
import { describe, expect, it } from 'vitest';
import { gitAuthEnv, pushRefusal } from '../src/index.js';

describe('gitAuthEnv', () => {
  it('resets the persisted header, then sends the token as basic auth for the server only', () => {
    const env = gitAuthEnv({ token: 'ghs_abc', serverUrl: 'https://github.com/' }, {});
    const header = `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`;
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_1: header,
    });
  });

  it('numbers its entries after those the environment already has; a GHES path prefix is kept', () => {
    const env = gitAuthEnv({ token: 't', serverUrl: 'https://ghe.example.com/git' }, { GIT_CONFIG_COUNT: '3' });
    expect(env.GIT_CONFIG_COUNT).toBe('5');
    expect(env.GIT_CONFIG_KEY_3).toBe('http.https://ghe.example.com/git/.extraheader');
    expect(env.GIT_CONFIG_VALUE_3).toBe('');
    expect(env.GIT_CONFIG_VALUE_4).toMatch(/^AUTHORIZATION: basic /);
    expect(gitAuthEnv(undefined)).toEqual({});
  });

  it('refuses a token that could add headers, and a server that is not an http(s) URL', () => {
    for (const token of ['', 'a b', 'abc\r\nX-Evil: 1', 'tab\t'])
      expect(() => gitAuthEnv({ token, serverUrl: 'https://github.com' })).toThrow(
        expect.objectContaining({ code: 'E_USAGE' }),
      );
    for (const serverUrl of ['github.com', 'ssh://git@github.com', 'file:///tmp'])
      expect(() => gitAuthEnv({ token: 't', serverUrl })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});

describe('pushRefusal', () => {
  it('tells a moved ref, a refusing hook or rule, and a token that may not push apart; anything else is null', () => {
    expect(pushRefusal(' ! [rejected]        HEAD -> feat (stale info)\nerror: failed to push some refs')).toBe(
      'non-fast-forward',
    );
    expect(pushRefusal(' ! [rejected]        a -> b (fetch first)')).toBe('non-fast-forward');
    expect(
      pushRefusal(
        'remote: error: GH006: Protected branch update failed for refs/heads/main.\n ! [remote rejected] a -> main (protected branch hook declined)',
      ),
    ).toBe('rejected');
    expect(
      pushRefusal(
        "remote: Permission to o/r.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/o/r.git/': The requested URL returned error: 403",
      ),
    ).toBe('forbidden');
    expect(pushRefusal("fatal: unable to access 'https://x/': Could not resolve host: x")).toBeNull();
    expect(pushRefusal("fatal: 'nope' does not appear to be a git repository")).toBeNull();
  });
});
