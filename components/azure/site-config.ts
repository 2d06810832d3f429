import * as pulumi from "@pulumi/pulumi";

/**
 * The azure-native SDK fills `siteConfig.netFrameworkVersion` with "v4.6" on
 * every WebApp. On a Linux Function App (`linuxFxVersion` NODE|22) that setting
 * means nothing and shows in every preview as if .NET were involved, so it is
 * taken out of the inputs before registration.
 */
export const withoutNetFrameworkVersion: pulumi.ResourceTransformation = ({ props, opts }) => {
    if (props.siteConfig === undefined) return undefined;
    const siteConfig = pulumi.output(props.siteConfig).apply(sc => {
        if (!sc || typeof sc !== "object") return sc;
        const { netFrameworkVersion: _unused, ...rest } = sc as Record<string, unknown>;
        return rest;
    });
    return { props: { ...props, siteConfig }, opts };
};
