// Every built-in Kubernetes object of every plan (3 clouds × primary,
// secondary and the promoted secondary) against the official Kubernetes
// OpenAPI schemas of kubernetes-models, strictly. Custom resources are checked
// against their CRDs (../shared/schemas) by the tests of their components, and
// Helm releases against their charts' values schemas; a Kubernetes type that is
// none of these fails here, so a new kind cannot slip past every schema.
import { strict as assert } from "assert";
import { allPlans } from "../support/all-plans";
import { builtinKind, modelErrors, strictTypeErrors, type StrictTarget } from "../support/k8s-models";

/** CRD groups whose objects are validated against ../shared/schemas elsewhere, and Helm. */
const NON_BUILTIN_GROUPS = new Set(["core.humio.com", "kafka.strimzi.io", "cert-manager.io", "gateway.networking.k8s.io", "gateway.envoyproxy.io", "helm.sh"]);

function groupOf(token: string): string {
    return /^kubernetes:([^/:]+)\//.exec(token)?.[1] ?? token;
}

describe("plans against the official Kubernetes OpenAPI schemas (kubernetes-models)", function () {
    this.timeout(300_000);
    const targets: StrictTarget[] = [];
    const unchecked: string[] = [];

    before(async () => {
        for (const { cloud, title, plan } of await allPlans()) {
            for (const r of plan.resources) {
                if (!r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes") continue;
                const label = `${cloud} ${title} ${r.type} ${r.name}`;
                const kind = builtinKind(r.type);
                if (kind) targets.push({ label, kind, obj: r.inputs });
                else if (!NON_BUILTIN_GROUPS.has(groupOf(r.type))) unchecked.push(label);
            }
        }
    });

    it("covers the built-in kinds the program declares on every cloud", () => {
        const kinds = new Set(targets.map(t => t.kind.kind));
        for (const k of ["Namespace", "Secret", "Service", "ServiceAccount", "Deployment"]) assert.ok(kinds.has(k), `no ${k} in any plan`);
        for (const cloud of ["aws", "azure", "oci"]) assert.ok(targets.some(t => t.label.startsWith(`${cloud} `)), `no built-in object in the ${cloud} plans`);
    });

    it("declares no Kubernetes type that no schema checks", () => {
        assert.deepEqual(unchecked, []);
    });

    it("every full object passes validate() (types, formats, enums, required fields)", async () => {
        const errors: string[] = [];
        for (const t of targets.filter(x => !x.kind.patch)) {
            for (const e of await modelErrors(t.kind, t.obj)) errors.push(`${t.label}: ${e}`);
        }
        assert.deepEqual(errors, []);
    });

    it("no object has a field the schema does not know (patches included)", () => {
        assert.deepEqual(strictTypeErrors(targets), []);
    });
});

describe("the Kubernetes schema checks themselves", function () {
    this.timeout(60_000);
    const deployment = builtinKind("kubernetes:apps/v1:Deployment")!;
    const service = builtinKind("kubernetes:core/v1:Service")!;

    it("maps type tokens to kubernetes-models modules, and CRD groups to nothing", () => {
        assert.deepEqual(builtinKind("kubernetes:core/v1:Secret"), { module: "kubernetes-models/v1/Secret", kind: "Secret", patch: false });
        assert.deepEqual(builtinKind("kubernetes:apps/v1:DeploymentPatch"), { module: "kubernetes-models/apps/v1/Deployment", kind: "Deployment", patch: true });
        assert.equal(builtinKind("kubernetes:core.humio.com/v1alpha1:HumioCluster"), undefined);
    });

    it("validate() rejects a wrong type and a missing required field", async () => {
        const bad = { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ port: "https" }] } };
        assert.ok((await modelErrors(service, bad)).some(e => e.includes("/spec/ports/0/port")));
        const noSelector = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { template: {} } };
        assert.ok((await modelErrors(deployment, noSelector)).some(e => e.includes("selector")));
    });

    it("the strict check names an unknown field that validate() lets through", async () => {
        const obj = {
            apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
            spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { nodeSelectr: { pool: "digest" }, containers: [{ name: "c", image: "i" }] } } },
        };
        assert.deepEqual(await modelErrors(deployment, obj), []);
        const errors = strictTypeErrors([{ label: "probe", kind: deployment, obj }]);
        assert.equal(errors.length, 1);
        assert.match(errors[0], /^probe: .*nodeSelectr/);
    });

    it("a patch may leave out required fields but not add unknown ones", () => {
        const patch = builtinKind("kubernetes:apps/v1:DeploymentPatch")!;
        assert.deepEqual(strictTypeErrors([{ label: "ok", kind: patch, obj: { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 0 } } }]), []);
        const errors = strictTypeErrors([{ label: "bad", kind: patch, obj: { apiVersion: "apps/v1", kind: "Deployment", spec: { replica: 0 } } }]);
        assert.ok(errors.length === 1 && errors[0].startsWith("bad: ") && errors[0].includes("replica"), errors.join("\n"));
    });
});
