/**
 * The sparsekit core as the page uses it: the platform-neutral package entry ("sparsekit", aliased
 * to ../src/index.ts by vite.config.ts and tsconfig.json).
 */
export * from "sparsekit";
