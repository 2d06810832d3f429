// Failover drill: the real failover core and each cloud's decision logic
// against a simulated clock and a simulated cloud.
//   npm run drill -- --cloud aws|azure|oci [--scenario <name>|all] [--stack <stack>] [--set <key>=<value> ...] [--json]
// Exit codes: 0 as expected, 1 an expectation or invariant failed, 2 invalid arguments or config.

import { main } from "./drill/cli";

main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(1);
    },
);
