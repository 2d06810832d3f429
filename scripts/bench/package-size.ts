// The deployed size of each cloud's failover function, built the way its
// component builds it: AWS the CallbackFunction's serialized closure plus the
// node_modules code paths it would zip; Azure the Function App package
// (components/azure/failover-package.ts); OCI the image build context
// (components/oci/bundle.ts) on top of the stock node base image.

import * as fs from "fs";
import * as path from "path";
import type { Cloud } from "../../config/load";

export interface PackageSize {
    packageBytes: number;
    /** What the bytes are. */
    contents: string[];
}

function bytesOf(p: string): number {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.size;
    return fs.readdirSync(p).reduce((n, f) => n + bytesOf(path.join(p, f)), 0);
}

export async function awsPackage(root: string): Promise<PackageSize> {
    const pulumi = await import("@pulumi/pulumi");
    const { awsFailoverHandler } = await import("../../functions/aws/handler");
    const { lambdaExcludedPackages } = await import("../../components/aws/failover-specs");
    // aws.lambda.CallbackFunction (@pulumi/aws lambda/lambdaMixins.js): these options, then its code paths.
    const closure = await pulumi.runtime.serializeFunction(awsFailoverHandler, { serialize: () => true, exportName: "handler", isFactoryFunction: false, allowSecrets: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const cwd = process.cwd();
    process.chdir(root);
    let codePaths: Map<string, unknown>;
    try {
        codePaths = await pulumi.runtime.computeCodePaths({ extraExcludePackages: [...lambdaExcludedPackages(pkg), "aws-sdk"] });
    } finally {
        process.chdir(cwd);
    }
    const modules = [...codePaths.keys()];
    const moduleBytes = modules.reduce((n, p) => n + (fs.existsSync(path.join(root, p)) ? bytesOf(path.join(root, p)) : 0), 0);
    return {
        packageBytes: Buffer.byteLength(closure.text, "utf8") + moduleBytes,
        contents: ["__index.js (serialized handler)", ...(modules.length ? modules : ["no node_modules (the runtime's AWS SDK v3 answers the require calls)"])],
    };
}

export async function azurePackage(): Promise<PackageSize> {
    const { packageFiles, serializeFailoverHandler } = await import("../../components/azure/failover-package");
    const files = packageFiles(await serializeFailoverHandler());
    return { packageBytes: Object.values(files).reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0), contents: Object.keys(files) };
}

export async function ociPackage(): Promise<PackageSize> {
    const { buildContextFiles, serializeHandler, BASE_IMAGE } = await import("../../components/oci/bundle");
    const { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS } = await import("../../components/oci/failover");
    const ctx = buildContextFiles(await serializeHandler(), "logscale-dr-failover", FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS);
    return { packageBytes: ctx.contextBytes, contents: [...Object.keys(ctx.files), `(on ${BASE_IMAGE}, not counted)`] };
}

export function packageSize(cloud: Cloud, root: string): Promise<PackageSize> {
    switch (cloud) {
        case "aws": return awsPackage(root);
        case "azure": return azurePackage();
        case "oci": return ociPackage();
    }
}
