// A real headless browser for the tests of HTML output: Debian's chromium, driven by puppeteer-core
// (no bundled browser download). A missing browser fails the test with the package to install.
import { existsSync } from "node:fs";
import puppeteer, { type Browser } from "puppeteer-core";

export const CHROMIUM = process.env.OSLOGIN_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(executable = CHROMIUM): Promise<Browser> {
  if (!existsSync(executable)) throw new Error(`${executable} not found: install the Debian package chromium (apt-get install --no-install-recommends chromium)`);
  // --no-sandbox: the tests run as root in CI, where chromium refuses its sandbox.
  return puppeteer.launch({ executablePath: executable, headless: true, args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"] });
}
