// The README's config key table, derived from config/keys.ts so the two cannot drift:
// test/docs/docs.test.ts fails when the README's block differs from configKeyTable().

import { CONFIG_KEYS, KeySpec } from "../../config/keys";

export const TABLE_START = "<!-- config-keys:start -->";
export const TABLE_END = "<!-- config-keys:end -->";

/** Markdown cell text: a pipe would end the cell. */
function cell(s: string): string {
    return s.replace(/\|/g, "\\|");
}

function allowedText(spec: KeySpec): string {
    if (spec.allowed) return spec.allowed.map(v => `\`${v}\``).join(", ");
    if (spec.min !== undefined || spec.max !== undefined) return `${spec.min ?? "…"} to ${spec.max ?? "…"}`;
    return spec.secret ? "secret" : spec.type;
}

/** One row per key of CONFIG_KEYS, in table order. */
export function configKeyTable(keys: Record<string, KeySpec> = CONFIG_KEYS): string {
    const rows = Object.entries(keys).map(([name, spec]) => {
        const dflt = spec.default === undefined ? "—" : `\`${String(spec.default)}\``;
        return `| \`${name}\` | ${dflt} | ${cell(allowedText(spec))} | ${cell(spec.description)} |`;
    });
    return ["| key | default | allowed | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** The README text with the block between the markers replaced by the generated table. */
export function withConfigKeyTable(readme: string, table: string = configKeyTable()): string {
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    if (start < 0 || end < start) {
        throw new Error(`README.md: markers ${TABLE_START} … ${TABLE_END} not found`);
    }
    return readme.slice(0, start + TABLE_START.length) + "\n" + table + "\n" + readme.slice(end);
}
