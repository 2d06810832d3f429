// The program's own warning for dr: active with pool selectors on a promoted
// secondary (the same-change promotion that means 503s): the pure rule, then
// the pulumi.log line the mock engine collects from a real run.

import { strict as assert } from "assert";
import { promotionRoutingWarning, PromotionRoutingInput } from "../../components/dr/promotion";
import { clusterLayout } from "../../components/logscale/sizing";
import { RunResult, StackSnapshot } from "../../scripts/mock/engine";
import { primaryConfig, runAws, secondaryConfig, snapshotOf } from "../aws/fixtures";

const STANDBY = clusterLayout("azure", "small", "internal-ingest", "standby");
const ACTIVE = clusterLayout("azure", "small", "internal-ingest", "active");

function input(extra: Partial<PromotionRoutingInput> = {}): PromotionRoutingInput {
    return {
        stack: "secondary",
        role: "secondary",
        dr: "active",
        drUseDedicatedRouting: true,
        clusterName: "logs",
        layout: ACTIVE,
        standbyLayout: STANDBY,
        ...extra,
    };
}

describe("promotionRoutingWarning (pure)", () => {
    it("warns on a promoted secondary whose Services select pools its standby lacks, naming stack and pools", () => {
        const w = promotionRoutingWarning(input());
        assert.ok(w);
        assert.match(w, /stack "secondary"/);
        assert.match(w, /logs-ui, logs-ingest/);
        assert.match(w, /503/);
        assert.match(w, /drUseDedicatedRouting: false first/);
    });

    it("is silent for the two-phase path, a standby, a primary and a stack without dr", () => {
        assert.equal(promotionRoutingWarning(input({ drUseDedicatedRouting: false })), undefined, "phase 1");
        assert.equal(promotionRoutingWarning(input({ dr: "standby", layout: STANDBY })), undefined, "standby");
        assert.equal(promotionRoutingWarning(input({ role: "primary" })), undefined, "primary");
        assert.equal(promotionRoutingWarning(input({ role: "primary", dr: undefined })), undefined, "no dr");
    });

    it("is silent when the pool selectors name only pools a standby already has", () => {
        for (const type of ["basic", "ingress"] as const) {
            const w = promotionRoutingWarning(input({
                layout: clusterLayout("azure", "small", type, "active"),
                standbyLayout: clusterLayout("azure", "small", type, "standby"),
            }));
            assert.equal(w, undefined, type);
        }
    });

    it("names only the pool that is new when the other one already existed", () => {
        const w = promotionRoutingWarning(input({ standbyLayout: { ...STANDBY, ingest: ACTIVE.ingest } }));
        assert.ok(w);
        assert.match(w, /the pools logs-ui,? which/);
        assert.doesNotMatch(w, /logs-ingest/);
    });
});

describe("the program warns through pulumi.log (mock engine, AWS)", function () {
    this.timeout(60_000);
    let primary: StackSnapshot;
    const warnings = (run: RunResult) => run.logs.filter(l => l.severity === "warning" && /drUseDedicatedRouting/.test(l.message)).map(l => l.message);

    before(async () => {
        const run = await runAws("primary", primaryConfig());
        assert.deepEqual(run.errors.map(e => e.message), []);
        primary = snapshotOf(run);
    });

    it("dr: active with drUseDedicatedRouting: true on the secondary logs one warning, and still plans", async () => {
        const run = await runAws("secondary", secondaryConfig({ "logscale-dr:dr": "active", "logscale-dr:drUseDedicatedRouting": "true" }), () => primary);
        assert.deepEqual(run.errors.map(e => e.message), []);
        const w = warnings(run);
        assert.equal(w.length, 1);
        assert.match(w[0], /logscale-ui, logscale-ingest/);
        assert.ok(run.resources.some(r => r.type === "kubernetes:core/v1:Service"), "a warning, not a refusal");
    });

    it("phase 1, the standby and the primary log none", async () => {
        const phase1 = await runAws("secondary", secondaryConfig({ "logscale-dr:dr": "active", "logscale-dr:drUseDedicatedRouting": "false" }), () => primary);
        const standby = await runAws("secondary", secondaryConfig({ "logscale-dr:drUseDedicatedRouting": "true" }), () => primary);
        const own = await runAws("primary", primaryConfig({ "logscale-dr:drUseDedicatedRouting": "true" }));
        for (const run of [phase1, standby, own]) {
            assert.deepEqual(run.errors.map(e => e.message), []);
            assert.deepEqual(warnings(run), []);
        }
    });
});
