import { Region as AwsRegionEnum } from "@pulumi/aws/types/enums";
import type { Cloud } from "./load";

/** OCI commercial regions (identifiers as used in endpoints and `oci:region`). */
export const OCI_REGIONS = [
    "af-johannesburg-1", "ap-batam-1", "ap-chuncheon-1", "ap-hyderabad-1", "ap-melbourne-1", "ap-mumbai-1",
    "ap-osaka-1", "ap-seoul-1", "ap-singapore-1", "ap-singapore-2", "ap-sydney-1", "ap-tokyo-1",
    "ca-montreal-1", "ca-toronto-1", "eu-amsterdam-1", "eu-frankfurt-1", "eu-madrid-1", "eu-marseille-1",
    "eu-milan-1", "eu-paris-1", "eu-stockholm-1", "eu-zurich-1", "il-jerusalem-1", "me-abudhabi-1",
    "me-dubai-1", "me-jeddah-1", "me-riyadh-1", "mx-monterrey-1", "mx-queretaro-1", "sa-bogota-1",
    "sa-santiago-1", "sa-saopaulo-1", "sa-valparaiso-1", "sa-vinhedo-1", "uk-cardiff-1", "uk-london-1",
    "us-ashburn-1", "us-chicago-1", "us-phoenix-1", "us-sanjose-1",
] as const;

/**
 * AWS regions of the commercial and GovCloud partitions, from the AWS provider's own Region
 * enum. China, ISO and European Sovereign Cloud regions are left out: their ARNs and
 * endpoints use other partitions, which the IAM policies here do not write.
 */
export const AWS_REGIONS: readonly string[] = Object.values(AwsRegionEnum as Record<string, string>)
    .filter(r => /^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-[a-z]+-\d$/.test(r))
    .sort();

/**
 * Azure public-cloud location names (`az account list-locations --query "[].name"`), the
 * physical regions only: logical names such as "global" or "eastus2euap" cannot host AKS.
 */
export const AZURE_LOCATIONS = [
    "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "austriaeast",
    "belgiumcentral", "brazilsouth", "brazilsoutheast", "canadacentral", "canadaeast", "centralindia",
    "centralus", "chilecentral", "eastasia", "eastus", "eastus2", "francecentral", "francesouth",
    "germanynorth", "germanywestcentral", "indonesiacentral", "israelcentral", "italynorth", "japaneast",
    "japanwest", "jioindiacentral", "jioindiawest", "koreacentral", "koreasouth", "malaysiawest",
    "mexicocentral", "newzealandnorth", "northcentralus", "northeurope", "norwayeast", "norwaywest",
    "polandcentral", "qatarcentral", "southafricanorth", "southafricawest", "southcentralus", "southeastasia",
    "southindia", "spaincentral", "swedencentral", "swedensouth", "switzerlandnorth", "switzerlandwest",
    "uaecentral", "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope", "westindia", "westus",
    "westus2", "westus3",
] as const;

export function validateRegion(cloud: Cloud, region: string, fail: (allowed: string) => never): void {
    switch (cloud) {
        case "aws":
            if (!AWS_REGIONS.includes(region)) fail(`an AWS region: ${AWS_REGIONS.join(", ")}`);
            return;
        case "azure":
            if (!(AZURE_LOCATIONS as readonly string[]).includes(region)) {
                fail(`an Azure location name (lower case, no spaces): ${AZURE_LOCATIONS.join(", ")}`);
            }
            return;
        case "oci":
            if (!(OCI_REGIONS as readonly string[]).includes(region)) fail(`an OCI region identifier: ${OCI_REGIONS.join(", ")}`);
            return;
    }
}

/** RFC 1123 host name: labels of 1-63 letters, digits and '-', at least two labels, at most 253 characters. */
export function validateDnsName(name: string, fail: (why: string) => never): void {
    const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
    const labels = name.split(".");
    if (name.length > 253 || labels.length < 2 || !labels.every(l => label.test(l))) {
        fail("must be a lower-case DNS name: labels of letters, digits and '-' separated by '.', at most 253 characters");
    }
}
