import { strict as assert } from "assert";
import * as crypto from "crypto";
import { parseArgs } from "../../scripts/failback/cli";
import { livePlan, liveWorld } from "../../scripts/failback/live";
import { namespaceFromEndpointBase } from "../../scripts/failback/object-storage-oci";
import { OciWorld } from "../../scripts/failback/world-oci";
import { ALARM, API_KEY_ID, BUCKETS, lockedPolicy, NAMESPACE, OciRig, POLICY, withOciRig } from "./oci-rig";
import { FAILOVER_RECORD, RECORD_ANNOTATION, T0 } from "./fakes";
import { CONFIRM, liveFailback, PAIR, readState, removeTempDirs, STEP_IDS, tempDir } from "./harness";



const record = (r: OciRig) => r.f.kube.secondary.deployment("logging", "humio-operator")!.metadata.annotations?.[RECORD_ANNOTATION];
const setRecord = (r: OciRig, v: string | undefined) => {
    const md = r.f.kube.secondary.deployment("logging", "humio-operator")!.metadata;
    if (v === undefined) delete md.annotations?.[RECORD_ANNOTATION];
    else md.annotations = { ...md.annotations, [RECORD_ANNOTATION]: v };
};
const ociCalls = (r: OciRig) => r.oci.requests.map(q => `${q.method} ${q.path} ${q.status}`);

describe("failback: the live OCI world against fakes over HTTP", () => {
    after(removeTempDirs);

    it("DNS lock: the primary answer's isDisabled; the unlock is GET + PUT with If-Match that changes only that flag", () => withOciRig(async r => {
        const w = await r.world();
        assert.equal(await w.dnsLocked(), true);
        await w.unlockDns();
        const expected = lockedPolicy();
        (expected.answers as { isDisabled: boolean }[])[0].isDisabled = false;
        assert.deepEqual(r.oci.policy(POLICY), expected);
        assert.equal(await w.dnsLocked(), false);
        const put = r.oci.requests.find(q => q.method === "PUT")!;
        assert.equal(put.headers["if-match"], '"v1"');
        assert.deepEqual(Object.keys(put.body as object).sort(), ["answers", "definedTags", "displayName", "freeformTags", "healthCheckMonitorId", "rules", "template", "ttl"]);
        await w.unlockDns();
        const p = `/20180115/steeringPolicies/${POLICY}`;
        assert.deepEqual(ociCalls(r), [`GET ${p} 200`, `GET ${p} 200`, `PUT ${p} 200`, `GET ${p} 200`, `GET ${p} 200`], "an unlocked policy is not written again");
    }));

    it("DNS unlock: a concurrent edit (412 on If-Match) is read again and kept, not overwritten", () => withOciRig(async r => {
        const w = await r.world();
        r.oci.fault({ method: "PUT", status: 0, before: oci => oci.editPolicy(POLICY, d => { d.ttl = 30; }) });
        await w.unlockDns();
        const doc = r.oci.policy(POLICY) as { ttl: number; answers: { name: string; isDisabled: boolean }[] };
        assert.equal(doc.ttl, 30);
        assert.deepEqual(doc.answers.map(a => [a.name, a.isDisabled]), [["primary", false], ["secondary", false]]);
        assert.deepEqual(r.oci.requests.map(q => [q.method, q.status]), [["GET", 200], ["PUT", 412], ["GET", 200], ["PUT", 200]]);
    }));

    it("DNS lock: a policy with no primary-pool answer is an error naming the policy", () => withOciRig(async r => {
        r.oci.editPolicy(POLICY, d => { (d.answers as { pool: string }[])[0].pool = "west"; });
        const w = await r.world();
        await assert.rejects(w.dnsLocked(), new RegExp(`^RemoteError: oci\\.dns\\.getSteeringPolicy GET /20180115/steeringPolicies/${POLICY.replace(/\./g, "\\.")}: unexpected answer: steering policy ${POLICY.replace(/\./g, "\\.")} has no answer in pool "primary"`));
    }));

    it("failover record: the secondary operator's annotation; pending -> applied with the same epoch; applied untouched; garbage refused; missing", () => withOciRig(async r => {
        const w = await r.world();
        const epoch = T0 / 1000 - 1800;
        assert.deepEqual(await w.lockRecord(), { epochSeconds: epoch, lock: "applied" });
        await w.clearLockRecord();
        assert.equal(r.f.kube.secondary.count("PATCH", "/deployments/humio-operator"), 0, "an applied record is not rewritten");
        setRecord(r, `${epoch};lock=pending`);
        assert.deepEqual(await w.lockRecord(), { epochSeconds: epoch, lock: "pending" });
        await w.clearLockRecord();
        assert.equal(record(r), FAILOVER_RECORD);
        const patch = r.f.kube.secondary.requests.find(q => q.method === "PATCH")!;
        assert.equal(patch.path, "/apis/apps/v1/namespaces/logging/deployments/humio-operator");
        assert.equal(patch.contentType, "application/merge-patch+json");
        assert.deepEqual(patch.body, { metadata: { annotations: { [RECORD_ANNOTATION]: FAILOVER_RECORD } } });
        assert.equal(r.f.kube.primary.count("GET", "/deployments/humio-operator"), 0, "the record is the secondary's");
        setRecord(r, "yesterday");
        await assert.rejects(w.lockRecord(), /^Error: failover record \(annotation logscale\.dr\/last-failover-epoch on Deployment logging\/humio-operator of the secondary cluster\) holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
        await assert.rejects(w.clearLockRecord(), /holds "yesterday"/);
        assert.equal(record(r), "yesterday");
        setRecord(r, undefined);
        assert.equal(await w.lockRecord(), undefined);
        await w.clearLockRecord();
        assert.equal(record(r), undefined, "no record is not made into one");
    }));

    it("alarm: GetAlarm isEnabled, UpdateAlarm {isEnabled}", () => withOciRig(async r => {
        const w = await r.world();
        assert.equal(await w.alarmEnabled(), true);
        await w.setAlarm(false);
        assert.equal(r.oci.alarms.get(ALARM)!.isEnabled, false);
        assert.equal(await w.alarmEnabled(), false);
        await w.setAlarm(true);
        assert.equal(r.oci.alarms.get(ALARM)!.isEnabled, true);
        const p = `/20180401/alarms/${ALARM}`;
        assert.deepEqual(ociCalls(r), [`GET ${p} 200`, `PUT ${p} 200`, `GET ${p} 200`, `PUT ${p} 200`]);
        assert.deepEqual(r.oci.requests.filter(q => q.method === "PUT").map(q => q.body), [{ isEnabled: false }, { isEnabled: true }]);
    }));

    it("every OCI request is signed with the config profile's API key and verifies against its public key", () => withOciRig(async r => {
        const w = await r.world();
        await w.dnsLocked();
        await w.setAlarm(false);
        await w.listObjects("primary", "logscale/");
        assert.ok(r.oci.requests.length === 2 && r.oci.requests.every(q => q.signatureValid && q.keyId === API_KEY_ID), JSON.stringify(r.oci.requests.map(q => [q.path, q.keyId, q.signatureValid])));
        assert.match(String(r.oci.requests[1].headers.authorization), /headers="date \(request-target\) host content-length content-type x-content-sha256"/);
        assert.deepEqual(r.os.requests.map(q => q.status), [200]);
        const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
        const forged = await r.world({ credentials: () => ({ keyId: API_KEY_ID, privateKey: other }) });
        await assert.rejects(forged.alarmEnabled(), new RegExp(`^RemoteError: oci\\.monitoring\\.getAlarm GET /20180401/alarms/${ALARM.replace(/\./g, "\\.")}: HTTP 401 NotAuthenticated: signature does not verify \\(opc-request-id req-\\d+\\)$`));
    }));

    it("an OCI 404 or 403 is an error naming the call, the resource, the status and OCI's code and message", () => withOciRig(async r => {
        const w = await r.world();
        r.oci.alarms.delete(ALARM);
        await assert.rejects(w.alarmEnabled(), new RegExp(`^RemoteError: oci\\.monitoring\\.getAlarm GET /20180401/alarms/${ALARM.replace(/\./g, "\\.")}: HTTP 404 NotAuthorizedOrNotFound: no such alarm`));
        r.oci.fault({ method: "GET", path: "/steeringPolicies/", status: 403 });
        await assert.rejects(w.dnsLocked(), new RegExp(`^RemoteError: oci\\.dns\\.getSteeringPolicy GET /20180115/steeringPolicies/${POLICY.replace(/\./g, "\\.")}: HTTP 403 Fault: injected 403`));
        r.oci.fault({ method: "PUT", path: "/steeringPolicies/", status: 403 });
        await assert.rejects(w.unlockDns(), /^RemoteError: oci\.dns\.updateSteeringPolicy PUT \/20180115\/steeringPolicies\/\S+: HTTP 403 Fault: injected 403/);
        assert.equal(await w.dnsLocked(), true, "a refused unlock leaves the lock");
        r.stacks.secondary.set.storageBucket = "no-such-bucket";
        const wrong = await r.world();
        await assert.rejects(wrong.listObjects("secondary", ""), /^Error: Object Storage ListObjects on bucket no-such-bucket \(namespace axaxnpcrorw5\): oci\.objectstorage\.listObjects GET \/n\/axaxnpcrorw5\/b\/no-such-bucket\/o: HTTP 404 BucketNotFound: Either the bucket named 'no-such-bucket' does not exist/);
    }));

    it("Object Storage: lists the prefix with name and timeModified, and deletes only the names given", () => withOciRig(async r => {
        const w = await r.world();
        assert.equal(w.storagePrefix("primary"), "logscale/");
        assert.equal(w.storagePrefix("secondary"), "");
        const listed = await w.listObjects("primary", "logscale/globalsnapshots/");
        assert.deepEqual(listed, [{ key: "logscale/globalsnapshots/globalsnapshot-old.json", modified: T0 - 2 * 3600_000 }]);
        await w.deleteObjects("primary", listed.map(o => o.key));
        assert.deepEqual(r.f.sim.primary.deleted, ["logscale/globalsnapshots/globalsnapshot-old.json"]);
        assert.equal(r.f.segments("primary").length, 3);
        assert.deepEqual(r.os.requests.map(q => [q.op, q.namespace, q.bucket, q.object, q.status]), [
            ["ListObjects", NAMESPACE, BUCKETS.primary, undefined, 200],
            ["DeleteObject", NAMESPACE, BUCKETS.primary, "logscale/globalsnapshots/globalsnapshot-old.json", 204],
        ]);
        assert.deepEqual(r.os.requests[0].query, { prefix: "logscale/globalsnapshots/", fields: "name,timeModified", limit: "1000" });
    }));

    it("Object Storage: pages follow nextStartWith; names needing escaping list and delete; an absent object counts as deleted", () => withOciRig(async r => {
        const w = await r.world();
        r.os.pageSize = 7;
        const prefix = "logscale/globalsnapshots/";
        for (let i = 0; i < 40; i++) r.f.sim.primary.objects.push({ key: `${prefix}globalsnapshot-${String(i).padStart(3, "0")} a+b&c%20d.json`, modified: T0 + i });
        const listed = await w.listObjects("primary", prefix);
        assert.equal(listed.length, 41);
        assert.equal(new Set(listed.map(o => o.key)).size, 41);
        assert.equal(listed.find(o => o.key.includes("-039 "))!.modified, T0 + 39);
        const lists = r.os.requests.filter(q => q.op === "ListObjects");
        assert.equal(lists.length, 6);
        assert.deepEqual(lists.map(q => q.query!.start), [undefined, ...lists.slice(1).map(q => q.query!.start)]);
        assert.ok(lists.slice(1).every(q => q.query!.start!.startsWith(prefix)));
        r.f.sim.primary.objects = r.f.sim.primary.objects.filter(o => o.key !== listed[3].key);
        await w.deleteObjects("primary", listed.map(o => o.key));
        assert.equal(r.f.snapshots("primary").length, 0);
        assert.equal(r.f.segments("primary").length, 3);
        const deletes = r.os.requests.filter(q => q.op === "DeleteObject");
        assert.equal(deletes.length, 41);
        assert.deepEqual(deletes.filter(q => q.status !== 204).map(q => [q.object, q.status]), [[listed[3].key, 404]]);
    }));

    it("Object Storage: a refused DeleteObject is an error naming the bucket, the object, the call and OCI's answer", () => withOciRig(async r => {
        const w = await r.world();
        r.os.refuse.add("globalsnapshots/globalsnapshot-old.json");
        await assert.rejects(w.deleteObjects("secondary", ["globalsnapshots/globalsnapshot-old.json"]),
            /^Error: Object Storage DeleteObject on bucket logscale-us-ashburn-1: 0 of 1 object\(s\) deleted before globalsnapshots\/globalsnapshot-old\.json failed: oci\.objectstorage\.deleteObject DELETE \/n\/axaxnpcrorw5\/b\/logscale-us-ashburn-1\/o\/globalsnapshots%2Fglobalsnapshot-old\.json: HTTP 403 NotAuthorizedOrNotFound: Authorization failed/);
        assert.equal(r.f.snapshots("secondary").length, 1);
    }));

    it("the namespace comes from the storageEndpointBase output", () => {
        assert.equal(namespaceFromEndpointBase("https://axaxnpcrorw5.compat.objectstorage.us-ashburn-1.oraclecloud.com"), "axaxnpcrorw5");
        assert.equal(namespaceFromEndpointBase("https://logscale.blob.core.windows.net"), undefined);
    });

    it("a stack without an output the world needs: one line naming the stack, the output and what it is for", () => withOciRig(async r => {
        r.stacks.secondary.removed.add("steeringPolicyId");
        await assert.rejects(r.world(), /^Error: stack "secondary" has no "steeringPolicyId" output; the OCI failback needs it for the DNS lock$/);
        r.stacks.secondary.removed.clear();
        r.stacks.primary.removed.add("storageEndpointBase");
        await assert.rejects(r.world(), /^Error: stack "primary" has no "storageEndpointBase" output; the OCI failback needs it for the bucket's Object Storage namespace$/);
        r.stacks.primary.set.cloud = "aws";
        await assert.rejects(r.world(), /^Error: stack "primary" is on aws; the OCI world needs two OCI stacks$/);
    }));

    it("a broken OCI CLI profile is one error before any call", () => withOciRig(async r => {
        await assert.rejects(r.world({ config: { file: r.configFile, env: { OCI_CLI_PROFILE: "NOPE" } } }), /has no profile \[NOPE\] \(OCI_CLI_PROFILE\)$/);
        assert.equal(r.oci.requests.length, 0);
    }));

    it("liveWorld gives an OCI plan the OCI world, and an Azure plan the Azure world", () => withOciRig(async r => {
        const factory = (name: string) => r.stacks[name as "primary" | "secondary"];
        const plan = await livePlan(parseArgs(PAIR), factory);
        assert.equal(plan.cloud, "oci");
        const env = { file: process.env.OCI_CLI_CONFIG_FILE, profile: process.env.OCI_CLI_PROFILE };
        process.env.OCI_CLI_CONFIG_FILE = r.configFile;
        process.env.OCI_CLI_PROFILE = "FAILBACK";
        try {
            assert.ok(await liveWorld(plan, factory) instanceof OciWorld);
        } finally {
            for (const [k, v] of [["OCI_CLI_CONFIG_FILE", env.file], ["OCI_CLI_PROFILE", env.profile]] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
        // An Azure plan gets the Azure world, which checks the stacks are Azure's.
        await assert.rejects(liveWorld({ ...plan, cloud: "azure" }, factory), /^Error: stack "primary" is on oci; the Azure world needs two Azure stacks$/);
    }));

    it("the whole failback through the CLI over the live OCI world: 15 steps, DNS unlocked, alarm enabled, primary snapshots deleted, segments kept", () => withOciRig(async r => {
        const dir = tempDir();
        setRecord(r, FAILOVER_RECORD.replace("applied", "pending"));
        const oldPrimarySnapshot = r.f.snapshots("primary")[0].key;
        const { code, out, lines } = await liveFailback(r, dir, [...PAIR, ...CONFIRM]);
        assert.equal(code, 0, lines.join("\n"));
        assert.match(out, /^Failback plan for pair primary,secondary on oci\n  primary   primary \(us-phoenix-1\) logscale-us-phoenix-1\.example\.com bucket logscale-us-phoenix-1\n/);
        assert.deepEqual(lines.map(l => /^\[\d+\/15\] ([a-z-]+): ok$/.exec(l)?.[1]).filter(Boolean), STEP_IDS);
        assert.deepEqual(readState(dir).done, STEP_IDS);

        const answers = (r.oci.policy(POLICY) as { answers: { name: string; isDisabled: boolean }[] }).answers;
        assert.deepEqual(answers.map(a => [a.name, a.isDisabled]), [["primary", false], ["secondary", false]]);
        assert.equal(r.oci.alarms.get(ALARM)!.isEnabled, true);
        assert.equal(record(r), FAILOVER_RECORD);
        const recordPatch = r.f.kube.secondary.requests.findIndex(q => q.method === "PATCH" && q.path.endsWith("/deployments/humio-operator"));
        assert.ok(recordPatch >= 0);
        assert.ok(r.oci.requests.every(q => q.signatureValid), "every OCI request verified");
        assert.deepEqual([r.f.replicas("primary"), r.f.replicas("secondary")], [1, 0]);
        assert.equal(r.f.sim.primary.boot, "recovered");
        assert.deepEqual(r.f.sim.primary.deleted, [oldPrimarySnapshot]);
        assert.deepEqual(r.f.snapshots("secondary"), []);
        assert.equal(r.f.sim.secondary.topic, false);
        for (const side of ["primary", "secondary"] as const) assert.equal(r.f.segments(side).length, 3, `${side} segments kept`);
        assert.deepEqual([r.f.sim.primary.config.recoverFrom, r.f.sim.secondary.config.dr], ["none", "standby"]);
        assert.ok(r.os.requests.length > 0 && r.os.requests.every(q => q.status === 200 || q.status === 204), JSON.stringify(r.os.requests));
    }));

    it("a refused DeleteObject at step 6 stops the run with one line; the resume command finishes over the live OCI world", () => withOciRig(async r => {
        const dir = tempDir();
        const old = r.f.snapshots("primary")[0].key;
        r.os.refuse.add(old);
        const first = await liveFailback(r, dir, [...PAIR, ...CONFIRM]);
        assert.equal(first.code, 1, first.lines.join("\n"));
        const stop = first.lines.filter(l => l.startsWith("failback stopped"));
        assert.equal(stop.length, 1);
        assert.match(stop[0], /^failback stopped at step 6 delete-primary-snapshots: error: Object Storage DeleteObject on bucket logscale-us-phoenix-1: 0 of 1 object\(s\) deleted before logscale\/globalsnapshots\/globalsnapshot-old\.json failed: .*HTTP 403 .*; resume: npm run failback -- --pair primary,secondary --from-step 6 --confirm primary$/);
        assert.equal(r.f.sim.primary.config.recoverFrom, "none", "nothing after step 6 ran");
        const second = await liveFailback(r, dir, stop[0].split("resume: npm run failback -- ")[1].split(" "));
        assert.equal(second.code, 0, second.lines.join("\n"));
        assert.deepEqual(r.f.sim.primary.deleted, [old]);
        assert.equal(r.f.sim.primary.boot, "recovered");
        assert.equal(await (await r.world()).dnsLocked(), false);
    }));
});
