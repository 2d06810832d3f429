// Just enough XML for the two S3 answers the failback reads (ListObjectsV2,
// DeleteObjects): flat elements with text, no attributes that matter, no CDATA.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" };

export function xmlUnescape(s: string): string {
    return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
        e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]);
}

export function xmlEscape(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** The inner text of every <tag>...</tag> directly in xml (the tag must not nest in itself). */
export function elements(xml: string, tag: string): string[] {
    const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
    return [...xml.matchAll(re)].map(m => m[1]);
}

/** The unescaped text of the first <tag>, or undefined. */
export function text(xml: string, tag: string): string | undefined {
    const e = elements(xml, tag)[0];
    return e === undefined ? undefined : xmlUnescape(e);
}
