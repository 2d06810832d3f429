import { strict as assert } from "assert";
import { main } from "../../scripts/plan/cli";
import { Planner } from "../../scripts/plan/planner";
import { planToJson } from "../../scripts/plan/model";
import { isSecret } from "../../scripts/plan/secret";
import { securePlaceholder } from "../../scripts/plan/stackfile";
import { FIXTURE_DIR, fixtureProgram, fixtureValidate } from "./fixture-program";

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
        dir: FIXTURE_DIR, program: fixtureProgram, validate: fixtureValidate,
        stdout: s => { stdout += s; }, stderr: s => { stderr += s; },
    });
    return { code, stdout, stderr };
}

const planner = () => new Planner(FIXTURE_DIR, fixtureProgram, fixtureValidate);
const envOf = (plan: { resources: Array<{ name: string; inputs: Record<string, unknown> }> }) =>
    Object.fromEntries((plan.resources.find(r => r.name === "cluster")!.inputs.env as Array<{ name: string; value: unknown }>).map(e => [e.name, e.value]));

describe("offline plan: planning a stack", () => {
    it("resolves a StackReference by planning the referenced stack from its own stack file", async () => {
        const plan = await planner().plan("b");
        assert.deepEqual(plan.peers.map(p => [p.key, p.reference, p.stack, p.outputs.storageBucket]), [["fixture:primaryStack", "organization/fixture/a", "a", "bucket-a"]]);
        const env = envOf(plan);
        assert.equal(env.RECOVER_FROM_BUCKET, "bucket-a");
        assert.equal(env.BUCKET, "bucket-b");
        assert.equal(env.PEER_CLOUD, "aws");
        const recoverKey = plan.resources.find(r => r.name === "recover-key")!;
        const key = (recoverKey.inputs.data as Record<string, unknown>).key;
        assert.ok(isSecret(key), "the peer's secret output stays secret");
        assert.equal(key.reveal(), "encryption-key-of-a");
        assert.equal(JSON.stringify(planToJson(plan)).includes("encryption-key-of-a"), false);
    });

    it("terminates when both stacks reference each other: the peer sees the origin as unknown", async () => {
        const a = await planner().plan("a");
        assert.deepEqual(a.peers.map(p => p.stack), ["b"]);
        assert.equal(a.outputs.secondaryBucket, "bucket-b");
        assert.equal(a.peers[0].outputs.recoverFromBucket, "[unknown]", "b, planned for a, sees a's outputs as unknown");
        // Planned as a's peer, b saw a's outputs as unknown; planned directly, it sees them.
        const b = await planner().plan("b");
        assert.equal(envOf(b).RECOVER_FROM_BUCKET, "bucket-a");
        assert.equal(b.outputs.recoverFromBucket, "bucket-a");
    });

    it("gives secure values a secret placeholder and keeps secret keys secret when set on the command line", async () => {
        const plan = await planner().plan("a");
        const license = (plan.resources.find(r => r.name === "license")!.inputs.data as Record<string, unknown>).key;
        assert.ok(isSecret(license));
        assert.equal(license.reveal(), securePlaceholder("fixture:logscaleLicense"));
        for (const args of [["--stack", "b"], ["--stack", "b", "--json"]]) {
            const run = await cli(...args, "--set", "logscaleLicense=KnownLicenseValue-123", "--set", "leak=true");
            assert.equal(run.code, 0, run.stderr);
            assert.equal(run.stdout.includes("KnownLicenseValue-123"), false, "a known secret is never printed");
            assert.equal(run.stdout.includes(securePlaceholder("fixture:logscaleLicense")), false);
            assert.match(run.stdout, /\[secret\]/);
            assert.match(run.stdout, /test:index:Leaky.*input header holds a secret value without being marked secret/);
        }
    });

    it("prints one JSON object with the contract's fields", async () => {
        const run = await cli("--stack", "b", "--json");
        assert.equal(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.equal(doc.stack, "b");
        assert.equal(doc.cloud, "aws");
        const record = doc.resources.find((r: { name: string }) => r.name === "record");
        assert.deepEqual(Object.keys(record).slice(0, 5), ["type", "name", "parent", "inputs", "ignoreChanges"]);
        assert.equal(record.type, "test:index:Record");
        assert.equal(record.parent, "app");
        assert.deepEqual(record.ignoreChanges, ["fqdn"]);
        assert.equal(doc.resources.find((r: { name: string }) => r.name === "app").parent, null);
        assert.equal(doc.outputs.storageEncryptionKey, "[secret]");
        assert.equal(doc.outputs.storageBucket, "bucket-b");
    });

    it("prints a tree with options, outputs and the program's warnings", async () => {
        const run = await cli("--stack", "b", "--set", "warn=careful now");
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^\+ fixture:index:App {2}app$/m);
        assert.match(run.stdout, /^ {4}\+ test:index:Record {2}record {2}\[ignoreChanges: fqdn\]$/m);
        assert.match(run.stdout, /^ {10}nodeCount: 1$/m);
        assert.match(run.stdout, /^Outputs:\n(.*\n)*? {4}storageEncryptionKey: \[secret\]$/m);
        assert.match(run.stdout, /warning: careful now/);
        assert.equal(run.stderr, "");
    });

    it("leaves the process as it found it: stack trace formatting and the console", async () => {
        const prepare = Error.prepareStackTrace;
        const log = console.log;
        await planner().plan("a");
        assert.equal(Error.prepareStackTrace, prepare);
        assert.equal(console.log, log);
    });

    it("applies --set cloud to the referenced stack too, other keys to the named stack only", async () => {
        const plan = await planner().plan("b", [{ key: "fixture:cloud", value: "azure" }, { key: "fixture:warn", value: "x" }]);
        assert.equal(plan.cloud, "azure");
        assert.equal(envOf(plan).PEER_CLOUD, "azure");
    });
});

describe("offline plan: invalid input is exit 2 and one line", () => {
    const oneLine = (run: { code: number; stdout: string; stderr: string }) => {
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, "");
        assert.equal(run.stderr.split("\n").filter(Boolean).length, 1, run.stderr);
        return run.stderr.trim();
    };

    it("a ConfigError from the program's validation", async () => {
        assert.equal(oneLine(await cli("--stack", "b", "--set", "dr=passive")),
            'invalid config fixture:dr = "passive" in stack "b": allowed values are active, standby');
    });

    it("a stack file that does not exist, for --stack and for a StackReference", async () => {
        assert.match(oneLine(await cli("--stack", "c")), /^invalid --stack "c": no Pulumi\.c\.yaml in .*; stacks of this project: a, b, bare$/);
        assert.match(oneLine(await cli("--stack", "b", "--set", "primaryStack=gone")),
            /^invalid config fixture:primaryStack = "gone" in stack "b": .*no Pulumi\.gone\.yaml.*stacks of this project: a, b, bare$/);
    });

    it("a referenced stack without a required output", async () => {
        assert.equal(oneLine(await cli("--stack", "b", "--set", "primaryStack=bare")),
            'invalid config fixture:primaryStack = "bare" in stack "b": stack "bare" has no usable output "storageBucket": '
            + 'required by a aws stack paired with it; deploy "bare" first or check that it is a aws logscale-dr stack');
    });

    it("two stacks of a pair that both create the global DNS zone", async () => {
        assert.match(oneLine(await cli("--stack", "b", "--set", "manageGlobalDns=true")),
            /^invalid config fixture:manageGlobalDns = true in stack "b": exactly one stack of a pair may set it, and stack "a" \(primaryStack\) sets it too/);
    });

    it("bad arguments", async () => {
        assert.match(oneLine(await cli("--stack", "b", "--set", "novalue")), /expected <key>=<value>/);
        assert.match(oneLine(await cli("--bogus")), /unknown argument "--bogus"/);
        assert.match(oneLine(await cli()), /--stack is required/);
    });

    it("any other program error is exit 1 with the message", async () => {
        const run = await cli("--stack", "a", "--set", "fail=boom in the program");
        assert.equal(run.code, 1);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, /boom in the program/);
    });
});

describe("offline plan: arguments", () => {
    it("accepts --flag=value and fully qualified stack names", async () => {
        const run = await cli("--stack=organization/fixture/b", "--set=dr=active", "--json");
        assert.equal(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.equal(doc.stack, "b");
        assert.equal(doc.dr, "active");
        assert.deepEqual(doc.peers, [], "an active stack does not read its primary");
    });

    it("--diff validates the new config before planning, and reports no changes when there are none", async () => {
        const bad = await cli("--stack", "b", "--diff", "dr=passive");
        assert.equal(bad.code, 2);
        const same = await cli("--stack", "b", "--diff", "dr=standby");
        assert.equal(same.code, 0, same.stderr);
        assert.match(same.stdout, /\(the --diff values are what the stack already has\)/);
        assert.match(same.stdout, /Resources: no changes/);
    });

    it("--diff: deletes what only a standby has, keeps what ignoreChanges covers, masks secrets; --json gives the change list", async () => {
        const human = await cli("--stack", "b", "--diff", "dr=active", "--diff", "logscaleLicense=Changed-License-42");
        assert.equal(human.code, 0, human.stderr);
        assert.match(human.stdout, /^ {8}- test:index:Function {2}failover {2}delete$/m);
        assert.match(human.stdout, /^ {14}- env\[name=RECOVER_FROM_BUCKET\]: \{name: "RECOVER_FROM_BUCKET", value: "bucket-a"\}$/m);
        assert.match(human.stdout, /^ {14}~ data\.key: \[secret\] => \[secret\]$/m);
        assert.doesNotMatch(human.stdout, /record/, "fqdn changed but is ignored");
        assert.equal(human.stdout.includes("Changed-License-42"), false);
        const json = JSON.parse((await cli("--stack", "b", "--diff", "dr=active", "--json")).stdout);
        assert.deepEqual(json.changes.map((c: { op: string; name: string }) => `${c.op} ${c.name}`),
            ["update cluster", "delete failover", "delete peer-organization-fixture-a", "delete recover-key"]);
        assert.deepEqual(json.config, [{ key: "fixture:dr", old: "standby", new: "active" }]);
    });
});
