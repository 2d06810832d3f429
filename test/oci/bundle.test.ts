import * as assert from "assert";
import * as child from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { builtinModules } from "module";
import { BASE_IMAGE, buildContextFiles, BuildContext, MAX_HANDLER_BYTES, serializeHandler, writeBuildContext } from "../../components/oci/bundle";
import { CONFIG_ENV, OciFunctionConfig, toFunctionConfig } from "../../functions/oci/config";
import { COOLDOWN_ANNOTATION } from "../../functions/oci/platform";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeOci } from "./fake-oci";
import { CLUSTER, COMPARTMENT, httpProbes, KEY_ID, MONITOR, okeTokenIsValid, PING, POLICY, policyDoc, REGION, RPST, series, testKeys } from "./fixtures";

function k8sTime(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** POST /call over the Fn unix socket, as the Functions runtime does. */
function invoke(socketPath: string, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.request({ socketPath, method: "POST", path: "/call", headers: { "content-type": "application/json", "Fn-Call-Id": "01TEST" } }, res => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("error", reject);
        req.end(body);
    });
}

async function waitForSocket(p: string, proc: child.ChildProcess): Promise<void> {
    for (let i = 0; i < 200; i++) {
        if (fs.existsSync(p)) return;
        if (proc.exitCode !== null) throw new Error(`the function exited with ${proc.exitCode} before listening`);
        await new Promise(r => setTimeout(r, 25));
    }
    throw new Error(`the function never created ${p}`);
}

describe("OCI failover function bundle (serialized handler in an Fn http-stream container contract)", function () {
    this.timeout(60000);
    let ctx: BuildContext;

    before(async () => {
        ctx = buildContextFiles(await serializeHandler(), "logscale-us-phoenix-1-dr-failover", 256, 300);
    });

    it("is one self-contained file well under 1 MiB that needs only node built-ins", () => {
        assert.ok(ctx.handlerBytes < MAX_HANDLER_BYTES, `${ctx.handlerBytes} bytes`);
        assert.ok(ctx.handlerBytes > 10_000, "the core, the Kubernetes client and the OCI adapter are in it");
        const required = [...ctx.files["handler.js"].matchAll(/require\("([^"]+)"\)/g)].map(m => m[1]);
        const builtins = new Set(builtinModules);
        assert.deepEqual(required.filter(r => !builtins.has(r.replace(/^node:/, ""))), []);
        assert.ok(!/@pulumi\//.test(ctx.files["handler.js"]), "no Pulumi SDK in the function");
        // The measurement the README quotes.
        console.log(`      handler.js ${ctx.handlerBytes} bytes; build context ${ctx.contextBytes} bytes (${Object.keys(ctx.files).join(", ")}) on ${BASE_IMAGE}`);
    });

    it("builds a context with a Dockerfile that runs as UID 1000 on the pinned Node base, tagged by content", () => {
        const df = ctx.files.Dockerfile;
        assert.match(df, new RegExp(`^FROM ${BASE_IMAGE.replace(/[.]/g, "\\.")}$`, "m"));
        assert.match(df, /^USER 1000:1000$/m);
        assert.match(df, /^ENTRYPOINT \["node", "\/function\/bootstrap\.js"\]$/m);
        assert.match(ctx.files["func.yaml"], /^memory: 256$/m);
        assert.deepEqual(JSON.parse(ctx.files["package.json"]).dependencies, {});
        const other = buildContextFiles(ctx.files["handler.js"] + "\n// changed", "logscale-us-phoenix-1-dr-failover", 256, 300);
        assert.notEqual(other.hash, ctx.hash);
        assert.equal(buildContextFiles(ctx.files["handler.js"], "logscale-us-phoenix-1-dr-failover", 256, 300).hash, ctx.hash);
    });

    it("refuses a handler over the budget", () => {
        assert.throws(() => buildContextFiles("x".repeat(MAX_HANDLER_BYTES + 1), "f", 256, 300), /above the 1048576-byte budget/);
    });

    describe("running the built context with node, resource-principal credentials and fake OCI + Kubernetes APIs", () => {
        let dir: string;
        let fake: FakeOci;
        let kube: FakeKubernetes;
        let proc: child.ChildProcess | undefined;
        let socket: string;
        let stdout: string;

        beforeEach(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "oci-fn-"));
            writeBuildContext(path.join(dir, "context"), ctx);
            fs.mkdirSync(path.join(dir, "iofs"));
            fs.writeFileSync(path.join(dir, "rp.pem"), testKeys().privatePem, { mode: 0o600 });
            fake = await FakeOci.start(testKeys().publicKey, KEY_ID);
            kube = await FakeKubernetes.start({ tls: true, authorize: h => okeTokenIsValid(h, CLUSTER, REGION) });
            fake.putPolicy(POLICY, policyDoc());
            kube.putDeployment("logging", "humio-operator", { replicas: 0 });
            kube.putSecret("logging", "logscale", { creationTimestamp: k8sTime(Date.now() - 86400_000) });
            socket = path.join(dir, "iofs", "lsnr.sock");
            stdout = "";
        });

        afterEach(async () => {
            if (proc && proc.exitCode === null) {
                proc.kill();
                await new Promise(r => proc!.once("exit", r));
            }
            await kube.stop();
            await fake.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        function start(overrides: Record<string, string | undefined> = {}): Promise<void> {
            const cfg: OciFunctionConfig = {
                region: REGION,
                compartmentId: COMPARTMENT,
                clusterId: CLUSTER,
                kubernetesServer: kube.url,
                kubernetesCaPem: kube.caPem!,
                steeringPolicyId: POLICY,
                primaryPool: "primary",
                primaryMonitorId: MONITOR,
                primaryResultsUrl: `${fake.url}/20180501/httpProbeResults/${MONITOR}`,
                secondaryResultsUrl: `${fake.url}/20180501/pingProbeResults/${PING}`,
                secondaryWindowSeconds: 180,
                metricLookbackSeconds: 1080,
                alarmRepeatSeconds: 300,
                settings: {
                    namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale",
                    preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true, recheckIntervalSeconds: 15, waitBudgetSeconds: 0,
                },
                endpoints: { dns: fake.url, telemetry: fake.url },
            };
            const env: Record<string, string | undefined> = {
                PATH: process.env.PATH,
                FN_LISTENER: `unix:${socket}`,
                FN_FORMAT: "http-stream",
                OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
                OCI_RESOURCE_PRINCIPAL_RPST: RPST,
                OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: path.join(dir, "rp.pem"),
                OCI_RESOURCE_PRINCIPAL_REGION: REGION,
                ...toFunctionConfig(cfg),
                ...overrides,
            };
            proc = child.spawn(process.execPath, ["bootstrap.js"], { cwd: path.join(dir, "context"), env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
            proc.stdout!.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
            proc.stderr!.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
            return waitForSocket(socket, proc);
        }

        it("an alarm notification with the primary down for the holdoff fails over end to end", async () => {
            fake.datapoints.set(MONITOR, series(Date.now(), [1, 0, 0, 0, 0]));
            fake.httpProbeResults.set(MONITOR, httpProbes(Date.now(), false));
            fake.probeResults.set(PING, [{ startTime: Date.now() - 5000, isHealthy: true, vantagePointName: "aws-iad" }]);
            await start();
            const notification = JSON.stringify({ type: "OK_TO_FIRING", title: "logscale-us-phoenix-1-primary-unhealthy", dedupeKey: "d1", timestampEpochMillis: Date.now() });
            const res = await invoke(socket, notification);
            assert.equal(res.status, 200, res.body + stdout);
            assert.match(String(res.headers["fn-fdk-version"]), /^fdk-node\//);
            const result = JSON.parse(res.body);
            assert.equal(result.decision, "failed-over", `${result.reason} ${result.error ?? ""}\n${stdout}`);
            assert.equal(result.dnsLocked, true);
            assert.equal(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
            assert.ok(kube.deployment("logging", "humio-operator")!.metadata.annotations![COOLDOWN_ANNOTATION]);
            assert.equal((fake.policy(POLICY).answers as { isDisabled: boolean }[])[0].isDisabled, true);
            assert.ok(fake.requests.length >= 3 && fake.requests.every(r => r.signatureValid && r.keyId === KEY_ID));
            // Structured JSON log lines on stdout, one per event.
            const events = stdout.trim().split("\n").map(l => JSON.parse(l).event);
            assert.ok(events.includes("oci.notification") && events.includes("failover.result"), events.join(","));
        });

        it("a broken configuration answers with an error result that names every bad variable", async () => {
            await start({ [CONFIG_ENV.region]: "mars-1", [CONFIG_ENV.humioClusterName]: undefined });
            const res = await invoke(socket, "{}");
            const result = JSON.parse(res.body);
            assert.equal(result.decision, "error");
            assert.match(result.error, /DR_REGION="mars-1" is not an OCI region identifier/);
            assert.match(result.error, /DR_HUMIOCLUSTER is not set/);
            assert.equal(kube.deployment("logging", "humio-operator")!.spec.replicas, 0);
            assert.equal(fake.requests.length, 0);
        });

        it("a resource principal key file that is not there: one named error from the bundled handler, no call made", async () => {
            const missing = path.join(dir, "gone.pem");
            await start({ OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: missing });
            const res = await invoke(socket, "{}");
            const result = JSON.parse(res.body);
            assert.equal(result.decision, "error");
            assert.equal(result.error, `resource principal: OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM names file ${missing}, which was not found; ` +
                "expected the session's RSA private key in PEM, or the absolute path of a file holding it");
            assert.equal(fake.requests.length, 0);
            assert.equal(kube.requests.length, 0);
        });
    });
});
