// Opens a file (or an http URL) in headless Chromium (test/chromium.ts finds it) and collects the page's console
// errors and uncaught exceptions, for the lab's browser tests.
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumLaunchOptions } from '../../../test/chromium.js';

export async function withPage(file: string, use: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const browser: Browser = await puppeteer.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(/^https?:\/\//.test(file) ? file : pathToFileURL(file).href, { waitUntil: 'load' });
    await use(page, errors);
  } finally {
    await browser.close();
  }
}
