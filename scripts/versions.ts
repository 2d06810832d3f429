// The version table of docs/versions.md, generated from config/support.ts.
//   npm run -s versions             print the table
//   npm run -s versions -- --write  rewrite docs/versions.md
//   npm run -s versions -- --check  exit 1 when docs/versions.md is stale
import * as fs from "fs";
import * as path from "path";
import { KUBERNETES_OFFERS, supportTable } from "../config/support";

export const VERSIONS_DOC = path.resolve(__dirname, "../docs/versions.md");

const USAGE = `usage: npm run -s versions [-- --write | --check]
  (no flag)  print docs/versions.md as generated from config/support.ts
  --write    rewrite docs/versions.md
  --check    exit 1 when docs/versions.md differs from the table
  --help     this text
example: npm run -s versions -- --write
`;

/** A table cell: a literal pipe (NODE|22) would end the cell. */
export function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

export function renderVersions(): string {
    const lines = [
        "# Pinned versions",
        "",
        "Generated from `config/support.ts` by `npm run -s versions -- --write`; a test fails when this page is stale.",
        "`npm run plan` and `pulumi preview` print one warning line per pin whose end of support has passed.",
        "",
        "| component | version | end of support | source |",
        "|---|---|---|---|",
        ...supportTable().map(p => `| ${p.component} | \`${cell(p.version)}\` | ${p.endOfSupport ?? `not dated: ${p.undated}`} | ${p.source} |`),
        "",
        "## Kubernetes versions each cloud offers",
        "",
        "`kubernetesVersion` must be one of these (config validation refuses others); one past its date plans with a warning.",
        "",
        "| cloud | version | end of standard support | source |",
        "|---|---|---|---|",
        ...Object.entries(KUBERNETES_OFFERS).flatMap(([cloud, offers]) => offers.map(o => `| ${cloud} | \`${o.version}\` | ${o.endOfSupport} | ${o.source} |`)),
        "",
    ];
    return lines.join("\n");
}

export function main(argv: string[]): number {
    const flag = argv[0];
    if (argv.length > 1 || (flag !== undefined && !["--write", "--check", "--help", "-h"].includes(flag))) {
        process.stderr.write(`unknown argument: ${argv.join(" ")}\n${USAGE}`);
        return 2;
    }
    const text = renderVersions();
    if (flag === "--help" || flag === "-h") process.stdout.write(USAGE);
    else if (flag === "--write") fs.writeFileSync(VERSIONS_DOC, text);
    else if (flag === "--check") {
        const current = fs.existsSync(VERSIONS_DOC) ? fs.readFileSync(VERSIONS_DOC, "utf8") : "";
        if (current !== text) {
            process.stderr.write("docs/versions.md is stale: run npm run -s versions -- --write\n");
            return 1;
        }
    } else process.stdout.write(text);
    return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
