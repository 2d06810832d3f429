import { strict as assert } from "assert";
import { editDistance, nearest } from "../../config/suggest";

describe("config key suggestion", () => {
    it("measures edits", () => {
        assert.equal(editDistance("kitten", "sitting"), 3);
        assert.equal(editDistance("", "abc"), 3);
        assert.equal(editDistance("same", "same"), 0);
    });

    it("suggests the nearest key for typos and wrong case, nothing for unrelated words", () => {
        const keys = ["cloud", "clusterSize", "clusterType", "dr", "drUseDedicatedRouting"];
        assert.equal(nearest("clustrSize", keys), "clusterSize");
        assert.equal(nearest("clustersize", keys), "clusterSize");
        assert.equal(nearest("clusterTyp", keys), "clusterType");
        assert.equal(nearest("drUseDedicatedRoutng", keys), "drUseDedicatedRouting");
        assert.equal(nearest("hostnameOfTheThing", keys), undefined);
    });
});
