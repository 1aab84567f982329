import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { buildPlaygroundAssets } from "../scripts/build-playground-assets.js";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Builds the data assets (digits, photographs, wasm binaries) into public/ if they are missing. */
function playgroundAssets(): Plugin {
  return { name: "sparsekit-playground-assets", buildStart: () => void buildPlaygroundAssets() };
}

export default defineConfig({
  root,
  // Relative asset paths: the built site opens from any static host or sub-folder.
  base: "./",
  plugins: [playgroundAssets()],
  resolve: {
    alias: { sparsekit: fileURLToPath(new URL("../src/index.ts", import.meta.url)) },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000, target: "es2022" },
  server: { port: 5173 },
});
