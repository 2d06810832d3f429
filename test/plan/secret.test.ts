import { strict as assert } from "assert";
import { inspect } from "util";
import { annotate, maskLeaks, scrubText, Secret, secretStrings } from "../../scripts/plan/secret";
import { blockLines } from "../../scripts/plan/format";

describe("offline plan: secret values", () => {
    it("cannot be printed by JSON, template strings, inspect or the plan's formatter", () => {
        const tree = { a: new Secret("hunter2-is-secret"), list: [new Secret({ nested: "deep-secret-value" })] };
        const printed = [JSON.stringify(tree), `${tree.a}`, inspect(tree, { depth: 10 }), blockLines(tree, "").join("\n")].join("\n");
        assert.equal(/hunter2|deep-secret/.test(printed), false, printed);
        assert.equal(tree.a.reveal(), "hunter2-is-secret");
    });

    it("merges masked and revealed inputs, secret objects keeping their shape", () => {
        const tree = annotate({ plain: "x", key: "[secret]", obj: "[secret]" }, { plain: "x", key: "k-value", obj: { user: "u", pass: "p" } }) as Record<string, any>;
        assert.equal(tree.plain, "x");
        assert.ok(tree.key instanceof Secret && tree.key.whole);
        assert.ok(tree.obj.pass instanceof Secret && !tree.obj.pass.whole);
        assert.equal(tree.obj.pass.reveal(), "p");
    });

    it("searches plain values for whole secrets only, masks and reports each leak", () => {
        const secrets = secretStrings({
            key: new Secret("encryption-key-0001"),
            swept: new Secret("logscale-cluster", false),
            short: new Secret("abc"),
        });
        assert.deepEqual([...secrets], ["encryption-key-0001"]);
        const { value, leaks } = maskLeaks({ env: [{ value: "prefix-encryption-key-0001" }], name: "logscale-cluster" }, secrets);
        assert.deepEqual(leaks, [{ path: "env[0].value" }]);
        assert.ok((value as any).env[0].value instanceof Secret);
        assert.equal((value as any).name, "logscale-cluster");
        assert.equal(scrubText("a encryption-key-0001 b", secrets), "a [secret] b");
    });
});
