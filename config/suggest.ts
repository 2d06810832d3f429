// "did you mean …?" for a mistyped config key: the nearest name by edit distance,
// case-insensitive, when it is close enough to be a likely typo rather than a different word.

/** Levenshtein distance (insert, delete, substitute all cost 1). */
export function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}

/**
 * The candidate nearest to `name`, or undefined when none is within a third of the
 * name's length (at least 2 edits allowed). Ties go to the earlier candidate.
 */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
    const lower = name.toLowerCase();
    const limit = Math.max(2, Math.floor(name.length / 3));
    let best: { c: string; d: number } | undefined;
    for (const c of candidates) {
        const d = editDistance(lower, c.toLowerCase());
        if (d <= limit && (best === undefined || d < best.d)) best = { c, d };
    }
    return best?.c;
}
