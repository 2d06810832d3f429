// Offline plan: runs the program under Pulumi's mock engine, without the
// Pulumi CLI or cloud credentials, and prints what a stack declares.
//   npm run plan -- --stack <stack> [--set <key>=<value> ...] [--json]
//   npm run plan -- --stack <stack> --diff <key>=<value> [--diff ...] [--json]
//   npm run plan -- --compare <base.json> <head.json> [--json]
// Exit codes: 0 ok, 2 invalid config or arguments (one line), 1 program error.

import * as path from "path";
import { installTranspileCache } from "./plan/transpile-cache";

const root = path.resolve(__dirname, "..");
installTranspileCache(path.join(root, "node_modules", ".cache", "logscale-dr-plan"));

// Required after the cache is in place, so that every module below goes through it.
const { main } = require("./plan/cli") as typeof import("./plan/cli");

// Exit only once stdout has drained: a pipe takes writes asynchronously, and
// exiting early would cut a large --json plan at 64 KiB.
const exitAfterFlush = (code: number) => process.stdout.write("", () => process.exit(code));

main(process.argv.slice(2), { dir: root }).then(
    exitAfterFlush,
    e => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        exitAfterFlush(1);
    },
);
