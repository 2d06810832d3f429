// Pure parts of the standby's failover wiring: the alarm, the bundle's
// exclusions and the cluster access policy.

/**
 * Route 53 publishes health-check metrics in us-east-1 only, and an alarm can
 * notify only a topic in its own region: alarm and topic live there whatever
 * the standby's region.
 */
export const ROUTE53_METRICS_REGION = "us-east-1";

/** The function may sleep through a holdoff: Lambda's maximum run time. */
export const FUNCTION_TIMEOUT_SECONDS = 900;

/**
 * Asynchronous invocations (SNS, the recheck self-invoke) and how long Lambda
 * keeps trying them. One run at a time: SNS duplicates, Lambda's retries, the
 * re-armed alarm and rechecks queue behind the running one instead of racing it.
 * A queued event is throttled while a run sleeps through a holdoff (up to the
 * 900 s timeout), and Lambda retries throttled events until their maximum age,
 * so the age covers two full runs plus margin; an older event describes an
 * outage the alarm's next notification reports afresh. Two retries after a
 * function error: a run is a reconciler, so a retry only completes what the
 * failed one left undone.
 */
export const FUNCTION_ASYNC = { reservedConcurrency: 1, maximumRetryAttempts: 2, maximumEventAgeSeconds: 2 * FUNCTION_TIMEOUT_SECONDS + 600 } as const;

/** EKS access policy of the function's role; it is scoped to one namespace where it is associated. */
export const FUNCTION_ACCESS_POLICY = "AmazonEKSEditPolicy";

export function eksAccessPolicyArn(partition: string, policy: string): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

export interface PrimaryAlarmSpec {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    statistic: string;
    period: number;
    evaluationPeriods: number;
    threshold: number;
    comparisonOperator: string;
    treatMissingData: string;
}

/**
 * Alarm on the primary's health check: HealthCheckStatus is 1 when healthy,
 * 0 when not; one failed minute (Minimum < 1) sets it off. The holdoff, not
 * the alarm, decides whether the failure lasted long enough — the function
 * re-reads Route 53 and CloudWatch before it acts. Missing data counts as
 * failing: a primary whose checker reports nothing is not known to be alive,
 * and the function still verifies before it acts.
 */
export function primaryAlarmSpec(primaryHealthCheckId: string): PrimaryAlarmSpec {
    if (!/^[0-9a-zA-Z-]+$/.test(primaryHealthCheckId)) {
        throw new Error(`"${primaryHealthCheckId}" is not a Route 53 health check id`);
    }
    return {
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: primaryHealthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
    };
}

/**
 * Production dependencies the Lambda bundle must not carry. Pulumi's closure
 * packer zips every production dependency of the program (minus @pulumi/*);
 * the handler uses only Node built-ins and the AWS SDK the runtime provides,
 * so everything else is excluded by name.
 */
export function lambdaExcludedPackages(pkg: { dependencies?: Record<string, string> }): string[] {
    return Object.keys(pkg.dependencies ?? {}).filter(name => !name.startsWith("@pulumi/")).sort();
}
