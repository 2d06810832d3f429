// Checks that skip themselves (an input such as ../shared/schemas is not on this machine)
// record why here; test/support/skip-summary.ts prints them as one line at the end of the run,
// so a green `npm test` never hides what it did not check.

export interface Skip {
    what: string;
    why: string;
}

const skips: Skip[] = [];

export function recordSkip(what: string, why: string): void {
    skips.push({ what, why });
}

export function recordedSkips(): readonly Skip[] {
    return skips;
}

/** One line: every skipped check grouped by its reason; undefined when nothing was skipped. */
export function skipSummary(list: readonly Skip[] = skips): string | undefined {
    if (list.length === 0) return undefined;
    const byWhy = new Map<string, string[]>();
    for (const s of list) byWhy.set(s.why, [...(byWhy.get(s.why) ?? []), s.what]);
    const parts = [...byWhy].map(([why, what]) => `${[...new Set(what)].join("; ")} (${why})`);
    return `SKIPPED ${list.length} check${list.length === 1 ? "" : "s"}: ${parts.join(" | ")}`;
}
