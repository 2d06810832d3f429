// The failover function's DNS lock on OCI, read and undone: the lock marks the
// primary pool's answers isDisabled in the pair's steering policy
// (functions/oci/lock.ts). The unlock is the same read-modify-write the lock
// is: GetSteeringPolicy with its ETag, then UpdateSteeringPolicy with If-Match
// carrying everything the GET returned, so nothing but those flags changes.

import { ociBadAnswer, ociError, OciCall, ociRequest, parseJson } from "../../functions/oci/http";
import { PolicyAnswer, primaryAnswersUpdate, SteeringPolicyUpdate } from "../../functions/oci/lock";
import { OciCredentials } from "../../functions/oci/signer";

const TIMEOUT_MS = 15_000;

interface Policy {
    doc: Record<string, unknown>;
    answers: PolicyAnswer[];
    etag?: string;
}

/**
 * The update that enables the primary pool's answers again; undefined when
 * they are enabled already. UpdateSteeringPolicy replaces answers and rules
 * wholesale, so the update carries the rest of the policy as read (primaryAnswersUpdate, as the lock does).
 */
export function planUnlock(doc: Record<string, unknown>, primaryPool: string): SteeringPolicyUpdate | undefined {
    const answers = doc.answers as PolicyAnswer[];
    if (answers.every(a => a.pool !== primaryPool || a.isDisabled !== true)) return undefined;
    if (!Array.isArray(doc.rules) || typeof doc.template !== "string") throw new Error("steering policy has no rules array or template to write back");
    return primaryAnswersUpdate(doc, primaryPool, false);
}

export class OciSteering {
    private readonly url: string;

    constructor(private readonly policyId: string, private readonly primaryPool: string, dnsEndpoint: string, private readonly credentials: () => OciCredentials) {
        this.url = `${dnsEndpoint}/20180115/steeringPolicies/${encodeURIComponent(policyId)}`;
    }

    private async read(): Promise<Policy> {
        const req: OciCall = { call: "oci.dns.getSteeringPolicy", method: "GET", url: this.url, timeoutMs: TIMEOUT_MS };
        const res = await ociRequest(this.credentials, req);
        if (res.status !== 200) throw ociError(req, res);
        const doc = parseJson(req, res) as Record<string, unknown>;
        if (!doc || !Array.isArray(doc.answers)) throw ociBadAnswer(req, `steering policy ${this.policyId} has no answers array`);
        const answers = doc.answers as PolicyAnswer[];
        if (!answers.some(a => a.pool === this.primaryPool)) {
            throw ociBadAnswer(req, `steering policy ${this.policyId} has no answer in pool "${this.primaryPool}": there is no primary answer to lock or unlock`);
        }
        return { doc, answers, etag: res.headers.etag };
    }

    async locked(): Promise<boolean> {
        const p = await this.read();
        return p.answers.filter(a => a.pool === this.primaryPool).every(a => a.isDisabled === true);
    }

    /** A concurrent edit (412 on If-Match) is read again once, as the lock does, rather than overwritten. */
    async unlock(): Promise<void> {
        for (let attempt = 1; attempt <= 2; attempt++) {
            const p = await this.read();
            const update = planUnlock(p.doc, this.primaryPool);
            if (!update) return;
            const req: OciCall = {
                call: "oci.dns.updateSteeringPolicy", method: "PUT", url: this.url, body: update,
                headers: p.etag ? { "if-match": p.etag } : {}, timeoutMs: TIMEOUT_MS,
            };
            const res = await ociRequest(this.credentials, req);
            if (res.status === 412) continue;
            if (res.status !== 200) throw ociError(req, res);
            const after = parseJson(req, res) as { answers?: PolicyAnswer[] };
            if (!Array.isArray(after?.answers) || after.answers.some(a => a.pool === this.primaryPool && a.isDisabled === true)) {
                throw ociBadAnswer(req, "the updated policy does not show the primary answers enabled");
            }
            return;
        }
        throw new Error(`oci.dns.updateSteeringPolicy on ${this.policyId}: the policy changed between read and update twice (HTTP 412); run the step again`);
    }
}
