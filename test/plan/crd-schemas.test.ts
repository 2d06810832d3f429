// Every custom resource of every plan (3 clouds × primary, secondary and the
// promoted secondary) against the upstream CRD of the release we pin, strictly:
// an unknown field fails. A custom kind with no schema here fails too, unless it
// has its CRD from the pinned chart in test/fixtures/crds.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CHARTS } from "../../components/logscale/charts";
import { allPlans } from "../support/all-plans";
import { builtinKind } from "../support/k8s-models";
import { schemaPath, strictErrors } from "../support/strict-schema";
import { recordSkip } from "../support/skips";

/** Gateway API CRDs that Envoy Gateway v1.9.0 installs (its chart bundles v1.6.1). */
const GATEWAY_API_VERSION = "v1.6.1";

/** apiVersion/kind -> the schema file of the pinned release. */
export const CRD_SCHEMA_FILES: Record<string, string> = {
    "core.humio.com/v1alpha1/HumioCluster": `humiocluster-${CHARTS.humioOperator.version}.openapi.json`,
    "kafka.strimzi.io/v1/Kafka": `kafka-strimzi-${CHARTS.strimzi.version}.openapi.json`,
    "kafka.strimzi.io/v1/KafkaNodePool": `kafkanodepool-strimzi-${CHARTS.strimzi.version}.openapi.json`,
    "kafka.strimzi.io/v1/KafkaTopic": `kafkatopic-strimzi-${CHARTS.strimzi.version}.openapi.json`,
    "gateway.networking.k8s.io/v1/Gateway": `gateway-gatewayapi-${GATEWAY_API_VERSION}.openapi.json`,
    "gateway.networking.k8s.io/v1/HTTPRoute": `httproute-gatewayapi-${GATEWAY_API_VERSION}.openapi.json`,
    "gateway.networking.k8s.io/v1/GatewayClass": `gatewayclass-gatewayapi-${GATEWAY_API_VERSION}.openapi.json`,
    "cert-manager.io/v1/Certificate": `certificate-certmanager-${CHARTS.certManager.version}.openapi.json`,
    "cert-manager.io/v1/ClusterIssuer": `clusterissuer-certmanager-${CHARTS.certManager.version}.openapi.json`,
};

/**
 * Custom kinds with no file in ../shared/schemas: their CRDs as the pinned
 * Envoy Gateway chart (v1.9.0, charts/gateway-helm/charts/crds) ships them,
 * descriptions left out, kept in test/fixtures/crds.
 */
const FIXTURES = path.resolve(__dirname, "../fixtures/crds");
export const CHART_CRD_FILES: Record<string, string> = {
    "gateway.envoyproxy.io/v1alpha1/EnvoyProxy": path.join(FIXTURES, `envoyproxy-envoygateway-${CHARTS.envoyGateway.version}.openapi.json`),
    "gateway.networking.k8s.io/v1/BackendTLSPolicy": path.join(FIXTURES, `backendtlspolicy-gatewayapi-${GATEWAY_API_VERSION}.openapi.json`),
};

interface CustomObject { label: string; key: string; obj: Record<string, unknown> }

function customKey(type: string): string | undefined {
    // kubernetes:<group>/<version>:<Kind>; built-in kinds are test/plan/upstream-schemas.test.ts's.
    const m = /^kubernetes:([^/:]+)\/([^:]+):(.+)$/.exec(type);
    if (!m || m[1] === "helm.sh" || builtinKind(type)) return undefined;
    return `${m[1]}/${m[2]}/${m[3]}`;
}

describe("custom resources of every plan against the pinned upstream CRDs (../shared/schemas)", function () {
    this.timeout(300_000);
    const objects: CustomObject[] = [];

    before(async function () {
        if (!fs.existsSync(schemaPath(CRD_SCHEMA_FILES["kafka.strimzi.io/v1/Kafka"]))) {
            recordSkip("custom resources of every plan against the pinned CRDs", "../shared/schemas is not beside this checkout");
            this.skip();
        }
        for (const { cloud, title, plan } of await allPlans()) {
            for (const r of plan.resources) {
                const key = customKey(r.type);
                if (key) objects.push({ label: `${cloud} ${title} ${r.name}`, key, obj: r.inputs as Record<string, unknown> });
            }
        }
    });

    it("finds the custom kinds the program declares on every cloud", () => {
        for (const cloud of ["aws", "azure", "oci"]) {
            for (const key of [...Object.keys(CRD_SCHEMA_FILES).filter(k => !k.endsWith("/KafkaTopic") && !k.endsWith("/Certificate")), ...Object.keys(CHART_CRD_FILES)]) {
                assert.ok(objects.some(o => o.label.startsWith(`${cloud} `) && o.key === key), `no ${key} in the ${cloud} plans`);
            }
        }
    });

    it("declares no custom kind that no schema checks", () => {
        const unknown = [...new Set(objects.map(o => o.key))].filter(k => !CRD_SCHEMA_FILES[k] && !CHART_CRD_FILES[k]);
        assert.deepEqual(unknown, [], "a new custom kind needs its CRD schema (ask for it in ../shared/schemas)");
    });

    it("every custom resource passes its CRD schema strictly (unknown fields fail)", () => {
        const errors: string[] = [];
        for (const o of objects) {
            const file = CRD_SCHEMA_FILES[o.key] ?? CHART_CRD_FILES[o.key];
            const errs = strictErrors(file, o.obj);
            assert.ok(errs, `${file} is missing`);
            for (const e of errs) errors.push(`${o.label} (${o.key} vs ${file}): ${e}`);
        }
        assert.deepEqual(errors, []);
    });

    it("the strict check catches a field the CRD does not have", () => {
        const kafka = objects.find(o => o.key === "kafka.strimzi.io/v1/Kafka")!;
        const spec = (kafka.obj.spec ?? {}) as Record<string, unknown>;
        // zookeeper is gone from kafka.strimzi.io/v1: a leftover v1beta2 field must fail.
        const errs = strictErrors(CRD_SCHEMA_FILES[kafka.key], { ...kafka.obj, spec: { ...spec, zookeeper: { replicas: 3 } } })!;
        assert.ok(errs.some(e => e.includes("zookeeper")), errs.join("; "));
        const route = objects.find(o => o.key === "gateway.networking.k8s.io/v1/HTTPRoute" && /backendRefs/.test(JSON.stringify(o.obj)))!;
        const badRoute = structuredClone(route.obj) as any;
        badRoute.spec.rules[0].backendRefs[0].servicePort = 8080;
        assert.ok(strictErrors(CRD_SCHEMA_FILES[route.key], badRoute)!.some(e => e.includes("servicePort")));
        const proxy = objects.find(o => o.key === "gateway.envoyproxy.io/v1alpha1/EnvoyProxy")!;
        const badProxy = structuredClone(proxy.obj) as any;
        badProxy.spec.provider.kubernetes.envoyService.nodePorts = { http: 30080 };
        assert.ok(strictErrors(CHART_CRD_FILES[proxy.key], badProxy)!.some(e => e.includes("nodePorts")));
    });
});
