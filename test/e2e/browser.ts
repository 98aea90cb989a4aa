import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../helpers/cli.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const UI_DIR = path.join(ROOT, 'out/renderer');
export const SCREENSHOTS = path.join(ROOT, 'out/screenshots');

/** Debian's Chromium, or a visible skip locally (a failure under CI=true, where .ci/run installs it). */
export function chromiumStatus(): { skip: boolean } {
  if (fs.existsSync(CHROMIUM)) return { skip: false };
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing (apt-get install -y chromium)`);
  console.warn(`SKIPPED: end-to-end tests need Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return { skip: true };
}

/** Builds the renderer if `npm test` has not already. */
export async function ensureUiBuilt(): Promise<void> {
  if (fs.existsSync(path.join(UI_DIR, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'src/renderer/vite.config.ts') });
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `borex serve` as a user starts it; the URL is the first line on stdout. */
export async function startServe(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/borex.mjs'), 'serve', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`borex serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`borex serve printed no URL in 30 s: ${stderr}`)), 30_000);
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/** Headless Debian Chromium with the flags this machine needs and a fresh profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AppPage {
  served: Served;
  page: Page;
  /** Closes Chromium, then stops the server. */
  close(): Promise<void>;
}

/**
 * The renderer built, `borex serve` started with `env` and `args`, and a fresh Chromium page on its
 * URL (after `tab`'s button is clicked, if given). Errors thrown in the page go to `problems`; with
 * `onlyServer`, so does every request to anywhere but the server (data: and blob: URLs aside).
 * `watch` adds the test's own listeners before the page loads, so they see the first requests.
 */
export async function openApp(o: { env?: NodeJS.ProcessEnv; args?: string[]; problems: string[]; onlyServer?: boolean; watch?: (page: Page, served: Served) => void; tab?: string }): Promise<AppPage> {
  await ensureUiBuilt();
  const served = await startServe(o.env ?? {}, o.args ?? []);
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.context.newPage();
    o.watch?.(page, served);
    page.on('pageerror', (e) => o.problems.push(`page error: ${e.message}`));
    if (o.onlyServer) {
      const ws = served.origin.replace('http', 'ws');
      page.on('request', (r) => {
        if (!r.url().startsWith(served.origin) && !r.url().startsWith(ws) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) o.problems.push(`request elsewhere: ${r.url()}`);
      });
    }
    await page.goto(served.url);
    if (o.tab) await page.getByTestId(o.tab).click();
    const opened = browser;
    return {
      served,
      page,
      async close() {
        await opened.close();
        await served.stop();
      },
    };
  } catch (err) {
    // Nothing left running when the page could not be opened (afterAll has no handle to close).
    await browser?.close();
    await served.stop();
    throw err;
  }
}
