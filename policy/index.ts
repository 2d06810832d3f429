// Policy pack: `pulumi preview --policy-pack policy` (run `npm install` in this
// folder first). Every policy is mandatory: a DR invariant that may be waived
// is not an invariant.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("logscale-dr", {
    description: "DR invariants of logscale-dr: HumioCluster env safety, least-privilege failover identities, private storage.",
    enforcementLevel: "mandatory",
    policies,
});
