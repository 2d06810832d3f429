import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../../config/keys";
import { configKeyTable, TABLE_END, TABLE_START, withConfigKeyTable } from "../../scripts/docs/config-table";
import {
    configKeysNamed, npmScripts, relativeLinks, resolveLink, unsilencedRedirects,
} from "../../scripts/docs/check";

const ROOT = path.join(__dirname, "..", "..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs"))
    .filter(f => f.endsWith(".md")).map(f => `docs/${f}`)];
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const scripts: Record<string, string> = JSON.parse(read("package.json")).scripts;

describe("docs: README and docs/*.md", () => {
    it("README.md is under 300 lines", () => {
        assert.ok(read("README.md").split("\n").length < 300);
    });

    it("every relative link resolves to a file", () => {
        const broken = DOCS.flatMap(f => relativeLinks(read(f))
            .filter(l => !fs.existsSync(path.join(ROOT, resolveLink(f, l))))
            .map(l => `${f}: ${l}`));
        assert.deepEqual(broken, []);
    });

    it("every `npm run <script>` exists in package.json", () => {
        const missing = DOCS.flatMap(f => npmScripts(read(f)).filter(s => !(s in scripts)).map(s => `${f}: ${s}`));
        assert.deepEqual(missing, []);
    });

    it("every example that pipes or redirects npm run output uses -s", () => {
        const bad = DOCS.flatMap(f => unsilencedRedirects(read(f)).map(l => `${f}: ${l}`));
        assert.deepEqual(bad, []);
    });

    it("every config key named in the docs exists in config/keys.ts", () => {
        const unknown = DOCS.flatMap(f => configKeysNamed(read(f)).filter(k => !(k in CONFIG_KEYS)).map(k => `${f}: ${k}`));
        assert.deepEqual(unknown, []);
    });

    it("README's config key table is the one generated from config/keys.ts", () => {
        const readme = read("README.md");
        assert.equal(readme, withConfigKeyTable(readme),
            "README config table is stale: run npm run -s docs:config-table -- --write");
        for (const k of Object.keys(CONFIG_KEYS)) assert.ok(readme.includes(`| \`${k}\` |`), k);
    });

    it("every docs page starts with a title and a three-line summary", () => {
        // The area pages split out of the README; the runbook and pages other issues add keep their own form.
        const pages = ["aws", "azure", "oci", "lifecycle", "failover-functions", "offline-plan",
            "drills-and-benchmarks", "policy", "logscale-layer", "sources"].map(p => `docs/${p}.md`);
        for (const f of pages) {
            const lines = read(f).split("\n");
            assert.match(lines[0], /^# \S/, `${f}: title`);
            assert.equal(lines[1], "", `${f}: blank line after the title`);
            assert.ok(lines.slice(2, 5).every(l => l.trim() !== "" && !l.startsWith("#")), `${f}: three summary lines`);
        }
    });
});

describe("docs checks: the rules themselves", () => {
    it("relativeLinks skips URLs, anchors and code, and drops the anchor", () => {
        const md = "[a](docs/x.md#y) [b](https://e.com) [c](#z) `[d](nope.md)`\n```\n[e](no.md)\n```\n";
        assert.deepEqual(relativeLinks(md), ["docs/x.md"]);
        assert.equal(resolveLink("docs/a.md", "runbook.md"), path.normalize("docs/runbook.md"));
    });

    it("npmScripts finds names with and without -s, in blocks and inline code", () => {
        const md = "```\nnpm run -s plan -- --json\nnpm run drill\n```\nrun `npm run --silent bench` or `npm run docs:config-table`\n";
        assert.deepEqual(npmScripts(md).sort(), ["bench", "docs:config-table", "drill", "plan"]);
    });

    it("unsilencedRedirects flags > and | without -s, not alternatives like aws|azure", () => {
        const md = "```\nnpm run plan -- --json > plan.json\nnpm run -s plan -- --json > ok.json\n" +
            "npm run plan -- --json | jq .\nnpm run drill -- --cloud aws|azure|oci\nnpm run plan -- --stack x   # prints > nothing\n```\n";
        assert.deepEqual(unsilencedRedirects(md), ["npm run plan -- --json > plan.json", "npm run plan -- --json | jq ."]);
    });

    it("configKeysNamed recognises keys only in a config context", () => {
        const md = [
            "```bash",
            "pulumi config set -s secondary --secret logscaleLicense x",
            "pulumi config set aws:region us-east-2",
            "npm run -s plan -- --stack secondary --set clusterSize=small --diff dr=active --set aws:region=x --set key=value",
            "```",
            "```yaml",
            "config:",
            "  logscale-dr:primaryStack: primary",
            "  aws:region: us-east-2",
            "```",
            "The config key `clusterTyp` is misspelled here.",
            "The stack output `storageBucket` is not a key.",
            "HumioCluster `nodeCount: 1`, and the family `logscale-dr:primary...`.",
        ].join("\n");
        assert.deepEqual(configKeysNamed(md).sort(), ["clusterSize", "clusterTyp", "dr", "logscaleLicense", "primaryStack"]);
    });

    it("the config table has one row per key and the markers round-trip", () => {
        const table = configKeyTable();
        assert.equal(table.split("\n").length, Object.keys(CONFIG_KEYS).length + 2);
        const text = `a\n${TABLE_START}\nold\n${TABLE_END}\nb`;
        assert.equal(withConfigKeyTable(text, "T"), `a\n${TABLE_START}\nT\n${TABLE_END}\nb`);
        assert.throws(() => withConfigKeyTable("no markers"), /markers/);
    });
});

describe("skip summary at the end of npm test", () => {
    it("names every skipped check, grouped by reason, in one line", () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { skipSummary } = require("../support/skips") as typeof import("../support/skips");
        assert.equal(skipSummary([]), undefined);
        const line = skipSummary([
            { what: "CRDs of every plan", why: "../shared/schemas is absent" },
            { what: "HumioCluster spec", why: "../shared/schemas is absent" },
            { what: "AWS CLI", why: "no components/aws" },
        ])!;
        assert.equal(line.split("\n").length, 1);
        assert.equal(line, "SKIPPED 3 checks: CRDs of every plan; HumioCluster spec (../shared/schemas is absent) | AWS CLI (no components/aws)");
    });
});
