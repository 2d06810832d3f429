// Helm values of every release in every plan against the pinned chart:
// its values.schema.json where the chart ships one (cert-manager), otherwise
// the keys of its values.yaml (gateway-helm and humio-operator ship no schema),
// so a misspelt or removed value fails here instead of being ignored by Helm.
import Ajv from "ajv";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CHARTS } from "../../components/logscale/charts";
import { allPlans } from "../support/all-plans";

const FIXTURES = path.resolve(__dirname, "../fixtures/helm-values");

interface KeyTree { [key: string]: KeyTree | null }

/** Paths of `values` (two levels deep) that the chart's values.yaml does not have. */
export function unknownValueKeys(values: Record<string, unknown>, known: KeyTree, prefix = ""): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(values)) {
        if (!(k in known)) {
            out.push(`${prefix}${k}`);
            continue;
        }
        const sub = known[k];
        if (sub && v && typeof v === "object" && !Array.isArray(v)) out.push(...unknownValueKeys(v as Record<string, unknown>, sub, `${prefix}${k}.`));
    }
    return out;
}

function keysFixture(file: string): KeyTree {
    return (JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as { keys: KeyTree }).keys;
}

describe("Helm values of every plan against the pinned charts", function () {
    this.timeout(300_000);
    let releases: { label: string; chart: string; version: string; values: Record<string, unknown> }[] = [];

    before(async () => {
        releases = (await allPlans()).flatMap(({ cloud, title, plan }) => plan.resources
            .filter(r => r.type === "kubernetes:helm.sh/v3:Release")
            .map(r => ({ label: `${cloud} ${title} ${r.name}`, chart: String(r.inputs.chart), version: String(r.inputs.version), values: (r.inputs.values ?? {}) as Record<string, unknown> })));
    });

    it("every release is one of the pinned charts, at its pinned version", () => {
        const pinned = new Map(Object.values(CHARTS).map(p => [p.repo.startsWith("oci://") ? `${p.repo}/${p.chart}` : p.chart, p.version]));
        assert.ok(releases.length >= 12);
        for (const r of releases) assert.equal(pinned.get(r.chart), r.version, r.label);
    });

    it("cert-manager values pass the chart's values.schema.json (v1.21.1, draft-07)", () => {
        assert.equal(CHARTS.certManager.version, "v1.21.1", "switch the schema fixture with the pin");
        const schema = JSON.parse(fs.readFileSync(path.join(FIXTURES, `cert-manager-${CHARTS.certManager.version}.values.schema.json`), "utf8"));
        const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
        const cm = releases.filter(r => r.chart === CHARTS.certManager.chart);
        assert.equal(cm.length, 9);
        for (const r of cm) assert.ok(validate(r.values), `${r.label}: ${JSON.stringify(validate.errors)}`);
        // The schema is closed: a value the chart does not know fails.
        assert.equal(validate({ ...cm[0].values, installCRDs2: true }), false);
    });

    it("gateway-helm and humio-operator values use only keys of the chart's values.yaml (neither ships a schema)", () => {
        const byChart: Record<string, KeyTree> = {
            [`${CHARTS.envoyGateway.repo}/${CHARTS.envoyGateway.chart}`]: keysFixture(`gateway-helm-${CHARTS.envoyGateway.version}.values-keys.json`),
            [CHARTS.humioOperator.chart]: keysFixture(`humio-operator-${CHARTS.humioOperator.version}.values-keys.json`),
        };
        let checked = 0;
        for (const r of releases) {
            const known = byChart[r.chart];
            if (!known) continue;
            checked++;
            assert.deepEqual(unknownValueKeys(r.values, known), [], r.label);
        }
        assert.equal(checked, 18);
        assert.deepEqual(unknownValueKeys({ operator: { resourcez: {} }, certmanager: true }, byChart[CHARTS.humioOperator.chart]), ["operator.resourcez"]);
    });
});
