// Pair readiness: is the standby able to take over from the primary?
//   npm run readiness -- --stack <secondary> --offline [--set k=v ...] [--set-secondary k=v ...] [--json]
// Exit codes: 0 all checks pass, 1 any fails, 2 bad usage.

import { main } from "./readiness/cli";

main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(1);
    },
);
