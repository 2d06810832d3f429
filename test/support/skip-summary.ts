// Mocha root hook (loaded by .mocharc's "require"): after the whole run, one line naming the
// checks that skipped themselves and why (see test/support/skips.ts).

import { skipSummary } from "./skips";

export const mochaHooks = {
    afterAll(): void {
        const line = skipSummary();
        if (line !== undefined) console.log(`\n  ${line}\n`);
    },
};
