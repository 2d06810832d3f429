// An OCI pair behind real local fakes for the live gameday: FakeOci (the
// steering policy, the zone, the alarm and its status, the primary monitor's
// probe results; every request's signature verified), both clusters, and the
// two DNS fakes. The played world is Health Checks, the alarm and the
// failover function.
import { COOLDOWN_ANNOTATION } from "../../functions/oci/platform";
import { LiveInput } from "../../scripts/readiness/live";
import { OciCloud, ociNamesFromOutputs } from "../../scripts/readiness/oci";
import { OutputValue } from "../../scripts/readiness/ports";
import { LivePair, ociLivePair } from "../../scripts/gameday/live";
import { FakeOci } from "../oci/fake-oci";
import { COMPARTMENT, credentials, httpProbes, KEY_ID, MONITOR, POLICY, policyDoc, testKeys } from "../oci/fixtures";
import { out } from "../readiness/live-pair";
import { Base, basePair, ENCRYPTION_KEY, PLAY, WorldOptions } from "./cloud-pair";

export const ALARM = "ocid1.alarm.oc1.phx.aaaaalarm";
export const ZONE = "ocid1.dns-zone.oc1..aaaazone";
/** The policy fixture's answers. */
export const IPS = { primary: "203.0.113.10", secondary: "203.0.113.20" };

export interface OciPair extends Base {
    oci: FakeOci;
    outputs: { primary: Record<string, OutputValue>; secondary: Record<string, OutputValue> };
    ociOptions: { credentials: typeof credentials; endpoints: { dns: string; telemetry: string; healthchecks: string } };
    readiness(): LiveInput;
    live(): LivePair;
}

export async function ociPair(o: WorldOptions = {}): Promise<OciPair> {
    const oci = await FakeOci.start(testKeys().publicKey, KEY_ID);
    oci.putPolicy(POLICY, policyDoc());
    oci.alarms.set(ALARM, { displayName: "logscale-dr-failover-primary-down", isEnabled: true, compartmentId: COMPARTMENT, status: "OK" });
    oci.zones.set(ZONE, { name: "example.com", nameservers: [{ hostname: "ns1.p68.dns.fake-dns.test" }, { hostname: "ns2.p68.dns.fake-dns.test" }] });
    let b: Base | undefined;
    const base = await basePair([
        { name: "S3_RECOVER_FROM_BUCKET", value: "logscale-ashburn" },
        { name: "S3_RECOVER_FROM_REGION", value: "us-ashburn-1" },
        { name: "S3_RECOVER_FROM_ENDPOINT_BASE", value: "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com" },
        { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
    ], "S3_RECOVER_FROM_ENCRYPTION_KEY", o, now => {
        // What functions/oci/platform.ts does: the record, then the lock (every primary answer disabled).
        b!.annotate(COOLDOWN_ANNOTATION, `${Math.floor(now / 1000)};lock=applied`);
        oci.editPolicy(POLICY, d => { for (const a of d.answers as Array<{ pool: string; isDisabled: boolean }>) if (a.pool === "primary") a.isDisabled = true; });
    }, (w, now) => {
        // Each probe is failed once it started after the monitor saw the outage.
        const failedFrom = w.downSince === undefined ? Infinity : w.downSince + PLAY.checkS * 1000;
        oci.httpProbeResults.set(MONITOR, httpProbes(now, t => t < failedFrom));
        oci.alarms.get(ALARM)!.status = w.downS >= PLAY.alarmS ? "FIRING" : "OK";
        b?.dns.authoritative.set("logscale.example.com", [w.sinceFoS >= PLAY.dnsS ? IPS.secondary : IPS.primary]);
    });
    b = base;
    base.dns.recursive.set("ns1.p68.dns.fake-dns.test", ["127.0.0.1"]);
    base.dns.recursive.set("ns2.p68.dns.fake-dns.test", ["127.0.0.1"]);
    base.dns.recursive.set("logscale.example.com", [IPS.primary]);
    base.dns.authoritative.set("logscale.example.com", [IPS.primary]);
    const outputs = {
        primary: out({ cloud: "oci", region: "us-ashburn-1", storageBucket: "logscale-ashburn", storageEncryptionKey: ENCRYPTION_KEY, logscaleClusterName: "logscale", loadBalancerAddress: IPS.primary },
            ["storageEncryptionKey"]),
        secondary: out({
            cloud: "oci", region: "us-phoenix-1", logscaleClusterName: "logscale", loadBalancerAddress: IPS.secondary, globalHostname: "logscale.example.com",
            steeringPolicyId: POLICY, healthMonitorId: MONITOR, failoverAlarmId: ALARM, dnsZoneId: ZONE, expectedFailoverSeconds: { totalS: 548 },
        }),
    };
    const ociOptions = { credentials, endpoints: { dns: oci.url, telemetry: oci.url, healthchecks: oci.url } };
    const readiness = (): LiveInput => ({
        primaryStack: "primary", secondaryStack: "secondary", outputs, clock: base.clock, runId: "gameday-test", pollMs: 5000, jobTimeoutMs: 120_000,
        clusters: base.clusters,
        cloud: new OciCloud(ociNamesFromOutputs(Object.fromEntries(Object.entries(outputs.secondary).map(([k, v]) => [k, v.value]))), base.clusters.secondary, ociOptions),
    });
    return {
        ...base, oci, outputs, ociOptions, readiness,
        live: () => ociLivePair(readiness(), { oci: ociOptions, dns: base.dnsOptions, connections: base.connections }),
        async stop() { await base.stop(); await oci.stop(); },
    };
}
