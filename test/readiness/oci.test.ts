import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cloudPort } from "../../scripts/readiness/clouds";
import { HttpCluster } from "../../scripts/readiness/kube";
import { ociProfileCredentials, parseOciConfig, readOciProfile } from "../../scripts/readiness/oci-config";
import { FakeOci, OciRecorded } from "../oci/fake-oci";
import { POLICY, policyDoc, testKeys } from "../oci/fixtures";
import { FakeKubernetes } from "../support/fake-k8s";
import { check, kubeconfigFor, LIVE_CHECKS, LiveRun, logscaleSide, out, PROBE_OK, runLive, VirtualClock } from "./live-pair";

const KEY = "oci-encryption-key-that-must-never-be-printed-0123456789ab";
const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";
const USER = "ocid1.user.oc1..aaaauser";
const FINGERPRINT = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99";
const KEY_ID = `${TENANCY}/${USER}/${FINGERPRINT}`;
const ALARM = "ocid1.alarm.oc1.phx.aaaaalarm";

/** A home directory with ~/.oci/config: DEFAULT holds the tenancy and a decoy key, [DR] the operator's user and key. */
function ociHome(key: crypto.KeyObject): string {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-oci-"));
    fs.mkdirSync(path.join(home, ".oci"));
    fs.writeFileSync(path.join(home, ".oci", "dr_api_key.pem"), key.export({ type: "pkcs8", format: "pem" }) as string);
    fs.writeFileSync(path.join(home, ".oci", "config"), [
        "# written by oci setup config", "[DEFAULT]", `tenancy=${TENANCY}`, "region=us-ashburn-1",
        "user=ocid1.user.oc1..someoneelse", "fingerprint=00:00", "key_file=~/.oci/missing.pem", "",
        "[DR]", `user = ${USER}`, `fingerprint = ${FINGERPRINT}`, "key_file = ~/.oci/dr_api_key.pem", "",
    ].join("\n"));
    return home;
}

interface Pair extends LiveRun {
    kube: { primary: FakeKubernetes; secondary: FakeKubernetes };
    oci: FakeOci;
    home: string;
    stop(): Promise<void>;
}

async function pair(): Promise<Pair> {
    const kube = { primary: await FakeKubernetes.start(), secondary: await FakeKubernetes.start() };
    logscaleSide(kube.primary, [], { replicas: 1 });
    logscaleSide(kube.secondary, [
        { name: "S3_RECOVER_FROM_BUCKET", value: "logscale-ashburn" },
        { name: "S3_RECOVER_FROM_REGION", value: "us-ashburn-1" },
        { name: "S3_RECOVER_FROM_ENDPOINT_BASE", value: "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com" },
        { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
    ], { replicas: 0 });
    kube.secondary.putSecret("logging", "logscale-env-secrets", { data: { S3_RECOVER_FROM_ENCRYPTION_KEY: Buffer.from(KEY).toString("base64") } });
    kube.secondary.jobRunner = () => ({ result: "succeeded", afterGets: 3, log: PROBE_OK });
    const oci = await FakeOci.start(testKeys().publicKey, KEY_ID);
    oci.putPolicy(POLICY, policyDoc());
    oci.alarms.set(ALARM, { displayName: "logscale-dr-failover-primary-down", isEnabled: true });
    const home = ociHome(testKeys().privateKey);
    const outputs = {
        primary: out({ cloud: "oci", region: "us-ashburn-1", storageBucket: "logscale-ashburn", storageEncryptionKey: KEY, logscaleClusterName: "logscale", kubeconfig: kubeconfigFor(kube.primary.url) },
            ["storageEncryptionKey", "kubeconfig"]),
        secondary: out({
            cloud: "oci", region: "us-phoenix-1", logscaleClusterName: "logscale", kubeconfig: kubeconfigFor(kube.secondary.url),
            steeringPolicyId: POLICY, failoverAlarmId: ALARM,
        }, ["kubeconfig"]),
    };
    return {
        kube, oci, home, outputs, clock: new VirtualClock(),
        clouds: { oci: { config: { home, env: { OCI_CLI_PROFILE: "DR" } }, endpoints: { dns: oci.url, telemetry: oci.url } } },
        async stop() { await kube.primary.stop(); await kube.secondary.stop(); await oci.stop(); fs.rmSync(home, { recursive: true, force: true }); },
    };
}

/** Checks a recorded request's Authorization header as OCI does, independently of the fake and the signer. */
function verifySignature(r: OciRecorded, publicKey: crypto.KeyObject): { keyId: string; headers: string; valid: boolean } {
    const auth = String(r.headers.authorization ?? "");
    const field = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(auth)?.[1] ?? "";
    assert.match(auth, /^Signature version="1",/);
    assert.strictEqual(field("algorithm"), "rsa-sha256");
    const names = field("headers").split(" ");
    const query = new URLSearchParams(r.query).toString();
    const signing = names.map(n => `${n}: ${n === "(request-target)" ? `${r.method.toLowerCase()} ${r.path}${query ? `?${query}` : ""}` : r.headers[n]}`).join("\n");
    return { keyId: field("keyId"), headers: field("headers"), valid: crypto.verify("sha256", Buffer.from(signing), publicKey, Buffer.from(field("signature"), "base64")) };
}

describe("npm run readiness (live OCI pair, over fakes: Kubernetes API, OCI DNS and Monitoring on 127.0.0.1)", function () {
    this.timeout(30_000);
    let p: Pair;
    beforeEach(async () => { p = await pair(); });
    afterEach(async () => { await p.stop(); });

    it("the scheduled self-test's verdict on the standby's Deployment is read like Azure's: ready passes, not-ready fails", async () => {
        for (const [verdict, code] of [["ready", 0], ["not-ready", 1]] as const) {
            p.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 0, labels: { "helm.sh/chart": "humio-operator-0.34.1" }, annotations: { "logscale.dr/standby-ready": verdict } });
            const r = await runLive(p);
            assert.strictEqual(r.code, code, r.out + r.err);
            assert.match(check(r.doc, "self-test").reason, new RegExp(`said ${verdict} \\(logscale\\.dr/standby-ready on logging/humio-operator\\)`));
        }
    });

    it("all pass: the policy and the alarm read once each; without a verdict yet the self-test is skipped", async () => {
        const r = await runLive(p);
        assert.strictEqual(r.code, 0, r.out + r.err);
        assert.deepStrictEqual(r.doc!.checks.map(c => c.name), LIVE_CHECKS.filter(n => n !== "self-test"));
        assert.ok(r.doc!.checks.every(c => c.verdict === "pass"), r.out);
        assert.deepStrictEqual(r.doc!.skipped, [{ name: "self-test", reason: "logging/humio-operator has no logscale.dr/standby-ready annotation: the readiness function has not run (it is absent when readinessIntervalMinutes is 0)" }]);
        assert.strictEqual(check(r.doc, "dns-lock").reason, "unlocked, as expected for a standing-by pair: steering policy logscale-global: primary answer(s) primary enabled");
        assert.strictEqual(check(r.doc, "dns-targets").reason, "present: primary answer primary (A 203.0.113.10), secondary answer secondary (A 203.0.113.20)");
        assert.strictEqual(check(r.doc, "alarm").reason, "alarm logscale-dr-failover-primary-down enabled");
        assert.strictEqual(p.oci.count("GET", "/20180115/steeringPolicies/"), 1, "the lock and the targets share one GET");
        assert.strictEqual(p.oci.count("GET", `/20180401/alarms/${ALARM}`), 1);
        assert.strictEqual(p.oci.count("PUT", "/"), 0, "readiness changes nothing in OCI");
        assert.ok(!r.out.includes(KEY) && !r.err.includes(KEY));
    });

    it("every request is signed with the ~/.oci/config profile's key: keyId tenancy/user/fingerprint, signature verifies", async () => {
        await runLive(p);
        assert.strictEqual(p.oci.requests.length, 2);
        const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
        for (const req of p.oci.requests) {
            const v = verifySignature(req, testKeys().publicKey);
            assert.strictEqual(v.keyId, KEY_ID);
            assert.strictEqual(v.headers, "date (request-target) host");
            assert.ok(v.valid, `signature of ${req.method} ${req.path} does not verify`);
            assert.ok(!verifySignature(req, other).valid, "the check would catch a signature by another key");
            assert.strictEqual(req.status, 200);
        }
    });

    it("a key OCI does not know (the fake answers 401) fails the cloud checks, naming the API", async () => {
        fs.writeFileSync(path.join(p.home, ".oci", "dr_api_key.pem"), crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string);
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.match(check(r.doc, "dns-lock").reason, /^oci\.dns\.getSteeringPolicy GET \/20180115\/steeringPolicies\/ocid1\.dnspolicy\.oc1\.\.aaaapolicy: HTTP 401 NotAuthenticated: signature does not verify/);
        assert.match(check(r.doc, "alarm").reason, /^oci\.monitoring\.getAlarm GET .*HTTP 401 NotAuthenticated/);
    });

    it("the lock in place (primary answer disabled) while the standby is at 0 fails dns-lock", async () => {
        p.oci.editPolicy(POLICY, d => { (d.answers as Array<{ isDisabled: boolean }>)[0].isDisabled = true; });
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(check(r.doc, "dns-lock").reason, "locked but expected unlocked (the standby is at 0): steering policy logscale-global: primary answer(s) primary disabled");
        assert.strictEqual(check(r.doc, "dns-targets").verdict, "pass");
    });

    it("after a failover (operator 1/1, primary answer disabled) operator and dns-lock pass", async () => {
        p.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 1, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
        p.oci.editPolicy(POLICY, d => { (d.answers as Array<{ isDisabled: boolean }>)[0].isDisabled = true; });
        const r = await runLive(p);
        assert.strictEqual(r.code, 0, r.out);
        assert.match(check(r.doc, "operator").reason, /reports failed over/);
        assert.match(check(r.doc, "dns-lock").reason, /^locked, as expected after a failover/);
    });

    it("dns-targets names the missing secondary answer; a disabled one counts as missing", async () => {
        p.oci.editPolicy(POLICY, d => { d.answers = (d.answers as unknown[]).slice(0, 1); });
        let r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(check(r.doc, "dns-targets").reason, "missing: secondary answer secondary (pool secondary); present: primary answer primary (A 203.0.113.10)");
        p.oci.putPolicy(POLICY, policyDoc());
        p.oci.editPolicy(POLICY, d => { (d.answers as Array<{ isDisabled: boolean }>)[1].isDisabled = true; });
        r = await runLive(p);
        assert.match(check(r.doc, "dns-targets").reason, /^missing: secondary answer secondary \(disabled: nothing to fail over to\)/);
    });

    it("dns-lock fails when the policy has no primary answer to lock", async () => {
        p.oci.editPolicy(POLICY, d => { d.answers = (d.answers as unknown[]).slice(1); });
        const r = await runLive(p);
        assert.strictEqual(check(r.doc, "dns-lock").reason, 'steering policy logscale-global has no answer in pool "primary": there is nothing to lock');
        assert.match(check(r.doc, "dns-targets").reason, /^missing: primary answer primary \(pool primary\); present: secondary/);
    });

    it("alarm names the disabled alarm, and one that does not exist", async () => {
        p.oci.alarms.get(ALARM)!.isEnabled = false;
        let r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(check(r.doc, "alarm").reason, "alarm logscale-dr-failover-primary-down is disabled: a primary outage would not trigger the failover");
        p.oci.alarms.delete(ALARM);
        r = await runLive(p);
        assert.strictEqual(check(r.doc, "alarm").reason, `Monitoring alarm ${ALARM} not found in us-phoenix-1`);
    });

    it("a 403 from OCI is a failing check naming the API call and the answer", async () => {
        p.oci.fault({ method: "GET", path: "/20180401/alarms/", status: 403 });
        p.oci.fault({ method: "GET", path: "/20180115/steeringPolicies/", status: 403 });
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.match(check(r.doc, "alarm").reason, /^oci\.monitoring\.getAlarm GET \/20180401\/alarms\/ocid1\.alarm\.oc1\.phx\.aaaaalarm: HTTP 403 Fault: injected 403 \(opc-request-id req-\d+\)$/);
        assert.match(check(r.doc, "dns-lock").reason, /^oci\.dns\.getSteeringPolicy GET \/20180115\/steeringPolicies\/.*: HTTP 403 Fault: injected 403/);
        assert.strictEqual(check(r.doc, "dns-targets").reason, check(r.doc, "dns-lock").reason, "one read, one answer");
    });

    for (const missing of ["steeringPolicyId", "failoverAlarmId", "region"]) {
        it(`a standby without the ${missing} output stops with one line naming it (exit 1), before any call`, async () => {
            delete p.outputs.secondary[missing];
            const r = await runLive(p);
            assert.strictEqual(r.code, 1);
            assert.strictEqual(r.err, `the standby stack has no "${missing}" output; readiness needs it for the OCI checks\n`);
            assert.strictEqual(p.oci.requests.length + p.kube.secondary.requests.length, 0);
        });
    }

    it("a profile that cannot sign stops the run with one line naming the file and the profile", async () => {
        p.clouds.oci!.config!.env = { OCI_CLI_PROFILE: "NOPE" };
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(r.err, `${path.join(p.home, ".oci", "config")} has no profile [NOPE] (OCI_CLI_PROFILE)\n`);
        assert.strictEqual(p.oci.requests.length, 0);
    });

    it("refuses a plain-http OCI endpoint off this machine: the signature could be replayed", () => {
        const plain = Object.fromEntries(Object.entries(p.outputs.secondary).map(([k, v]) => [k, v.value]));
        assert.throws(() => cloudPort(plain, new HttpCluster({ server: p.kube.secondary.url }), "secondary",
            { oci: { credentials: () => ({ keyId: KEY_ID, privateKey: testKeys().privateKey }), endpoints: { dns: "http://dns.example.com" } } }),
        /^Error: OCI DNS endpoint http:\/\/dns\.example\.com must be https:\/\//);
    });
});

describe("~/.oci/config: the operator's OCI profile", () => {
    const files = (m: Record<string, string>) => (f: string) => {
        if (!(f in m)) throw Object.assign(new Error(`ENOENT ${f}`), { code: "ENOENT" });
        return m[f];
    };
    const pem = testKeys().privatePem;

    it("DEFAULT unless OCI_CLI_PROFILE; a profile inherits DEFAULT's keys; ~ is the home directory; comments are skipped", () => {
        const text = "[DEFAULT]\ntenancy=ocid1.tenancy.oc1..t\nregion=us-ashburn-1\nuser=u0\nfingerprint=f0\nkey_file=~/.oci/k0.pem\n; a comment\n[OPS]\nuser=u1\nfingerprint=f1\nkey_file=/keys/k1.pem\n";
        const read = files({ "/h/.oci/config": text });
        const d = readOciProfile({ home: "/h", env: {}, readFile: read });
        assert.deepStrictEqual([d.user, d.fingerprint, d.keyFile, d.region, d.source], ["u0", "f0", "/h/.oci/k0.pem", "us-ashburn-1", "/h/.oci/config [DEFAULT]"]);
        const o = readOciProfile({ home: "/h", env: { OCI_CLI_PROFILE: "OPS" }, readFile: read });
        assert.deepStrictEqual([o.tenancy, o.user, o.fingerprint, o.keyFile], ["ocid1.tenancy.oc1..t", "u1", "f1", "/keys/k1.pem"]);
        assert.strictEqual(ociProfileCredentials(o, files({ "/keys/k1.pem": pem })).keyId, "ocid1.tenancy.oc1..t/u1/f1");
        assert.deepStrictEqual(parseOciConfig("[A]\nk = v = w\n"), { A: { k: "v = w" } });
    });

    it("OCI_CLI_CONFIG_FILE moves the file", () => {
        const p = readOciProfile({ env: { OCI_CLI_CONFIG_FILE: "/etc/oci.conf" }, readFile: files({ "/etc/oci.conf": "[DEFAULT]\ntenancy=t\nuser=u\nfingerprint=f\nkey_file=/k\n" }) });
        assert.strictEqual(p.source, "/etc/oci.conf [DEFAULT]");
    });

    it("a session profile (oci session authenticate) signs as ST$<token>", () => {
        const p = readOciProfile({ home: "/h", env: {}, readFile: files({ "/h/.oci/config": "[DEFAULT]\ntenancy=t\nfingerprint=f\nkey_file=/k\nsecurity_token_file=~/.oci/token\n" }) });
        assert.strictEqual(ociProfileCredentials(p, files({ "/k": pem, "/h/.oci/token": "eyJ.a.b\n" })).keyId, "ST$eyJ.a.b");
    });

    it("each problem is one line naming the file, the profile and what is wrong", () => {
        assert.throws(() => readOciProfile({ home: "/h", env: {}, readFile: files({}) }), /^Error: cannot read the OCI CLI config \/h\/\.oci\/config: ENOENT \(oci setup config writes it\)$/);
        const read = files({ "/h/.oci/config": "[DEFAULT]\ntenancy=t\nuser=u\nfingerprint=f\n" });
        assert.throws(() => readOciProfile({ home: "/h", env: {}, readFile: read }), /^Error: \/h\/\.oci\/config \[DEFAULT\] has no key_file$/);
        const p = readOciProfile({ home: "/h", env: {}, readFile: files({ "/h/.oci/config": "[DEFAULT]\ntenancy=t\nuser=u\nfingerprint=f\nkey_file=/k\n" }) });
        assert.throws(() => ociProfileCredentials(p, files({})), /^Error: \/h\/\.oci\/config \[DEFAULT\]: cannot read key_file \/k: ENOENT$/);
        assert.throws(() => ociProfileCredentials(p, files({ "/k": "not a key" })), /^Error: \/h\/\.oci\/config \[DEFAULT\]: key_file \/k is not a usable PEM private key \(encrypted keys need pass_phrase\)/);
    });
});
