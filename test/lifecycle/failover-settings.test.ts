import { strict as assert } from "assert";
import { loadConfig } from "../../config/load";
import { stackFailoverSettings } from "../../components/dr/failover-settings";

const P = "logscale-dr";

describe("stackFailoverSettings (what each cloud's failover function is told about its cluster)", () => {
    it("takes the holdoff, cooldown and gate from config, and names the cluster's objects in logging", () => {
        const cfg = loadConfig({
            "azure-native:location": "eastus2",
            [`${P}:cloud`]: "azure",
            [`${P}:dr`]: "standby",
            [`${P}:primaryStack`]: "primary",
            [`${P}:clusterName`]: "logs",
            [`${P}:globalHostname`]: "logscale.example.com",
            [`${P}:dnsZoneName`]: "example.com",
            [`${P}:logscaleLicense`]: "license-text",
            [`${P}:preFailoverFailureSeconds`]: "240",
            [`${P}:failoverCooldownSeconds`]: "7200",
            [`${P}:requireHealthySecondary`]: "false",
        }, "secondary", P);
        assert.deepEqual(stackFailoverSettings(cfg), {
            namespace: "logging",
            operatorDeployment: "humio-operator",
            humioClusterName: "logs",
            preFailoverFailureSeconds: 240,
            cooldownSeconds: 7200,
            requireHealthySecondary: false,
        });
    });
});
