// What test/docs/docs.test.ts checks in README.md and docs/*.md, as pure functions over
// the text so each rule has its own unit tests on small samples.

import * as path from "path";

/** Lines inside ``` fences, with their fence language, and the prose lines outside. */
export interface Split {
    code: { line: string; lang: string }[];
    prose: string[];
}

export function splitMarkdown(text: string): Split {
    const out: Split = { code: [], prose: [] };
    let lang: string | undefined;
    for (const line of text.split("\n")) {
        const fence = /^\s*```\s*([\w-]*)/.exec(line);
        if (fence) {
            lang = lang === undefined ? fence[1] : undefined;
            continue;
        }
        if (lang !== undefined) out.code.push({ line, lang });
        else out.prose.push(line);
    }
    return out;
}

/** Inline code spans of a prose line. */
export function inlineCode(line: string): string[] {
    return [...line.matchAll(/`([^`]+)`/g)].map(m => m[1]);
}

/** Every piece of command text: code block lines and inline code spans. */
function commandTexts(text: string): string[] {
    const s = splitMarkdown(text);
    return [...s.code.map(c => c.line), ...s.prose.flatMap(inlineCode)];
}

/** Relative link targets ([text](target)) outside code, without their #anchor. */
export function relativeLinks(text: string): string[] {
    const links: string[] = [];
    for (const line of splitMarkdown(text).prose) {
        const noCode = line.replace(/`[^`]*`/g, "");
        for (const m of noCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
            const target = m[1];
            if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
            links.push(target.split("#")[0]);
        }
    }
    return links;
}

/** Resolve a link target of `file` to a repo-relative path. */
export function resolveLink(file: string, target: string): string {
    return path.normalize(path.join(path.dirname(file), target));
}

/** Script names used as `npm run [-s] <name>`. */
export function npmScripts(text: string): string[] {
    const names = new Set<string>();
    for (const t of commandTexts(text)) {
        for (const m of t.matchAll(/\bnpm run(?:\s+(?:-s|--silent))?\s+([A-Za-z0-9:_-]+)/g)) {
            if (!m[1].startsWith("-")) names.add(m[1]);
        }
    }
    return [...names];
}

/**
 * `npm run` commands whose output is redirected (` > f`, ` >> f`) or piped (` | cmd`) but
 * that lack -s: npm's banner would land in the output first.
 */
export function unsilencedRedirects(text: string): string[] {
    return commandTexts(text).filter(t => {
        const m = /\bnpm run\s+(\S+)(.*)$/.exec(t);
        if (!m || m[1] === "-s" || m[1] === "--silent") return false;
        const rest = m[2].replace(/#.*$/, "");
        return /\s>>?\s*\S/.test(rest) || /\s\|\s*\S/.test(rest);
    });
}

const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
const PROJECT = "logscale-dr";

/**
 * Config keys named in the text. A name counts as a config key only where the context says
 * so, to avoid taking stack outputs or Kubernetes fields (also camelCase) for keys:
 *  - `pulumi config set [flags] <key>` and `pulumi config get <key>`;
 *  - `--set <key>=` and `--diff <key>=` of the offline scripts;
 *  - `logscale-dr:<key>` (stack files and namespaced config);
 *  - in yaml blocks, `<key>:` directly under `config:` of a stack file is namespaced, so covered above;
 *  - a backticked camelCase name on a prose line that says "config key".
 * Provider keys (`aws:region`) are namespaced by their provider and not ours.
 */
export function configKeysNamed(text: string): string[] {
    const keys = new Set<string>();
    for (const t of commandTexts(text)) {
        for (const m of t.matchAll(/\bpulumi config (?:set|get|rm)\b((?:\s+(?:-s\s+\S+|--stack\s+\S+|--secret|--plaintext|--path))*)\s+([A-Za-z][\w-]*(?::[\w-]+)?)/g)) {
            const k = m[2];
            if (k.startsWith(PROJECT + ":")) keys.add(k.slice(PROJECT.length + 1));
            else if (!k.includes(":")) keys.add(k);
        }
        for (const m of t.matchAll(/--(?:set|diff)[\s=]+([A-Za-z][\w-]*)(?::[\w-]+)?=/g)) {
            // `--set key=value` in a usage line is the placeholder, not a key.
            if (!/--(?:set|diff)[\s=]+[\w-]+:/.test(m[0]) && m[1] !== "key") keys.add(m[1]);
        }
    }
    // `logscale-dr:primary...` is a placeholder for a family of keys, not a key.
    for (const m of text.matchAll(new RegExp(`\\b${PROJECT}:([A-Za-z][A-Za-z0-9]*)(\\.\\.\\.|…)?`, "g"))) {
        if (m[2] === undefined) keys.add(m[1]);
    }
    for (const line of splitMarkdown(text).prose) {
        if (!/config keys?\b/i.test(line)) continue;
        for (const span of inlineCode(line)) {
            const name = span.split(/[:=\s]/)[0];
            if (CAMEL.test(name)) keys.add(name);
        }
    }
    return [...keys];
}
