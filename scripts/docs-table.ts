// Prints the README's config key table, or with --write rewrites it in README.md.
import * as fs from "fs";
import * as path from "path";
import { configKeyTable, withConfigKeyTable } from "./docs/config-table";

const USAGE = `Usage: npm run -s docs:config-table -- [--write]

Prints the config key table generated from config/keys.ts.

  --write   replace the table between the config-keys markers in README.md
  --help    print this help and exit

Example: npm run -s docs:config-table -- --write`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
}
const unknown = args.find(a => a !== "--write");
if (unknown !== undefined) {
    console.error(`docs:config-table: unknown argument "${unknown}"; allowed: --write, --help`);
    console.error(USAGE);
    process.exit(2);
}
if (args.includes("--write")) {
    const file = path.join(__dirname, "..", "README.md");
    fs.writeFileSync(file, withConfigKeyTable(fs.readFileSync(file, "utf8")));
} else {
    console.log(configKeyTable());
}
