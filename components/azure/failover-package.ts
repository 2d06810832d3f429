import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { functionsEntry, FunctionsContext } from "../../functions/azure/handler";
import { FAILOVER_QUEUE_NAME, FUNCTION_NAMES, QUEUE_BINDING, WAIT_BUDGET_SECONDS } from "../../functions/azure/settings";
import { WRITE_ROUNDS_RESERVE_SECONDS } from "../../functions/core/failover";

/** Every minute, at second 0 (NCRONTAB with seconds). */
export const RECHECK_SCHEDULE = "0 * * * * *";

/**
 * The readiness timer's schedule for an interval of 1..60 minutes; undefined
 * for 0 (no readiness function at all). NCRONTAB when the interval divides
 * the hour, so runs fall on the same minutes every hour; otherwise a TimeSpan
 * ("00:07:00"), which the host accepts on a dedicated App Service plan (this
 * app's), because a minute step of 7 would restart at minute 0 and leave a short gap.
 */
export function readinessSchedule(minutes: number): string | undefined {
    if (minutes === 0) {
        return undefined;
    }
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
        throw new Error(`readiness interval ${minutes} is not 0..60 minutes`);
    }
    if (minutes === 60) {
        return "0 0 * * * *";
    }
    if (60 % minutes === 0) {
        return minutes === 1 ? "0 * * * * *" : `0 */${minutes} * * * *`;
    }
    return `00:${String(minutes).padStart(2, "0")}:00`;
}

export interface PackageOptions {
    /** The readiness timer's schedule (readinessSchedule); absent: no readiness function. */
    readinessSchedule?: string;
}

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

/** host.json functionTimeout in seconds: what a worker run must finish within (functions/azure/settings.ts WAIT_BUDGET_SECONDS). */
export const FUNCTION_TIMEOUT_SECONDS = 600;

/**
 * The queue trigger's settings. One message at a time per instance
 * (batchSize 1, no second batch fetched while one runs) on a plan of one
 * instance: at most one failover run at any time, duplicates wait their
 * turn. A short polling interval, because an idle queue's polling backs off
 * up to it and the alert's message should start within seconds.
 */
export const QUEUE_HOST_SETTINGS = {
    batchSize: 1,
    newBatchThreshold: 0,
    maxPollingInterval: "00:00:02",
    // A run that ended in error is handed out again after this; the alert's
    // own retries used to come after 10 s and 100 s.
    visibilityTimeout: "00:00:30",
    // One run and two retries, as the action group gave the HTTP call; then the poison queue keeps it for a look.
    maxDequeueCount: 3,
} as const;

/**
 * The Function App's files (Node.js programming model v3: one folder with a
 * function.json per function; all point at the one serialized script). v3
 * needs no npm package in the app, which keeps the package dependency-free;
 * the queue bindings come from the extension bundle, which the host loads.
 */
export function packageFiles(handlerJs: string, options: PackageOptions = {}): Record<string, string> {
    if (WAIT_BUDGET_SECONDS + WRITE_ROUNDS_RESERVE_SECONDS >= FUNCTION_TIMEOUT_SECONDS) {
        throw new Error(`the worker's wait budget (${WAIT_BUDGET_SECONDS} s) plus the write rounds' reserve (${WRITE_ROUNDS_RESERVE_SECONDS} s) must stay under functionTimeout (${FUNCTION_TIMEOUT_SECONDS} s)`);
    }
    const entry = { scriptFile: "../handler.js", entryPoint: "handler" };
    const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
    const queueOut = { type: "queue", direction: "out", name: QUEUE_BINDING.out, queueName: FAILOVER_QUEUE_NAME, connection: "AzureWebJobsStorage" };
    const minutes = Math.floor(FUNCTION_TIMEOUT_SECONDS / 60);
    const files: Record<string, string> = {
        "host.json": json({
            version: "2.0",
            functionTimeout: `00:${String(minutes).padStart(2, "0")}:00`,
            // Queue bindings are not built into the host; v4 of the bundle is the one for Functions 4.x.
            extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
            extensions: { queues: { ...QUEUE_HOST_SETTINGS } },
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
                queueOut,
            ],
        }),
        [`${FUNCTION_NAMES.timer}/function.json`]: json({
            ...entry,
            bindings: [
                { type: "timerTrigger", direction: "in", name: "timer", schedule: RECHECK_SCHEDULE, runOnStartup: false, useMonitor: true },
                queueOut,
            ],
        }),
        [`${FUNCTION_NAMES.worker}/function.json`]: json({
            ...entry,
            bindings: [
                { type: "queueTrigger", direction: "in", name: QUEUE_BINDING.in, queueName: FAILOVER_QUEUE_NAME, connection: "AzureWebJobsStorage" },
            ],
        }),
        "handler.js": handlerJs,
    };
    if (options.readinessSchedule !== undefined) {
        files[`${FUNCTION_NAMES.readiness}/function.json`] = json({
            ...entry,
            // No queue output: readiness never starts a failover run.
            bindings: [{ type: "timerTrigger", direction: "in", name: "timer", schedule: options.readinessSchedule, runOnStartup: false, useMonitor: true }],
        });
    }
    return files;
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

export function failoverPackage(options: PackageOptions = {}): FailoverPackage {
    const files = serializeFailoverHandler().then(js => packageFiles(js, options));
    const names = Object.keys(packageFiles("", options));
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
