import * as assert from "assert";
import {
    ELB_ALIAS_TTL_S, expectedFailoverSeconds, FUNCTION_ROUNDS_S, globalAnswerTtlSeconds, ociPendingSeconds, RECOVERY_RANGES_S, RECOVERY_S, SEED_SETTINGS, SEED_TOTAL_RANGES_S,
} from "../../components/dr/rto";

const seedConfig = (cloud: "aws" | "azure" | "oci", holdoff: number) => ({
    cloud,
    dnsTtlSeconds: SEED_SETTINGS[cloud].dnsTtlSeconds,
    failover: {
        healthCheckIntervalSeconds: SEED_SETTINGS[cloud].healthCheckIntervalSeconds,
        healthCheckFailureThreshold: SEED_SETTINGS[cloud].healthCheckFailureThreshold,
        preFailoverFailureSeconds: holdoff,
    },
});

const inRange = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;

/**
 * The seed's totals add the DNS TTL after recovery ("Recovery + DNS"); the
 * model runs DNS beside the other phases. Compared with the seed, a total is
 * therefore put back on the seed's footing: its DNS phase replaced by the
 * seed's sequential TTL.
 */
const onSeedFooting = (m: { totalS: number; dnsS: number }, cloud: "aws" | "azure") => m.totalS - m.dnsS + SEED_SETTINGS[cloud].dnsTtlSeconds;

describe("RTO model (components/dr/rto)", () => {
    it("lands in the seed's measured ranges with the seed's settings: AWS production 7-10 min, testing 5-8 min", () => {
        const production = expectedFailoverSeconds(seedConfig("aws", SEED_SETTINGS.aws.production));
        const testing = expectedFailoverSeconds(seedConfig("aws", SEED_SETTINGS.aws.testing));
        assert.ok(inRange(onSeedFooting(production, "aws"), SEED_TOTAL_RANGES_S.aws.production), `production ${production.totalS}s`);
        assert.ok(inRange(onSeedFooting(testing, "aws"), SEED_TOTAL_RANGES_S.aws.testing), `testing ${testing.totalS}s`);
        // Seed 000: detection ~90 s (30 s health check + 60 s alarm), Lambda ~8 s, holdoff 180 s, measured
        // from the first whole failing minute (half a minute after the mark on average), so 150 s of it
        // remain once the alarm has notified. Recovery: pod start at the low end (the image is pre-pulled) + snapshot 75 s + Kafka and LogScale 90 s.
        // DNS: Route 53 answered with the standby from the mark (30 s), so clients had left the primary at 90 s, long before LogScale is ready.
        assert.deepStrictEqual(production, { detectionS: 90, holdoffS: 150, functionS: 8, recoveryS: 195, dnsS: 0, totalS: 443 });
        assert.strictEqual(testing.holdoffS, 0);
    });

    it("lands in the seed's ranges for Azure: production 9-12 min, testing 5-9 min", () => {
        const production = expectedFailoverSeconds(seedConfig("azure", SEED_SETTINGS.azure.production));
        const testing = expectedFailoverSeconds(seedConfig("azure", SEED_SETTINGS.azure.testing));
        assert.ok(inRange(onSeedFooting(production, "azure"), SEED_TOTAL_RANGES_S.azure.production), `production ${production.totalS}s`);
        assert.ok(inRange(onSeedFooting(testing, "azure"), SEED_TOTAL_RANGES_S.azure.testing), `testing ${testing.totalS}s`);
        assert.ok(production.functionS >= 10 && production.functionS <= 20, "Azure Function 10-20 s");
        // The holdoff no longer adds in full after the alert (30 s x 3 + 60 s + 30 s): measured from the first
        // whole failing minute, only 90 + 30 + 180 - 180 = 120 s of it remain, so production is 60 s under the old 630 s.
        assert.deepStrictEqual({ detectionS: production.detectionS, holdoffS: production.holdoffS }, { detectionS: 180, holdoffS: 120 });
        assert.strictEqual(testing.holdoffS, 0);
    });

    it("uses the seed's function times, the middle of its recovery ranges, and the low end of pod start (image pre-pulled)", () => {
        const sum = (r: typeof FUNCTION_ROUNDS_S.aws) => r.invoke + r.observe + r.deleteSecret + r.scale + r.lock;
        assert.strictEqual(sum(FUNCTION_ROUNDS_S.aws), 8);
        assert.strictEqual(sum(FUNCTION_ROUNDS_S.oci), 49);
        assert.strictEqual(RECOVERY_S.podStart, RECOVERY_RANGES_S.podStart[0]);
        assert.strictEqual(RECOVERY_S.snapshotFetch, (RECOVERY_RANGES_S.snapshotFetch[0] + RECOVERY_RANGES_S.snapshotFetch[1]) / 2);
        assert.strictEqual(RECOVERY_S.podStart + RECOVERY_S.snapshotFetch + RECOVERY_S.kafkaReady, 195);
    });

    it("sums its phases, and each knob moves the phase it should", () => {
        const base = { cloud: "aws" as const, dnsTtlSeconds: 60, failover: { healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, preFailoverFailureSeconds: 180 } };
        const m = expectedFailoverSeconds(base);
        assert.strictEqual(m.totalS, m.detectionS + m.holdoffS + m.functionS + m.recoveryS + m.dnsS);
        // AWS: the alias takes the load balancer's fixed TTL, whatever dnsTtlSeconds says.
        assert.strictEqual(expectedFailoverSeconds({ ...base, dnsTtlSeconds: 300 }).totalS, m.totalS);
        assert.strictEqual(expectedFailoverSeconds({ ...base, failover: { ...base.failover, healthCheckIntervalSeconds: 30 } }).detectionS, 150);
        // AWS measures the holdoff from the first whole failing minute, which starts half a minute after the
        // mark on average: the decision is i x t + 30 + H after the outage, so 150 s of holdoff leave 120 s
        // after the alarm, and a holdoff shorter than the detection leaves none.
        assert.strictEqual(expectedFailoverSeconds({ ...base, failover: { ...base.failover, preFailoverFailureSeconds: 150 } }).holdoffS, 120);
        assert.strictEqual(expectedFailoverSeconds({ ...base, failover: { ...base.failover, preFailoverFailureSeconds: 30 } }).holdoffS, 0);
    });

    it("DNS runs beside the other phases: it adds only what is left of the TTL at LogScale ready, counted from when the answer turned", () => {
        const defaults = (cloud: "aws" | "azure" | "oci", dnsTtlSeconds: number) => expectedFailoverSeconds({
            cloud, dnsTtlSeconds, failover: { healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, preFailoverFailureSeconds: 180 },
        });
        for (const cloud of ["aws", "azure", "oci"] as const) {
            assert.strictEqual(defaults(cloud, 60).dnsS, 0, `${cloud}: the answer turned more than a TTL before the standby was ready`);
        }
        // Azure: the answer turns at the lock, the function's last round, so a TTL longer than the recovery shows past it.
        assert.strictEqual(defaults("azure", 300).dnsS, 300 - 195);
        // OCI: at the primary monitor's first failing probe (5 s after the outage on average at 10 s); ready at 60 + 180 + 49 + 195.
        assert.strictEqual(defaults("oci", 600).dnsS, 5 + 600 - 484);
        assert.strictEqual(defaults("oci", 600).totalS, 484 + 121);
        // AWS: at Route 53's mark, with the alias's fixed 60 s: dnsTtlSeconds changes nothing.
        assert.deepStrictEqual(defaults("aws", 3600), defaults("aws", 60));
        assert.strictEqual(globalAnswerTtlSeconds("aws", 3600), ELB_ALIAS_TTL_S);
        assert.strictEqual(globalAnswerTtlSeconds("oci", 3600), 3600);
    });

    it("OCI: the holdoff is the alarm's pending duration, whole minutes and at least one", () => {
        assert.strictEqual(ociPendingSeconds(0), 60);
        assert.strictEqual(ociPendingSeconds(180), 180);
        assert.strictEqual(ociPendingSeconds(181), 240);
        const m = expectedFailoverSeconds(seedConfig("oci", 0));
        assert.strictEqual(m.holdoffS, 60);
        assert.strictEqual(m.functionS, 49);
        assert.strictEqual(m.detectionS, 60, "seed: OCI detection ~55 s");
    });

    it("takes a stack config as it is, and rejects nonsense with the field named", () => {
        const cfg = { cloud: "azure" as const, dnsTtlSeconds: 60, stack: "secondary", failover: { preFailoverFailureSeconds: 180, cooldownSeconds: 300, healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 3, requireHealthySecondary: true } };
        // Azure measures the holdoff from the first whole failing minute of the endpoint-state metric, like AWS:
        // the decision is i x t + 30 + H = 300 s after the outage, 180 s of which the alert's detection covers.
        assert.strictEqual(expectedFailoverSeconds(cfg).holdoffS, 120);
        assert.throws(() => expectedFailoverSeconds({ ...cfg, dnsTtlSeconds: -1 }), /dnsTtlSeconds must be a number of seconds >= 0, got -1/);
        assert.throws(() => expectedFailoverSeconds({ ...cfg, cloud: "gcp" as "aws" }), /unknown cloud gcp; allowed: aws, azure, oci/);
    });
});
