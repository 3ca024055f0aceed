// Check local HTML pages "as a person would", in headless Chromium (the system's, never a
// downloaded one): axe-core's WCAG 2.1 A/AA and best-practice rules, horizontal overflow,
// a full-page screenshot, the page's language, direction and text, its charts and images.
//
// Usage:  node check_page.mjs '<job>'     or     node check_page.mjs < job.json
// A job is a JSON list of {"path": "/abs/page.html", "widths": [320, 1200],
// "screenshot_dir": "/abs/dir"}. Each page is loaded once per width (viewport width x 800,
// device scale factor 1) and stdout gets one JSON list with one result per page and width,
// in the job's order. One browser is launched for the whole job.
//
// The browser: $CHROMIUM_PATH, else /usr/bin/chromium. Requests other than file: and
// data: are aborted (the pages must be self-contained) and listed in blocked_requests.
// Anything that stops the job (a missing page, a browser that does not start) is written
// to stderr and the exit status is 1; stdout then holds nothing.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axe = require("axe-core");
const { chromium } = require("playwright-core");

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
const HEIGHT = 800;
const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

function readJob() {
  const text = process.argv[2] ?? readFileSync(0, "utf8");
  const job = JSON.parse(text);
  if (!Array.isArray(job)) throw new Error("the job must be a JSON list of pages");
  for (const item of job) {
    if (typeof item.path !== "string" || !item.path) throw new Error("each page needs a path");
    if (!Array.isArray(item.widths) || item.widths.length === 0)
      throw new Error(`${item.path}: widths must be a non-empty list`);
    if (typeof item.screenshot_dir !== "string" || !item.screenshot_dir)
      throw new Error(`${item.path}: screenshot_dir is required`);
    if (!existsSync(item.path)) throw new Error(`${item.path}: no such page`);
  }
  return job;
}

// Runs in the page: what a person would meet at this viewport width.
function measure() {
  const viewport = document.documentElement.clientWidth;
  const SCROLLERS = new Set(["auto", "scroll", "hidden", "clip"]);
  const root = new Set([document.documentElement, document.body]);
  // An element inside a box that scrolls (or clips) sideways is that box's business: a
  // wide table in an overflow-x:auto wrapper is allowed. <html> and <body> do not count:
  // overflow-x:hidden there cuts content off rather than making it scrollable.
  const insideScroller = (el) => {
    for (let a = el.parentElement; a && !root.has(a); a = a.parentElement) {
      if (SCROLLERS.has(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const describe = (el) => {
    const one = (e) =>
      e.tagName.toLowerCase() +
      (e.id ? `#${e.id}` : "") +
      [...e.classList].map((c) => `.${c}`).join("");
    const parts = [];
    for (let e = el; e && !root.has(e) && parts.length < 4; e = e.parentElement) {
      parts.unshift(one(e));
      if (e.id) break;
    }
    return parts.join(" > ");
  };
  const overflowing = [];
  for (const el of document.body ? document.body.querySelectorAll("*") : []) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    // Screen-reader-only text (1 px boxes) is not something a person sees.
    if (box.width <= 1 && box.height <= 1) continue;
    const left = box.left + window.scrollX;
    const right = box.right + window.scrollX;
    if (right <= viewport + 0.5 && left >= -0.5) continue;
    if (insideScroller(el)) continue;
    overflowing.push({
      selector: describe(el),
      tag: el.tagName.toLowerCase(),
      id: el.id || "",
      classes: [...el.classList],
      left: Math.round(left * 10) / 10,
      right: Math.round(right * 10) / 10,
      width: Math.round(box.width * 10) / 10,
    });
  }
  const images = [...document.images];
  return {
    viewport_width: viewport,
    scroll_width: document.documentElement.scrollWidth,
    overflowing,
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    text: document.body ? document.body.innerText : "",
    svg_images: document.querySelectorAll('svg[role="img"]').length,
    images: images.length,
    broken_images: images.filter((img) => img.complete && img.naturalWidth === 0).length,
  };
}

async function runAxe(tags) {
  const results = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => ({
      target: n.target,
      html: n.html.length > 300 ? `${n.html.slice(0, 300)}…` : n.html,
    })),
    node_count: v.nodes.length,
  }));
}

// One task per page and width, with its screenshot's name fixed up front (the page's
// name and the width; a second page of the same name gets -2, and so on).
function tasks(job) {
  const used = new Set();
  const all = [];
  for (const item of job) {
    const file = path.resolve(item.path);
    mkdirSync(item.screenshot_dir, { recursive: true });
    const stem = path.basename(file).replace(/\.[^.]*$/, "");
    for (const width of item.widths) {
      let name = `${stem}-${width}px.png`;
      for (let n = 2; used.has(name); n += 1) name = `${stem}-${n}-${width}px.png`;
      used.add(name);
      all.push({ file, width, screenshot: path.resolve(item.screenshot_dir, name) });
    }
  }
  return all;
}

async function check(page, blocked, { file, width, screenshot }) {
  const t0 = performance.now();
  blocked.length = 0;
  await page.setViewportSize({ width, height: HEIGHT });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: screenshot, fullPage: true });
  const seen = await page.evaluate(measure);
  await page.evaluate(axe.source);
  const violations = await page.evaluate(runAxe, AXE_TAGS);
  return {
    path: file,
    width,
    ...seen,
    violations,
    screenshot,
    blocked_requests: [...blocked],
    ms: Math.round(performance.now() - t0),
  };
}

async function main() {
  const todo = tasks(readJob());
  const started = performance.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: LAUNCH_ARGS,
  });
  const results = [];
  try {
    const context = await browser.newContext({
      viewport: { width: 1200, height: HEIGHT },
      deviceScaleFactor: 1,
      bypassCSP: true,
    });
    // One page for every load: side by side they were no faster on CI's two cores.
    const page = await context.newPage();
    const blocked = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      blocked.push(url);
      return route.abort("blockedbyclient");
    });
    for (const task of todo) results.push(await check(page, blocked, task));
    await context.close();
  } finally {
    await browser.close();
  }
  process.stderr.write(
    `check_page: ${results.length} page-loads in ${Math.round(performance.now() - started)} ms\n`,
  );
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(`check_page: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
