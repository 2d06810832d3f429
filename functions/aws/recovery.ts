import { AwsFailoverEnv } from "./env";
import { awsCall } from "./errors";
import { sdkClientConfig } from "./platform";
import { READINESS_METRIC } from "./readiness";

/** Beside StandbyReady: same namespace (the only one the role may write), same dimension. */
export const MEASURED_METRIC = { namespace: READINESS_METRIC.namespace, name: "MeasuredFailoverSeconds", dimension: READINESS_METRIC.dimension } as const;

/** One datapoint of the measured failover total, in the standby's region (once per failover: no client kept). */
export async function publishMeasuredFailover(env: Pick<AwsFailoverEnv, "eksClusterName" | "eksClusterRegion">, seconds: number): Promise<void> {
    const { CloudWatchClient, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
    const client = new CloudWatchClient(sdkClientConfig(env.eksClusterRegion));
    await awsCall("cloudwatch.PutMetricData(MeasuredFailoverSeconds)", () => client.send(new PutMetricDataCommand({
        Namespace: MEASURED_METRIC.namespace,
        MetricData: [{ MetricName: MEASURED_METRIC.name, Dimensions: [{ Name: MEASURED_METRIC.dimension, Value: env.eksClusterName }], Value: seconds, Unit: "Seconds" }],
    })));
}
