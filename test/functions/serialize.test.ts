import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as awsLambda from "@pulumi/aws/lambda";
import * as pulumi from "@pulumi/pulumi";
import { eksBearerToken } from "../../functions/aws/eks-token";
import { awsFailoverEnvironment } from "../../functions/aws/env";
import { awsFailoverHandler, AwsReadinessOutcome } from "../../functions/aws/handler";
import { FailoverResult } from "../../functions/core/types";
import { FakeKubernetes } from "../support/fake-k8s";
import { ALARM, ARN, awsEnvSettings, kubeAt, PRIMARY, SECONDARY } from "./aws-fixtures";
import { FakeAws } from "./fake-aws";

const ROOT = path.resolve(__dirname, "../..");

/** Every file under a folder, recursively. */
function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
        e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

function runNode(cwd: string, script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise(resolve => {
        execFile(process.execPath, [script], { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

describe("failover function packaging (pulumi closure serialization)", () => {
    let closure: pulumi.runtime.SerializedFunction;
    let dir: string;

    before(async function () {
        this.timeout(60_000);
        // The options aws.lambda.CallbackFunction uses (@pulumi/aws lambda/lambdaMixins.js).
        closure = await pulumi.runtime.serializeFunction(awsFailoverHandler, {
            serialize: () => true,
            exportName: "handler",
            isFactoryFunction: false,
            allowSecrets: true,
        });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "logscale-dr-lambda-"));
        fs.writeFileSync(path.join(dir, "__index.js"), closure.text);
    });
    after(() => {
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("fits aws.lambda.CallbackFunction's callback type", () => {
        // A compile-time check as much as a runtime one: tsc rejects this line if the signature drifts.
        const callback: awsLambda.Callback<unknown, FailoverResult | AwsReadinessOutcome> = awsFailoverHandler;
        assert.strictEqual(typeof callback, "function");
    });

    it("is small, captures no secret and never mentions ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", () => {
        assert.ok(Buffer.byteLength(closure.text) < 1024 * 1024, `${Buffer.byteLength(closure.text)} bytes`);
        assert.strictEqual(closure.containsSecrets, false);
        assert.ok(!closure.text.includes("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS"));
        // Nor does any failover source, for every cloud.
        for (const file of files(path.join(ROOT, "functions"))) {
            assert.ok(!fs.readFileSync(file, "utf8").includes("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS"), file);
        }
    });

    it("loads the AWS SDK only when a call runs (no top-level require of a non-builtin)", () => {
        const topLevel = closure.text.split("\n").filter(l => /^(const|var|let) \w+ = require\(/.test(l));
        for (const line of topLevel) {
            const name = /require\("([^"]+)"\)/.exec(line)![1];
            assert.ok(require("module").builtinModules.includes(name.replace(/^node:/, "")), line);
        }
        assert.match(closure.text, /require\("@aws-sdk\/client-route-53"\)/);
    });

    it("runs in a fresh node process: fails over against local AWS and EKS stand-ins, then re-arms the alarm once the primary is back", async function () {
        this.timeout(60_000);
        const creds = { accessKeyId: "ASIAFAKEFAKEFAKE", secretAccessKey: "fake/secret", sessionToken: "fake-session" };
        const kube = await FakeKubernetes.start({
            tls: true,
            authorize: h => {
                // The token must be the one our presigner makes for this cluster and role at the time it states.
                const url = new URL(Buffer.from((h ?? "").replace(/^Bearer k8s-aws-v1\./, ""), "base64url").toString("utf8"));
                const d = url.searchParams.get("X-Amz-Date") ?? "";
                const at = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
                return h === `Bearer ${eksBearerToken("logscale-secondary", "eu-west-1", creds, at)}`;
            },
        });
        kube.putDeployment("logging", "humio-operator", { replicas: 0 });
        kube.putSecret("logging", "logscale", { creationTimestamp: "2024-01-01T00:00:00Z" });
        // LogScale answers at once: the recovery follow-up after the scale ends on its first look.
        kube.serviceProxy = () => ({ status: 200, body: JSON.stringify({ status: "OK", version: "1.252.1" }) });
        // One transient failure: the bundled retry path and RemoteError must work too.
        kube.fault({ method: "GET", path: "/deployments/humio-operator", times: 1, status: 503 });
        const aws = await FakeAws.start({
            healthy: { [PRIMARY]: false, [SECONDARY]: true },
            failingMinutes: 5,
            parameters: {},
            alarms: {},
        });
        try {
            fs.writeFileSync(path.join(dir, "invoke.js"), [
                `const { handler } = require("./__index.js");`,
                `const event = { Records: [{ Sns: { TopicArn: "arn:aws:sns:us-east-1:1:t", Message: JSON.stringify({ AlarmName: "primary", NewStateValue: "ALARM" }) } }] };`,
                `const context = { awsRequestId: "r1", functionName: "fn", invokedFunctionArn: ${JSON.stringify(ARN)}, getRemainingTimeInMillis: () => 900000 };`,
                `handler(event, context).then(r => { process.stdout.write("RESULT " + JSON.stringify(r) + "\\n"); },`,
                `  e => { process.stdout.write("FAILED " + e.message + "\\n"); process.exitCode = 3; });`,
            ].join("\n"));
            const env: Record<string, string> = {
                PATH: process.env.PATH ?? "",
                // The Lambda runtime provides the SDK; here it comes from the project's node_modules.
                NODE_PATH: path.join(ROOT, "node_modules"),
                AWS_ENDPOINT_URL: aws.url,
                AWS_REGION: "eu-west-1",
                AWS_ACCESS_KEY_ID: creds.accessKeyId,
                AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
                AWS_SESSION_TOKEN: creds.sessionToken,
                ...awsFailoverEnvironment(awsEnvSettings(kubeAt(kube))),
            };
            const out = await runNode(dir, "invoke.js", env);
            const resultLine = out.stdout.split("\n").find(l => l.startsWith("RESULT ") || l.startsWith("FAILED "));
            assert.ok(resultLine?.startsWith("RESULT "), `child: ${out.stdout}\n${out.stderr}`);
            const result = JSON.parse(resultLine!.slice("RESULT ".length)) as { decision: string; dnsLocked: boolean; tlsSecret: string };
            assert.strictEqual(result.decision, "failed-over");
            assert.strictEqual(result.tlsSecret, "deleted");
            assert.strictEqual(result.dnsLocked, true);

            const logs = out.stdout.split("\n").filter(l => l.startsWith("{")).map(l => JSON.parse(l) as { event: string; error?: string; status?: number });
            assert.ok(logs.some(l => l.event === "failover.result"), "structured log lines on stdout");
            const retry = logs.find(l => l.event === "retry.scheduled");
            assert.strictEqual(retry?.status, 503);
            assert.match(retry?.error ?? "", /k8s.getDeploymentReplicas GET .*: HTTP 503 InjectedFault/);

            assert.strictEqual(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
            assert.strictEqual(kube.secret("logging", "logscale"), undefined);
            const lock = aws.calls.find(c => c.operation === "UpdateHealthCheck")!;
            assert.ok(lock.path.endsWith(PRIMARY));
            assert.match(lock.body, /<FullyQualifiedDomainName>failover-locked\.invalid<\/FullyQualifiedDomainName>/);
            assert.match(lock.body, /<Inverted>false<\/Inverted>/);
            assert.match(aws.state.parameters["/logscale-dr/secondary/last-failover-epoch"] ?? "", /^\d{10};lock=applied$/);
            assert.deepStrictEqual(aws.calls.map(c => c.service).filter(s => s === "cloudwatch").length, 1, "one metric read; the alarm is left alone");

            // The primary back: the bundled SetAlarmState re-arms the alarm.
            aws.state.healthy[PRIMARY] = true;
            aws.state.parameters = {};
            kube.putDeployment("logging", "humio-operator", { replicas: 0 });
            const healthy = await runNode(dir, "invoke.js", env);
            const healthyLine = healthy.stdout.split("\n").find(l => l.startsWith("RESULT ") || l.startsWith("FAILED "));
            assert.strictEqual(JSON.parse((healthyLine ?? "RESULT {}").slice("RESULT ".length)).decision, "primary-healthy", healthy.stdout + healthy.stderr);
            assert.deepStrictEqual(aws.state.alarms, { [ALARM]: "OK" });
        } finally {
            await aws.stop();
            await kube.stop();
        }
    });

    it("keeps error messages in the bundle: a bad environment names the variable", async function () {
        this.timeout(60_000);
        fs.writeFileSync(path.join(dir, "invoke-bad.js"), [
            `const { handler } = require("./__index.js");`,
            `const context = { invokedFunctionArn: ${JSON.stringify(ARN)}, getRemainingTimeInMillis: () => 900000 };`,
            `handler({}, context).then(() => process.stdout.write("RESULT\\n"), e => process.stdout.write("FAILED " + e.message + "\\n"));`,
        ].join("\n"));
        const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...awsFailoverEnvironment(awsEnvSettings()) };
        delete env.EKS_CLUSTER_NAME;
        const out = await runNode(dir, "invoke-bad.js", env);
        assert.match(out.stdout, /^FAILED failover function environment: EKS_CLUSTER_NAME is not set; expected an EKS cluster name/m, out.stdout + out.stderr);
        const logged = out.stdout.split("\n").filter(l => l.startsWith("{")).map(l => JSON.parse(l) as { event: string; error?: { message?: string } });
        assert.match(logged.find(l => l.event === "failover.config-invalid")?.error?.message ?? "", /EKS_CLUSTER_NAME is not set/);
    });
});
