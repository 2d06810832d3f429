import * as assert from "assert";
import { connectionFromKubeconfig } from "../../scripts/readiness/kube";
import { parseProbeLog, PROBE_IMAGES, recoveryProbeJob } from "../../scripts/readiness/job";

const ENV = [
    { name: "S3_RECOVER_FROM_BUCKET", value: "b" },
    { name: "S3_RECOVER_FROM_REGION", value: "us-west-2" },
    { name: "S3_RECOVER_FROM_ACCESSKEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ACCESSKEY" } } },
    { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
    { name: "S3_RECOVER_FROM_REPLACE_BUCKET", value: "b/c" },
];

type JobDoc = { metadata: { name: string; namespace: string }; spec: { backoffLimit: number; ttlSecondsAfterFinished: number; activeDeadlineSeconds: number;
    template: { spec: { serviceAccountName: string; restartPolicy: string; automountServiceAccountToken: boolean; containers: Array<{ image: string; command: string[]; env: typeof ENV }> } } } };

describe("readiness recovery probe Job (manifest)", () => {
    for (const cloud of ["aws", "azure", "oci"] as const) {
        it(`${cloud}: one bounded attempt under LogScale's service account, a pinned image, only the listing env`, () => {
            const j = recoveryProbeJob({ cloud, namespace: "logging", serviceAccount: "logscale-humio", recoverFromEnv: ENV, runId: "r1" }) as unknown as JobDoc;
            assert.strictEqual(j.spec.backoffLimit, 0);
            assert.ok(j.spec.ttlSecondsAfterFinished > 0 && j.spec.activeDeadlineSeconds > 0 && j.spec.activeDeadlineSeconds <= 300);
            const pod = j.spec.template.spec;
            assert.strictEqual(pod.serviceAccountName, "logscale-humio");
            assert.strictEqual(pod.restartPolicy, "Never");
            assert.strictEqual(pod.automountServiceAccountToken, false);
            const c = pod.containers[0];
            assert.strictEqual(c.image, PROBE_IMAGES[cloud]);
            assert.match(c.image, /:\d+\.\d+\.\d+$/, "an exact release tag, never latest");
            assert.deepStrictEqual(c.env.map(e => e.name), ["S3_RECOVER_FROM_BUCKET", "S3_RECOVER_FROM_REGION", "S3_RECOVER_FROM_ACCESSKEY"]);
            assert.deepStrictEqual(c.env[2].valueFrom, ENV[2].valueFrom, "secrets stay references to LogScale's Secret");
            const script = c.command.join(" ");
            assert.ok(!/set -x|printenv|\benv\b\s*$|echo "?\$\w*(ACCESSKEY|SECRETKEY|ACCOUNTKEY)/.test(script), script);
            assert.match(script, /globalsnapshots\//);
            assert.match(script, cloud === "azure" ? /az storage blob list/ : /aws s3api list-objects-v2/);
        });
    }

    it("the name is stable per run and differs between runs", () => {
        const a = recoveryProbeJob({ cloud: "aws", namespace: "logging", serviceAccount: "s", recoverFromEnv: ENV, runId: "a" }) as unknown as JobDoc;
        const b = recoveryProbeJob({ cloud: "aws", namespace: "logging", serviceAccount: "s", recoverFromEnv: ENV, runId: "b" }) as unknown as JobDoc;
        assert.match(a.metadata.name, /^logscale-dr-readiness-[0-9a-f]{10}$/);
        assert.notStrictEqual(a.metadata.name, b.metadata.name);
    });

    it("reads the last marker line only", () => {
        assert.deepStrictEqual(parseProbeLog("warning: x\nLOGSCALE-DR-PROBE ok objects=2 newest=g/x.json\n"), { ok: true, detail: "objects=2 newest=g/x.json" });
        assert.deepStrictEqual(parseProbeLog("LOGSCALE-DR-PROBE ok objects=2\nLOGSCALE-DR-PROBE fail AccessDenied"), { ok: false, detail: "AccessDenied" });
        assert.strictEqual(parseProbeLog("ok objects=2"), undefined);
    });
});

describe("readiness kubeconfig connection", () => {
    const kc = (user: string) => `apiVersion: v1\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: "https://api.example:443", certificate-authority-data: ${Buffer.from("CA-PEM").toString("base64")}}}]\nusers: [{name: u, user: ${user}}]\n`;

    it("a static token and the CA", async () => {
        const c = connectionFromKubeconfig(kc("{token: t0k}"));
        assert.strictEqual(c.server, "https://api.example:443");
        assert.strictEqual(c.caPem, "CA-PEM");
        assert.strictEqual(await c.token!(), "t0k");
    });

    it("an exec plugin runs for each token, with its env", async () => {
        const calls: string[] = [];
        const c = connectionFromKubeconfig(kc("{exec: {command: aws, args: [eks, get-token, --cluster-name, x], env: [{name: AWS_PROFILE, value: p}]}}"),
            async (cmd, args, env) => { calls.push(`${cmd} ${args.join(" ")} ${env.AWS_PROFILE}`); return JSON.stringify({ status: { token: `k8s-aws-v1.${calls.length}` } }); });
        assert.strictEqual(await c.token!(), "k8s-aws-v1.1");
        assert.strictEqual(await c.token!(), "k8s-aws-v1.2");
        assert.deepStrictEqual(calls[0], "aws eks get-token --cluster-name x p");
    });
});
