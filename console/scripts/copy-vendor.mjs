// Copies Swagger UI's assets into the build so /docs works offline (no CDN).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const source = dirname(require.resolve("swagger-ui-dist/package.json"));
const target = join(here, "..", "..", "src", "oiap", "api", "console", "dist", "vendor", "swagger-ui");

mkdirSync(target, { recursive: true });
for (const name of ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"]) {
  copyFileSync(join(source, name), join(target, name));
}
console.log(`copied Swagger UI assets to ${target}`);
