// Copies the atlas's front-end libraries and the API documentation page's Swagger UI from
// node_modules into the Python package, with every licence of the code they bundle. Run by
// `make assets` after `npm ci`.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const target = join(here, "..", "src", "variatlas", "publish", "static", "vendor");
// The atlas's own chart code (plot.js, d3.js) is built from these packages by bundle.mjs.
const bundles = {
  // /api/docs, served by `variatlas serve` from the package (never from a CDN).
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
};
// The licence comments of the code swagger-ui-bundle.js bundles (React and the rest).
const bundledLicences = ["swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt"];
// Installed with a library but not part of anything shipped: swagger-ui-dist's install-time
// analytics (disabled by scarfSettings in package.json), so no licence of it is listed.
const notShipped = new Set(["@scarf/scarf"]);

// Build and test tools (esbuild, Lighthouse, axe-core and what they depend on: "dev" in the
// lock file) are installed beside the libraries but never shipped, so their licences are not
// listed with what the atlas publishes.
function packages() {
  const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
  const found = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || entry.dev) continue;
    const pkg = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const manifest = join(here, path, "package.json");
    if (notShipped.has(pkg) || !existsSync(manifest)) continue;
    found.push({ pkg, ...JSON.parse(readFileSync(manifest, "utf8")) });
  }
  return found.sort((a, b) => a.pkg.localeCompare(b.pkg));
}

function licenceText(pkg) {
  const folder = join(modules, pkg);
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(folder, file), "utf8").trim() : null;
}

for (const [source, name] of Object.entries(bundles)) {
  mkdirSync(dirname(join(target, name)), { recursive: true });
  const text = readFileSync(join(modules, source), "utf8");
  // No source maps are shipped: a reference to one would only be a 404 in the browser's tools.
  writeFileSync(join(target, name), text.replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "\n"));
}
const sections = [
  "Third-party code in the variatlas atlas (static/vendor): plot.js, d3.js and chunks/, built",
  "by `make assets` (frontend/bundle.mjs, esbuild) from the parts of Observable Plot and d3 the",
  "pages use, and in the API's documentation page: swagger-ui/swagger-ui-bundle.js and",
  "swagger-ui.css, installed from the npm registry (frontend/package-lock.json) and bundling",
  "the packages below. Each package's own licence follows, then the licence notices of the",
  "code bundled in swagger-ui-bundle.js.",
];
const versions = {};
for (const { pkg, version, license } of packages()) {
  const text = licenceText(pkg);
  versions[pkg] = version;
  sections.push(`\n${"=".repeat(72)}\n${pkg} ${version} (${license ?? "see below"})\n${"=".repeat(72)}`);
  sections.push(text ?? `Licence: ${license}; the package ships no licence file.`);
}
for (const file of bundledLicences) {
  sections.push(`\n${"=".repeat(72)}\nBundled in ${file.replace(/\.LICENSE\.txt$/, "")}\n${"=".repeat(72)}`);
  sections.push(readFileSync(join(modules, file), "utf8").trim());
}
writeFileSync(join(target, "THIRD-PARTY-LICENSES.txt"), sections.join("\n") + "\n");
writeFileSync(join(target, "versions.json"), JSON.stringify(versions, null, 1) + "\n");
console.log(`Vendored ${Object.keys(bundles).length} bundles and ${Object.keys(versions).length} licences into ${target}`);
