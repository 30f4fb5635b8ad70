/**
 * Chromium (Debian package) for the dashboard's browser tests, which drive it with
 * `playwright-core` (`test/outputs/dashboard/`). `install` is what matters: a fresh machine has
 * no browser. The tests launch their own Chromium with an empty profile; the instance started
 * here (headless, DevTools on 127.0.0.1 only) proves that the browser runs on this machine before
 * the suite does, and its log shows why when it does not.
 */
import { request } from 'node:http';
import { aptInstall } from './debian.js';
import type { ServerSpec } from './spec.js';

/** Where Debian's package puts the browser; the tests launch this file. */
export const chromiumPath = '/usr/bin/chromium';

export const chromium: ServerSpec = {
  name: 'chromium',
  env: { KINDLING_CHROMIUM_DEVTOOLS_PORT: '19222' },
  readyTimeoutMs: 30_000,

  async install(ctx) {
    await aptInstall(ctx, 'chromium', chromiumPath);
  },

  async start(ctx) {
    return ctx.spawn(chromiumPath, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${ctx.dataDir}`,
      '--remote-debugging-address=127.0.0.1',
      `--remote-debugging-port=${ctx.env.KINDLING_CHROMIUM_DEVTOOLS_PORT}`,
      'about:blank',
    ]);
  },

  ready: (ctx) => devToolsAnswers(Number(ctx.env.KINDLING_CHROMIUM_DEVTOOLS_PORT)),
};

/** True when Chromium's DevTools endpoint on 127.0.0.1:`port` answers `/json/version`. */
function devToolsAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/json/version', timeout: 2000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
