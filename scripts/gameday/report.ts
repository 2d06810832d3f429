// The gameday report: JSON (the report object), Markdown with a phase table,
// and an SVG timeline of the phases against expectedFailoverSeconds.

import { GamedayReport } from "./run";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderSvg(r: GamedayReport): string {
    const rowH = 22;
    const left = 260;
    const width = 760;
    const reached = r.phases.map(p => p.atS ?? 0);
    const span = Math.max(r.expectedTotalS, r.elapsedS, ...reached, 1);
    const x = (s: number) => left + Math.round((s / span) * (width - left - 20));
    const rows = r.phases.map((p, i) => {
        const y = 30 + i * rowH;
        const bar = p.atS === null
            ? `<text x="${left}" y="${y + 14}" font-size="12" fill="#b00">not reached</text>`
            : `<rect x="${left}" y="${y + 4}" width="${Math.max(2, x(p.atS) - left)}" height="14" fill="#4a7"/><text x="${x(p.atS) + 4}" y="${y + 15}" font-size="11">${p.atS}s</text>`;
        return `<text x="8" y="${y + 15}" font-size="12">${esc(p.label)}</text>${bar}`;
    });
    const h = 40 + r.phases.length * rowH;
    const ex = x(r.expectedTotalS);
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" font-family="sans-serif">`,
        `<text x="8" y="18" font-size="13" font-weight="bold">gameday ${esc(r.scenario)}: ${r.verdict}</text>`,
        ...rows,
        `<line x1="${ex}" y1="24" x2="${ex}" y2="${h - 6}" stroke="#c60" stroke-dasharray="4 3"/>`,
        `<text x="${ex + 3}" y="${h - 8}" font-size="11" fill="#c60">expected ${r.expectedTotalS}s</text>`,
        `</svg>`,
    ].join("\n") + "\n";
}

export function renderMarkdown(r: GamedayReport, svgFile?: string): string {
    const lines = [
        `# Gameday: ${r.scenario}`,
        "",
        `**Verdict: ${r.verdict.toUpperCase()}** — ${r.reason}`,
        "",
        `Outage method: ${r.outageMethod}. Primary restored: ${r.restored ? "yes" : "NO"}.${r.restoreError ? ` ${r.restoreError}` : ""}`,
        "",
        "| Phase | Reached at (s after outage) |",
        "|---|---|",
        ...r.phases.map(p => `| ${p.label} | ${p.atS === null ? "not reached" : p.atS} |`),
        "",
        `Measured ${r.measuredTotalS === null ? "—" : `${r.measuredTotalS}s`} against expectedFailoverSeconds ${r.expectedTotalS}s.`,
        "",
        ...(r.invariants.length ? ["| Invariant | OK | Detail |", "|---|---|---|", ...r.invariants.map(i => `| ${i.name} | ${i.ok ? "yes" : "NO"} | ${i.detail} |`), ""] : []),
        ...(svgFile ? [`![timeline](${svgFile})`, ""] : []),
        `Next: ${r.next}.`,
    ];
    return `${lines.join("\n")}\n`;
}

export function renderText(r: GamedayReport): string {
    const w = Math.max(...r.phases.map(p => p.label.length));
    return [
        `gameday ${r.scenario}: ${r.verdict.toUpperCase()} — ${r.reason}`,
        ...r.phases.map(p => `  ${p.label.padEnd(w)}  ${p.atS === null ? "not reached" : `${p.atS}s`}`),
        ...r.invariants.map(i => `  invariant ${i.name}: ${i.ok ? "ok" : "FAILED"} (${i.detail})`),
        `  primary restored: ${r.restored ? "yes" : "NO"}; next: ${r.next}`,
    ].join("\n") + "\n";
}
