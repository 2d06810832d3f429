// Wires the pure rules of rules.ts into CrossGuard policies. The engine hands
// policies a proxy that throws on any unknown value; toPlain turns it into
// plain data with UNKNOWN markers so a rule can still judge the known parts of
// a resource during preview (a plain `value` on a key is wrong even when the
// value itself is not known yet).

import {
    PolicyResource, ResourceValidationPolicy, StackValidationPolicy, UnknownValueError,
} from "@pulumi/policy";
import { Props, RESOURCE_RULES, RuleConfig, STACK_RULES, StackResource, UNKNOWN } from "./rules";

function isPlainObject(v: object): boolean {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}

function read(container: unknown, key: string | number): unknown {
    try {
        return toPlain((container as Record<string | number, unknown>)[key]);
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

/** Deep copy of policy props with unknown values replaced by UNKNOWN. Assets and archives stay as they are. */
export function toPlain(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) out.push(read(value, i));
        return out;
    }
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = read(value, k);
    return out;
}

const configSchema = {
    properties: {
        allowedPlainNames: {
            type: "array" as const,
            items: { type: "string" as const },
            default: [],
            description: "Env var names that match the secret pattern but hold no secret.",
        },
    },
};

function resourcePolicy(rule: typeof RESOURCE_RULES[number]): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        remediationSteps: rule.remediation,
        enforcementLevel: "mandatory",
        ...(rule.name === "humiocluster-keys-from-secrets" ? { configSchema } : {}),
        validateResource: (args, reportViolation) => {
            if (!rule.appliesTo(args.type)) return;
            const config: RuleConfig = rule.name === "humiocluster-keys-from-secrets" ? args.getConfig<RuleConfig>() : {};
            for (const message of rule.check(toPlain(args.props) as Props, args.type, config)) {
                reportViolation(message);
            }
        },
    };
}

export function toStackResource(r: PolicyResource): StackResource {
    const deps: Record<string, string[]> = {};
    for (const [prop, rs] of Object.entries(r.propertyDependencies ?? {})) deps[prop] = rs.map(d => d.urn);
    return { type: r.type, urn: r.urn, name: r.name, props: toPlain(r.props) as Props, propertyDependencies: deps };
}

function stackPolicy(rule: typeof STACK_RULES[number]): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        remediationSteps: rule.remediation,
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const resources = args.resources.map(toStackResource);
            for (const v of rule.check(resources)) reportViolation(v.message, v.urn);
        },
    };
}

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    ...RESOURCE_RULES.map(resourcePolicy),
    ...STACK_RULES.map(stackPolicy),
];
