/**
 * IAM policy statements, each scoped to the one compartment of the stack and,
 * where OCI offers a condition for it, to the one resource it is for. Groups
 * and dynamic groups are named by OCID ("group id ..."), which works the same
 * in tenancies with and without identity domains.
 */

const ocid = (v: string, what: string): string => {
    if (!/^ocid1\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9-]*\.[a-z0-9]+$/.test(v)) throw new Error(`${what} "${v}" is not an OCID`);
    return v;
};
const name = (v: string, what: string): string => {
    if (!/^[A-Za-z0-9._-]{1,255}$/.test(v)) throw new Error(`${what} "${v}" may hold only letters, digits, '.', '_' and '-'`);
    return v;
};

const repositoryName = (v: string): string => {
    if (!/^[a-z0-9][a-z0-9._/-]{0,254}$/.test(v)) throw new Error(`repository "${v}" may hold only lower-case letters, digits, '.', '_', '-' and '/'`);
    return v;
};

/** The S3-compatible key's user may read and write objects of its own bucket, nothing else. */
export function storagePolicyStatements(groupId: string, compartmentId: string, bucket: string): string[] {
    const g = ocid(groupId, "group");
    const c = ocid(compartmentId, "compartment");
    const b = name(bucket, "bucket");
    return [
        `Allow group id ${g} to read buckets in compartment id ${c} where target.bucket.name = '${b}'`,
        `Allow group id ${g} to manage objects in compartment id ${c} where target.bucket.name = '${b}'`,
    ];
}

/** The image-push user may push to the failover function's repository only. */
export function registryPushStatements(groupId: string, compartmentId: string, repository: string): string[] {
    const g = ocid(groupId, "group");
    const c = ocid(compartmentId, "compartment");
    const r = repositoryName(repository);
    return [
        `Allow group id ${g} to inspect repos in compartment id ${c}`,
        `Allow group id ${g} to manage repos in compartment id ${c} where target.repo.name = '${r}'`,
    ];
}

/** Dynamic group of exactly one function (not every function in the compartment). */
export function functionMatchingRule(functionId: string): string {
    return `ALL {resource.type = 'fnfunc', resource.id = '${ocid(functionId, "function")}'}`;
}

export interface FunctionPolicyInput {
    dynamicGroupId: string;
    compartmentId: string;
    /** People's topic: publish there and nowhere else. */
    notifyTopicId?: string;
    /** The readiness datapoints' namespace: post there and nowhere else. */
    readinessMetricNamespace?: string;
}

/**
 * What the failover function does with its resource principal:
 * - an OKE token (`use clusters`); what it may do inside the cluster is
 *   Kubernetes RBAC, limited to two objects in `logging`;
 * - read the health-check metrics and probe results of this compartment;
 * - get and update steering policies, and nothing else in DNS (no create,
 *   delete or move, no zones or records).
 */
export function functionPolicyStatements(p: FunctionPolicyInput): string[] {
    const dg = ocid(p.dynamicGroupId, "dynamic group");
    const c = ocid(p.compartmentId, "compartment");
    return [
        `Allow dynamic-group id ${dg} to use clusters in compartment id ${c}`,
        `Allow dynamic-group id ${dg} to read metrics in compartment id ${c} where target.metrics.namespace = 'oci_healthchecks'`,
        `Allow dynamic-group id ${dg} to read health-check-results in compartment id ${c}`,
        `Allow dynamic-group id ${dg} to manage dns-steering-policies in compartment id ${c} where any {request.permission = 'DNS_STEERING_POLICY_READ', request.permission = 'DNS_STEERING_POLICY_UPDATE'}`,
        ...(p.readinessMetricNamespace === undefined ? [] : [
            `Allow dynamic-group id ${dg} to use metrics in compartment id ${c} where target.metrics.namespace = '${metricNamespace(p.readinessMetricNamespace)}'`,
        ]),
        ...(p.notifyTopicId === undefined ? [] : [
            `Allow dynamic-group id ${dg} to use ons-topics in compartment id ${c} where target.ons-topic.id = '${ocid(p.notifyTopicId, "topic")}'`,
        ]),
    ];
}

const metricNamespace = (v: string): string => {
    if (!/^[a-z][a-z0-9_]*$/.test(v) || v.startsWith("oci_")) throw new Error(`metric namespace "${v}" must be lower-case letters, digits and '_', not starting with oci_`);
    return v;
};

/** The readiness schedule may invoke this one function, nothing else. */
export function scheduleInvokeStatements(compartmentId: string, scheduleId: string, functionId: string): string[] {
    const c = ocid(compartmentId, "compartment");
    const s = ocid(scheduleId, "schedule");
    const f = ocid(functionId, "function");
    return [
        `Allow any-user to use fn-invocation in compartment id ${c} where all {request.principal.type = 'resourceschedule', request.principal.id = '${s}', target.function.id = '${f}'}`,
    ];
}

/** The Functions service pulls the failover image and attaches the function to the worker subnet. */
export function functionsServiceStatements(compartmentId: string, repository: string): string[] {
    const c = ocid(compartmentId, "compartment");
    const r = repositoryName(repository);
    return [
        `Allow service faas to read repos in compartment id ${c} where target.repo.name = '${r}'`,
        `Allow service faas to use virtual-network-family in compartment id ${c}`,
    ];
}

/** Notifications subscriptions of this compartment may invoke this one function, nothing else. */
export function onsInvokeStatements(compartmentId: string, functionId: string): string[] {
    const c = ocid(compartmentId, "compartment");
    const f = ocid(functionId, "function");
    return [
        `Allow any-user to use fn-invocation in compartment id ${c} where all {request.principal.type = 'onssubscription', request.principal.compartment.id = '${c}', target.function.id = '${f}'}`,
    ];
}
