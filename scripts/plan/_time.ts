const t0 = Date.now();
import { Planner } from "./planner";
(async () => {
  const t1 = Date.now();
  const p = new Planner(__dirname + "/../..");
  const orig = (p as any).run.bind(p);
  (p as any).run = async (...a: any[]) => { const s = Date.now(); const r = await orig(...a); console.error(`run ${a[0].stack} ${Date.now() - s}ms`); return r; };
  await p.plan(process.argv[2] ?? "secondary", process.argv[3] ? [{ key: "logscale-dr:cloud", value: process.argv[3] }] : []);
  console.error(`import ${t1 - t0}ms total ${Date.now() - t0}ms`);
})();
