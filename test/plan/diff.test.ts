import { strict as assert } from "assert";
import {
    applyIgnoreChanges, diffPlans, DiffPlan, DiffResource, diffProperties, diffToJson, formatPath, parsePropertyPath, planFromJson, secret,
} from "../../scripts/plan/diff";
import { renderDiff } from "../../scripts/plan/render-diff";

const res = (name: string, inputs: Record<string, unknown>, extra: Partial<DiffResource> = {}): DiffResource => ({
    urn: `urn:pulumi:s::p::test:index:T::${name}`, type: "test:index:T", name, parent: null, inputs, ...extra,
});
const plan = (resources: DiffResource[], outputs: Record<string, unknown> = {}): DiffPlan => ({ stack: "s", resources, outputs });

describe("offline plan: property paths", () => {
    it("parses Pulumi property paths, quoted keys and wildcards", () => {
        assert.deepEqual(parsePropertyPath("a.b[0][\"c.d\"][*].e"), [{ key: "a" }, { key: "b" }, { index: 0 }, { key: "c.d" }, { wildcard: true }, { key: "e" }]);
        assert.deepEqual(parsePropertyPath("tags.*"), [{ key: "tags" }, { wildcard: true }]);
        assert.throws(() => parsePropertyPath("a[\"x"), /invalid property path/);
    });

    it("formats keys that are not identifiers in brackets", () => {
        assert.equal(formatPath([{ key: "metadata" }, { key: "labels" }, { key: "app.kubernetes.io/name" }]), "metadata.labels[\"app.kubernetes.io/name\"]");
        assert.equal(formatPath([{ key: "env" }, { name: "A" }, { key: "value" }]), "env[name=A].value");
    });
});

describe("offline plan: property diff", () => {
    it("reports nested updates, additions and removals with their paths", () => {
        const changes = diffProperties(
            { spec: { replicas: 1, image: "x:1", gone: true }, list: [1, 2] },
            { spec: { replicas: 2, image: "x:1", added: "y" }, list: [1, 3, 4] });
        assert.deepEqual(changes, [
            { op: "update", path: "spec.replicas", old: 1, new: 2 },
            { op: "delete", path: "spec.gone", old: true },
            { op: "create", path: "spec.added", new: "y" },
            { op: "update", path: "list[1]", old: 2, new: 3 },
            { op: "create", path: "list[2]", new: 4 },
        ]);
        assert.deepEqual(diffProperties({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } }), []);
    });

    it("matches list items by name, so removing one is one change and a reorder says so", () => {
        const before = { env: [{ name: "A", value: "1" }, { name: "RECOVER", value: "b" }, { name: "C", value: "3" }] };
        const after = { env: [{ name: "A", value: "1" }, { name: "C", value: "4" }, { name: "NEW", value: "n" }] };
        assert.deepEqual(diffProperties(before, after).map(c => `${c.op} ${c.path}`), [
            "delete env[name=RECOVER]", "update env[name=C].value", "create env[name=NEW]",
        ]);
        const reordered = diffProperties({ env: [{ name: "A" }, { name: "B" }] }, { env: [{ name: "B" }, { name: "A" }] });
        assert.deepEqual(reordered, [{ op: "update", path: "env", old: ["A", "B"], new: ["B", "A"], note: "order" }]);
    });

    it("respects ignoreChanges like pulumi preview: an ignored path is not a change", () => {
        const old = { fqdn: "primary.example.com", invertHealthcheck: false, type: "HTTPS" };
        const now = { fqdn: "changed.example.com", invertHealthcheck: true, type: "HTTPS_STR_MATCH" };
        assert.deepEqual(diffProperties(old, now, ["fqdn", "invertHealthcheck"]).map(c => c.path), ["type"]);
        // Absent before: the ignored value is dropped, not reported as an addition.
        assert.deepEqual(diffProperties({ a: 1 }, { a: 1, value: "x" }, ["value"]), []);
        assert.deepEqual(diffProperties({ tags: { a: "1", b: "2" } }, { tags: { a: "9", c: "3" } }, ["tags.*"]), []);
        assert.deepEqual(diffProperties({ spec: { replicas: 0, image: "a" } }, { spec: { replicas: 1, image: "b" } }, ["spec.replicas"]).map(c => c.path), ["spec.image"]);
        assert.deepEqual(applyIgnoreChanges({ l: [{ v: 1 }] }, { l: [{ v: 2 }, { v: 3, w: 4 }] }, ["l[*].v"]), { l: [{ v: 1 }, { w: 4 }] });
    });

    it("compares secrets by their real value and never shows it", () => {
        assert.deepEqual(diffProperties({ key: secret("same-value-1") }, { key: secret("same-value-1") }), []);
        const changed = diffProperties({ data: { key: secret("old-secret-1") } }, { data: { key: secret("new-secret-2") } });
        assert.deepEqual(changed.map(c => c.path), ["data.key"]);
        const text = JSON.stringify(changed);
        assert.equal(text.includes("old-secret-1") || text.includes("new-secret-2"), false);
        assert.match(text, /"old":"\[secret\]","new":"\[secret\]"/);
        // A value that stops being secret is a change, shown masked on both sides.
        assert.equal(diffProperties({ k: secret("value-xyz") }, { k: "value-xyz" }).length, 1);
    });
});

describe("offline plan: plan diff and compare", () => {
    const before = plan([
        res("cluster", { nodeCount: 1, env: [{ name: "ENABLE_ALERTS", value: "false" }] }),
        res("failover", { runtime: "nodejs20.x" }),
        res("record", { setIdentifier: "SECONDARY", fqdn: "a" }, { ignoreChanges: ["fqdn"] }),
        res("db", { size: 1 }, { replaceOnChanges: ["size"] }),
    ], { fn: "failover-arn", key: secret("k-1234567890") });
    const after = plan([
        res("cluster", { nodeCount: 3, env: [{ name: "ENABLE_ALERTS", value: "true" }] }),
        res("record", { setIdentifier: "SECONDARY", fqdn: "b" }, { ignoreChanges: ["fqdn"] }),
        res("db", { size: 2 }, { replaceOnChanges: ["size"] }),
        res("ingest", { nodeCount: 3 }),
    ], { key: secret("k-1234567890"), pools: 3 });

    it("lists creates, deletes and updates by URN, with paths; untouched resources stay out", () => {
        const diff = diffPlans(before, after);
        assert.deepEqual(diff.changes.map(c => [c.op, c.name, c.paths]), [
            ["update", "cluster", ["nodeCount", "env[name=ENABLE_ALERTS].value"]],
            ["update", "db", ["size"]],
            ["create", "ingest", []],
            ["delete", "failover", []],
        ]);
        assert.equal(diff.changes.find(c => c.name === "db")!.replace, true);
        assert.equal(diff.unchanged, 1);
        assert.deepEqual(diff.outputs, [{ op: "delete", name: "fn", old: "failover-arn" }, { op: "create", name: "pools", new: 3 }]);
        const json = diffToJson(diff);
        assert.deepEqual(Object.keys(json.changes[0]).slice(0, 4), ["op", "type", "name", "paths"]);
        assert.deepEqual(json.summary, { create: 1, delete: 1, update: 2, unchanged: 1 });
    });

    it("renders like pulumi preview --diff", () => {
        const text = renderDiff(diffPlans(before, after), before, after, ["header"]);
        assert.match(text, /^ {4}~ test:index:T {2}cluster {2}update\n {10}~ nodeCount: 1 => 3$/m);
        assert.match(text, /^ {4}~ test:index:T {2}db {2}replace$/m);
        assert.match(text, /^ {4}\+ test:index:T {2}ingest {2}create\n {10}nodeCount: 3$/m);
        assert.match(text, /^ {4}- test:index:T {2}failover {2}delete$/m);
        assert.match(text, /^ {4}- fn: "failover-arn"$/m);
        assert.match(text, /Resources: 1 to create, 1 to delete, 2 to update \(1 replaced\), 1 unchanged/);
        assert.doesNotMatch(text, /record/);
    });

    it("renders a diff without changes with one Resources: line, the summary", () => {
        const text = renderDiff(diffPlans(before, before), before, before, ["header"]);
        assert.equal(text.match(/^Resources:/gm)?.length, 1, text);
        assert.match(text, /^Resources: no changes, \d+ unchanged$/m);
    });

    it("compares two saved --json plans, linking parents by name and the URN's type chain", () => {
        const saved = (resources: object[]) => JSON.parse(JSON.stringify({ stack: "s", cloud: "aws", resources, outputs: { key: "[secret]" } }));
        const comp = { type: "c:index:C", name: "app", parent: null, inputs: {}, ignoreChanges: [], urn: "urn:pulumi:s::p::c:index:C::app" };
        const child = (v: number) => ({ type: "t:index:T", name: "x", parent: "app", inputs: { v, k: "[secret]" }, ignoreChanges: [], urn: "urn:pulumi:s::p::c:index:C$t:index:T::x" });
        const base = planFromJson(saved([comp, child(1)]), "base.json");
        const head = planFromJson(saved([comp, child(2)]), "head.json");
        assert.equal(head.resources[1].parentUrn, comp.urn);
        const diff = diffPlans(base, head);
        assert.deepEqual(diff.changes.map(c => [c.op, c.name, c.paths]), [["update", "x", ["v"]]]);
        assert.match(renderDiff(diff, base, head, []), / {6}c:index:C {2}app\n {8}~ t:index:T {2}x {2}update/);
        assert.throws(() => planFromJson({ stack: "s", changes: [] }, "d.json"), /d\.json is not a plan.*it is a diff/);
        assert.throws(() => planFromJson({ stack: "s" }, "e.json"), /no "resources" list/);
    });
});
