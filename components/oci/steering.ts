import type * as pulumi from "@pulumi/pulumi";

/** Pool names the rules match on; the failover function disables answers of the primary pool. */
export const PRIMARY_POOL = "primary";
export const SECONDARY_POOL = "secondary";

/** The answer names inside the one steering policy of a pair (unique within the policy). */
export const ANSWER_NAMES = { primary: "primary", secondary: "secondary" } as const;

/**
 * FAILOVER: OCI's own template for this rule order. Every template except
 * CUSTOM must begin with the unconditional isDisabled FILTER, must follow it
 * with HEALTH when the policy references a monitor, and must end with LIMIT.
 */
export const STEERING_TEMPLATE = "FAILOVER";

export interface SteeringAnswer {
    name: string;
    rtype: "A";
    rdata: pulumi.Input<string>;
    pool: string;
    isDisabled: boolean;
}

export interface SteeringRuleAnswerData {
    answerCondition: string;
    shouldKeep?: boolean;
    value?: number;
}

export interface SteeringRule {
    ruleType: "FILTER" | "HEALTH" | "PRIORITY" | "LIMIT";
    description: string;
    defaultAnswerDatas?: SteeringRuleAnswerData[];
    defaultCount?: number;
}

/**
 * The two answers, primary first. Both are created enabled; after creation
 * Pulumi ignores `answers` so the lock the failover function sets
 * (primary isDisabled=true) survives every later `pulumi up`.
 */
export function steeringAnswers(primaryAddress: pulumi.Input<string>, secondaryAddress: pulumi.Input<string>): SteeringAnswer[] {
    return [
        { name: ANSWER_NAMES.primary, rtype: "A", rdata: primaryAddress, pool: PRIMARY_POOL, isDisabled: false },
        { name: ANSWER_NAMES.secondary, rtype: "A", rdata: secondaryAddress, pool: SECONDARY_POOL, isDisabled: false },
    ];
}

/**
 * FILTER (drop disabled answers) -> HEALTH (drop answers whose monitored
 * target is down) -> PRIORITY (primary before secondary) -> LIMIT 1.
 *
 * The disabled-answer filter runs first, so a primary answer the failover
 * function disabled stays out even when the primary's health check turns
 * green again: no automatic failback. HEALTH moves traffic the moment the
 * primary is down, independently of the function; the function's DNS step
 * only has to prevent the return, and a failure of that best-effort step
 * never keeps users on a dead region.
 */
export function steeringRules(): SteeringRule[] {
    return [
        {
            ruleType: "FILTER",
            description: "Drop answers an operator or the failover function disabled (the DNS lock).",
            defaultAnswerDatas: [{ answerCondition: "answer.isDisabled != true", shouldKeep: true }],
        },
        {
            ruleType: "HEALTH",
            description: "Drop answers whose address the health-check monitor reports down.",
        },
        {
            ruleType: "PRIORITY",
            description: "Primary first, secondary second.",
            defaultAnswerDatas: [
                { answerCondition: `answer.pool == '${PRIMARY_POOL}'`, value: 1 },
                { answerCondition: `answer.pool == '${SECONDARY_POOL}'`, value: 99 },
            ],
        },
        {
            ruleType: "LIMIT",
            description: "Answer with exactly one address.",
            defaultCount: 1,
        },
    ];
}

/**
 * What the policy answers for a query, evaluated the way OCI processes the
 * rules. Used by tests and by the failover function's log line; `down` lists
 * the rdata values the monitor reports unhealthy (unmonitored answers are
 * healthy, as OCI assumes).
 */
export function evaluateSteering(
    answers: { name: string; rdata: string; pool?: string; isDisabled?: boolean }[],
    rules: { ruleType: string; defaultAnswerDatas?: { answerCondition?: string; shouldKeep?: boolean; value?: number }[]; defaultCount?: number }[],
    down: readonly string[] = [],
): string[] {
    let list = answers.slice();
    for (const rule of rules) {
        switch (rule.ruleType) {
            case "FILTER":
                list = list.filter(a => (rule.defaultAnswerDatas ?? []).some(d => d.shouldKeep === true && matches(d.answerCondition, a)));
                break;
            case "HEALTH":
                list = list.filter(a => !down.includes(a.rdata));
                break;
            case "PRIORITY": {
                const rank = (a: typeof list[number]) => (rule.defaultAnswerDatas ?? []).find(d => matches(d.answerCondition, a))?.value ?? 255;
                list = list.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map(x => x.a);
                break;
            }
            case "LIMIT":
                list = list.slice(0, rule.defaultCount ?? list.length);
                break;
            default:
                throw new Error(`unsupported steering rule type ${rule.ruleType}`);
        }
    }
    return list.map(a => a.name);
}

function matches(condition: string | undefined, a: { name: string; pool?: string; isDisabled?: boolean }): boolean {
    if (!condition) return true;
    const c = condition.trim();
    if (c === "answer.isDisabled != true") return a.isDisabled !== true;
    const pool = c.match(/^answer\.pool == '([^']*)'$/);
    if (pool) return a.pool === pool[1];
    const name = c.match(/^answer\.name == '([^']*)'$/);
    if (name) return a.name === name[1];
    throw new Error(`unsupported answer condition "${condition}"`);
}
