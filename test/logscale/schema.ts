// Validates HumioCluster objects against the CRD's OpenAPI schema with ajv.
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "../..");
export const HUMIOCLUSTER_SCHEMA_PATH = path.resolve(REPO_ROOT, "../shared/schemas/humiocluster.openapi.json");

/**
 * The CRD schema accepts unknown fields; closing every object that lists its
 * properties (as the strict variant in the notes does) makes a misspelt or
 * non-existent field (say `nodeSelector`) fail instead of being dropped by
 * the API server without a word.
 */
function closeObjects(node: unknown): void {
    if (Array.isArray(node)) {
        node.forEach(closeObjects);
        return;
    }
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (o.properties && typeof o.properties === "object" && o.additionalProperties === undefined && !o["x-kubernetes-preserve-unknown-fields"]) {
        o.additionalProperties = false;
    }
    for (const v of Object.values(o)) closeObjects(v);
}

let cached: ValidateFunction | undefined;

/** The validator, or undefined when the shared schema is not on this machine. */
export function humioClusterValidator(): ValidateFunction | undefined {
    if (cached) return cached;
    if (!fs.existsSync(HUMIOCLUSTER_SCHEMA_PATH)) return undefined;
    const schema = JSON.parse(fs.readFileSync(HUMIOCLUSTER_SCHEMA_PATH, "utf8"));
    closeObjects(schema);
    // Kubernetes formats (int-or-string, int32, ...) are not JSON-schema formats; types still apply.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    cached = ajv.compile(schema);
    return cached;
}

export function schemaErrors(validate: ValidateFunction, obj: unknown): string[] {
    return validate(obj) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}
