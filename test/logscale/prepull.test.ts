import * as assert from "assert";
import { imagePrepullDaemonSet, PAUSE_IMAGE } from "../../components/logscale/prepull";

describe("image pre-pull DaemonSet (components/logscale/prepull)", () => {
    const ds = imagePrepullDaemonSet("logscale", "1.252.1") as any;
    const pod = ds.spec.template.spec;

    it("pulls the pinned LogScale image in an init container that only exits, then holds with pause", () => {
        assert.equal(pod.initContainers.length, 1);
        assert.equal(pod.initContainers[0].image, "humio/humio-core:1.252.1");
        assert.deepEqual(pod.initContainers[0].command, ["/bin/sh", "-c", "exit 0"]);
        assert.equal(pod.initContainers[0].imagePullPolicy, "IfNotPresent");
        assert.deepEqual(pod.containers.map((c: any) => c.image), [PAUSE_IMAGE]);
        assert.match(PAUSE_IMAGE, /^registry\.k8s\.io\/pause:3\.\d+$/);
    });

    it("a new LogScale version changes the pod template (the DaemonSet rolls and the node pulls it)", () => {
        const next = imagePrepullDaemonSet("logscale", "1.253.0") as any;
        assert.notDeepEqual(next.spec.template, ds.spec.template);
        assert.equal(next.metadata.name, ds.metadata.name, "same object, updated in place");
    });

    it("runs with nothing: no API token, no service links, non-root, read-only, no capabilities, tiny requests", () => {
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.enableServiceLinks, false);
        assert.equal(pod.volumes, undefined);
        for (const c of [...pod.initContainers, ...pod.containers]) {
            assert.equal(c.securityContext.runAsNonRoot, true);
            assert.equal(c.securityContext.readOnlyRootFilesystem, true);
            assert.equal(c.securityContext.allowPrivilegeEscalation, false);
            assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
            assert.equal(c.env, undefined);
            assert.deepEqual(c.resources.requests, { cpu: "1m", memory: "8Mi" });
        }
        assert.deepEqual(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels);
    });
});
