// Every command's --help: usage, each flag with a meaning, an example, exit 0; an unknown flag exits 2.

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

function run(script: string, ...args: string[]) {
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...args], {
        cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMMANDS: [string, string][] = [
    ["scripts/plan.ts", "--stack"], ["scripts/drill.ts", "--cloud"], ["scripts/bench.ts", "--latency-ms"],
    ["policy/check-plan.ts", "<plan.json>"], ["scripts/docs-table.ts", "--write"],
];

describe("--help on every command", function () {
    this.timeout(120_000);
    for (const [script, flag] of COMMANDS) {
        it(`${script} --help: usage, flags, an example, exit 0; an unknown flag: exit 2`, () => {
            const help = run(script, "--help");
            assert.equal(help.code, 0, help.stderr);
            assert.match(help.stdout, /^usage: /i);
            assert.ok(help.stdout.includes(flag), help.stdout);
            assert.match(help.stdout, /--help, -h +print this help and exit|--help +print this help and exit/);
            assert.match(help.stdout, /Example:?\s*\n? *(npm run -s|node -r|npm run)/);
            const bad = run(script, "--no-such-flag");
            assert.equal(bad.code, 2, bad.stderr);
            assert.match(bad.stderr.split("\n")[0], /--no-such-flag/);
        });
    }
});
