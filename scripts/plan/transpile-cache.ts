// A disk cache for ts-node's transpile step. `npm run plan` loads every
// component and function module of a cloud through ts-node, and transpiling
// them was about a third of a plan's time; the output only changes when a file
// or the compiler settings change, so it is kept under node_modules/.cache.

import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

interface TsNodeService {
    compile(code: string, fileName: string, lineOffset?: number): string;
    options?: unknown;
    config?: { options?: unknown };
    ts?: { version?: string };
}

/**
 * Wraps the ts-node instance this process registered (if any) so that each
 * file is transpiled once per content. Stack traces of files served from the
 * cache show TypeScript paths with JavaScript line numbers; the plan prints
 * error messages, not traces. Returns false when there is nothing to wrap.
 */
export function installTranspileCache(dir: string): boolean {
    const service = (process as unknown as Record<symbol, TsNodeService | undefined>)[Symbol.for("ts-node.register.instance")];
    if (!service || typeof service.compile !== "function") return false;
    try {
        fs.mkdirSync(dir, { recursive: true });
    } catch {
        return false;
    }
    const settings = JSON.stringify([service.ts?.version, service.config?.options ?? null, process.version]);
    const compile = service.compile.bind(service);
    service.compile = (code: string, fileName: string, lineOffset?: number): string => {
        // One entry per source file, overwritten when it changes, so the cache stays the size of the project.
        const file = path.join(dir, `${createHash("sha256").update(fileName).digest("hex").slice(0, 32)}.js`);
        const key = createHash("sha256").update(settings).update("\0").update(String(lineOffset ?? 0)).update("\0").update(code).digest("hex");
        const header = `//${key}\n`;
        try {
            const cached = fs.readFileSync(file, "utf8");
            if (cached.startsWith(header)) return cached.slice(header.length);
        } catch {
            // not cached yet
        }
        const output = compile(code, fileName, lineOffset);
        try {
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, header + output);
            fs.renameSync(tmp, file);
        } catch {
            // a read-only checkout still plans, only slower
        }
        return output;
    };
    return true;
}
