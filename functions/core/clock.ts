import { Clock } from "./types";

/** Wall clock for real runs; tests pass a fake Clock instead. */
export function systemClock(): Clock {
    return {
        now: () => Date.now(),
        sleep: (ms: number) => new Promise<void>(resolve => { setTimeout(resolve, ms); }),
    };
}
