// Builds Beatbook's front-end assets from the packages npm installed (never from a CDN).
//
// 1. Compiles frontend/scss/beatbook.scss (GOV.UK Frontend + MoJ Frontend, restyled: no GOV.UK
//    typeface, crown or brand colour) to beatbook/static/dist/beatbook.css.
// 2. Copies the JavaScript and images Beatbook uses, with their licences, to
//    beatbook/static/dist/vendor/. That folder is git-ignored: the files come from the registry.
import { cpSync, mkdirSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nm = join(root, "node_modules");
const out = join(root, "beatbook", "static", "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor"), { recursive: true });

const result = sass.compile(join(root, "frontend", "scss", "beatbook.scss"), {
  loadPaths: [root, nm],
  style: "compressed",
  quietDeps: true,
  logger: sass.Logger.silent,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(out, "beatbook.css"), result.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj/moj-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets/images", "moj/assets/images"],
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["leaflet/LICENSE", "leaflet/LICENSE"],
];
for (const [from, to] of copies) {
  const target = join(out, "vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(nm, from), target, { recursive: true });
}
// The crown logotype is government identity, not ours to use.
rmSync(join(out, "vendor", "moj", "assets", "images", "govuk-logotype-crown.png"), { force: true });
// Minified files end in a sourceMappingURL comment whose .map we do not ship; the hashed static
// storage would fail on the dangling reference, so the comment is dropped.
for (const file of ["govuk/govuk-frontend.min.js", "moj/moj-frontend.min.js", "leaflet/leaflet.js"]) {
  const path = join(out, "vendor", file);
  writeFileSync(path, readFileSync(path, "utf8").replace(/\n?\/\/# sourceMappingURL=.*\s*$/, "\n"));
}
const notices = ["govuk-frontend", "@ministryofjustice/frontend", "leaflet"].map((name) => {
  const pkg = JSON.parse(readFileSync(join(nm, name, "package.json"), "utf8"));
  return `${pkg.name} ${pkg.version} (${pkg.license})`;
});
writeFileSync(join(out, "vendor", "LICENCES.txt"), notices.join("\n") + "\n");
console.log(`front-end assets built in ${out}`);
