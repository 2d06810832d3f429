import { strict as assert } from "assert";
import { AutomationStack, AutomationStackApi } from "../../scripts/failback/stack-port";

/** An Automation API stack in memory: config as `pulumi config` keeps it, preview/up as recorded calls. */
class MemoryStack implements AutomationStackApi {
    readonly calls: string[] = [];
    upError?: string;
    constructor(readonly cfg: Record<string, string>) {}
    async outputs() { return { hostname: { value: "h", secret: false }, kubeconfig: { value: "k", secret: true } }; }
    async getConfig(key: string) {
        if (!(key in this.cfg)) throw new Error(`code: 255\n stderr: error: configuration key '${key}' not found for stack 'primary'`);
        return { value: this.cfg[key] };
    }
    async setConfig(key: string, v: { value: string }) { this.calls.push(`set ${key}=${v.value}`); this.cfg[key] = v.value; }
    async removeConfig(key: string) { this.calls.push(`rm ${key}`); delete this.cfg[key]; }
    async preview(o: { diff: boolean; refresh: boolean }) {
        this.calls.push(`preview diff=${o.diff} refresh=${o.refresh} with ${JSON.stringify(this.cfg)}`);
        return { stdout: "~ HumioCluster logscale update" };
    }
    async up(o: { refresh: boolean; onOutput: (out: string) => void }) {
        this.calls.push(`up refresh=${o.refresh} with ${JSON.stringify(this.cfg)}`);
        o.onOutput("Updating (primary)\n\n");
        if (this.upError) throw new Error(this.upError);
        return {};
    }
}

const stackOver = (m: MemoryStack, log: string[] = []) => new AutomationStack("primary", "/project", l => log.push(l), async () => m);

describe("failback: AutomationStack (the Automation API StackPort)", () => {
    it("reads outputs with their secret flag, a config key, and undefined for a key the stack does not set", async () => {
        const s = stackOver(new MemoryStack({ recoverFrom: "none" }));
        assert.deepEqual((await s.outputs()).kubeconfig, { value: "k", secret: true });
        assert.equal(await s.config("recoverFrom"), "none");
        assert.equal(await s.config("dr"), undefined);
    });

    it("preview: sets the value for the preview only, with --diff and no refresh, and puts the old value (or none) back", async () => {
        const m = new MemoryStack({ recoverFrom: "none" });
        const s = stackOver(m);
        assert.equal(await s.preview("recoverFrom", "secondary"), "~ HumioCluster logscale update");
        assert.equal(await s.preview("dr", "standby"), "~ HumioCluster logscale update");
        assert.deepEqual(m.cfg, { recoverFrom: "none" });
        assert.deepEqual(m.calls, [
            "set recoverFrom=secondary", 'preview diff=true refresh=false with {"recoverFrom":"secondary"}', "set recoverFrom=none",
            "set dr=standby", 'preview diff=true refresh=false with {"recoverFrom":"none","dr":"standby"}', "rm dr",
        ]);
    });

    it("up: sets the value and runs up without refresh, printing its output; a failed up puts the old value back and says so in one line", async () => {
        const m = new MemoryStack({ recoverFrom: "none" });
        const log: string[] = [];
        const s = stackOver(m, log);
        await s.up("recoverFrom", "secondary");
        assert.equal(m.cfg.recoverFrom, "secondary");
        assert.deepEqual(log, ["  up primary: Updating (primary)"]);
        m.upError = "code: 255\n stderr: error: update failed\n more";
        await assert.rejects(s.up("recoverFrom", "none"), /^Error: pulumi up of primary with recoverFrom=none failed \(config put back to secondary\): code: 255$/);
        assert.equal(m.cfg.recoverFrom, "secondary");
    });

    it("a config read that fails for another reason is an error, not an unset key", async () => {
        const m = new MemoryStack({});
        m.getConfig = async () => { throw new Error("error: could not read the backend: 403"); };
        await assert.rejects(stackOver(m).config("dr"), /could not read the backend/);
    });
});
