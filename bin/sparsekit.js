#!/usr/bin/env node
// The published CLI runs the compiled code in dist/ (built by `npm ci` through the prepare script).
import { processIO } from "../dist/cli/io.js";
import { runCli } from "../dist/cli/program.js";

process.exitCode = await runCli(process.argv.slice(2), processIO);
