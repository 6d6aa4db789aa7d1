// Copies the atlas's front-end libraries from node_modules into the Python package, with
// every licence of the code they bundle. Run by `make assets` after `npm ci`.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const target = join(here, "..", "src", "variatlas", "publish", "static", "vendor");
const bundles = {
  "d3/dist/d3.min.js": "d3.min.js",
  "@observablehq/plot/dist/plot.umd.min.js": "plot.umd.min.js",
};

// Test tools (axe-core for the accessibility tests) are installed beside the libraries but
// never shipped, so their licences are not listed with what the atlas publishes.
const testOnly = new Set(Object.keys(JSON.parse(readFileSync(join(here, "package.json"), "utf8")).devDependencies ?? {}));

function packages() {
  const found = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".") || testOnly.has(name)) continue;
    const names = name.startsWith("@")
      ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`)
      : [name];
    for (const pkg of names) {
      const manifest = join(modules, pkg, "package.json");
      if (existsSync(manifest)) found.push({ pkg, ...JSON.parse(readFileSync(manifest, "utf8")) });
    }
  }
  return found.sort((a, b) => a.pkg.localeCompare(b.pkg));
}

function licenceText(pkg) {
  const folder = join(modules, pkg);
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(folder, file), "utf8").trim() : null;
}

mkdirSync(target, { recursive: true });
for (const [source, name] of Object.entries(bundles)) {
  copyFileSync(join(modules, source), join(target, name));
}
const sections = [
  "Third-party code in the variatlas atlas (static/vendor): d3.min.js and plot.umd.min.js,",
  "installed from the npm registry by `make assets` (frontend/package-lock.json) and bundling",
  "the packages below. Each package's own licence follows.",
];
const versions = {};
for (const { pkg, version, license } of packages()) {
  const text = licenceText(pkg);
  versions[pkg] = version;
  sections.push(`\n${"=".repeat(72)}\n${pkg} ${version} (${license ?? "see below"})\n${"=".repeat(72)}`);
  sections.push(text ?? `Licence: ${license}; the package ships no licence file.`);
}
writeFileSync(join(target, "THIRD-PARTY-LICENSES.txt"), sections.join("\n") + "\n");
writeFileSync(join(target, "versions.json"), JSON.stringify(versions, null, 1) + "\n");
console.log(`Vendored ${Object.keys(bundles).length} bundles and ${Object.keys(versions).length} licences into ${target}`);
