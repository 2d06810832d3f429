import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { findResource, runProgram, SECRET_PLACEHOLDER } from "../../scripts/mock/engine";

class Thing extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, props, opts);
    }
}

class Pair extends pulumi.ComponentResource {
    constructor(name: string, secret: pulumi.Input<string>, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Pair", name, {}, opts);
        const first = new Thing(`${name}-a`, { password: pulumi.secret(secret), label: "plain" }, { parent: this });
        new Thing(`${name}-b`, { ref: first.id }, { parent: this, dependsOn: [first], ignoreChanges: ["ref"], protect: true });
        this.registerOutputs({});
    }
}

describe("mock engine", () => {
    it("records parents, options and secret inputs without revealing them", async () => {
        const run = await runProgram({
            stack: "s",
            config: {},
            program: () => {
                const pair = new Pair("p", "hunter2");
                return { urn: pair.urn, token: pulumi.secret("t"), plain: "x" };
            },
        });
        assert.deepEqual(run.errors, []);
        const a = findResource(run, "test:index:Thing", "p-a");
        const b = findResource(run, "test:index:Thing", "p-b");
        const parent = findResource(run, "test:index:Pair", "p");
        assert.equal(a.parent, parent.urn);
        assert.equal(a.inputs.password, SECRET_PLACEHOLDER);
        assert.equal(a.rawInputs.password, "hunter2");
        assert.deepEqual(a.secretPaths, ["password"]);
        assert.deepEqual(b.ignoreChanges, ["ref"]);
        assert.deepEqual(b.dependsOn, [a.urn]);
        assert.equal(b.protect, true);
        assert.equal(run.outputs.token, SECRET_PLACEHOLDER);
        assert.equal(run.rawOutputs.token, "t");
        assert.deepEqual(run.secretOutputNames, ["token"]);
        assert.equal(JSON.stringify(run.outputs).includes("hunter2"), false);
    });

    it("serves StackReferences from the stackOutputs callback and reports unknown stacks", async () => {
        const run = await runProgram({
            stack: "secondary",
            config: {},
            stackOutputs: name => (name === "primary" ? { outputs: { bucket: "b1", key: "k" }, secretOutputNames: ["key"] } : undefined),
            program: async () => {
                const ref = new pulumi.StackReference("primary", { name: "primary" });
                return { bucket: ref.getOutput("bucket"), key: ref.getOutput("key") };
            },
        });
        assert.equal(run.outputs.bucket, "b1");
        assert.equal(run.outputs.key, SECRET_PLACEHOLDER);
        const missing = await runProgram({
            stack: "secondary",
            config: {},
            program: async () => ({ v: new pulumi.StackReference("nope", { name: "nope" }).getOutput("x") }),
        });
        assert.ok(missing.errors.some(e => /stack "nope" not found/.test(e.message)), missing.errors.map(e => e.message).join("; "));
    });
});
