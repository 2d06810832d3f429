import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { CONFIG_KEYS } from "../../config/keys";
import { loadConfig } from "../../config/load";
import { isConfigError } from "../../config/errors";
import {
    DEFAULT_KUBERNETES_VERSION, expiredPinWarnings, KUBERNETES_OFFERS, kubernetesVersionProblem, SOFTWARE_PINS, stackPins,
    supportTable, today,
} from "../../config/support";
import { CHARTS, KAFKA_VERSION } from "../../components/logscale/charts";
import { BASE_IMAGE } from "../../components/oci/bundle";

const ROOT = path.resolve(__dirname, "../..");
const CLOUDS = ["aws", "azure", "oci"] as const;
const TODAY = "2026-12-03";

describe("support table (config/support.ts)", () => {
    it("every pin has a version, a source, and either an end-of-support date or the reason there is none", () => {
        for (const p of supportTable()) {
            assert.ok(p.version && p.source, JSON.stringify(p));
            assert.ok(p.endOfSupport !== undefined ? /^\d{4}-\d{2}-\d{2}$/.test(p.endOfSupport) : !!p.undated, JSON.stringify(p));
        }
    });

    it("the default Kubernetes version is in standard support on EKS, AKS and OKE today", () => {
        assert.equal(CONFIG_KEYS.kubernetesVersion.default, DEFAULT_KUBERNETES_VERSION);
        for (const cloud of CLOUDS) {
            const offer = KUBERNETES_OFFERS[cloud].find(o => o.version === DEFAULT_KUBERNETES_VERSION);
            assert.ok(offer && offer.endOfSupport > TODAY, `${cloud}: ${JSON.stringify(offer)}`);
        }
    });

    it("the code installs what the table pins", () => {
        assert.equal(CHARTS.certManager.version, SOFTWARE_PINS.certManager.version);
        assert.equal(CHARTS.strimzi.version, SOFTWARE_PINS.strimzi.version);
        assert.equal(CHARTS.humioOperator.version, SOFTWARE_PINS.humioOperator.version);
        assert.equal(CHARTS.envoyGateway.version, SOFTWARE_PINS.envoyGateway.version);
        assert.equal(KAFKA_VERSION, SOFTWARE_PINS.kafka.version);
        assert.equal(CONFIG_KEYS.logscaleVersion.default, SOFTWARE_PINS.logscale.version);
        assert.equal(BASE_IMAGE, SOFTWARE_PINS.ociFunctionBaseImage.version);
    });

    it("no pin of any stack is past its end of support today", () => {
        for (const cloud of CLOUDS) assert.deepEqual(expiredPinWarnings(stackPins(cloud, DEFAULT_KUBERNETES_VERSION), TODAY), [], cloud);
    });

    it("warns once per expired pin, naming the date and the source", () => {
        // EKS 1.34 left standard support on 2026-12-02: offered (extended support), but warned about.
        const eks134 = expiredPinWarnings(stackPins("aws", "1.34"), TODAY);
        assert.equal(eks134.length, 1);
        assert.match(eks134[0], /^Kubernetes on EKS 1\.34 is past its end of support \(2026-12-02, docs\.aws\.amazon\.com/);
        const later = expiredPinWarnings(stackPins("oci", "1.35"), "2027-05-01");
        assert.ok(later.some(w => w.startsWith("Kubernetes on OKE 1.35 ")), later.join("\n"));
        assert.ok(later.some(w => w.startsWith("Envoy Gateway chart")), later.join("\n"));
        assert.ok(later.some(w => w.startsWith("OCI function base image node:22-alpine")), later.join("\n"));
        assert.ok(!later.some(w => w.startsWith("Falcon LogScale")), "LogScale 1.252 is supported until 2027-08-31");
    });

    it("refuses a version the cloud does not offer, and accepts an exact patch where the cloud takes one", () => {
        assert.match(kubernetesVersionProblem("aws", "1.31")!, /not offered on aws; allowed versions are 1\.33, 1\.34, 1\.35/);
        assert.match(kubernetesVersionProblem("aws", "1.35.2")!, /must look like 1\.35;/);
        assert.equal(kubernetesVersionProblem("oci", "1.35.2"), undefined);
        assert.equal(kubernetesVersionProblem("azure", "1.35"), undefined);
        assert.match(kubernetesVersionProblem("azure", "1.33")!, /allowed versions are 1\.34, 1\.35/);
        assert.match(kubernetesVersionProblem("oci", "latest")!, /must look like 1\.35 or 1\.35\.1/);
    });

    it("today() takes an injected date and refuses a malformed one", () => {
        assert.equal(today({ LOGSCALE_DR_TODAY: "2027-01-02" }), "2027-01-02");
        assert.throws(() => today({ LOGSCALE_DR_TODAY: "tomorrow" }), /LOGSCALE_DR_TODAY="tomorrow" must be a date YYYY-MM-DD/);
    });

    it("config validation names key, value and allowed versions in one line", () => {
        const raw = {
            "aws:region": "us-east-2", "logscale-dr:cloud": "aws", "logscale-dr:globalHostname": "logscale.example.com",
            "logscale-dr:dnsZoneName": "example.com", "logscale-dr:logscaleLicense": "x", "logscale-dr:manageGlobalDns": "true",
            "logscale-dr:kubernetesVersion": "1.29",
        };
        try {
            loadConfig(raw, "primary", "logscale-dr");
            assert.fail("accepted 1.29");
        } catch (e) {
            assert.ok(isConfigError(e), String(e));
            assert.equal((e as Error).message, 'invalid config logscale-dr:kubernetesVersion = "1.29" in stack "primary": not offered on aws; allowed versions are 1.33, 1.34, 1.35');
        }
        // Past its end of support but offered: loads (the warning comes from the stack).
        assert.equal(loadConfig({ ...raw, "logscale-dr:kubernetesVersion": "1.33" }, "primary", "logscale-dr").kubernetesVersion, "1.33");
    });

    it("npm run plan prints the warning, and none at today's date", function () {
        this.timeout(120_000);
        const plan = (env: Record<string, string>, ...args: string[]) => execFileSync(process.execPath,
            ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--stack", "primary", ...args],
            { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
        const now = plan({ LOGSCALE_DR_TODAY: TODAY });
        assert.doesNotMatch(now, /warning: .*past its end of support/);
        const old = plan({ LOGSCALE_DR_TODAY: TODAY }, "--set", "kubernetesVersion=1.33");
        assert.match(old, /warning: Kubernetes on EKS 1\.33 is past its end of support \(2026-07-29/);
    });
});

describe("docs/versions.md", () => {
    it("is the table config/support.ts generates (npm run -s versions -- --write)", () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { cell, renderVersions, VERSIONS_DOC } = require("../../scripts/versions") as typeof import("../../scripts/versions");
        const fs = require("fs") as typeof import("fs");
        assert.equal(fs.readFileSync(VERSIONS_DOC, "utf8"), renderVersions());
        for (const p of supportTable()) assert.ok(renderVersions().includes(`| ${p.component} | \`${cell(p.version)}\` |`), p.component);
    });
});
