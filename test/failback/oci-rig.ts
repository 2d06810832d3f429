// The live OCI world (scripts/failback/world-oci.ts) over fakes on 127.0.0.1:
// FailbackFakes' simulation behind each side's FakeKubernetes and LogScale
// (the failover record is the annotation FailbackFakes puts on the
// secondary's humio-operator), FakeObjectStorage over the simulated buckets,
// FakeOci for the steering policy and the alarm, and FakeStacks over the
// simulated stack config. Requests are signed with an API key read from an
// OCI CLI config file, as an operator's would be.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Side } from "../../scripts/failback/ports";
import { OciWorld, OciWorldOptions } from "../../scripts/failback/world-oci";
import { FakeOci } from "../oci/fake-oci";
import { policyDoc, testKeys } from "../oci/fixtures";
import { FailbackFakes, SIDES } from "./fakes";
import { FakeObjectStorage } from "./fake-object-storage";
import { FakeBucket } from "./fake-s3";
import { fakeStackPair, FakeStack, liveSideOutputs } from "./fake-stack";
import { withRig } from "./harness";

export const POLICY = "ocid1.dnspolicy.oc1..aaaafailback";
export const ALARM = "ocid1.alarm.oc1.iad.aaaafailback";
export const NAMESPACE = "axaxnpcrorw5";
export const HOSTS: Record<Side, string> = { primary: "logscale-us-phoenix-1.example.com", secondary: "logscale-us-ashburn-1.example.com" };
export const REGIONS: Record<Side, string> = { primary: "us-phoenix-1", secondary: "us-ashburn-1" };
export const BUCKETS: Record<Side, string> = { primary: "logscale-us-phoenix-1", secondary: "logscale-us-ashburn-1" };
const TENANCY = "ocid1.tenancy.oc1..aaaafailback", USER = "ocid1.user.oc1..aaaaoperator", FINGERPRINT = "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0";
export const API_KEY_ID = `${TENANCY}/${USER}/${FINGERPRINT}`;

export interface OciRig {
    f: FailbackFakes;
    oci: FakeOci;
    os: FakeObjectStorage;
    stacks: Record<Side, FakeStack>;
    /** The OCI CLI config file the world signs from. */
    configFile: string;
    world(o?: OciWorldOptions): Promise<OciWorld>;
    stop(): Promise<void>;
}

/** As the failover left it: the primary answer disabled, the secondary's served. */
export function lockedPolicy(): Record<string, unknown> {
    const doc = policyDoc({ id: POLICY });
    (doc.answers as { isDisabled: boolean }[])[0].isDisabled = true;
    return doc;
}

export async function startOciRig(): Promise<OciRig> {
    const f = await FailbackFakes.start("oci");
    f.serveLiveKube();
    const bucket = (side: Side): FakeBucket => Object.assign(f.simStore(side), { region: REGIONS[side] });
    const { publicKey, privatePem } = testKeys();
    const store = await FakeObjectStorage.start((ns, name) => (ns === NAMESPACE ? SIDES.filter(s => BUCKETS[s] === name).map(bucket)[0] : undefined),
        publicKey, API_KEY_ID, () => f.tick());
    const oci = await FakeOci.start(publicKey, API_KEY_ID);
    oci.putPolicy(POLICY, lockedPolicy());
    oci.alarms.set(ALARM, { displayName: "logscale-us-ashburn-1-failover", isEnabled: true });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failback-oci-"));
    fs.writeFileSync(path.join(dir, "key.pem"), privatePem);
    const configFile = path.join(dir, "config");
    fs.writeFileSync(configFile, `[DEFAULT]\nregion=us-ashburn-1\n\n[FAILBACK]\ntenancy=${TENANCY}\nuser=${USER}\nfingerprint=${FINGERPRINT}\nkey_file=${path.join(dir, "key.pem")}\n`);

    const outputs = (side: Side): Record<string, unknown> => ({
        cloud: "oci", region: REGIONS[side], storageBucket: BUCKETS[side],
        storageEndpointBase: `https://${NAMESPACE}.compat.objectstorage.${REGIONS[side]}.oraclecloud.com`,
        ...liveSideOutputs(f.kube[side].url, side, HOSTS[side]),
        ...(side === "secondary" ? { steeringPolicyId: POLICY, healthMonitorId: "ocid1.httpmonitor.oc1..aaaaprimary" } : {}),
        // A promoted secondary exports no failover alarm (promotion removed it).
        ...(side === "secondary" && f.alarmExists() ? { failoverAlarmId: ALARM } : {}),
    });
    const stacks = fakeStackPair({ primary: f.sim.primary.config, secondary: f.sim.secondary.config }, outputs);
    return {
        f, oci, os: store, stacks, configFile,
        world: (o = {}) => OciWorld.create(stacks, {
            apiEndpoint: oci.url, objectStorageEndpoint: store.url,
            config: { file: configFile, env: { OCI_CLI_PROFILE: "FAILBACK" } },
            logscaleUrl: f.logscaleUrls(),
            kube: { clock: f.clock },
            ...o,
        }),
        async stop() {
            await Promise.all([f.stop(), store.stop(), oci.stop()]);
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

export function withOciRig<T>(fn: (r: OciRig) => Promise<T>): Promise<T> {
    return withRig(startOciRig, fn);
}
