// Gameday: a deliberate, measured failover of the pair (live on AWS, or simulated with --simulate).
//   npm run gameday -- --stack <secondary> --scenario primary-down --confirm <primary> [--simulate]
// Exit codes: 0 pass, 1 fail, 2 bad usage.

import { main } from "./gameday/cli";

main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(1);
    },
);
