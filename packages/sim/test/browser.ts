/**
 * Test helper: a real headless Chromium (Debian's `chromium` package, driven by playwright-core) for tests
 * that open generated HTML. CI installs the package (`.ci/run`); `CHROMIUM_PATH` points elsewhere.
 * @module
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';

export interface WithChromiumOptions {
  /** The Chromium binary (default: env `CHROMIUM_PATH`, else `/usr/bin/chromium`). */
  executablePath?: string;
  /** Limit for starting the browser and connecting to it, ms (default 30 000). */
  launchTimeoutMs?: number;
  /** Limit for a graceful close before the process is killed, ms (default 5 000). */
  closeTimeoutMs?: number;
}

/** The browser binary tests use: env `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Runs `fn` with a freshly launched headless Chromium and always stops the browser process afterwards,
 * whether `fn` resolves, throws or the close hangs (then the process is killed by its PID).
 *
 * The browser is launched as a server and connected to, rather than with `chromium.launch`, because only
 * a `BrowserServer` exposes the child process: a hung browser would otherwise outlive the test run.
 */
export async function withChromium<T>(
  fn: (browser: Browser) => Promise<T>,
  options: WithChromiumOptions = {},
): Promise<T> {
  const executablePath = options.executablePath ?? chromiumPath();
  const launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  const server = await chromium.launchServer({
    executablePath,
    headless: true,
    args: ['--no-sandbox'],
    timeout: launchTimeoutMs,
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.connect(server.wsEndpoint(), { timeout: launchTimeoutMs });
    return await fn(browser);
  } finally {
    await stop(server, browser, closeTimeoutMs);
  }
}

async function stop(
  server: BrowserServer,
  browser: Browser | undefined,
  closeTimeoutMs: number,
): Promise<void> {
  const pid = server.process().pid;
  if (browser !== undefined)
    await withTimeout(browser.close(), closeTimeoutMs).catch(() => undefined);
  const closed = await withTimeout(server.close(), closeTimeoutMs).then(
    () => true,
    () => false,
  );
  if (closed) return;
  const killed = await withTimeout(server.kill(), closeTimeoutMs).then(
    () => true,
    () => false,
  );
  if (!killed && pid !== undefined) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing left to stop.
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What a page did while it loaded: console and page errors, and requests that left the file. */
export interface OpenedPage {
  errors: string[];
  externalRequests: string[];
}

/** Opens an HTML file from a file:// URL, as a user would, recording errors and any request leaving the file. */
export async function openOffline(page: Page, file: string): Promise<OpenedPage> {
  const errors: string[] = [];
  const externalRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!/^(file|data|about):/.test(r.url())) externalRequests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 20_000 });
  return { errors, externalRequests };
}
