import * as assert from "assert";
import { AwsCloud } from "../../scripts/readiness/aws";
import { AzureCloud } from "../../scripts/readiness/azure";
import { cloudPort } from "../../scripts/readiness/clouds";
import { HttpCluster } from "../../scripts/readiness/kube";
import { OciCloud } from "../../scripts/readiness/oci";
import { testKeys } from "../oci/fixtures";

const standby = new HttpCluster({ server: "http://127.0.0.1:1" });

describe("cloudPort: the standby stack's cloud output picks the adapter", () => {
    it("aws, azure and oci each get their own adapter", () => {
        const aws = cloudPort({ cloud: "aws", primaryHealthCheckId: "hc", dnsZoneId: "Z", globalHostname: "l.example.com", failoverAlarmName: "a", failoverAlarmRegion: "us-east-1", region: "us-east-2", logscaleClusterName: "logscale" }, standby, "secondary");
        assert.ok(aws instanceof AwsCloud);
        const azure = cloudPort({
            cloud: "azure", trafficManagerProfileId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/trafficManagerProfiles/p",
            trafficManagerPrimaryEndpointName: "primary", trafficManagerSecondaryEndpointName: "secondary", failoverAlertName: "a", failoverAlertResourceGroup: "g",
        }, standby, "secondary", { azure: { token: async () => "t" } });
        assert.ok(azure instanceof AzureCloud);
        const oci = cloudPort({ cloud: "oci", steeringPolicyId: "ocid1.dnspolicy.oc1..p", failoverAlarmId: "ocid1.alarm.oc1..a", region: "us-phoenix-1" }, standby, "secondary",
            { oci: { credentials: () => ({ keyId: "t/u/f", privateKey: testKeys().privateKey }) } });
        assert.ok(oci instanceof OciCloud);
    });

    it("an unknown cloud, or a profile id that is not one, is one line naming the output", () => {
        assert.throws(() => cloudPort({ cloud: "gcp" }, standby, "secondary"), /^Error: stack "secondary" has cloud output "gcp"; readiness knows aws, azure and oci$/);
        assert.throws(() => cloudPort({ cloud: "aws" }, standby, "secondary"), /^Error: the standby stack has no "primaryHealthCheckId" output; readiness needs it for the AWS checks$/);
        assert.throws(() => cloudPort({ cloud: "azure", trafficManagerProfileId: "logscale-tm" }, standby, "secondary", { azure: { token: async () => "t" } }),
            /^Error: the standby stack's "trafficManagerProfileId" output "logscale-tm" is not a Traffic Manager profile id$/);
    });
});
