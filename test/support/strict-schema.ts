// One strict validator for every custom resource the program declares, against the
// upstream CRD schemas in ../shared/schemas (see its README).
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "../..");
export const SCHEMAS_DIR = path.resolve(REPO_ROOT, "../shared/schemas");

/** A file name of ../shared/schemas, or an absolute path (a CRD fixture of this repository). */
export function schemaPath(file: string): string {
    return path.isAbsolute(file) ? file : path.join(SCHEMAS_DIR, file);
}

const COMBINATORS = new Set(["anyOf", "oneOf", "allOf", "not"]);

/**
 * The API server prunes unknown fields without a word; closing every object
 * schema that lists its properties makes a misspelt or removed field (say
 * `nodeSelector` on a HumioCluster) fail the test instead. Objects marked
 * `x-kubernetes-preserve-unknown-fields` stay open, as the server keeps them.
 * Branches of anyOf/oneOf/allOf/not only constrain a subset of the fields
 * (Strimzi's "value or valueFrom"), so they are left as they are.
 */
export function closeObjects(node: unknown): void {
    if (Array.isArray(node)) {
        node.forEach(closeObjects);
        return;
    }
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (o.properties && typeof o.properties === "object" && o.additionalProperties === undefined && !o["x-kubernetes-preserve-unknown-fields"]) {
        o.additionalProperties = false;
    }
    for (const [k, v] of Object.entries(o)) {
        if (COMBINATORS.has(k)) continue;
        if (k === "properties" && v && typeof v === "object") {
            // Property names are data, not keywords: a field called `oneOf` is still a schema.
            for (const child of Object.values(v as Record<string, unknown>)) closeObjects(child);
            continue;
        }
        closeObjects(v);
    }
}

const cache = new Map<string, ValidateFunction>();

/**
 * The strict validator for one schema file of ../shared/schemas, or undefined
 * when that directory is not on this machine (callers report the skip).
 */
export function strictValidator(file: string): ValidateFunction | undefined {
    const hit = cache.get(file);
    if (hit) return hit;
    const p = schemaPath(file);
    if (!fs.existsSync(p)) return undefined;
    const schema = JSON.parse(fs.readFileSync(p, "utf8"));
    closeObjects(schema);
    // Kubernetes formats (int-or-string, int32, ...) are not JSON-schema formats and
    // CEL rules (x-kubernetes-validations) are not JSON Schema; types, enums,
    // required fields and closed objects still apply.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    cache.set(file, validate);
    return validate;
}

export function schemaErrors(validate: ValidateFunction, obj: unknown): string[] {
    return validate(obj) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}

/** Errors of `obj` against `file`, or undefined when the schema is not on this machine. */
export function strictErrors(file: string, obj: unknown): string[] | undefined {
    const validate = strictValidator(file);
    return validate ? schemaErrors(validate, obj) : undefined;
}
