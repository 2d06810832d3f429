import { RECOVERY_ANNOTATION, RecoveryIo } from "../core/recovery";
import { KubeClient } from "./client";

/**
 * The Service the Gateway's UI route sends users to (components/logscale/names.ts
 * uiServiceName: our own, so its name does not depend on the operator's naming;
 * on a standby it selects the pods that recover). LogScale serves TLS itself on 8080.
 */
export const LOGSCALE_SERVICE = { scheme: "https", port: 8080 } as const;
export const logscaleStatusServiceName = (humioClusterName: string) => `${humioClusterName}-ui-cip`;

/** The proxy names the Service as scheme:name:port; RBAC on services/proxy sees that whole string as the name. */
export function logscaleProxyTarget(humioClusterName: string): string {
    return `${LOGSCALE_SERVICE.scheme}:${logscaleStatusServiceName(humioClusterName)}:${LOGSCALE_SERVICE.port}`;
}

/** The recovery follow-up's Kubernetes half, the same on every cloud: the record annotation and LogScale's status through the Service proxy. */
export function kubeRecoveryIo(k8s: Pick<KubeClient, "getDeploymentAnnotation" | "annotateDeployment" | "serviceProxyGet">,
    s: { namespace: string; operatorDeployment: string; humioClusterName: string }, publishMeasured?: (seconds: number) => Promise<void>): RecoveryIo {
    return {
        readRecord: () => k8s.getDeploymentAnnotation(s.namespace, s.operatorDeployment, RECOVERY_ANNOTATION),
        writeRecord: value => k8s.annotateDeployment(s.namespace, s.operatorDeployment, { [RECOVERY_ANNOTATION]: value }),
        logscaleStatus: () => k8s.serviceProxyGet(s.namespace, { ...LOGSCALE_SERVICE, name: logscaleStatusServiceName(s.humioClusterName) }, "/api/v1/status"),
        publishMeasured,
    };
}
