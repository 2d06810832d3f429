// DR invariants as pure functions over plain resource inputs. The policy pack
// (policies.ts) feeds them what `pulumi preview` sends; the unit tests feed
// them hand-written good and bad arguments; nothing here imports Pulumi, so
// the same rules can run over the offline plan's JSON.

/** A value Pulumi cannot know yet (preview of a resource that does not exist). */
export const UNKNOWN: unique symbol = Symbol("unknown");
/** What the offline plan (scripts/mock/engine.ts) prints for an unknown value. */
const PLAN_UNKNOWN = "[unknown]";

export type Props = Record<string, unknown>;

export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN || v === PLAN_UNKNOWN;
}

export interface RuleConfig {
    /**
     * Env var names that match the secret pattern but are not secrets; extends
     * PLAIN_ENV_ALLOWED through the pack's config (`allowedPlainNames`).
     */
    allowedPlainNames?: readonly string[];
}

export interface ResourceRule {
    /** Policy name as `pulumi preview` prints it. */
    name: string;
    description: string;
    remediation: string;
    appliesTo(type: string): boolean;
    check(props: Props, type: string, config: RuleConfig): string[];
}

export interface StackResource {
    type: string;
    urn: string;
    name?: string;
    props: Props;
    /** URNs each input property was computed from (PolicyResource.propertyDependencies). */
    propertyDependencies?: Record<string, readonly string[]>;
    /**
     * URNs or logical names this resource waits for, without the property
     * (the offline plan's `dependsOn`); a weaker link used when
     * propertyDependencies is absent.
     */
    dependsOn?: readonly string[];
}

export interface StackViolation {
    message: string;
    urn?: string;
}

export interface StackRule {
    name: string;
    description: string;
    remediation: string;
    check(resources: readonly StackResource[]): StackViolation[];
}

// ---------------------------------------------------------------- helpers

function isRecord(v: unknown): v is Props {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function get(v: unknown, ...path: (string | number)[]): unknown {
    let cur = v;
    for (const p of path) {
        if (isUnknown(cur)) return UNKNOWN;
        if (typeof p === "number") {
            if (!Array.isArray(cur)) return undefined;
            cur = cur[p];
        } else {
            if (!isRecord(cur)) return undefined;
            cur = cur[p];
        }
    }
    return cur;
}

/** IAM-style "string or list of strings" fields. Unknown elements stay unknown. */
function asList(v: unknown): unknown[] {
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v : [v];
}

function quote(v: unknown): string {
    if (isUnknown(v)) return "<unknown>";
    return typeof v === "string" ? `"${v}"` : JSON.stringify(v);
}

function typeIs(...tokens: string[]): (type: string) => boolean {
    const set = new Set(tokens);
    return type => set.has(type);
}

// ---------------------------------------------------------- HumioCluster env

/** Any HumioCluster API version of the humio-operator CRD, as the Kubernetes provider types it. */
const HUMIO_CLUSTER = /^kubernetes:core\.humio\.com\/v[0-9a-z]+:HumioCluster$/;

export function isHumioCluster(type: string): boolean {
    return HUMIO_CLUSTER.test(type);
}

export interface EnvList {
    /** Where the list sits, for messages: spec.environmentVariables, spec.nodePools[0].spec.environmentVariables, ... */
    path: string;
    entries: unknown[];
}

/**
 * Every env var list a HumioCluster carries. The operator merges
 * commonEnvironmentVariables into each pool, so a forbidden name is forbidden
 * in all of them.
 */
export function humioEnvLists(props: Props): EnvList[] {
    const out: EnvList[] = [];
    const add = (path: string, v: unknown) => {
        if (Array.isArray(v)) out.push({ path, entries: v });
    };
    add("spec.environmentVariables", get(props, "spec", "environmentVariables"));
    add("spec.commonEnvironmentVariables", get(props, "spec", "commonEnvironmentVariables"));
    const pools = get(props, "spec", "nodePools");
    if (Array.isArray(pools)) {
        pools.forEach((pool, i) => {
            const poolName = get(pool, "name");
            const label = typeof poolName === "string" ? ` (${poolName})` : "";
            add(`spec.nodePools[${i}]${label}.spec.environmentVariables`, get(pool, "spec", "environmentVariables"));
        });
    }
    return out;
}

function envName(entry: unknown): string | undefined {
    const n = get(entry, "name");
    return typeof n === "string" ? n : undefined;
}

/** Names no HumioCluster of this program may carry, and why. */
export const FORBIDDEN_ENV_VARS: Readonly<Record<string, string>> = {
    // Seed 000, "Kafka Epoch Key": set at all (even expired) it overrides the
    // automatic reset LogScale enables when a recover-from bucket is set, and a
    // failover then dies with "FATAL: The Kafka epoch key has changed".
    ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS:
        "it overrides the Kafka reset LogScale enables by itself when a *_RECOVER_FROM_BUCKET is set, so a failover can crash with \"The Kafka epoch key has changed\"",
    // Seed 001: each storage account has its own endpoint; swapping container
    // names keeps the secondary's endpoint and recovery fails with 403s.
    AZURE_RECOVER_FROM_REPLACE_BUCKET:
        "each Azure storage account has its own endpoint, so replacing the container name makes recovery read the wrong account and fail with 403s (use AZURE_RECOVER_FROM_ACCOUNTNAME)",
};

export function forbiddenEnvVar(props: Props, forbidden: string): string[] {
    const why = FORBIDDEN_ENV_VARS[forbidden];
    const out: string[] = [];
    for (const list of humioEnvLists(props)) {
        list.entries.forEach((e, i) => {
            if (envName(e) === forbidden) {
                out.push(`${list.path}[${i}] sets ${forbidden}; never set it: ${why}.`);
            }
        });
    }
    return out;
}

export function duplicateEnvNames(props: Props): string[] {
    const out: string[] = [];
    for (const list of humioEnvLists(props)) {
        const seen = new Map<string, number>();
        list.entries.forEach((e, i) => {
            const n = envName(e);
            if (n === undefined) return;
            const first = seen.get(n);
            if (first === undefined) seen.set(n, i);
            else out.push(`${list.path} has ${n} twice (entries ${first} and ${i}); the humio-operator rejects duplicate names.`);
        });
    }
    return out;
}

/** Env var names that count as secrets: their value must come from a Kubernetes Secret. */
export const SECRET_ENV_PATTERN = /KEY|SECRET|PASSWORD|TOKEN|ACCOUNTKEY|ENCRYPTION/i;

/**
 * Names that match SECRET_ENV_PATTERN but hold no secret. Kept short on
 * purpose: a false positive costs a secretKeyRef, a false negative leaks a key.
 */
export const PLAIN_ENV_ALLOWED: readonly RegExp[] = [
    /_OBJECT_KEY_PREFIX$/, // S3_STORAGE_/S3_RECOVER_FROM_/AZURE_STORAGE_/AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX: a path prefix
    /^OIDC_TOKEN_ENDPOINT_AUTH_METHOD$/, // client_secret_basic | client_secret_post
];

export function isSecretEnvName(name: string, allowed: readonly string[] = []): boolean {
    if (!SECRET_ENV_PATTERN.test(name)) return false;
    if (allowed.includes(name)) return false;
    return !PLAIN_ENV_ALLOWED.some(re => re.test(name));
}

export function plaintextSecretEnv(props: Props, config: RuleConfig = {}): string[] {
    const out: string[] = [];
    for (const list of humioEnvLists(props)) {
        list.entries.forEach((e, i) => {
            const n = envName(e);
            if (n === undefined || !isSecretEnvName(n, config.allowedPlainNames)) return;
            const where = `${list.path}[${i}] ${n}`;
            // An unknown `value` is still a plain value: it lands in the pod
            // spec and in `kubectl get humiocluster -o yaml` once known.
            if (isRecord(e) && "value" in e && e.value !== undefined) {
                out.push(`${where} is a plain \`value\`; a key must come from valueFrom.secretKeyRef (a Kubernetes Secret).`);
                return;
            }
            const ref = get(e, "valueFrom", "secretKeyRef");
            if (isUnknown(ref)) return;
            if (!isRecord(ref)) {
                out.push(`${where} does not use valueFrom.secretKeyRef; a key must come from a Kubernetes Secret.`);
            }
        });
    }
    return out;
}

// --------------------------------------------------------------- AWS IAM

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/**
 * AWS-managed policies that grant whole services or the account. The
 * failover function, IRSA roles and node roles get scoped inline policies;
 * narrow AWS-managed ones (AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy,
 * AmazonEC2ContainerRegistryReadOnly, AWSLambdaBasicExecutionRole) stay allowed.
 */
export function isBroadManagedPolicy(arn: string): boolean {
    const m = AWS_MANAGED_POLICY.exec(arn);
    if (!m) return false;
    const path = m[1];
    const name = path.slice(path.lastIndexOf("/") + 1);
    return /^AdministratorAccess/.test(name)
        || /PowerUser/.test(name)
        || /FullAccess/.test(name)
        || /^job-function\/(SystemAdministrator|NetworkAdministrator|DatabaseAdministrator)$/.test(path);
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
const ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
const IAM_POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

export function broadManagedPolicies(props: Props, type: string): string[] {
    let arns: { field: string; arn: unknown }[];
    switch (type) {
        case ROLE:
            arns = asList(props.managedPolicyArns).map((arn, i) => ({ field: `managedPolicyArns[${i}]`, arn }));
            break;
        case ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
            arns = asList(props.policyArns).map((arn, i) => ({ field: `policyArns[${i}]`, arn }));
            break;
        default:
            arns = [{ field: "policyArn", arn: props.policyArn }];
    }
    return arns
        .filter(a => typeof a.arn === "string" && isBroadManagedPolicy(a.arn))
        .map(a => `${a.field} attaches the broad AWS-managed policy ${a.arn}; grant only the actions on the resources the role needs with an inline policy.`);
}

/** A policy document given as a JSON string or an object; undefined when unknown. */
export function parsePolicyDocument(doc: unknown): { statements: unknown[] } | { error: string } | undefined {
    if (doc === undefined || doc === null || isUnknown(doc)) return undefined;
    let parsed: unknown = doc;
    if (typeof doc === "string") {
        try {
            parsed = JSON.parse(doc);
        } catch (e) {
            return { error: `is not valid JSON (${(e as Error).message})` };
        }
    }
    if (!isRecord(parsed)) return { error: "is not a JSON object" };
    const st = parsed.Statement;
    if (isUnknown(st)) return undefined;
    return { statements: asList(st) };
}

function isWildcardAction(a: unknown): boolean {
    return typeof a === "string" && (a === "*" || /^[A-Za-z0-9-]+:\*$/.test(a));
}

/** Allow statements that grant every action (or every action of a service) on every resource. */
export function wildcardStatements(statements: unknown[]): string[] {
    const out: string[] = [];
    statements.forEach((st, i) => {
        if (!isRecord(st)) return;
        if (st.Effect === "Deny" || isUnknown(st.Effect)) return;
        const resources = asList(st.Resource);
        const allResources = resources.includes("*") || st.NotResource !== undefined;
        if (!allResources) return;
        const label = typeof st.Sid === "string" ? `Statement ${st.Sid}` : `Statement[${i}]`;
        const wild = asList(st.Action).find(isWildcardAction);
        if (wild !== undefined) {
            out.push(`${label} allows ${quote(wild)} on Resource "*"; name the actions and the resource ARNs.`);
        } else if (st.NotAction !== undefined) {
            out.push(`${label} allows everything except NotAction on Resource "*"; name the actions and the resource ARNs.`);
        }
    });
    return out;
}

export function wildcardPolicyDocuments(props: Props, type: string): string[] {
    const docs: { field: string; doc: unknown }[] = type === ROLE
        ? asList(props.inlinePolicies).map((p, i) => ({ field: `inlinePolicies[${i}].policy`, doc: get(p, "policy") }))
        : [{ field: "policy", doc: props.policy }];
    const out: string[] = [];
    for (const { field, doc } of docs) {
        const parsed = parsePolicyDocument(doc);
        if (parsed === undefined) continue;
        if ("error" in parsed) {
            out.push(`${field} ${parsed.error}; it cannot be checked for wildcards.`);
            continue;
        }
        out.push(...wildcardStatements(parsed.statements).map(m => `${field}: ${m}`));
    }
    return out;
}

// ------------------------------------------------------------- Azure RBAC

/** Built-in roles that hand over a whole subscription (GUIDs are the same in every tenant). */
export const AZURE_BROAD_ROLES: Readonly<Record<string, string>> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

const AZURE_ROLE_ASSIGNMENT = /^azure-native:authorization(\/v[0-9a-z]+)?:RoleAssignment$/;

/** Subscription, management group or tenant root: anything wider than a resource group. */
export function isSubscriptionOrWiderScope(scope: string): boolean {
    return /^\/subscriptions\/[^/]+\/?$/i.test(scope)
        || /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?$/i.test(scope)
        || scope === "/";
}

export function azureBroadRoleAssignment(props: Props): string[] {
    const roleId = props.roleDefinitionId;
    const scope = props.scope;
    if (typeof roleId !== "string" || typeof scope !== "string") return [];
    const guid = roleId.slice(roleId.lastIndexOf("/") + 1).toLowerCase();
    const role = AZURE_BROAD_ROLES[guid];
    if (role === undefined || !isSubscriptionOrWiderScope(scope)) return [];
    return [`assigns ${role} at ${scope}; assign a narrow role (e.g. Traffic Manager Contributor, AKS RBAC Writer) on the one resource it acts on.`];
}

// --------------------------------------------------------------- OCI IAM

const OCI_POLICY = "oci:Identity/policy:Policy";

export function ociBroadPolicy(props: Props): string[] {
    const out: string[] = [];
    asList(props.statements).forEach((s, i) => {
        if (typeof s !== "string") return;
        const norm = s.toLowerCase().replace(/\s+/g, " ").trim();
        if (/\bmanage all-resources\b/.test(norm)) {
            out.push(`statements[${i}] grants "manage all-resources": ${s}; name the resource families (e.g. "use dns-steering-policies", "use clusters").`);
        }
        if (/^allow any-user to\b/.test(norm) && !/\bwhere\b/.test(norm)) {
            out.push(`statements[${i}] allows any-user without a where clause: ${s}; restrict it with where request.principal...`);
        }
    });
    return out;
}

// ---------------------------------------------------------------- storage

const S3_BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const S3_BUCKET_ACLS = ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"];
const S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
const S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEE = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

export function s3PublicAccessBlock(props: Props): string[] {
    const off = PUBLIC_ACCESS_FLAGS.filter(f => props[f] !== true);
    return off.length === 0 ? [] : [`${off.join(", ")} must be true (all four flags block public access).`];
}

export function s3PublicAcl(props: Props, type: string): string[] {
    const out: string[] = [];
    if (typeof props.acl === "string" && PUBLIC_CANNED_ACLS.includes(props.acl)) {
        out.push(`acl "${props.acl}" makes the bucket readable outside the account; use "private" (or no ACL).`);
    }
    const grants = S3_BUCKET_ACLS.includes(type)
        ? asList(get(props, "accessControlPolicy", "grants")).map(g => get(g, "grantee", "uri"))
        : asList(props.grants).map(g => get(g, "uri"));
    for (const uri of grants) {
        if (typeof uri === "string" && PUBLIC_GRANTEE.test(uri)) out.push(`a grant to ${uri} makes the bucket public.`);
    }
    return out;
}

export function s3PublicBucketPolicy(props: Props): string[] {
    const parsed = parsePolicyDocument(props.policy);
    if (parsed === undefined) return [];
    if ("error" in parsed) return [`policy ${parsed.error}; it cannot be checked for public access.`];
    const out: string[] = [];
    parsed.statements.forEach((st, i) => {
        if (!isRecord(st) || st.Effect !== "Allow" || st.Condition !== undefined) return;
        const p = st.Principal;
        const everyone = p === "*" || (isRecord(p) && asList(p.AWS).includes("*"));
        if (everyone) out.push(`Statement[${i}] allows Principal "*" without a Condition: the bucket is public.`);
    });
    return out;
}

/**
 * Every S3 bucket has a BucketPublicAccessBlock that targets it, unless an
 * account-wide block with all four flags is declared in the same stack.
 */
export function s3BucketsWithoutPublicAccessBlock(resources: readonly StackResource[]): StackViolation[] {
    const accountBlocked = resources.some(r => r.type === S3_ACCOUNT_PUBLIC_ACCESS_BLOCK && s3PublicAccessBlock(r.props).length === 0);
    if (accountBlocked) return [];
    const blocks = resources.filter(r => r.type === S3_PUBLIC_ACCESS_BLOCK);
    return resources
        .filter(r => S3_BUCKETS.includes(r.type))
        .filter(bucket => !blocks.some(b => {
            if (b.propertyDependencies !== undefined) {
                if ((b.propertyDependencies.bucket ?? []).includes(bucket.urn)) return true;
            } else if (b.dependsOn?.some(d => d === bucket.urn || d === bucket.name)) {
                return true;
            }
            const target = b.props.bucket;
            return typeof target === "string" && (target === bucket.props.bucket || target === bucket.name);
        }))
        .map(bucket => ({
            urn: bucket.urn,
            message: `S3 bucket ${bucket.name ?? bucket.urn} has no aws.s3.BucketPublicAccessBlock; add one with all four flags true.`,
        }));
}

const AZURE_STORAGE_ACCOUNT = /^azure-native:storage(\/v[0-9a-z]+)?:StorageAccount$/;
const AZURE_BLOB_CONTAINER = /^azure-native:storage(\/v[0-9a-z]+)?:BlobContainer$/;

export function azureStorageAccount(props: Props): string[] {
    const out: string[] = [];
    // Explicit values, because the service defaults differ by API version.
    if (props.allowBlobPublicAccess !== false) {
        out.push(`allowBlobPublicAccess is ${quote(props.allowBlobPublicAccess)}; set it to false.`);
    }
    if (props.minimumTlsVersion !== "TLS1_2" && props.minimumTlsVersion !== "TLS1_3") {
        out.push(`minimumTlsVersion is ${quote(props.minimumTlsVersion)}; set it to "TLS1_2".`);
    }
    if (props.enableHttpsTrafficOnly === false) {
        out.push("enableHttpsTrafficOnly is false; storage keys and segments would cross the network in clear text.");
    }
    return out;
}

export function azureBlobContainer(props: Props): string[] {
    return props.publicAccess === "None" ? [] : [`publicAccess is ${quote(props.publicAccess)}; set it to "None".`];
}

const OCI_BUCKET = "oci:ObjectStorage/bucket:Bucket";

export function ociBucket(props: Props): string[] {
    return props.accessType === "NoPublicAccess" ? [] : [`accessType is ${quote(props.accessType)}; set it to "NoPublicAccess".`];
}

// -------------------------------------------------------------- the rules

export const RESOURCE_RULES: readonly ResourceRule[] = [
    {
        name: "humiocluster-no-kafka-reset-override",
        description: "No HumioCluster sets ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS: on a standby it breaks the automatic Kafka reset of DR recovery.",
        remediation: "Remove ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS from extraEnvVars and every env list; LogScale resets Kafka by itself when a recover-from bucket is set.",
        appliesTo: isHumioCluster,
        check: props => forbiddenEnvVar(props, "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS"),
    },
    {
        name: "humiocluster-no-azure-replace-bucket",
        description: "No HumioCluster sets AZURE_RECOVER_FROM_REPLACE_BUCKET: Azure recovery must address the primary's account, not rename containers.",
        remediation: "Remove AZURE_RECOVER_FROM_REPLACE_BUCKET; AZURE_RECOVER_FROM_ACCOUNTNAME and _ENDPOINT_BASE point recovery at the other account.",
        appliesTo: isHumioCluster,
        check: props => forbiddenEnvVar(props, "AZURE_RECOVER_FROM_REPLACE_BUCKET"),
    },
    {
        name: "humiocluster-unique-env-names",
        description: "Each HumioCluster env var list names every variable once; the humio-operator rejects duplicates.",
        remediation: "Build env lists from a map keyed by name (EnvSet) and drop the extra entry.",
        appliesTo: isHumioCluster,
        check: props => duplicateEnvNames(props),
    },
    {
        name: "humiocluster-keys-from-secrets",
        description: "HumioCluster env vars whose names look like keys, secrets, passwords or tokens come from valueFrom.secretKeyRef, never a plain value.",
        remediation: "Store the value in a Kubernetes Secret (from a Pulumi secret) and reference it with valueFrom.secretKeyRef; list true non-secrets in the pack config `allowedPlainNames`.",
        appliesTo: isHumioCluster,
        check: (props, _type, config) => plaintextSecretEnv(props, config),
    },
    {
        name: "iam-no-broad-managed-policies",
        description: "No IAM role (failover function, IRSA, nodes) gets AdministratorAccess, PowerUser or *FullAccess AWS-managed policies.",
        remediation: "Attach an inline policy with the exact actions and resource ARNs (e.g. route53:UpdateHealthCheck on the primary health check).",
        appliesTo: typeIs(ROLE, ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT, ROLE_POLICY_ATTACHMENTS_EXCLUSIVE),
        check: (props, type) => broadManagedPolicies(props, type),
    },
    {
        name: "iam-no-wildcard-statements",
        description: "No IAM policy document allows \"*\" or \"service:*\" (or NotAction) on Resource \"*\".",
        remediation: "Name the actions and scope Resource to the ARNs the function or controller touches.",
        appliesTo: typeIs(ROLE, IAM_POLICY, ROLE_POLICY),
        check: (props, type) => wildcardPolicyDocuments(props, type),
    },
    {
        name: "azure-no-broad-role-assignments",
        description: "No Azure role assignment of Owner, Contributor, User Access Administrator or RBAC Administrator at subscription scope or wider.",
        remediation: "Assign the narrow built-in role on the resource itself (Traffic Manager profile, AKS namespace, storage container).",
        appliesTo: type => AZURE_ROLE_ASSIGNMENT.test(type),
        check: props => azureBroadRoleAssignment(props),
    },
    {
        name: "oci-no-broad-policies",
        description: "No OCI policy statement grants \"manage all-resources\" or any-user without a where clause.",
        remediation: "Grant the specific resource families in the stack's compartment (e.g. \"Allow dynamic-group X to use dns-steering-policies in compartment id Y\").",
        appliesTo: typeIs(OCI_POLICY),
        check: props => ociBroadPolicy(props),
    },
    {
        name: "s3-public-access-blocked",
        description: "Every S3 public access block sets all four flags.",
        remediation: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
        appliesTo: typeIs(S3_PUBLIC_ACCESS_BLOCK, S3_ACCOUNT_PUBLIC_ACCESS_BLOCK),
        check: props => s3PublicAccessBlock(props),
    },
    {
        name: "s3-no-public-acls",
        description: "No S3 bucket ACL grants public-read, public-read-write, authenticated-read or AllUsers/AuthenticatedUsers.",
        remediation: "Drop the ACL (buckets default to private; ownership controls BucketOwnerEnforced disables ACLs).",
        appliesTo: typeIs(...S3_BUCKETS, ...S3_BUCKET_ACLS),
        check: (props, type) => s3PublicAcl(props, type),
    },
    {
        name: "s3-no-public-bucket-policy",
        description: "No S3 bucket policy allows Principal \"*\" without a Condition.",
        remediation: "Name the principals (the LogScale IRSA role of each stack) or add a Condition.",
        appliesTo: typeIs(S3_BUCKET_POLICY),
        check: props => s3PublicBucketPolicy(props),
    },
    {
        name: "azure-storage-account-private",
        description: "Azure storage accounts set allowBlobPublicAccess false and minimumTlsVersion TLS1_2, and keep HTTPS only.",
        remediation: "Set allowBlobPublicAccess: false and minimumTlsVersion: \"TLS1_2\" on the StorageAccount.",
        appliesTo: type => AZURE_STORAGE_ACCOUNT.test(type),
        check: props => azureStorageAccount(props),
    },
    {
        name: "azure-blob-container-private",
        description: "Azure blob containers set publicAccess None.",
        remediation: "Set publicAccess: \"None\" on the BlobContainer.",
        appliesTo: type => AZURE_BLOB_CONTAINER.test(type),
        check: props => azureBlobContainer(props),
    },
    {
        name: "oci-bucket-private",
        description: "OCI Object Storage buckets set accessType NoPublicAccess.",
        remediation: "Set accessType: \"NoPublicAccess\" on the Bucket.",
        appliesTo: typeIs(OCI_BUCKET),
        check: props => ociBucket(props),
    },
];

export const STACK_RULES: readonly StackRule[] = [
    {
        name: "s3-bucket-has-public-access-block",
        description: "Every S3 bucket of the stack has a BucketPublicAccessBlock (or the stack declares an account-wide block).",
        remediation: "Add new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }).",
        check: s3BucketsWithoutPublicAccessBlock,
    },
];

export interface Finding {
    policy: string;
    message: string;
    urn?: string;
}

/** Every resource rule that applies to this resource, with its messages. */
export function evaluateResource(resource: { type: string; props: Props }, config: RuleConfig = {}): Finding[] {
    return RESOURCE_RULES
        .filter(rule => rule.appliesTo(resource.type))
        .flatMap(rule => rule.check(resource.props, resource.type, config).map(message => ({ policy: rule.name, message })));
}

/** All rules over a whole stack (resource rules per resource, then the stack rules). */
export function evaluateStack(resources: readonly StackResource[], config: RuleConfig = {}): Finding[] {
    const perResource = resources.flatMap(r => evaluateResource(r, config).map(f => ({ ...f, urn: r.urn })));
    const stack = STACK_RULES.flatMap(rule => rule.check(resources).map(v => ({ policy: rule.name, ...v })));
    return [...perResource, ...stack];
}
