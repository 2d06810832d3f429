// The OCI failover function's record, where it keeps it: an annotation on the
// secondary's humio-operator Deployment (functions/oci/platform.ts
// COOLDOWN_ANNOTATION). Read and written with the function's own Kubernetes
// client, so the failback's GET and merge patch are the calls the function makes.

import { KubeClient } from "../../functions/k8s/client";
import { KubeConnection } from "../../functions/k8s/http";
import { COOLDOWN_ANNOTATION } from "../../functions/oci/platform";

const TIMEOUT_MS = 15_000;

export class OperatorRecordAnnotation {
    private readonly k8s: KubeClient;
    /** For the errors: which annotation on which Deployment of which cluster. */
    readonly where: string;

    constructor(conn: KubeConnection, private readonly namespace: string, private readonly deployment: string, side: string) {
        this.k8s = new KubeClient({ connection: conn, timeoutMs: TIMEOUT_MS });
        this.where = `annotation ${COOLDOWN_ANNOTATION} on Deployment ${namespace}/${deployment} of the ${side} cluster`;
    }

    async read(): Promise<string | undefined> {
        try {
            return await this.k8s.getDeploymentAnnotation(this.namespace, this.deployment, COOLDOWN_ANNOTATION);
        } catch (e) {
            throw new Error(`reading the failover record (${this.where}): ${(e as Error).message}`);
        }
    }

    /** A merge patch of this one annotation: the Deployment's other metadata and spec stay as they are. */
    async write(value: string): Promise<void> {
        try {
            await this.k8s.annotateDeployment(this.namespace, this.deployment, { [COOLDOWN_ANNOTATION]: value });
        } catch (e) {
            throw new Error(`writing the failover record (${this.where}): ${(e as Error).message}`);
        }
    }
}
