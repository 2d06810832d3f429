// A stack as the failback uses it: outputs (with secrets), one config key,
// the preview of a change and the `pulumi up` that applies it. The live one
// is the Pulumi Automation API over this project; tests fake the port.

export interface StackOutput { value: unknown; secret: boolean }

export interface StackPort {
    readonly name: string;
    outputs(): Promise<Record<string, StackOutput>>;
    /** The project-namespaced key (e.g. "recoverFrom"); undefined when the stack does not set it. */
    config(key: string): Promise<string | undefined>;
    /** The `pulumi preview --diff` text of setting key=value; the stack's config is left as it was. */
    preview(key: string, value: string): Promise<string>;
    /** Sets key=value and runs `pulumi up`; a failed up puts the old value back. */
    up(key: string, value: string): Promise<void>;
}

/** The part of an Automation API Stack used here; tests pass their own. */
export interface AutomationStackApi {
    outputs(): Promise<Record<string, StackOutput>>;
    getConfig(key: string): Promise<{ value: string }>;
    setConfig(key: string, value: { value: string }): Promise<void>;
    removeConfig(key: string): Promise<void>;
    preview(opts: { diff: boolean; refresh: boolean }): Promise<{ stdout: string }>;
    up(opts: { refresh: boolean; onOutput: (out: string) => void }): Promise<unknown>;
}

// Imported when first used: the tests and --offline never load the Automation API.
async function selectStack(stackName: string, workDir: string): Promise<AutomationStackApi> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    return LocalWorkspace.selectStack({ stackName, workDir });
}

/** Pulumi's answer for a key the stack does not set. */
const MISSING = /configuration key .* not found|missing required configuration/i;

export class AutomationStack implements StackPort {
    private stack?: Promise<AutomationStackApi>;

    constructor(readonly name: string, private readonly workDir: string, private readonly onOutput: (line: string) => void = () => undefined,
        private readonly open: (name: string, workDir: string) => Promise<AutomationStackApi> = selectStack) {}

    private select(): Promise<AutomationStackApi> {
        return this.stack ??= this.open(this.name, this.workDir);
    }

    async outputs(): Promise<Record<string, StackOutput>> {
        return await (await this.select()).outputs() as Record<string, StackOutput>;
    }

    async config(key: string): Promise<string | undefined> {
        try {
            return (await (await this.select()).getConfig(key)).value;
        } catch (e) {
            if (MISSING.test((e as Error).message)) return undefined;
            throw e;
        }
    }

    private async restore(key: string, old: string | undefined): Promise<void> {
        const s = await this.select();
        if (old === undefined) await s.removeConfig(key);
        else await s.setConfig(key, { value: old });
    }

    async preview(key: string, value: string): Promise<string> {
        const s = await this.select();
        const old = await this.config(key);
        await s.setConfig(key, { value });
        try {
            return (await s.preview({ diff: true, refresh: false })).stdout;
        } finally {
            // A preview is not a change: a later read of the config must not see a value no up applied.
            await this.restore(key, old);
        }
    }

    async up(key: string, value: string): Promise<void> {
        const s = await this.select();
        const old = await this.config(key);
        await s.setConfig(key, { value });
        try {
            // No refresh (step 7): on the active primary a refresh would bring the operator back to its declared replicas.
            await s.up({ refresh: false, onOutput: out => { for (const l of out.split("\n")) if (l.trim()) this.onOutput(`  up ${this.name}: ${l}`); } });
        } catch (e) {
            // The steps read the config as "applied": it must say so only after an up that succeeded.
            await this.restore(key, old);
            throw new Error(`pulumi up of ${this.name} with ${key}=${value} failed (config put back to ${old ?? "unset"}): ${(e as Error).message.split("\n").find(l => l.trim()) ?? ""}`);
        }
    }
}
