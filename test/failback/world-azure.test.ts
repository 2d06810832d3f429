import { strict as assert } from "assert";
import { ACCOUNTS, ALERT, AzureRig, CONTAINER, PRIMARY_ENDPOINT, withAzureRig } from "./azure-rig";
import { FAILOVER_RECORD, RECORD_ANNOTATION, T0 } from "./fakes";
import { CONFIRM, liveFailback, PAIR, readState, removeTempDirs, STEP_IDS, tempDir } from "./harness";



const annotations = (r: AzureRig) => r.f.kube.secondary.deployment("logging", "humio-operator")!.metadata.annotations!;

describe("failback: the live Azure world against fakes over HTTP", () => {
    after(removeTempDirs);

    it("DNS lock: reads the primary's Traffic Manager endpoint and enables it again", () => withAzureRig(async r => {
        const w = await r.world();
        assert.equal(await w.dnsLocked(), true);
        await w.unlockDns();
        assert.equal(r.arm.endpoint(PRIMARY_ENDPOINT)!.endpointStatus, "Enabled");
        assert.equal(await w.dnsLocked(), false);
        assert.deepEqual(r.arm.requests.map(q => [q.method, q.path, q.query["api-version"], q.status]), [
            ["GET", PRIMARY_ENDPOINT, "2022-04-01", 200], ["PATCH", PRIMARY_ENDPOINT, "2022-04-01", 200], ["GET", PRIMARY_ENDPOINT, "2022-04-01", 200],
        ]);
        assert.deepEqual(r.arm.requests[1].body, { properties: { endpointStatus: "Enabled" } });
        // The minutes the endpoint spent Disabled read 0, like failure: the function counts only minutes from
        // its first probe after the unlock (functions/azure/platform.ts MINUTES_FROM_ANNOTATION).
        assert.equal(annotations(r)["logscale.dr/endpoint-minutes-from-epoch"], String(Math.ceil(r.f.clock.now() / 1000) + 60));
    }));

    it("failover record: the secondary operator's annotation; lock=pending becomes lock=applied with the same epoch; applied is left alone; garbage refused; absent is none", () => withAzureRig(async r => {
        const w = await r.world();
        const epoch = T0 / 1000 - 1800;
        const patches = () => r.f.kube.secondary.count("PATCH", "/deployments/humio-operator");
        assert.deepEqual(await w.lockRecord(), { epochSeconds: epoch, lock: "applied" });
        await w.clearLockRecord();
        assert.equal(patches(), 0, "an applied record is not rewritten");
        annotations(r)[RECORD_ANNOTATION] = `${epoch};lock=pending`;
        annotations(r)["logscale.dr/degraded-since-epoch"] = String(epoch);
        await w.clearLockRecord();
        assert.equal(annotations(r)[RECORD_ANNOTATION], FAILOVER_RECORD);
        assert.equal(annotations(r)["logscale.dr/degraded-since-epoch"], String(epoch), "only the record's key is patched");
        const patch = r.f.kube.secondary.requests.find(q => q.method === "PATCH")!;
        assert.equal(patch.path, "/apis/apps/v1/namespaces/logging/deployments/humio-operator");
        assert.equal(patch.contentType, "application/merge-patch+json");
        assert.deepEqual(patch.body, { metadata: { annotations: { [RECORD_ANNOTATION]: FAILOVER_RECORD } } });
        annotations(r)[RECORD_ANNOTATION] = "yesterday";
        await assert.rejects(w.lockRecord(), /^Error: failover record logscale\.dr\/last-failover-epoch on logging\/humio-operator holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
        await assert.rejects(w.clearLockRecord(), /logscale\.dr\/last-failover-epoch/);
        assert.equal(annotations(r)[RECORD_ANNOTATION], "yesterday");
        delete annotations(r)[RECORD_ANNOTATION];
        assert.equal(await w.lockRecord(), undefined);
    }));

    it("alarm: the metric alert's properties.enabled, read and patched", () => withAzureRig(async r => {
        const w = await r.world();
        assert.equal(await w.alarmEnabled(), true);
        await w.setAlarm(false);
        assert.equal(r.arm.metricAlert(ALERT)!.enabled, false);
        assert.equal(await w.alarmEnabled(), false);
        await w.setAlarm(true);
        assert.equal(r.arm.metricAlert(ALERT)!.enabled, true);
        assert.deepEqual(r.arm.requests.map(q => [q.method, q.path, q.query["api-version"]]), [
            ["GET", ALERT, "2018-03-01"], ["PATCH", ALERT, "2018-03-01"], ["GET", ALERT, "2018-03-01"], ["PATCH", ALERT, "2018-03-01"],
        ]);
        assert.deepEqual(r.arm.requests[1].body, { properties: { enabled: false } });
        assert.ok(r.arm.requests.every(q => q.headers.authorization === `Bearer token-for-${r.arm.armResource}`));
    }));

    it("an ARM 403 is an error naming the call, the resource, the status and ARM's message", () => withAzureRig(async r => {
        const w = await r.world();
        r.arm.fault({ method: "PATCH", path: "/externalEndpoints/primary", status: 403 });
        await assert.rejects(w.unlockDns(), (e: Error) => {
            assert.match(e.message, /^arm\.enableEndpoint PATCH http:\/\/127\.0\.0\.1:\d+\/subscriptions\/sub-1\/resourceGroups\/logscale-westus2\/providers\/Microsoft\.Network\/trafficManagerProfiles\/logscale-tm\/externalEndpoints\/primary: HTTP 403 InjectedFault: injected 403$/);
            return true;
        });
        r.arm.fault({ method: "PATCH", path: "/metricAlerts/", status: 403 });
        await assert.rejects(w.setAlarm(false), /^RemoteError: arm\.updateMetricAlert PATCH http:\/\/127\.0\.0\.1:\d+\/subscriptions\/sub-1\/resourceGroups\/logscale-eastus2\/providers\/Microsoft\.Insights\/metricAlerts\/logscale-primary-endpoint-down: HTTP 403 InjectedFault: injected 403$/);
        assert.equal(r.arm.endpoint(PRIMARY_ENDPOINT)!.endpointStatus, "Disabled");
        assert.equal(r.arm.metricAlert(ALERT)!.enabled, true);
    }));

    it("Blob: lists the prefix across NextMarker pages with the bearer token and x-ms-version, deletes only the names given", () => withAzureRig(async r => {
        const w = await r.world();
        assert.equal(w.storagePrefix("primary"), "logscale/");
        assert.equal(w.storagePrefix("secondary"), "");
        const prefix = "logscale/globalsnapshots/";
        // Names that need escaping in the query and the path: a wrongly escaped one is a 404 here.
        for (let i = 0; i < 4; i++) r.f.sim.primary.objects.push({ key: `${prefix}globalsnapshot-${i} a+b&c.json`, modified: T0 + i * 1000 });
        r.blob.pageSize = 3;
        const listed = await w.listObjects("primary", prefix);
        assert.equal(listed.length, 5);
        assert.deepEqual(listed.find(o => o.key === `${prefix}globalsnapshot-old.json`), { key: `${prefix}globalsnapshot-old.json`, modified: T0 - 2 * 3600_000 });
        assert.deepEqual(listed.find(o => o.key.endsWith("-3 a+b&c.json"))!.modified, T0 + 3000);
        assert.deepEqual(r.blob.requests.map(q => [q.op, q.account, q.container, q.names, q.status]), [
            ["List Blobs", ACCOUNTS.primary, CONTAINER, 3, 200], ["List Blobs", ACCOUNTS.primary, CONTAINER, 2, 200],
        ]);
        await w.deleteObjects("primary", [...listed.map(o => o.key), `${prefix}already-gone.json`]);
        assert.equal(r.f.snapshots("primary").length, 0);
        assert.equal(r.f.segments("primary").length, 3);
        assert.equal(r.f.sim.primary.deleted.length, 5);
        const deletes = r.blob.requests.filter(q => q.op === "Delete Blob");
        assert.deepEqual(deletes.map(q => q.status).sort(), [202, 202, 202, 202, 202, 404], "one already gone counts as deleted");
        assert.ok(r.blob.requests.every(q => q.version === "2023-11-03"));
        assert.deepEqual(r.f.sim.secondary.deleted, []);
    }));

    it("Blob: a refused delete is an error naming the call, the blob, the account, the status and the code", () => withAzureRig(async r => {
        const w = await r.world();
        r.blob.refuse.add("globalsnapshots/globalsnapshot-old.json");
        await assert.rejects(w.deleteObjects("secondary", ["globalsnapshots/globalsnapshot-old.json"]),
            /^Error: Blob Delete Blob on \/logscaleeastus2data3c4d\/logscale\/globalsnapshots\/globalsnapshot-old\.json of account logscaleeastus2data3c4d: HTTP 403 AuthorizationPermissionMismatch This request is not authorized to perform this operation using this permission\.$/);
        assert.equal(r.f.snapshots("secondary").length, 1);
    }));

    it("a stack without an output the world needs: one line naming the stack, the output and why", () => withAzureRig(async r => {
        // The alert is read when used (a promoted secondary has none): a name without its group is an error then.
        r.stacks.secondary.removed.add("failoverAlertResourceGroup");
        await assert.rejects((await r.world()).alarmEnabled(), /^Error: stack "secondary" exports failoverAlertName but no "failoverAlertResourceGroup"; the Azure failback needs it for the failover alert$/);
        r.stacks.secondary.removed.clear();
        r.stacks.primary.removed.add("storageAccountName");
        await assert.rejects(r.world(), /^Error: stack "primary" has no "storageAccountName" output; the Azure failback needs it for the snapshot steps$/);
    }));

    it("the whole failback through the CLI over the live Azure world: plan from the stacks' outputs, 15 steps, pair failed back", () => withAzureRig(async r => {
        const dir = tempDir();
        annotations(r)[RECORD_ANNOTATION] = FAILOVER_RECORD.replace("applied", "pending");
        const oldPrimarySnapshot = r.f.snapshots("primary")[0].key;
        const { code, out, lines } = await liveFailback(r, dir, [...PAIR, ...CONFIRM]);
        assert.equal(code, 0, lines.join("\n"));
        assert.match(out, /^Failback plan for pair primary,secondary on azure\n/);
        assert.deepEqual(lines.map(l => /^\[\d+\/15\] ([a-z-]+): ok$/.exec(l)?.[1]).filter(Boolean), STEP_IDS);
        assert.deepEqual(readState(dir).done, STEP_IDS);

        assert.equal(r.arm.endpoint(PRIMARY_ENDPOINT)!.endpointStatus, "Enabled");
        assert.equal(r.arm.metricAlert(ALERT)!.enabled, true);
        assert.equal(annotations(r)[RECORD_ANNOTATION], FAILOVER_RECORD);
        assert.deepEqual([r.f.replicas("primary"), r.f.replicas("secondary")], [1, 0]);
        assert.equal(r.f.sim.primary.boot, "recovered");
        assert.deepEqual(r.f.sim.primary.deleted, [oldPrimarySnapshot]);
        assert.deepEqual(r.f.snapshots("secondary"), []);
        for (const side of ["primary", "secondary"] as const) assert.equal(r.f.segments(side).length, 3, `${side} segments kept`);
        assert.deepEqual([r.f.sim.primary.config.recoverFrom, r.f.sim.secondary.config.dr], ["none", "standby"]);
        assert.ok(r.blob.requests.length > 0 && r.blob.requests.every(q => q.status === 200 || q.status === 202), JSON.stringify(r.blob.requests));
        assert.ok(r.arm.requests.every(q => q.status === 200), JSON.stringify(r.arm.requests.map(q => [q.method, q.path, q.status])));
    }));
});
