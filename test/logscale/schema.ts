// HumioCluster objects against the CRD of the humio-operator release we pin.
import type { ValidateFunction } from "ajv";
import { CHARTS } from "../../components/logscale/charts";
import { schemaErrors, schemaPath, strictValidator } from "../support/strict-schema";

export const HUMIOCLUSTER_SCHEMA_FILE = `humiocluster-${CHARTS.humioOperator.version}.openapi.json`;
export const HUMIOCLUSTER_SCHEMA_PATH = schemaPath(HUMIOCLUSTER_SCHEMA_FILE);

/** The strict validator, or undefined when the shared schema is not on this machine. */
export function humioClusterValidator(): ValidateFunction | undefined {
    return strictValidator(HUMIOCLUSTER_SCHEMA_FILE);
}

export { schemaErrors };
