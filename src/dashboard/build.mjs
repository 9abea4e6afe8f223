// Bundles the dashboard into the server's static resources (target/classes/static/dashboard), no CDN at run time.
import { build } from "esbuild";
import { cpSync, mkdirSync } from "node:fs";

const out = process.argv[2] ?? "../../target/classes/static/dashboard";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/app.js"],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2020"],
  outfile: `${out}/app.js`,
  logLevel: "warning",
});
cpSync("src/index.html", `${out}/index.html`);
cpSync("src/styles.css", `${out}/styles.css`);
