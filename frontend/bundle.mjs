// Builds the atlas's chart code from the npm packages: only the parts of Observable Plot and
// d3 that the pages use (entries/*.mjs), minified, as ES modules with their shared code in
// one chunk, into static/vendor. Run by `make assets` after `npm ci` (esbuild is a build-time
// dependency only; nothing is fetched when a page is read). Which packages the bundles hold
// is written to vendor/bundled.json, and their licences are in THIRD-PARTY-LICENSES.txt.
import { build } from "esbuild";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "src", "variatlas", "publish", "static", "vendor");
rmSync(join(target, "chunks"), { recursive: true, force: true });
const result = await build({
  entryPoints: { plot: join(here, "entries", "plot.mjs"), d3: join(here, "entries", "d3.mjs") },
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: "es2020",
  outdir: target,
  chunkNames: "chunks/shared-[hash]",
  legalComments: "none", // every licence is in THIRD-PARTY-LICENSES.txt
  metafile: true,
  logLevel: "warning",
});
const packages = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const found = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (found && bytesInOutput > 0) packages.add(found[1]);
  }
}
const outputs = Object.entries(result.metafile.outputs).map(([file, { bytes }]) => [relative(target, file), bytes]);
writeFileSync(join(target, "bundled.json"), JSON.stringify({ packages: [...packages].sort(), files: Object.fromEntries(outputs) }, null, 1) + "\n");
console.log(`Bundled ${packages.size} packages into ${outputs.map(([f, b]) => `${f} (${Math.round(b / 1024)} kB)`).join(", ")}`);
