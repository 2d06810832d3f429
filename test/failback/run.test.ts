import { strict as assert } from "assert";
import * as fs from "fs";
import { statePath } from "../../scripts/failback/state";
import { CLOUDS, FAILOVER_RECORD, FailbackFakes, RECORD_ANNOTATION, T0, TIMING } from "./fakes";
import { CONFIRM, failback, PAIR, readState, removeTempDirs, resumeArgs, STEP_IDS, stopLine, tempDir, withFakes } from "./harness";

const okLines = (lines: string[]) => lines.map(l => /^\[(\d+)\/15\] ([a-z-]+): ok$/.exec(l)).filter(Boolean).map(m => m![2]);
const changes = (f: FailbackFakes) => f.calls.filter(c => c.method !== "GET").length
    + f.kube.primary.requests.filter(r => r.method !== "GET").length + f.kube.secondary.requests.filter(r => r.method !== "GET").length;

describe("npm run failback: the whole sequence against fakes over HTTP", () => {
    after(removeTempDirs);

    for (const cloud of CLOUDS) {
        it(`${cloud}: runs the 15 steps in order and leaves the pair failed back`, () => withFakes(cloud, async f => {
            const dir = tempDir();
            const oldPrimarySnapshot = f.snapshots("primary")[0].key;
            const r = await failback(f, dir, [...PAIR, ...CONFIRM]);
            assert.equal(r.code, 0, r.err);
            assert.match(r.out, new RegExp(`^Failback plan for pair primary,secondary on ${cloud}\\n`));
            assert.match(r.out, /failback of primary,secondary complete\n$/);
            assert.deepEqual(okLines(r.lines), STEP_IDS);

            const state = readState(dir);
            assert.deepEqual(state.done, STEP_IDS);
            assert.ok(state.secondaryStoppedAt! >= T0 && state.coldStartAt! > state.secondaryStoppedAt! && state.unlockedAt! > state.coldStartAt!,
                JSON.stringify(state));

            assert.equal(f.replicas("secondary"), 0);
            assert.equal(f.replicas("primary"), 1);
            // The primary's pre-failover snapshot is gone; the one left is its own, written after the cold start.
            assert.deepEqual(f.sim.primary.deleted, [oldPrimarySnapshot]);
            assert.deepEqual(f.snapshots("primary").map(o => o.modified), [state.coldStartAt! + TIMING.ownSnapshotMs]);
            assert.deepEqual(f.snapshots("secondary"), []);
            for (const side of ["primary", "secondary"] as const) {
                assert.equal(f.segments(side).length, 3, `${side} segments kept`);
                assert.deepEqual(f.sim[side].deleted.filter(k => k.includes("segments/")), []);
            }
            assert.equal(f.sim.primary.boot, "recovered");
            assert.equal(f.sim.secondary.topic, false);
            assert.equal(f.dnsLocked(), false);
            assert.equal(f.alarmEnabled(), true);
            assert.equal(f.count("alarm", undefined, "PUT"), 2);
            assert.deepEqual([f.sim.primary.config.recoverFrom, f.sim.secondary.config.dr], ["none", "standby"]);
            assert.ok(r.lines.includes("primary bucket: 1 global snapshot(s) before deletion"), r.err);
            assert.ok(r.lines.includes("  preview primary:   recoverFrom: none => secondary"), r.err);
        }));
    }

    // A failure inside each step that changes data: the run stops with one line, and
    // the pasted resume command finishes without redoing anything.
    const failures: { n: number; fault: (f: FailbackFakes) => void; expected: RegExp; check?: (f: FailbackFakes) => void }[] = [
        { n: 6, fault: f => f.fault({ route: "bucket-delete", side: "primary" }), expected: /expected no global snapshots in the primary bucket, found 1 global snapshot\(s\)/ },
        { n: 8, fault: f => f.fault({ route: "kafkatopic-delete", side: "primary" }), expected: /expected primary global-events topic deleted, found topic exists/ },
        { n: 9, fault: f => f.kube.primary.fault({ method: "PATCH", path: "/deployments/humio-operator", status: 503 }), expected: /expected DataSnapshotLoader recovery sequence on the primary .*, found no "Trying to fetch a global snapshot as recovery source" yet/ },
        { n: 11, fault: f => f.fault({ route: "dns", method: "PUT" }), expected: /expected DNS unlocked, found still locked/ },
        {
            n: 12, fault: f => f.fault({ route: "bucket-delete", side: "secondary" }), expected: /expected no global snapshots in the secondary bucket, found 2 global snapshot\(s\)/,
            // The topic went before the deletion failed; the rerun must not delete it again.
            check: f => assert.equal(f.count("kafkatopic-delete", "secondary"), 1),
        },
    ];
    for (const { n, fault, expected, check } of failures) {
        const id = STEP_IDS[n - 1];
        it(`stops at step ${n} ${id} on a failed call, with one line; the resume command completes without repeating steps 1-${n - 1}`, () => withFakes("aws", async f => {
            const dir = tempDir();
            // Armed when the step is reached, so earlier steps' calls on the same route are not hit.
            const armed = { done: false };
            const first = await failback(f, dir, [...PAIR, ...CONFIRM], () => {
                if (!armed.done && readStateOrEmpty(dir).length === n - 1) { fault(f); armed.done = true; }
                return false;
            });
            assert.equal(first.code, 1, first.err);
            const line = stopLine(first);
            assert.match(line, new RegExp(`^failback stopped at step ${n} ${id}: error: .*HTTP 50[03]`));
            assert.match(line, expected);
            assert.match(line, new RegExp(`; resume: npm run failback -- --pair primary,secondary --from-step ${n} --confirm primary$`));
            assert.deepEqual(readState(dir).done, STEP_IDS.slice(0, n - 1));
            const alarmPuts = f.count("alarm", undefined, "PUT");
            const mutations = f.calls.filter(c => c.route === "graphql" && JSON.stringify(c.body).includes("setDynamicConfig")).length;
            const coldStartAt = readState(dir).coldStartAt;

            const second = await failback(f, dir, resumeArgs(line));
            assert.equal(second.code, 0, second.err);
            assert.deepEqual(okLines(second.lines), STEP_IDS.slice(n - 1));
            assert.deepEqual(readState(dir).done, STEP_IDS);
            assert.equal(f.count("alarm", undefined, "PUT"), alarmPuts + 1, "only step 14 touches the alarm again");
            assert.equal(f.calls.filter(c => c.route === "graphql" && JSON.stringify(c.body).includes("setDynamicConfig")).length, mutations);
            if (n >= 9) assert.equal(readState(dir).coldStartAt, coldStartAt);
            assert.equal(f.sim.primary.boot, "recovered");
            assert.equal(f.segments("primary").length + f.segments("secondary").length, 6);
            check?.(f);
        }));
    }

    it("an unlock that went through but answered an error: the resume at step 11 finds DNS unlocked and goes on", () => withFakes("aws", async f => {
        const dir = tempDir();
        f.fault({ route: "dns", method: "PUT", apply: true });
        const first = await failback(f, dir, [...PAIR, ...CONFIRM]);
        assert.equal(first.code, 1, first.err);
        assert.match(stopLine(first), /^failback stopped at step 11 unlock-dns: error: .*HTTP 500.*; expected DNS unlocked[^;]*, found unlocked, failover record \d+;lock=applied; resume: .* --from-step 11 /);
        assert.equal(f.dnsLocked(), false);
        const second = await failback(f, dir, resumeArgs(stopLine(first)));
        assert.equal(second.code, 0, second.err);
        assert.equal(f.count("dns", undefined, "PUT"), 1);
    }));

    for (const cloud of ["aws", "azure"] as const) {
        it(`${cloud}: step 11 turns a lock=pending failover record into lock=applied (same epoch) before it unlocks`, () => withFakes(cloud, async f => {
            const pending = FAILOVER_RECORD.replace("applied", "pending");
            const record = () => cloud === "aws" ? f.awsRecord : f.kube.secondary.deployment("logging", "humio-operator")!.metadata.annotations![RECORD_ANNOTATION];
            if (cloud === "aws") f.awsRecord = pending;
            else f.kube.secondary.deployment("logging", "humio-operator")!.metadata.annotations![RECORD_ANNOTATION] = pending;
            const r = await failback(f, tempDir(), [...PAIR, ...CONFIRM]);
            assert.equal(r.code, 0, r.err);
            assert.equal(record(), FAILOVER_RECORD);
            if (cloud === "aws") {
                const routes = f.calls.filter(c => c.method === "PUT").map(c => c.route);
                assert.ok(routes.indexOf("record") >= 0 && routes.indexOf("record") < routes.indexOf("dns"), routes.join(","));
            } else {
                assert.equal(f.kube.secondary.count("PATCH", "/deployments/humio-operator") - 1, 1, "one scale to 0 and one record write");
            }
        }));
    }

    it("an applied failover record is not rewritten by step 11", () => withFakes("aws", async f => {
        const r = await failback(f, tempDir(), [...PAIR, ...CONFIRM]);
        assert.equal(r.code, 0, r.err);
        assert.equal(f.count("record", undefined, "PUT"), 0);
        assert.equal(f.awsRecord, FAILOVER_RECORD);
    }));

    it("step 11 stops on a failover record the function could not read either, before unlocking", () => withFakes("aws", async f => {
        f.awsRecord = "yesterday";
        const r = await failback(f, tempDir(), [...PAIR, ...CONFIRM]);
        assert.equal(r.code, 1, r.err);
        assert.match(stopLine(r), /^failback stopped at step 11 unlock-dns: error: failover record holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
        assert.equal(f.dnsLocked(), true);
    }));

    it("a plain rerun (no --from-step) reports the finished steps as done before and carries on", () => withFakes("azure", async f => {
        const dir = tempDir();
        f.fault({ route: "kafkatopic-delete", side: "primary" });
        assert.equal((await failback(f, dir, [...PAIR, ...CONFIRM])).code, 1);
        const again = await failback(f, dir, [...PAIR, ...CONFIRM]);
        assert.equal(again.code, 0, again.err);
        assert.deepEqual(again.lines.filter(l => l.endsWith(": done before")), STEP_IDS.slice(0, 7).map((id, i) => `[${i + 1}/15] ${id}: done before`));
        assert.deepEqual(f.sim.primary.deleted, ["logscale/globalsnapshots/globalsnapshot-old.json"]);
    }));

    it("--from-step records the skipped steps as done, so a later plain rerun cannot redo the deletions", () => withFakes("oci", async f => {
        const dir = tempDir();
        const first = await failback(f, dir, [...PAIR, ...CONFIRM]);
        assert.equal(first.code, 0, first.err);
        fs.rmSync(statePath(dir, "primary,secondary"));
        // Lost state, resumed by hand at the end: the primary's own snapshot and topic must survive a plain rerun.
        assert.equal((await failback(f, dir, [...PAIR, "--from-step", "15", ...CONFIRM])).code, 0);
        const again = await failback(f, dir, [...PAIR, ...CONFIRM]);
        assert.equal(again.code, 0, again.err);
        assert.equal(f.snapshots("primary").length, 1);
        assert.equal(f.sim.primary.topic, true);
        assert.equal(f.count("bucket-delete", "primary"), 1);
    }));

    describe("refuses to start, changing nothing", () => {
        const refusals: { name: string; setup: (f: FailbackFakes) => void; message: RegExp }[] = [
            { name: "the primary is not healthy at the Kubernetes level", setup: f => { f.sim.primary.nodesReady = false; }, message: /^refusing to start: the primary is not healthy at the Kubernetes level \(3 of 3 nodes not Ready \(node-1, node-2, node-3\)\); fix the cluster first$/ },
            { name: "DNS is not locked", setup: f => { f.dns.fqdn = "logscale-us-west-2.example.com"; }, message: /^refusing to start: DNS is not locked, so no failover happened/ },
            { name: "the secondary is not the primary's standby", setup: f => { f.sim.secondary.config.primaryStack = "other"; }, message: /^refusing to start: the stacks do not match: secondary has primaryStack other, not primary$/ },
            { name: "the stacks are on different clouds", setup: f => { f.sim.secondary.config.cloud = "azure"; }, message: /^refusing to start: the stacks do not match: primary is on aws, secondary on azure$/ },
        ];
        for (const { name, setup, message } of refusals) {
            it(name, () => withFakes("aws", async f => {
                setup(f);
                const dir = tempDir();
                const r = await failback(f, dir, [...PAIR, ...CONFIRM]);
                assert.equal(r.code, 2, r.err);
                assert.match(r.lines[r.lines.length - 1], message);
                assert.equal(changes(f), 0);
                assert.equal(fs.existsSync(statePath(dir, "primary,secondary")), false);
            }));
        }

        it("without --confirm, or with another name: exit 2 before any request", () => withFakes("aws", async f => {
            const none = await failback(f, tempDir(), PAIR);
            assert.equal(none.code, 2);
            assert.equal(none.err, "refusing to run without --confirm primary (step 6 deletes data); add it, or pass --dry-run to see the plan\n");
            const wrong = await failback(f, tempDir(), [...PAIR, "--confirm", "secondary"]);
            assert.equal(wrong.code, 2);
            assert.match(wrong.err, /--confirm "secondary" is not the primary stack name/);
            assert.equal(f.calls.length + f.kube.primary.requests.length + f.kube.secondary.requests.length, 0);
        }));
    });

    for (const onlyForeign of [false, true]) {
        it(`a primary listing with segment objects under the snapshot prefix${onlyForeign ? " and no snapshots" : ""}: refuses at step 6, deletes nothing`, () => withFakes("aws", async f => {
            const stray = "logscale/globalsnapshots/dataspace-1/segments/seg-9.data";
            if (onlyForeign) f.sim.primary.objects = f.sim.primary.objects.filter(o => !o.key.includes("globalsnapshot-"));
            f.sim.primary.objects.push({ key: stray, modified: T0 });
            const before = f.sim.primary.objects.map(o => o.key);
            const dir = tempDir();
            const r = await failback(f, dir, [...PAIR, ...CONFIRM]);
            assert.equal(r.code, 1, r.err);
            assert.equal(stopLine(r), `failback stopped at step 6 delete-primary-snapshots: precondition not met: expected only global snapshot objects under logscale/globalsnapshots/ in the primary bucket, found 1 other object(s), e.g. ${stray}; resume: npm run failback -- --pair primary,secondary --from-step 6 --confirm primary`);
            assert.deepEqual(f.sim.primary.objects.map(o => o.key), before);
            assert.equal(f.count("bucket-delete"), 0);
            assert.equal(f.count("up"), 0);
            assert.deepEqual(readState(dir).done, STEP_IDS.slice(0, 5));
        }));
    }

    it("a GraphQL error at flush-secondary stops at step 2, and nothing after it runs", () => withFakes("azure", async f => {
        f.fault({ route: "graphql", side: "secondary", bodyIncludes: "setDynamicConfig", graphqlError: "Not allowed to change dynamic configuration" });
        const dir = tempDir();
        const r = await failback(f, dir, [...PAIR, ...CONFIRM]);
        assert.equal(r.code, 1, r.err);
        assert.equal(stopLine(r), "failback stopped at step 2 flush-secondary: error: GraphQL error from the secondary: Not allowed to change dynamic configuration; expected FlushSegmentsAndGlobalOnShutdown=true on the secondary, found false; resume: npm run failback -- --pair primary,secondary --from-step 2 --confirm primary");
        assert.deepEqual(readState(dir).done, ["disable-alarm"]);
        assert.equal(f.kube.primary.count("PATCH", "humio-operator") + f.kube.secondary.count("PATCH", "humio-operator"), 0);
        assert.deepEqual([f.replicas("primary"), f.replicas("secondary")], [1, 1]);
        assert.equal(f.count("bucket-delete") + f.count("kafkatopic-delete") + f.count("up"), 0);
        assert.equal(f.sim.secondary.flush, false);
    }));

    it("an up that restarts the primary's operator at step 7 is scaled back and stops the run before the Kafka reset", () => withFakes("oci", async f => {
        f.upRestoresOperator = true;
        const dir = tempDir();
        const r = await failback(f, dir, [...PAIR, ...CONFIRM]);
        assert.equal(r.code, 1, r.err);
        assert.match(stopLine(r), /^failback stopped at step 7 enable-reverse-recovery: error: pulumi up set the primary's humio-operator to 1 replica\(s\) before the Kafka reset; scaled it back to 0/);
        assert.equal(f.replicas("primary"), 0);
        assert.equal(f.count("kafkatopic-delete"), 0);
    }));

    it("Ctrl-C while waiting leaves a consistent state file; the rerun finishes", () => withFakes("aws", async f => {
        const dir = tempDir();
        const r = await failback(f, dir, [...PAIR, ...CONFIRM], () => f.clock.now() > T0 + 60_000);
        assert.equal(r.code, 130, r.err);
        assert.match(stopLine(r), /^failback stopped at step 3 stop-secondary: interrupted; resume: .* --from-step 3 --confirm primary$/);
        assert.deepEqual(readState(dir).done, STEP_IDS.slice(0, 2));
        assert.equal(fs.existsSync(`${statePath(dir, "primary,secondary")}.tmp`), false);
        assert.ok(r.lines.some(l => /^\[3\/15\] stop-secondary: waiting \d+s of 900s \(operator 0, 3 LogScale pod\(s\)\)$/.test(l)), r.err);
        assert.equal((await failback(f, dir, [...PAIR, ...CONFIRM])).code, 0);
    }));
});

describe("npm run failback: a promoted secondary (dr: active, no failover function or alarm)", () => {
    after(removeTempDirs);
    for (const cloud of CLOUDS) {
        it(`${cloud}: step 1 is skipped with the reason, step 13's up brings the alarm back, step 14 finds it enabled`, () => withFakes(cloud, async f => {
            f.promotedWithoutAlarm = true;
            const r = await failback(f, tempDir(), [...PAIR, ...CONFIRM]);
            assert.equal(r.code, 0, r.err);
            assert.ok(r.lines.includes("[1/15] disable-alarm: skipped (the secondary is promoted (dr: active), and promotion removed its failover function and alarm)"), r.lines.join("\n"));
            assert.deepEqual(okLines(r.lines), STEP_IDS.slice(1));
            assert.equal(f.sim.secondary.config.dr, "standby");
            assert.equal(f.alarmEnabled(), true);
            assert.equal(f.count("alarm", undefined, "PUT"), 0, "no alarm to disable, and the redeclared one is enabled already");
        }));
    }
});

function readStateOrEmpty(dir: string): string[] {
    try {
        return readState(dir).done;
    } catch {
        return [];
    }
}
