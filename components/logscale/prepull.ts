// The standby pulls the LogScale image (about 1 GB) onto its digest node
// ahead of a failover, so the recovered pod starts from a local image: seed
// 000 measured pod start at 30-60 s, the upper end being the pull.

import type * as k8s from "@pulumi/kubernetes";
import { SOFTWARE_PINS } from "../../config/support";
import { LOGSCALE_NAMESPACE } from "./names";
import { logscaleImage } from "./spec";
import { NODE_ROLE_LABEL, NODE_ROLES } from "./types";

export const PAUSE_IMAGE = SOFTWARE_PINS.pause.version;

export const prepullName = (clusterName: string) => `${clusterName}-image-prepull`;

/**
 * A DaemonSet on the digest pool whose init container is the LogScale image
 * running a no-op, then a pause container that keeps the pod (and so the
 * image's reference on the node) alive. A new `logscaleVersion` changes the
 * template, the DaemonSet rolls, and the node pulls the new image before a
 * failover needs it. It reads no Secret and gets no API token.
 */
export function imagePrepullDaemonSet(clusterName: string, logscaleVersion: string): k8s.types.input.apps.v1.DaemonSet {
    const labels = { "app.kubernetes.io/name": "logscale-image-prepull", "app.kubernetes.io/instance": clusterName };
    const restricted: k8s.types.input.core.v1.SecurityContext = {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
    };
    const tiny = { requests: { cpu: "1m", memory: "8Mi" }, limits: { cpu: "50m", memory: "32Mi" } };
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: prepullName(clusterName), namespace: LOGSCALE_NAMESPACE, labels },
        spec: {
            selector: { matchLabels: labels },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: {
                metadata: { labels },
                spec: {
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    affinity: {
                        nodeAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: {
                                nodeSelectorTerms: [{
                                    matchExpressions: [
                                        { key: NODE_ROLE_LABEL, operator: "In", values: [NODE_ROLES.digest] },
                                        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                                    ],
                                }],
                            },
                        },
                    },
                    initContainers: [{
                        name: "pull-logscale",
                        image: logscaleImage(logscaleVersion),
                        imagePullPolicy: "IfNotPresent",
                        // The pull is the point; the container itself only has to exit 0.
                        command: ["/bin/sh", "-c", "exit 0"],
                        securityContext: restricted,
                        resources: tiny,
                    }],
                    containers: [{
                        name: "hold",
                        image: PAUSE_IMAGE,
                        imagePullPolicy: "IfNotPresent",
                        securityContext: restricted,
                        resources: tiny,
                    }],
                    terminationGracePeriodSeconds: 5,
                },
            },
        },
    };
}
