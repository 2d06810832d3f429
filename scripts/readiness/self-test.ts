// The last readiness verdict where Azure's and OCI's functions keep it: an
// annotation on the standby's humio-operator Deployment, written when the
// verdict changes. Read through the standby's cluster.

import { LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME } from "../../components/logscale/names";
import { parseVerdict, READINESS_ANNOTATION } from "../../functions/core/readiness";
import { ClusterPort, SelfTest } from "./ports";

export async function verdictAnnotation(standby: ClusterPort): Promise<SelfTest> {
    const where = `${LOGSCALE_NAMESPACE}/${OPERATOR_DEPLOYMENT_NAME}`;
    const d = await standby.object("apps/v1", "deployments", LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME);
    if (!d) return { available: false, reason: `Deployment ${where} not found on the standby, so it holds no verdict` };
    const v = ((d.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {})[READINESS_ANNOTATION];
    const ready = parseVerdict(v);
    if (ready === undefined) {
        return { available: false, reason: `${where} has ${v === undefined ? `no ${READINESS_ANNOTATION} annotation` : `${READINESS_ANNOTATION}="${v}"`}: the readiness function has not run (it is absent when readinessIntervalMinutes is 0)` };
    }
    // Written when the verdict changes, not on every run: a stopped schedule is the not-reporting alarm's to catch.
    return { available: true, ready, detail: `the last readiness self-test said ${v} (${READINESS_ANNOTATION} on ${where})` };
}
