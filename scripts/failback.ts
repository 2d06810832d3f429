// `npm run failback`: see scripts/failback/cli.ts and docs/failback.md.
import { main } from "./failback/cli";

let interrupted = false;
// Ctrl-C: the runner finishes the call in flight, saves the state file and
// stops with the resume command; a second Ctrl-C exits at once (the state
// file is written by rename, so it is never half-written).
process.on("SIGINT", () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write("interrupt: stopping after the current call; Ctrl-C again to exit now\n");
});

main(process.argv.slice(2), { interrupted: () => interrupted }).then(code => process.exit(code));
