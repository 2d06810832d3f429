// `.failback/<pair>.json`: which steps finished and the times later steps
// compare against. Written to a temp file and renamed, so an interrupt
// (Ctrl-C, crash) leaves either the old or the new state, never half of one.

import * as fs from "fs";
import * as path from "path";
import { StepId } from "./steps";

export interface FailbackState {
    pair: string;
    done: StepId[];
    /** Epoch ms the secondary's operator was scaled to 0 (step 3); its flush snapshot is newer. */
    secondaryStoppedAt?: number;
    /** Epoch ms the primary's operator was scaled to 1 (step 9). */
    coldStartAt?: number;
    /** Epoch ms DNS was deliberately unlocked (step 11). */
    unlockedAt?: number;
}

export function statePath(dir: string, pair: string): string {
    return path.join(dir, ".failback", `${pair.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
}

export function loadState(file: string, pair: string): FailbackState {
    if (!fs.existsSync(file)) return { pair, done: [] };
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as FailbackState;
    if (doc.pair !== pair || !Array.isArray(doc.done)) {
        throw new Error(`${file} is the state of pair "${doc.pair}", not "${pair}"; move it away or pass the matching --pair`);
    }
    return doc;
}

export function saveState(file: string, state: FailbackState): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(tmp, file);
}
