// The live AWS world (scripts/failback/world-aws.ts) over fakes on 127.0.0.1:
// FailbackFakes' simulation behind each side's FakeKubernetes and LogScale,
// FakeS3 over the simulated buckets, FakeAwsReadiness for Route 53,
// CloudWatch and SSM, and FakeStacks over the simulated stack config.
import { Side } from "../../scripts/failback/ports";
import { AwsWorld } from "../../scripts/failback/world-aws";
import { FakeAwsReadiness } from "../readiness/fake-aws";
import { FAILOVER_RECORD, FailbackFakes, SIDES } from "./fakes";
import { FakeBucket, FakeS3, S3_KEYS } from "./fake-s3";
import { fakeStackPair, FakeStack, liveSideOutputs } from "./fake-stack";
import { withRig } from "./harness";

export const HC = "hc-primary-0001";
export const ALARM = "logscale-us-east-2-failover";
export const PARAMETER = "/logscale-dr/logscale/us-east-2/last-failover";
export const HOSTS: Record<Side, string> = { primary: "logscale-us-west-2.example.com", secondary: "logscale-us-east-2.example.com" };
export const REGIONS: Record<Side, string> = { primary: "us-west-2", secondary: "us-east-2" };
export const BUCKETS: Record<Side, string> = { primary: "logscale-us-west-2-123456789012", secondary: "logscale-us-east-2-123456789012" };

export interface AwsRig {
    f: FailbackFakes;
    s3: FakeS3;
    aws: FakeAwsReadiness;
    stacks: Record<Side, FakeStack>;
    world(): Promise<AwsWorld>;
    stop(): Promise<void>;
}

export async function startAwsRig(): Promise<AwsRig> {
    const f = await FailbackFakes.start("aws");
    f.serveLiveKube();
    const bucket = (side: Side): FakeBucket => Object.assign(f.simStore(side), { region: REGIONS[side] });
    const s3 = await FakeS3.start(name => SIDES.filter(s => BUCKETS[s] === name).map(bucket)[0], () => f.tick());
    const aws = await FakeAwsReadiness.start({
        healthCheckFqdn: { [HC]: "failover-locked.invalid" },
        records: [],
        alarms: { [ALARM]: { actionsEnabled: true } },
        parameters: { [PARAMETER]: FAILOVER_RECORD },
    });
    const outputs = (side: Side): Record<string, unknown> => ({
        cloud: "aws", region: REGIONS[side], storageBucket: BUCKETS[side], ...liveSideOutputs(f.kube[side].url, side, HOSTS[side]),
        ...(side === "primary" ? { healthCheckId: HC } : {}),
        // A promoted secondary exports none of its failover function's outputs.
        ...(side === "secondary" && f.alarmExists() ? { primaryHealthCheckId: HC, failoverAlarmName: ALARM, failoverAlarmRegion: "us-east-1", failoverCooldownParameter: PARAMETER } : {}),
    });
    const stacks = fakeStackPair({ primary: f.sim.primary.config, secondary: f.sim.secondary.config }, outputs);
    // The fake admin token Secret is logscale-admin-token: the name the operator gives it for cluster "logscale".
    return {
        f, s3, aws, stacks,
        world: () => AwsWorld.create(stacks, {
            awsEndpoint: aws.url, s3Endpoint: s3.url, credentials: S3_KEYS,
            logscaleUrl: f.logscaleUrls(),
            kube: { clock: f.clock },
        }),
        async stop() { await Promise.all([f.stop(), s3.stop(), aws.stop()]); },
    };
}

export function withAwsRig<T>(fn: (r: AwsRig) => Promise<T>): Promise<T> {
    return withRig(startAwsRig, fn);
}
