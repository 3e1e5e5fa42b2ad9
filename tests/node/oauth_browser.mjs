// The OAuth sign-in of `kash-http --sandbox --auth oauth` in a real browser: Debian's
// headless Chromium driven by playwright-core.
//
// 1. For English and French: register a client, open /authorize, fill the sign-in form,
//    consent, follow the redirect to our callback, exchange the code, call tools/list with the
//    token. Screenshots of the sign-in and consent pages go to OUTDIR.
// 2. The conformance suite's authorization-server scenarios (metadata, authorization code
//    grant), the browser completing the sign-in the suite asks for.
//
//   node tests/node/oauth_browser.mjs ROOT LOGIN PASSWORD OUTDIR

import { createHash, randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [root, login, password, outdir] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(outdir, { recursive: true });

function fail(message) {
  console.error(`oauth browser: ${message}`);
  process.exit(1);
}

/** A callback server on a free loopback port: resolves with the first request's URL. */
async function callbackServer(port = 0) {
  let resolve;
  const received = new Promise((r) => (resolve = r));
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>done</title><p>You can close this window.</p>");
    resolve(new URL(req.url, `http://127.0.0.1:${server.address().port}`));
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { server, received, redirect: `http://127.0.0.1:${server.address().port}/callback` };
}

/** Signs in and consents in `page`, taking screenshots named after `lang`. */
async function signInAndConsent(page, url, lang) {
  const response = await page.goto(url);
  if (response.status() !== 200) fail(`${lang}: /authorize answered ${response.status()}`);
  const csp = response.headers()["content-security-policy"] ?? "";
  if (!csp.includes("frame-ancestors 'none'")) fail(`${lang}: no CSP on the sign-in page: ${csp}`);
  await page.screenshot({ path: join(outdir, `sign-in-${lang}.png`), fullPage: true });
  // Keyboard only: the form is labelled and reachable with Tab.
  await page.getByLabel(lang === "fr" ? "Identifiant" : "Login").fill(login);
  await page.getByLabel(lang === "fr" ? "Mot de passe" : "Password").fill(password);
  await page.keyboard.press("Enter");
  await page.waitForSelector("form[action='/authorize/consent']");
  await page.screenshot({ path: join(outdir, `consent-${lang}.png`), fullPage: true });
  await page.getByRole("button", { name: lang === "fr" ? "Autoriser" : "Allow", exact: true }).click();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const resource = `${root}/mcp`;
  for (const lang of ["en", "fr"]) {
    const cb = await callbackServer();
    const reg = await fetch(`${root}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Browser test", redirect_uris: [cb.redirect] }),
    }).then((r) => r.json());
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const state = randomBytes(8).toString("hex");
    const url = new URL(`${root}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: "code", client_id: reg.client_id, redirect_uri: cb.redirect,
      code_challenge: challenge, code_challenge_method: "S256", state, resource,
    })) url.searchParams.set(k, v);
    const context = await browser.newContext({ locale: lang === "fr" ? "fr-FR" : "en-US" });
    const page = await context.newPage();
    await signInAndConsent(page, url.toString(), lang);
    const back = await cb.received;
    cb.server.close();
    await context.close();
    if (back.searchParams.get("state") !== state) fail(`${lang}: state not echoed`);
    if (back.searchParams.get("iss") !== root) fail(`${lang}: iss is ${back.searchParams.get("iss")}`);
    const code = back.searchParams.get("code") ?? fail(`${lang}: no code: ${back}`);
    const token = await fetch(`${root}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code", code, redirect_uri: cb.redirect,
        client_id: reg.client_id, code_verifier: verifier, resource,
      }),
    }).then((r) => r.json());
    if (!token.access_token) fail(`${lang}: no token: ${JSON.stringify(token)}`);
    const listed = await fetch(resource, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/list",
      },
      body: JSON.stringify({
        jsonrpc: "2.0", id: 1, method: "tools/list",
        params: { _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
        } },
      }),
    });
    const body = await listed.text();
    if (listed.status !== 200 || !body.includes("sale_create")) fail(`${lang}: tools/list ${listed.status}: ${body.slice(0, 300)}`);
    console.log(`oauth browser (${lang}): signed in, consented, token exchanged, tools listed`);
  }

  // The account page lists the two applications just connected.
  {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${root}/account`);
    await page.getByLabel("Login").fill(login);
    await page.getByLabel("Password").fill(password);
    await page.keyboard.press("Enter");
    await page.waitForSelector("form[action='/account/revoke']");
    const revokes = await page.locator("form[action='/account/revoke']").count();
    if (revokes < 2) fail(`the account page lists ${revokes} applications`);
    await page.screenshot({ path: join(outdir, "account-en.png"), fullPage: true });
    await context.close();
    console.log(`oauth browser: the account page lists ${revokes} connected applications`);
  }

  // The conformance suite's authorization-server scenarios, the browser signing in.
  const port = await new Promise((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); });
  });
  const reg = await fetch(`${root}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "Conformance suite", redirect_uris: [`http://127.0.0.1:${port}/callback`] }),
  }).then((r) => r.json());
  const suite = spawn(join(here, "node_modules", ".bin", "conformance"), [
    "authorization", "--url", root, "--client-id", reg.client_id, "--resource", resource, "-p", String(port),
  ]);
  let out = "";
  const exited = new Promise((r) => suite.on("exit", r));
  const authorizeUrl = await new Promise((resolve) => {
    suite.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^(https?:\/\/\S+\/authorize\?\S+)$/m);
      if (m) resolve(m[1]);
    });
    suite.on("exit", () => resolve(null));
  });
  if (!authorizeUrl) fail(`the suite printed no authorization URL:\n${out}`);
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await signInAndConsent(page, authorizeUrl, "conformance");
  const code = await exited;
  await context.close();
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const summary = plain.match(/Total: .*/)?.[0] ?? "";
  console.log(`conformance authorization: ${summary}`);
  if (code !== 0 || !/Total: [1-9][0-9]* passed, 0 failed/.test(plain)) fail(`conformance authorization failed:\n${plain}`);
} finally {
  await browser.close();
}
