// The Kafka admin Job of the failback (seed runbooks 000/001, docs/runbook.md
// 3g): where no Strimzi topic operator manages global-events, the topic is
// listed and deleted with Kafka's own CLI from a short-lived pod. Not from
// inside a broker: a second JVM in the broker container runs out of memory.
// Strimzi serves only TLS on 9093, so the pod trusts the cluster CA from the
// Secret Strimzi keeps it in; the listener asks for no client certificate.
//
// A pure function, so the manifest's safety properties (one bounded attempt,
// the password only as a secretKeyRef, no API token) are unit-tested and the
// object is checked against the official Kubernetes schema.

import { oneShotJob, oneShotJobName } from "../readiness/one-shot-job";

export type KafkaAdminAction = "list" | "delete";

/** Frames the topic list in the pod log, so a JVM warning line is never read as a topic. */
export const TOPICS_MARKER = "LOGSCALE-DR-TOPICS";

export interface KafkaAdminJobInput {
    namespace: string;
    /** The Strimzi Kafka resource name: its bootstrap Service and CA Secret are named after it. */
    kafka: string;
    /** The brokers' own image (read from a broker pod), so the CLI matches the cluster's Kafka version. */
    image: string;
    action: KafkaAdminAction;
    topic: string;
    /** Makes the Job name unique per run. */
    runId: string;
    activeDeadlineSeconds?: number;
}

export function kafkaAdminJobName(action: KafkaAdminAction, runId: string): string {
    return oneShotJobName(`logscale-dr-kafka-${action}`, runId);
}

/** Topic names are [a-zA-Z0-9._-]; anything else would end up in a shell command. */
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

function script(action: KafkaAdminAction, topic: string): string {
    const cli = '/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --command-config /tmp/admin.properties';
    return [
        "set -eu",
        // The truststore password goes from the env into a file the CLI reads; it is never echoed (no set -x).
        "printf 'security.protocol=SSL\\nssl.truststore.type=PKCS12\\nssl.truststore.location=/ca/ca.p12\\nssl.truststore.password=%s\\n' \"$CA_PASSWORD\" > /tmp/admin.properties",
        ...(action === "delete" ? [`${cli} --delete --if-exists --topic ${topic}`] : []),
        `LIST=$(${cli} --list)`,
        `echo "${TOPICS_MARKER} begin"`,
        'printf "%s\\n" "$LIST"',
        `echo "${TOPICS_MARKER} end"`,
    ].join("\n");
}

export function kafkaAdminJob(i: KafkaAdminJobInput): Record<string, unknown> {
    if (!TOPIC.test(i.topic)) throw new Error(`Kafka topic name ${JSON.stringify(i.topic)} is not valid; allowed: 1-249 of a-z A-Z 0-9 . _ -`);
    const name = kafkaAdminJobName(i.action, i.runId);
    const caSecret = `${i.kafka}-cluster-ca-cert`;
    // One attempt (oneShotJob): a retried delete after a partial failure would hide what happened; the step retries itself.
    return oneShotJob({
        name,
        namespace: i.namespace,
        labels: { "app.kubernetes.io/name": "logscale-dr-failback", "app.kubernetes.io/component": `kafka-${i.action}` },
        activeDeadlineSeconds: i.activeDeadlineSeconds ?? 240,
        ttlSecondsAfterFinished: 600,
        container: {
            name: "kafka-admin",
            image: i.image,
            imagePullPolicy: "IfNotPresent",
            command: ["/bin/bash", "-c", script(i.action, i.topic)],
            env: [
                { name: "BOOTSTRAP", value: `${i.kafka}-kafka-bootstrap.${i.namespace}.svc:9093` },
                { name: "CA_PASSWORD", valueFrom: { secretKeyRef: { name: caSecret, key: "ca.password" } } },
                // A small heap: the CLI needs little, and the limit below must hold it.
                { name: "KAFKA_HEAP_OPTS", value: "-Xms256m -Xmx512m" },
            ],
            resources: { requests: { cpu: "100m", memory: "768Mi" }, limits: { memory: "768Mi" } },
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
            volumeMounts: [{ name: "cluster-ca", mountPath: "/ca", readOnly: true }],
        },
        volumes: [{ name: "cluster-ca", secret: { secretName: caSecret, items: [{ key: "ca.p12", path: "ca.p12" }] } }],
    });
}

/** The topics between the markers; undefined when the log has no complete list (the CLI failed before printing it). */
export function parseTopicList(log: string): string[] | undefined {
    const lines = log.split("\n").map(l => l.trim());
    const begin = lines.lastIndexOf(`${TOPICS_MARKER} begin`);
    const end = lines.lastIndexOf(`${TOPICS_MARKER} end`);
    if (begin < 0 || end < begin) return undefined;
    return lines.slice(begin + 1, end).filter(Boolean);
}
