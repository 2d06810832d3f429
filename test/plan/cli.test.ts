// The real CLI on the example AWS pair, as a child process: exit codes, one
// line on invalid config, stdout that is exactly one JSON object, and no
// secret in plain text. Few cases: each spawn plans one or two stacks.

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { recordSkip } from "../support/skips";

const ROOT = path.resolve(__dirname, "../..");

function plan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", ...args], {
        cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Json = Record<string, any>;

/** Every object anywhere in `v` that has `name === wanted` (env var entries). */
function named(v: unknown, wanted: string, out: Json[] = []): Json[] {
    if (Array.isArray(v)) v.forEach(x => named(x, wanted, out));
    else if (v && typeof v === "object") {
        if ((v as Json).name === wanted) out.push(v as Json);
        Object.values(v).forEach(x => named(x, wanted, out));
    }
    return out;
}

/** Every value stored under `key` anywhere in `v`. */
function valuesOf(v: unknown, key: string, out: unknown[] = []): unknown[] {
    if (Array.isArray(v)) v.forEach(x => valuesOf(x, key, out));
    else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
            if (k === key) out.push(x);
            valuesOf(x, key, out);
        }
    }
    return out;
}

describe("offline plan CLI on the example AWS pair", function () {
    before(function () {
        if (!fs.existsSync(path.join(ROOT, "components/aws/index.ts"))) {
            recordSkip("offline plan CLI on the example AWS pair", "components/aws/index.ts does not exist");
            this.skip();
        }
    });

    it("--stack secondary --json: recover-from values trace back to the primary's outputs, keys stay [secret]", () => {
        const license = "Known-License-Value-0123456789";
        const run = plan("--stack", "secondary", "--json", "--set", `logscaleLicense=${license}`);
        assert.equal(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.equal(doc.stack, "secondary");
        assert.equal(doc.cloud, "aws");
        const primary = doc.peers.find((p: Json) => p.stack === "primary");
        assert.ok(primary, "the primary was planned for the StackReference");

        const cluster = doc.resources.find((r: Json) => r.type === "kubernetes:core.humio.com/v1alpha1:HumioCluster");
        const [bucket] = named(cluster.inputs, "S3_RECOVER_FROM_BUCKET");
        assert.equal(bucket.value, primary.outputs.storageBucket);
        assert.notEqual(bucket.value, doc.outputs.storageBucket);
        const [region] = named(cluster.inputs, "S3_RECOVER_FROM_REGION");
        assert.equal(region.value, "us-west-2");
        assert.equal(named(cluster.inputs, "S3_RECOVER_FROM_REPLACE_BUCKET")[0].value, `${primary.outputs.storageBucket}/${doc.outputs.storageBucket}`);

        const [key] = named(cluster.inputs, "S3_RECOVER_FROM_ENCRYPTION_KEY");
        assert.equal(key.value, undefined, "the encryption key reaches the pod through a secretKeyRef");
        assert.ok(key.valueFrom.secretKeyRef.name);
        for (const k of ["S3_RECOVER_FROM_ENCRYPTION_KEY", "S3_STORAGE_ENCRYPTION_KEY"]) {
            const stored = valuesOf(doc.resources, k).filter(v => typeof v === "string" && v !== k);
            assert.ok(stored.length > 0, `${k} is stored somewhere`);
            assert.deepEqual([...new Set(stored)], ["[secret]"]);
        }
        assert.equal(doc.outputs.storageEncryptionKey, "[secret]");
        assert.equal(primary.outputs.storageEncryptionKey, "[secret]");
        assert.equal(run.stdout.includes(license), false, "a secret given on the command line is never printed");
        assert.equal(run.stdout.includes("offline-plan-placeholder"), false, "nor the stand-in for a secure value");
    });

    for (const [set, key, value] of [
        ["dr=passive", "logscale-dr:dr", "passive"], ["logscaleVersion=banana", "logscale-dr:logscaleVersion", "banana"],
        // A region that only looks like one, and a pair in one region (found only once the primary's outputs are read).
        ["aws:region=us-west-9", "aws:region", "us-west-9"], ["aws:region=us-west-2", "aws:region", "us-west-2"],
    ]) {
        it(`--set ${set}: exit 2 and one line naming the key, the stack, the value and what is allowed`, () => {
            const run = plan("--stack", "secondary", "--set", set);
            assert.equal(run.code, 2, run.stderr);
            assert.equal(run.stdout, "");
            const lines = run.stderr.split("\n").filter(Boolean);
            assert.equal(lines.length, 1, run.stderr);
            assert.match(lines[0], new RegExp(`^invalid config ${key} = "${value}" in stack "secondary": .+`));
        });
    }

    it("--diff dr=active on the secondary: the failover function goes, the SECONDARY failover record stays", () => {
        const run = plan("--stack", "secondary", "--diff", "dr=active", "--json",
            "--set", "logscaleLicense=Old-License-0123456789", "--diff", "logscaleLicense=New-License-0123456789");
        assert.equal(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout);
        const deleted = doc.changes.filter((c: Json) => c.op === "delete").map((c: Json) => c.type);
        assert.ok(deleted.includes("aws:lambda/function:Function"), JSON.stringify(deleted));
        assert.deepEqual(doc.changes.filter((c: Json) => c.type === "aws:route53/record:Record"), [], "no DNS record changes on promotion");
        const cluster = doc.changes.find((c: Json) => c.type === "kubernetes:core.humio.com/v1alpha1:HumioCluster");
        assert.ok(cluster.paths.includes("spec.commonEnvironmentVariables[name=S3_RECOVER_FROM_BUCKET]") || cluster.paths.some((p: string) => /S3_RECOVER_FROM_BUCKET/.test(p)));
        // The license changed: a change is shown, its values are not.
        assert.ok(doc.changes.some((c: Json) => c.op === "update" && JSON.stringify(c.details).includes("[secret]")));
        assert.equal(/Old-License|New-License/.test(run.stdout), false);
    });

    it("--diff dr=active with drUseDedicatedRouting=true warns once: the planner's promotion warning, not the program's too", () => {
        const run = plan("--stack", "secondary", "--diff", "dr=active", "--diff", "drUseDedicatedRouting=true", "--json");
        assert.equal(run.code, 0, run.stderr);
        const routing = (JSON.parse(run.stdout).warnings as string[]).filter(w => /drUseDedicatedRouting/.test(w));
        assert.equal(routing.length, 1, JSON.stringify(routing));
        assert.match(routing[0], /^dr standby -> active together with drUseDedicatedRouting true/);
    });
});
