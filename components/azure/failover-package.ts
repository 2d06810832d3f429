import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { functionsEntry, FunctionsContext } from "../../functions/azure/handler";
import { FUNCTION_NAMES } from "../../functions/azure/settings";

/** Every minute, at second 0 (NCRONTAB with seconds). */
export const RECHECK_SCHEDULE = "0 * * * * *";

/**
 * The handler, serialized from an inline callback: the cloud-neutral core,
 * the Kubernetes REST client and the Azure adapter, inlined by value with
 * node built-ins as the only requires, so the package carries no node_modules.
 */
export async function serializeFailoverHandler(): Promise<string> {
    const serialized = await pulumi.runtime.serializeFunction(
        async (context: unknown, input: unknown) => functionsEntry(context as FunctionsContext, input),
        { exportName: "handler", allowSecrets: false },
    );
    return serialized.text;
}

/**
 * The Function App's files (Node.js programming model v3: one folder with a
 * function.json per function; both point at the one serialized script). v3
 * needs no npm package in the app, which keeps the package dependency-free.
 */
export function packageFiles(handlerJs: string): Record<string, string> {
    const entry = { scriptFile: "../handler.js", entryPoint: "handler" };
    const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
    return {
        "host.json": json({
            version: "2.0",
            // Room for the alert run's holdoff wait (150 s) plus the failover steps and their retries.
            functionTimeout: "00:10:00",
            logging: {
                logLevel: { default: "Information" },
                // Every line of a failover must reach Application Insights.
                applicationInsights: { samplingSettings: { isEnabled: false } },
            },
        }),
        [`${FUNCTION_NAMES.http}/function.json`]: json({
            ...entry,
            bindings: [
                // The action group calls with the function key it reads itself; nothing else is admitted.
                { authLevel: "function", type: "httpTrigger", direction: "in", name: "req", methods: ["post"] },
                { type: "http", direction: "out", name: "$return" },
            ],
        }),
        [`${FUNCTION_NAMES.timer}/function.json`]: json({
            ...entry,
            bindings: [{ type: "timerTrigger", direction: "in", name: "timer", schedule: RECHECK_SCHEDULE, runOnStartup: false, useMonitor: true }],
        }),
        "handler.js": handlerJs,
    };
}

/** Content hash of the package: part of the blob name, so a new package is a new URL and the app reloads. */
export function packageHash(files: Record<string, string>): string {
    const h = crypto.createHash("sha256");
    for (const name of Object.keys(files).sort()) {
        h.update(name).update("\0").update(files[name]).update("\0");
    }
    return h.digest("hex");
}

export interface FailoverPackage {
    archive: pulumi.asset.AssetArchive;
    /** failover-<hash>.zip */
    blobName: pulumi.Output<string>;
    /** Total bytes of the files before compression. */
    size: pulumi.Output<number>;
}

export function failoverPackage(): FailoverPackage {
    const files = serializeFailoverHandler().then(packageFiles);
    const names = Object.keys(packageFiles(""));
    const assets: Record<string, pulumi.asset.Asset> = {};
    for (const name of names) {
        assets[name] = new pulumi.asset.StringAsset(files.then(f => f[name]));
    }
    const filesOut = pulumi.output(files);
    return {
        archive: new pulumi.asset.AssetArchive(assets),
        blobName: filesOut.apply(f => `failover-${packageHash(f).slice(0, 16)}.zip`),
        size: filesOut.apply(f => Object.values(f).reduce((n, text) => n + Buffer.byteLength(text, "utf8"), 0)),
    };
}
