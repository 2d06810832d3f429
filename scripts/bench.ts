// Speed and size of the failover functions and of the offline plan (a
// benchmark, not a test: it reports numbers and which targets they miss).
//   npm run bench -- [--json] [--latency-ms <n>] [--cloud <c> ...] [--no-plan]
// Exit codes: 0 every target met, 1 a target missed (or a plan failed), 2 invalid arguments.

import { main } from "./bench/cli";

// The AWS SDK's "node >= 22 from 2027" notice is not the bench's business.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(1);
    },
);
