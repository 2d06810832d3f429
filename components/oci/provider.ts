import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/load";
import { OCI_REGIONS } from "../../config/validate";

/** Provider settings an explicit provider does not inherit from the stack's `oci:*` config. */
const INHERITED_KEYS = ["auth", "configFileProfile", "fingerprint", "privateKeyPath", "tenancyOcid", "userOcid"] as const;
const INHERITED_SECRET_KEYS = ["privateKey", "privateKeyPassword"] as const;

/**
 * The tenancy's home region: OCI accepts writes to IAM (users, groups,
 * dynamic groups, policies, keys, tokens) only there. Read from the
 * `logscale-dr:ociHomeRegion` config key; unset, the stack's own region.
 */
export function homeRegionOf(cfg: StackConfig): string {
    const home = cfg.oci.homeRegion ?? cfg.region;
    if (!(OCI_REGIONS as readonly string[]).includes(home)) {
        throw new Error(`OCI home region "${home}" is not an OCI region; allowed: ${OCI_REGIONS.join(", ")}`);
    }
    return home;
}

/**
 * An explicit provider for the home region. Explicit providers do not read
 * the stack's `oci:*` settings, so the authentication settings are copied
 * over (secrets stay secret).
 */
export function homeRegionProvider(cfg: StackConfig, opts?: pulumi.CustomResourceOptions): oci.Provider {
    const conf = new pulumi.Config("oci");
    const args: oci.ProviderArgs = { region: homeRegionOf(cfg) };
    const plain = args as Record<string, pulumi.Input<string> | undefined>;
    for (const k of INHERITED_KEYS) {
        const v = conf.get(k);
        if (v !== undefined) plain[k] = v;
    }
    for (const k of INHERITED_SECRET_KEYS) {
        const v = conf.getSecret(k);
        if (v !== undefined) plain[k] = v;
    }
    return new oci.Provider(`${cfg.clusterName}-oci-home`, args, opts);
}
