/**
 * The DNS lock on OCI: mark every answer of the primary pool isDisabled in
 * the pair's steering policy. UpdateSteeringPolicy replaces answers and rules
 * wholesale, so the update carries everything the GET returned, untouched
 * except the isDisabled flags of the primary pool.
 */

export interface PolicyAnswer {
    name: string;
    rtype: string;
    rdata: string;
    pool?: string;
    isDisabled?: boolean;
    [extra: string]: unknown;
}

/** UpdateSteeringPolicyDetails (DNS API 20180115). */
export interface SteeringPolicyUpdate {
    displayName?: string;
    ttl?: number;
    healthCheckMonitorId?: string;
    template: string;
    freeformTags?: Record<string, string>;
    definedTags?: Record<string, Record<string, unknown>>;
    answers: PolicyAnswer[];
    rules: unknown[];
}

export interface LockPlan {
    /** undefined when the primary answers are already disabled (nothing to write). */
    update?: SteeringPolicyUpdate;
    /** Names of the answers this lock disables (or found disabled). */
    primaryAnswers: string[];
    /** Names of the answers that stay enabled and will be served. */
    servedAnswers: string[];
}

export class LockRefused extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LockRefused";
    }
}

/**
 * The update that sets the primary pool's answers' isDisabled, carrying the
 * rest of the policy as read: the lock (true) and the failback's unlock
 * (false, scripts/failback/steering-oci.ts) write the same shape.
 */
export function primaryAnswersUpdate(p: Record<string, unknown>, primaryPool: string, isDisabled: boolean): SteeringPolicyUpdate {
    const update: SteeringPolicyUpdate = {
        template: p.template as string,
        answers: (p.answers as PolicyAnswer[]).map(a => (a.pool === primaryPool ? { ...a, isDisabled } : { ...a })),
        rules: p.rules as unknown[],
    };
    if (typeof p.displayName === "string") update.displayName = p.displayName;
    if (typeof p.ttl === "number") update.ttl = p.ttl;
    if (typeof p.healthCheckMonitorId === "string") update.healthCheckMonitorId = p.healthCheckMonitorId;
    if (p.freeformTags && typeof p.freeformTags === "object") update.freeformTags = p.freeformTags as Record<string, string>;
    if (p.definedTags && typeof p.definedTags === "object") update.definedTags = p.definedTags as Record<string, Record<string, unknown>>;
    return update;
}

export function planLock(policy: unknown, primaryPool: string): LockPlan {
    if (typeof policy !== "object" || policy === null) throw new LockRefused("steering policy answer is not a JSON object");
    const p = policy as Record<string, unknown>;
    if (!Array.isArray(p.answers)) throw new LockRefused("steering policy has no answers array");
    if (!Array.isArray(p.rules)) throw new LockRefused("steering policy has no rules array");
    if (typeof p.template !== "string") throw new LockRefused("steering policy has no template");
    const answers = p.answers as PolicyAnswer[];
    for (const a of answers) {
        if (typeof a !== "object" || a === null || typeof a.name !== "string" || typeof a.rdata !== "string" || typeof a.rtype !== "string") {
            throw new LockRefused(`steering policy answer ${JSON.stringify(a)} lacks name, rtype or rdata`);
        }
    }
    const primary = answers.filter(a => a.pool === primaryPool);
    if (primary.length === 0) {
        const pools = [...new Set(answers.map(a => a.pool ?? "(none)"))].join(", ");
        throw new LockRefused(`steering policy has no answer in pool "${primaryPool}" (pools: ${pools}); refusing to guess which answer is the primary`);
    }
    const served = answers.filter(a => a.pool !== primaryPool && a.isDisabled !== true);
    if (served.length === 0) {
        // Disabling the primary with every other answer disabled too would
        // leave the global name answering nothing at all.
        throw new LockRefused(`every answer outside pool "${primaryPool}" is disabled; locking would leave the policy with no answer to serve`);
    }
    const result: LockPlan = { primaryAnswers: primary.map(a => a.name), servedAnswers: served.map(a => a.name) };
    if (primary.every(a => a.isDisabled === true)) return result;

    result.update = primaryAnswersUpdate(p, primaryPool, true);
    return result;
}
