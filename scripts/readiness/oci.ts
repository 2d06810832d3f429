// CloudPort for an OCI pair, from the standby stack's outputs: the steering
// policy's answers (the failover function's lock is every answer of the
// primary pool isDisabled), the Monitoring alarm that calls the function, and
// the verdict the scheduled self-test keeps on the standby's humio-operator Deployment.

import { ANSWER_NAMES, PRIMARY_POOL, SECONDARY_POOL } from "../../components/oci/steering";
import { ociError, OciCall, ociRequest, parseJson } from "../../functions/oci/http";
import { PolicyAnswer } from "../../functions/oci/lock";
import { OciCredentials } from "../../functions/oci/signer";
import { checkApiEndpoint, needOutput } from "./outputs";
import { CloudPort, ClusterPort, SelfTest } from "./ports";
import { verdictAnnotation } from "./self-test";

export interface OciPairNames {
    steeringPolicyId: string;
    alarmId: string;
    /** The standby's region: its alarm lives there, and DNS is served from any region. */
    region: string;
}

export interface OciClientOptions {
    /** Live: ociProfileCredentials(readOciProfile()) (./oci-config.ts). */
    credentials: () => OciCredentials;
    /** Default https://dns.<region>.oraclecloud.com and https://telemetry.<region>.oraclecloud.com; http only on loopback. */
    endpoints?: { dns?: string; telemetry?: string };
    timeoutMs?: number;
}

export function ociNamesFromOutputs(o: Record<string, unknown>): OciPairNames {
    const need = (k: string) => needOutput(o, k, "OCI");
    return { steeringPolicyId: need("steeringPolicyId"), alarmId: need("failoverAlarmId"), region: need("region") };
}

interface Policy {
    displayName?: string;
    answers: PolicyAnswer[];
}

export class OciCloud implements CloudPort {
    readonly cloud = "oci" as const;
    private readonly dns: string;
    private readonly telemetry: string;
    private policy?: Promise<Policy>;

    constructor(private readonly n: OciPairNames, private readonly standby: ClusterPort, private readonly o: OciClientOptions) {
        this.dns = checkApiEndpoint(o.endpoints?.dns ?? `https://dns.${n.region}.oraclecloud.com`, "OCI DNS");
        this.telemetry = checkApiEndpoint(o.endpoints?.telemetry ?? `https://telemetry.${n.region}.oraclecloud.com`, "OCI Monitoring");
    }

    private async get(call: string, url: string): Promise<unknown | undefined> {
        const c: OciCall = { call, method: "GET", url, timeoutMs: this.o.timeoutMs ?? 15_000 };
        const res = await ociRequest(this.o.credentials, c);
        // OCI answers 404 NotAuthorizedOrNotFound for both; a missing permission reads as "not found" too.
        if (res.status === 404) return undefined;
        if (res.status !== 200) throw ociError(c, res);
        return parseJson(c, res);
    }

    /** One GET per run: the lock and the targets read the same policy. */
    private readPolicy(): Promise<Policy> {
        return this.policy ??= (async () => {
            const id = this.n.steeringPolicyId;
            const p = await this.get("oci.dns.getSteeringPolicy", `${this.dns}/20180115/steeringPolicies/${encodeURIComponent(id)}`) as Partial<Policy> | undefined;
            if (!p) throw new Error(`steering policy ${id} not found (or not visible to this user)`);
            if (!Array.isArray(p.answers)) throw new Error(`steering policy ${id} has no answers array`);
            return { displayName: p.displayName, answers: p.answers };
        })();
    }

    async dnsLock(): Promise<{ locked: boolean; detail: string }> {
        const p = await this.readPolicy();
        const primary = p.answers.filter(a => a.pool === PRIMARY_POOL);
        if (primary.length === 0) throw new Error(`steering policy ${p.displayName ?? this.n.steeringPolicyId} has no answer in pool "${PRIMARY_POOL}": there is nothing to lock`);
        const locked = primary.every(a => a.isDisabled === true);
        return { locked, detail: `steering policy ${p.displayName ?? this.n.steeringPolicyId}: primary answer(s) ${primary.map(a => `${a.name}${a.isDisabled === true ? " disabled" : " enabled"}`).join(", ")}` };
    }

    async dnsTargets(): Promise<{ present: string[]; missing: string[] }> {
        const p = await this.readPolicy();
        const present: string[] = [];
        const missing: string[] = [];
        for (const [role, pool] of [["primary", PRIMARY_POOL], ["secondary", SECONDARY_POOL]] as const) {
            const label = `${role} answer ${ANSWER_NAMES[role]}`;
            const found = p.answers.filter(a => a.pool === pool);
            if (found.length === 0) missing.push(`${label} (pool ${pool})`);
            // A disabled primary is the lock; with every secondary answer disabled the lock is refused, and DNS answers nothing.
            else if (role === "secondary" && found.every(a => a.isDisabled === true)) missing.push(`${label} (disabled: nothing to fail over to)`);
            else present.push(`${label} (${found.map(a => `${a.rtype} ${a.rdata}`).join(", ")})`);
        }
        return { present, missing };
    }

    async alarm(): Promise<{ name: string; enabled: boolean }> {
        const id = this.n.alarmId;
        const a = await this.get("oci.monitoring.getAlarm", `${this.telemetry}/20180401/alarms/${encodeURIComponent(id)}`) as
            { displayName?: string; isEnabled?: unknown; lifecycleState?: string } | undefined;
        if (!a || a.lifecycleState === "DELETED") throw new Error(`Monitoring alarm ${id} not found in ${this.n.region}`);
        return { name: `alarm ${a.displayName ?? id}`, enabled: a.isEnabled === true };
    }

    lastSelfTest(): Promise<SelfTest> {
        return verdictAnnotation(this.standby);
    }
}
