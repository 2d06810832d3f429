// A --json plan is larger than a pipe's buffer; the CLI must not exit before
// stdout drains (it once cut plans at 64 KiB when piped into a slow reader).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

describe("offline plan through a pipe", () => {
    it("delivers the whole --json plan to a reader that starts late", function () {
        this.timeout(60000);
        const root = path.resolve(__dirname, "../..");
        const plan = `"${process.execPath}" -r ts-node/register/transpile-only scripts/plan.ts --stack secondary --json`;
        const r = spawnSync("sh", ["-c", `${plan} | (sleep 1; cat)`], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stdout.length > 65536, `plan is ${r.stdout.length} bytes; the test needs one larger than a pipe buffer`);
        assert.equal(JSON.parse(r.stdout).stack, "secondary");
    });
});
