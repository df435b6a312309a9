import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The console is served by the platform under /console; the dev server forwards API calls
// to a local `oiap serve` so cookies and CSRF behave as in production (same origin).
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "../src/oiap/api/console/dist",
    emptyOutDir: true,
  },
  server: {
    proxy: {
      "/oiap": "http://127.0.0.1:8080",
      "/oifde": "http://127.0.0.1:8080",
    },
  },
  test: {
    // Node by default (fast); a test that needs a DOM starts with `// @vitest-environment jsdom`.
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
