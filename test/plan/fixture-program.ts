// A small program for the offline plan's tests: a pair of stacks that
// reference each other (fixtures/pair), secrets, ignoreChanges, a resource
// that exists only on a standby, and switches to make it warn, fail or leak.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import type { Cloud } from "../../config/load";
import { stackPeer } from "../../components/dr/peer";
import type { Program, Validate } from "../../scripts/plan/planner";

/** CustomResource is abstract in the SDK's types; any type token works under mocks. */
class TestResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

export const FIXTURE_DIR = path.join(__dirname, "fixtures", "pair");

export const fixtureValidate: Validate = (config, stack, project) => {
    const dr = config[`${project}:dr`];
    if (dr !== undefined && dr !== "active" && dr !== "standby") {
        throw new ConfigError(`${project}:dr`, stack, dr, "allowed values are active, standby");
    }
};

export const fixtureProgram: Program = async (config, stack, project) => {
    await fixtureValidate(config, stack, project);
    const get = (k: string): string | undefined => config[`${project}:${k}`];
    const dr = get("dr");
    const cloud = (get("cloud") ?? "aws") as Cloud;
    const license = pulumi.secret(get("logscaleLicense") ?? "");
    const app = new pulumi.ComponentResource("fixture:index:App", "app", {});
    const tags = { project, stack, Name: "bucket" };
    new TestResource("test:index:Bucket", "bucket", { bucket: `bucket-${stack}`, tags }, { parent: app });
    new TestResource("test:index:Secret", "license", { data: { key: license }, type: "Opaque" }, { parent: app });
    const env: Record<string, pulumi.Input<string>> = { BUCKET: `bucket-${stack}`, ENABLE_ALERTS: String(dr !== "standby") };
    const outputs: Record<string, unknown> = {
        cloud,
        region: config["aws:region"],
        storageBucket: `bucket-${stack}`,
        storageEncryptionKey: pulumi.secret(`encryption-key-of-${stack}`),
    };
    if (dr === "standby") {
        const peer = stackPeer(get("primaryStack")!, cloud, { parent: app });
        env.RECOVER_FROM_BUCKET = peer.output("storageBucket");
        outputs.recoverFromBucket = env.RECOVER_FROM_BUCKET;
        env.PEER_CLOUD = peer.output("cloud");
        new TestResource("test:index:Secret", "recover-key", { data: { key: peer.output("storageEncryptionKey") } }, { parent: app });
        new TestResource("test:index:Function", "failover", { runtime: "nodejs20.x" }, { parent: app });
    }
    if (get("secondaryStack")) {
        outputs.secondaryBucket = stackPeer(get("secondaryStack")!, cloud, { parent: app }).optionalOutput("storageBucket");
    }
    new TestResource("test:index:Cluster", "cluster", {
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        nodeCount: dr === "standby" ? 1 : 3,
    }, { parent: app });
    new TestResource("test:index:Record", "record", {
        setIdentifier: get("primaryStack") ? "SECONDARY" : "PRIMARY",
        fqdn: `${dr ?? "none"}.example.com`,
    }, { parent: app, ignoreChanges: ["fqdn"] });
    if (get("leak") === "true") {
        // A secret that lost its marking: the plan must still not print it.
        license.apply(l => new TestResource("test:index:Leaky", "leaky", { header: `Bearer ${l}` }, { parent: app }));
    }
    const warn = get("warn");
    if (warn) pulumi.log.warn(warn);
    const fail = get("fail");
    if (fail) throw new Error(fail);
    return get("bare") === "true" ? {} : outputs;
};
