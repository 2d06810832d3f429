// Which CloudPort a pair gets: the standby stack's `cloud` output picks the
// adapter, its other outputs name what the adapter reads. The defaults are
// the operator's own credentials (AWS's default chain, `az`, ~/.oci/config);
// the tests inject endpoints and credentials here.

import { AwsClientOptions, AwsCloud, awsNamesFromOutputs } from "./aws";
import { azCliToken } from "./az-token";
import { AzureClientOptions, AzureCloud, azureNamesFromOutputs } from "./azure";
import { OciClientOptions, OciCloud, ociNamesFromOutputs } from "./oci";
import { OciConfigSource, ociProfileCredentials, readOciProfile } from "./oci-config";
import { CloudPort, ClusterPort } from "./ports";

export interface CloudDeps {
    aws?: AwsClientOptions;
    azure?: Partial<AzureClientOptions>;
    oci?: Partial<OciClientOptions> & { config?: OciConfigSource };
}

export function cloudPort(outputs: Record<string, unknown>, standby: ClusterPort, stack: string, deps: CloudDeps = {}): CloudPort {
    const cloud = outputs.cloud;
    switch (cloud) {
        case "aws":
            return new AwsCloud(awsNamesFromOutputs(outputs), deps.aws);
        case "azure":
            return new AzureCloud(azureNamesFromOutputs(outputs), standby, { ...deps.azure, token: deps.azure?.token ?? azCliToken() });
        case "oci": {
            const names = ociNamesFromOutputs(outputs);
            // Read once, before any call: a broken profile is one error, not one per check.
            const creds = deps.oci?.credentials ?? (() => {
                const c = ociProfileCredentials(readOciProfile(deps.oci?.config));
                return () => c;
            })();
            return new OciCloud(names, standby, { ...deps.oci, credentials: creds });
        }
        default:
            throw new Error(`stack "${stack}" has cloud output ${JSON.stringify(cloud)}; readiness knows aws, azure and oci`);
    }
}
