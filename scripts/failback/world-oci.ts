// The live FailbackWorld of an OCI pair. Built from both stacks' outputs:
// each cluster through its kubeconfig, LogScale on its own hostname, each
// Object Storage bucket in its region, and from the secondary's outputs the
// steering policy the failover function locked, its Monitoring alarm and (on
// its humio-operator Deployment) its record. Every OCI call is signed with the
// operator's ~/.oci/config profile, as readiness signs.

import { parseFailoverRecord } from "../../functions/core/record";
import { FailoverRecord } from "../../functions/core/types";
import { KubeConnection } from "../../functions/k8s/http";
import { ociBadAnswer, ociError, OciCall, ociRequest, parseJson } from "../../functions/oci/http";
import { COOLDOWN_ANNOTATION, defaultEndpoints } from "../../functions/oci/platform";
import { OciCredentials } from "../../functions/oci/signer";
import { LOGSCALE_NAMESPACE } from "../../components/logscale/names";
import { PRIMARY_POOL } from "../../components/oci/steering";
import { OciConfigSource, ociProfileCredentials, readOciProfile } from "../readiness/oci-config";
import { checkApiEndpoint } from "../readiness/outputs";
import { DeploymentAnnotation } from "./kube-annotations";
import { KubeSideOptions, OPERATOR } from "./kube-side";
import { namespaceFromEndpointBase, OciBucket } from "./object-storage-oci";
import { FailbackWorld, Side } from "./ports";
import { StackPort } from "./stack-port";
import { needOutput, optionalOutput, pairOutputs, PairWorld, sideBasics, SideParts, SIDES } from "./world-base";
import { OciSteering } from "./steering-oci";

export interface OciWorldOptions {
    /** Test seams: one endpoint for DNS and Monitoring, one for Object Storage (both sides), a static signing identity. */
    apiEndpoint?: string;
    objectStorageEndpoint?: string;
    credentials?: () => OciCredentials;
    /** Where the signing profile is read from; default OCI_CLI_CONFIG_FILE or ~/.oci/config, profile OCI_CLI_PROFILE or DEFAULT. */
    config?: OciConfigSource;
    /** LogScale base URL per side; default https://<hostname output>. */
    logscaleUrl?: Partial<Record<Side, string>>;
    /** The Kafka admin Job's clock and cadence (tests pass a virtual clock). */
    kube?: KubeSideOptions;
}

const TIMEOUT_MS = 15_000;

export class OciWorld extends PairWorld implements FailbackWorld {
    private constructor(
        sides: Record<Side, SideParts>,
        private readonly steering: OciSteering,
        private readonly record: DeploymentAnnotation,
        private readonly telemetry: string,
        private readonly credentials: () => OciCredentials,
    ) {
        super(sides);
    }

    static async create(stacks: Record<Side, StackPort>, o: OciWorldOptions = {}): Promise<OciWorld> {
        const out = await pairOutputs(stacks, "oci", "OCI");
        const s = out.secondary, sName = stacks.secondary.name;
        // The policy and the alarm are the secondary's: DNS answers in any region, the alarm in the secondary's.
        const region = needOutput("OCI", s, sName, "region", "the Monitoring alarm's region");
        const policyId = needOutput("OCI", s, sName, "steeringPolicyId", "the DNS lock");
        const endpoints = defaultEndpoints(region);
        const dns = checkApiEndpoint(o.apiEndpoint ?? endpoints.dns, "OCI DNS");
        const telemetry = checkApiEndpoint(o.apiEndpoint ?? endpoints.telemetry, "OCI Monitoring");
        // Read once, before any call: a broken profile is one error, not one per step.
        const credentials = o.credentials ?? (() => { const c = ociProfileCredentials(readOciProfile(o.config)); return () => c; })();

        const parts = {} as Record<Side, SideParts>;
        const conns = {} as Record<Side, KubeConnection>;
        for (const side of SIDES) {
            const so = out[side], name = stacks[side].name;
            const { basics, conn } = sideBasics("OCI", stacks[side], so, side, o);
            conns[side] = conn;
            const endpointBase = needOutput("OCI", so, name, "storageEndpointBase", "the bucket's Object Storage namespace");
            const namespace = namespaceFromEndpointBase(endpointBase);
            if (!namespace) throw new Error(`stack "${name}" has "storageEndpointBase" output ${endpointBase}, not https://<namespace>.compat.objectstorage.<region>.<realm domain>; the OCI failback reads the bucket's namespace from it`);
            parts[side] = {
                ...basics,
                bucket: new OciBucket({
                    namespace, bucket: needOutput("OCI", so, name, "storageBucket", "the snapshot steps"), region: needOutput("OCI", so, name, "region", "the bucket"),
                    credentials, endpoint: o.objectStorageEndpoint,
                }),
            };
        }
        return new OciWorld(parts,
            new OciSteering(policyId, PRIMARY_POOL, dns, credentials),
            new DeploymentAnnotation(conns.secondary, LOGSCALE_NAMESPACE, OPERATOR, COOLDOWN_ANNOTATION, "secondary"),
            telemetry,
            credentials);
    }

    /** The lock is every answer of the primary pool isDisabled (functions/oci/lock.ts planLock). */
    dnsLocked(): Promise<boolean> { return this.steering.locked(); }
    unlockDns(): Promise<void> { return this.steering.unlock(); }

    async lockRecord(): Promise<FailoverRecord | undefined> {
        const r = parseFailoverRecord(await this.record.read());
        const where = `annotation ${this.record.key} on Deployment ${this.record.namespace}/${this.record.deployment} of the secondary cluster`;
        if (r && "error" in r) throw new Error(`failover record (${where}) ${r.error}`);
        return r;
    }

    protected writeLockRecord(value: string): Promise<void> { return this.record.write(value); }

    /**
     * The failover alarm from the secondary's outputs as they are now: a promoted
     * secondary exports none (promotion removed it) until step 13's up.
     */
    private async alarm(): Promise<{ id: string; url: string } | undefined> {
        const v = optionalOutput(await this.sides.secondary.stack.outputs(), "failoverAlarmId");
        if (!v) return undefined;
        return { id: v, url: `${this.telemetry}/20180401/alarms/${encodeURIComponent(v)}` };
    }

    async alarmEnabled(): Promise<boolean | undefined> {
        const alarm = await this.alarm();
        if (!alarm) return undefined;
        const req: OciCall = { call: "oci.monitoring.getAlarm", method: "GET", url: alarm.url, timeoutMs: TIMEOUT_MS };
        const res = await ociRequest(this.credentials, req);
        if (res.status !== 200) throw ociError(req, res);
        const a = parseJson(req, res) as { isEnabled?: unknown; lifecycleState?: unknown };
        if (a?.lifecycleState === "DELETED") throw ociBadAnswer(req, `alarm ${alarm.id} is DELETED; the secondary's failoverAlarmId output names an alarm a later up replaced`);
        if (typeof a?.isEnabled !== "boolean") throw ociBadAnswer(req, `alarm ${alarm.id} has no isEnabled flag`);
        return a.isEnabled;
    }

    /**
     * isEnabled, the alarm's own switch: a disabled alarm is not evaluated and
     * notifies nothing, so the failover function cannot run while the pair is
     * handed back. Enabled again, it evaluates the primary's monitor afresh.
     */
    async setAlarm(enabled: boolean): Promise<void> {
        const alarm = await this.alarm();
        if (!alarm) throw new Error(`stack "${this.sides.secondary.stack.name}" exports no failoverAlarmId: it has no failover alarm to ${enabled ? "enable" : "disable"}`);
        const req: OciCall = { call: "oci.monitoring.updateAlarm", method: "PUT", url: alarm.url, body: { isEnabled: enabled }, timeoutMs: TIMEOUT_MS };
        const res = await ociRequest(this.credentials, req);
        if (res.status !== 200) throw ociError(req, res);
    }
}
