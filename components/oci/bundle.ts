import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RUNTIMES } from "../../config/support";
import { main } from "../../functions/oci/handler";

/** The serialized handler must stay small: it is the whole function, with no node_modules. */
export const MAX_HANDLER_BYTES = 1024 * 1024;

/**
 * Base image: Node LTS on Alpine. OCI Functions runs the container as UID
 * 1000, which is the image's `node` user, and needs nothing from the image
 * beyond `node` itself because the handler has no dependencies.
 */
export const BASE_IMAGE = RUNTIMES.ociFunctionBaseImage;

export interface BuildContext {
    /** File name -> content. */
    files: Record<string, string>;
    handlerBytes: number;
    contextBytes: number;
    /** sha256 over names and contents: the image tag, so a code change is a new tag and a new function revision. */
    hash: string;
}

/**
 * Serializes the failover entry point (functions/oci/handler.ts `main`) with
 * everything it reaches: the cloud-neutral core, the Kubernetes client and
 * the OCI adapter are local modules and travel by value; node built-ins
 * become require() calls. No npm package is reachable from `main`, so the
 * handler is one self-contained file.
 */
export async function serializeHandler(): Promise<string> {
    const entry = () => {
        main();
    };
    const serialized = await pulumi.runtime.serializeFunction(entry, { exportName: "handler", allowSecrets: false });
    return serialized.text;
}

/** The build context: Dockerfile, handler, a bootstrap that starts it, and the Fn metadata files. */
export function buildContextFiles(handlerText: string, functionName: string, memoryMb: number, timeoutSeconds: number): BuildContext {
    const handlerBytes = Buffer.byteLength(handlerText, "utf8");
    if (handlerBytes > MAX_HANDLER_BYTES) {
        throw new Error(`the serialized failover handler is ${handlerBytes} bytes, above the ${MAX_HANDLER_BYTES}-byte budget; something pulled a large module into the closure`);
    }
    const files: Record<string, string> = {
        "Dockerfile": [
            `FROM ${BASE_IMAGE}`,
            "WORKDIR /function",
            "COPY package.json func.yaml handler.js bootstrap.js ./",
            // Fn's hot-container contract: the runtime passes FN_LISTENER/FN_FORMAT and talks over a unix socket.
            "ENV NODE_ENV=production",
            "USER 1000:1000",
            `ENTRYPOINT ["node", "/function/bootstrap.js"]`,
            "",
        ].join("\n"),
        "handler.js": handlerText,
        "bootstrap.js": `"use strict";\nrequire("./handler.js").handler();\n`,
        "package.json": JSON.stringify({ name: functionName, version: "1.0.0", private: true, main: "bootstrap.js", dependencies: {} }, null, 2) + "\n",
        "func.yaml": [
            "schema_version: 20180708",
            `name: ${functionName}`,
            "version: 1.0.0",
            "runtime: docker",
            "entrypoint: node /function/bootstrap.js",
            `memory: ${memoryMb}`,
            `timeout: ${timeoutSeconds}`,
            "",
        ].join("\n"),
    };
    const names = Object.keys(files).sort();
    const h = crypto.createHash("sha256");
    for (const n of names) h.update(n).update("\0").update(files[n]).update("\0");
    const contextBytes = names.reduce((n, f) => n + Buffer.byteLength(files[f], "utf8"), 0);
    return { files, handlerBytes, contextBytes, hash: h.digest("hex") };
}

/**
 * Writes the context where docker-build reads it. The directory is fixed
 * (relative to the project) so the Image's inputs do not change from one run
 * to the next; stale files from an older build are removed.
 */
export function writeBuildContext(dir: string, ctx: BuildContext): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const existing of fs.readdirSync(dir)) {
        if (!(existing in ctx.files)) fs.rmSync(path.join(dir, existing), { recursive: true, force: true });
    }
    for (const [name, content] of Object.entries(ctx.files)) {
        const file = path.join(dir, name);
        if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== content) fs.writeFileSync(file, content);
    }
    return dir;
}
