import { strict as assert } from "assert";
import { FORBIDDEN_ENV_VARS as CONFIG_FORBIDDEN } from "../../config/load";
import {
    evaluateResource, evaluateStack, FORBIDDEN_ENV_VARS, isBroadManagedPolicy, isSecretEnvName, isSubscriptionOrWiderScope,
    Props, RESOURCE_RULES, STACK_RULES, StackResource, UNKNOWN,
} from "../../policy/rules";

const HC = "kubernetes:core.humio.com/v1alpha1:HumioCluster";

const secretRef = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: "logscale-storage", key } } });

/** A standby HumioCluster as the LogScale layer should declare it. */
function humioCluster(overrides: { env?: unknown[]; common?: unknown[]; poolEnv?: unknown[] } = {}): Props {
    return {
        apiVersion: "core.humio.com/v1alpha1",
        kind: "HumioCluster",
        metadata: { name: "logscale", namespace: "logging" },
        spec: {
            nodeCount: 1,
            image: "humio/humio-core:1.252.1",
            environmentVariables: overrides.env ?? [
                { name: "S3_STORAGE_BUCKET", value: "logscale-secondary" },
                { name: "S3_STORAGE_REGION", value: "us-east-2" },
                { name: "S3_STORAGE_OBJECT_KEY_PREFIX", value: "logscale/" },
                secretRef("S3_STORAGE_ENCRYPTION_KEY", "encryption-key"),
                { name: "S3_RECOVER_FROM_BUCKET", value: "logscale-primary" },
                { name: "S3_RECOVER_FROM_REPLACE_REGION", value: "us-west-2/us-east-2" },
                secretRef("S3_RECOVER_FROM_ENCRYPTION_KEY", "recover-encryption-key"),
                { name: "BUCKET_STORAGE_MULTIPLE_ENDPOINTS", value: "true" },
                { name: "ENABLE_ALERTS", value: "false" },
            ],
            commonEnvironmentVariables: overrides.common ?? [{ name: "KAFKA_SERVERS", value: "kafka-bootstrap:9093" }],
            nodePools: [{
                name: "ingest",
                spec: { nodeCount: 3, environmentVariables: overrides.poolEnv ?? [{ name: "NODE_ROLES", value: "httponly" }] },
            }],
        },
    };
}

const allow = (Action: unknown, Resource: unknown, extra: Props = {}) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource, ...extra }] });
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const roleDef = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const TM_CONTRIBUTOR = "4b10055b-4e2e-4c0f-8cd7-6aac0ee2c2f3";

interface Case { title: string; type: string; props: Props; fail?: RegExp }

/** For every resource rule: cases that pass it and cases that fail it (fail = the message expected). */
const CASES: Record<string, Case[]> = {
    "humiocluster-no-kafka-reset-override": [
        { title: "standby without the variable", type: HC, props: humioCluster() },
        {
            title: "variable in spec.environmentVariables", type: HC,
            props: humioCluster({ env: [{ name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: "1700000000000" }] }),
            fail: /spec\.environmentVariables\[0\] sets ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS.*Kafka epoch key/,
        },
        {
            title: "variable in commonEnvironmentVariables", type: HC,
            props: humioCluster({ common: [{ name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: "0" }] }),
            fail: /spec\.commonEnvironmentVariables\[0\] sets ALLOW_KAFKA_RESET/,
        },
        {
            title: "variable in a node pool", type: HC,
            props: humioCluster({ poolEnv: [{ name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: "0" }] }),
            fail: /spec\.nodePools\[0\] \(ingest\)\.spec\.environmentVariables\[0\] sets ALLOW_KAFKA_RESET/,
        },
    ],
    "humiocluster-no-azure-replace-bucket": [
        {
            title: "Azure standby with account name, no replace-bucket", type: HC,
            props: humioCluster({ env: [{ name: "AZURE_RECOVER_FROM_ACCOUNTNAME", value: "primaryacct" }, { name: "AZURE_RECOVER_FROM_REPLACE_REGION", value: "westus2/eastus2" }] }),
        },
        {
            title: "replace-bucket set", type: HC,
            props: humioCluster({ env: [{ name: "AZURE_RECOVER_FROM_REPLACE_BUCKET", value: "primary/secondary" }] }),
            fail: /sets AZURE_RECOVER_FROM_REPLACE_BUCKET.*403/,
        },
    ],
    "humiocluster-unique-env-names": [
        { title: "unique names per list (same name in two lists is fine)", type: HC, props: humioCluster({ common: [{ name: "ENABLE_ALERTS", value: "false" }] }) },
        {
            title: "BUCKET_STORAGE_MULTIPLE_ENDPOINTS twice (reverse recovery merged by hand)", type: HC,
            props: humioCluster({ env: [{ name: "BUCKET_STORAGE_MULTIPLE_ENDPOINTS", value: "true" }, { name: "X", value: "1" }, { name: "BUCKET_STORAGE_MULTIPLE_ENDPOINTS", value: "true" }] }),
            fail: /spec\.environmentVariables has BUCKET_STORAGE_MULTIPLE_ENDPOINTS twice \(entries 0 and 2\)/,
        },
        {
            title: "duplicate inside a node pool", type: HC,
            props: humioCluster({ poolEnv: [{ name: "A", value: "1" }, { name: "A", value: "2" }] }),
            fail: /nodePools\[0\] \(ingest\)\.spec\.environmentVariables has A twice/,
        },
    ],
    "humiocluster-keys-from-secrets": [
        { title: "keys from secretKeyRef, object key prefix plain", type: HC, props: humioCluster() },
        {
            title: "Azure account key as a plain value", type: HC,
            props: humioCluster({ env: [{ name: "AZURE_STORAGE_ACCOUNTKEY", value: "c2VjcmV0" }] }),
            fail: /spec\.environmentVariables\[0\] AZURE_STORAGE_ACCOUNTKEY is a plain `value`/,
        },
        {
            title: "encryption key from a ConfigMap", type: HC,
            props: humioCluster({ env: [{ name: "S3_STORAGE_ENCRYPTION_KEY", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } }] }),
            fail: /S3_STORAGE_ENCRYPTION_KEY does not use valueFrom\.secretKeyRef/,
        },
        {
            title: "OCI secret access key whose value is not known yet, still plain", type: HC,
            props: humioCluster({ poolEnv: [{ name: "S3_STORAGE_SECRETKEY", value: UNKNOWN }] }),
            fail: /S3_STORAGE_SECRETKEY is a plain `value`/,
        },
        {
            title: "lower-case token name with an empty value", type: HC,
            props: humioCluster({ common: [{ name: "ingest_token", value: "" }] }),
            fail: /ingest_token is a plain `value`/,
        },
    ],
    "iam-no-broad-managed-policies": [
        {
            title: "node role with narrow AWS-managed policies", type: "aws:iam/role:Role",
            props: { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] },
        },
        { title: "Lambda basic execution", type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "fn", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" } },
        { title: "customer-managed policy", type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "fn", policyArn: "arn:aws:iam::123456789012:policy/logscale-dr-failover" } },
        {
            title: "AWSLambda_FullAccess on the failover role", type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            props: { role: "fn", policyArn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess" },
            fail: /policyArn attaches the broad AWS-managed policy arn:aws:iam::aws:policy\/AWSLambda_FullAccess/,
        },
        {
            title: "AdministratorAccess in managedPolicyArns", type: "aws:iam/role:Role",
            props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "arn:aws:iam::aws:policy/AdministratorAccess"] },
            fail: /managedPolicyArns\[1\] attaches the broad AWS-managed policy .*AdministratorAccess/,
        },
        {
            title: "PowerUserAccess through PolicyAttachment (GovCloud partition)", type: "aws:iam/policyAttachment:PolicyAttachment",
            props: { roles: ["fn"], policyArn: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess" },
            fail: /PowerUserAccess/,
        },
        {
            title: "exclusive attachments with AmazonRoute53FullAccess", type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            props: { roleName: "fn", policyArns: ["arn:aws:iam::aws:policy/AmazonRoute53FullAccess"] },
            fail: /policyArns\[0\] attaches .*AmazonRoute53FullAccess/,
        },
    ],
    "iam-no-wildcard-statements": [
        {
            title: "scoped failover policy (JSON string)", type: "aws:iam/rolePolicy:RolePolicy",
            props: { role: "fn", policy: JSON.stringify(allow(["route53:GetHealthCheck", "route53:UpdateHealthCheck"], "arn:aws:route53:::healthcheck/abc")) },
        },
        { title: "describe-style wildcard is not service-wide", type: "aws:iam/policy:Policy", props: { policy: allow("ec2:Describe*", "*") } },
        { title: "service wildcard on one ARN", type: "aws:iam/policy:Policy", props: { policy: allow("ssm:*", "arn:aws:ssm:us-east-2:123456789012:parameter/logscale-dr/*") } },
        { title: "deny statement with a wildcard", type: "aws:iam/policy:Policy", props: { policy: { Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] } } },
        { title: "policy not known during preview", type: "aws:iam/policy:Policy", props: { policy: UNKNOWN } },
        {
            title: "Action * on Resource *", type: "aws:iam/policy:Policy",
            props: { policy: JSON.stringify(allow("*", "*")) },
            fail: /policy: Statement\[0\] allows "\*" on Resource "\*"/,
        },
        {
            title: "route53:* on * in an inline role policy (single statement object)", type: "aws:iam/role:Role",
            props: { inlinePolicies: [{ name: "x", policy: JSON.stringify({ Statement: { Sid: "Dns", Effect: "Allow", Action: ["route53:GetHealthCheck", "route53:*"], Resource: ["*"] } }) }] },
            fail: /inlinePolicies\[0\]\.policy: Statement Dns allows "route53:\*" on Resource "\*"/,
        },
        {
            title: "NotAction on *", type: "aws:iam/rolePolicy:RolePolicy",
            props: { policy: { Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] } },
            fail: /allows everything except NotAction/,
        },
        {
            title: "document that is not JSON", type: "aws:iam/rolePolicy:RolePolicy",
            props: { policy: "{not json" },
            fail: /policy is not valid JSON/,
        },
    ],
    "azure-no-broad-role-assignments": [
        {
            title: "Traffic Manager Contributor on the profile", type: "azure-native:authorization:RoleAssignment",
            props: { principalId: "p", roleDefinitionId: roleDef(TM_CONTRIBUTOR), scope: `${SUB}/resourceGroups/dns/providers/Microsoft.Network/trafficManagerProfiles/logscale` },
        },
        {
            title: "Contributor on a resource group", type: "azure-native:authorization:RoleAssignment",
            props: { principalId: "p", roleDefinitionId: roleDef(CONTRIBUTOR), scope: `${SUB}/resourceGroups/logscale-secondary` },
        },
        { title: "scope not known yet", type: "azure-native:authorization:RoleAssignment", props: { principalId: "p", roleDefinitionId: roleDef(OWNER), scope: UNKNOWN } },
        {
            title: "Owner at subscription scope", type: "azure-native:authorization:RoleAssignment",
            props: { principalId: "p", roleDefinitionId: roleDef(OWNER), scope: SUB },
            fail: /assigns Owner at \/subscriptions\//,
        },
        {
            title: "Contributor at subscription scope (tenant-level role id, trailing slash)", type: "azure-native:authorization:RoleAssignment",
            props: { principalId: "p", roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR.toUpperCase()}`, scope: `${SUB}/` },
            fail: /assigns Contributor/,
        },
    ],
    "oci-no-broad-policies": [
        {
            title: "scoped failover statements", type: "oci:Identity/policy:Policy",
            props: { statements: [
                "Allow dynamic-group logscale-dr-fn to use dns-steering-policies in compartment id ocid1.compartment.oc1..x",
                "Allow any-user to use functions-family in compartment id ocid1.compartment.oc1..x where all {request.principal.type='onssubscription'}",
            ] },
        },
        {
            title: "manage all-resources", type: "oci:Identity/policy:Policy",
            props: { statements: ["Allow dynamic-group fn to MANAGE   all-resources in tenancy"] },
            fail: /statements\[0\] grants "manage all-resources"/,
        },
        {
            title: "any-user without where", type: "oci:Identity/policy:Policy",
            props: { statements: ["allow any-user to use functions-family in compartment id x"] },
            fail: /allows any-user without a where clause/,
        },
    ],
    "s3-public-access-blocked": [
        { title: "all four flags", type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", props: { bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } },
        {
            title: "restrictPublicBuckets missing, blockPublicPolicy false", type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            props: { bucket: "b", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true },
            fail: /^blockPublicPolicy, restrictPublicBuckets must be true/,
        },
    ],
    "s3-no-public-acls": [
        { title: "private bucket", type: "aws:s3/bucket:Bucket", props: { bucket: "logscale-primary", acl: "private" } },
        { title: "ACL granting the owner", type: "aws:s3/bucketAcl:BucketAcl", props: { bucket: "b", accessControlPolicy: { grants: [{ grantee: { type: "CanonicalUser", id: "abc" }, permission: "FULL_CONTROL" }], owner: { id: "abc" } } } },
        { title: "public-read canned ACL", type: "aws:s3/bucketAclV2:BucketAclV2", props: { bucket: "b", acl: "public-read" }, fail: /acl "public-read"/ },
        {
            title: "grant to AllUsers", type: "aws:s3/bucketAcl:BucketAcl",
            props: { bucket: "b", accessControlPolicy: { grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }] } },
            fail: /grant to http:\/\/acs\.amazonaws\.com\/groups\/global\/AllUsers/,
        },
        {
            title: "legacy bucket grants to AuthenticatedUsers", type: "aws:s3/bucketV2:BucketV2",
            props: { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", permissions: ["READ"] }] },
            fail: /AuthenticatedUsers makes the bucket public/,
        },
    ],
    "s3-no-public-bucket-policy": [
        {
            title: "deny insecure transport to everyone, allow a named role", type: "aws:s3/bucketPolicy:BucketPolicy",
            props: { bucket: "b", policy: JSON.stringify({ Statement: [
                { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/logscale" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
            ] }) },
        },
        {
            title: "Allow to AWS * without condition", type: "aws:s3/bucketPolicy:BucketPolicy",
            props: { bucket: "b", policy: { Statement: [{ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] } },
            fail: /Statement\[0\] allows Principal "\*" without a Condition/,
        },
    ],
    "azure-storage-account-private": [
        { title: "private TLS 1.2 account", type: "azure-native:storage:StorageAccount", props: { allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", kind: "StorageV2" } },
        {
            title: "defaults left to the service", type: "azure-native:storage:StorageAccount",
            props: { kind: "StorageV2" },
            fail: /allowBlobPublicAccess is undefined; set it to false/,
        },
        {
            title: "public blobs, TLS 1.0, HTTP allowed", type: "azure-native:storage:StorageAccount",
            props: { allowBlobPublicAccess: true, minimumTlsVersion: "TLS1_0", enableHttpsTrafficOnly: false },
            fail: /minimumTlsVersion is "TLS1_0"; set it to "TLS1_2"/,
        },
    ],
    "azure-blob-container-private": [
        { title: "publicAccess None", type: "azure-native:storage:BlobContainer", props: { accountName: "a", containerName: "logscale", publicAccess: "None" } },
        { title: "publicAccess Blob", type: "azure-native:storage:BlobContainer", props: { publicAccess: "Blob" }, fail: /publicAccess is "Blob"; set it to "None"/ },
    ],
    "oci-bucket-private": [
        { title: "NoPublicAccess", type: "oci:ObjectStorage/bucket:Bucket", props: { name: "logscale", namespace: "ns", accessType: "NoPublicAccess" } },
        { title: "ObjectRead", type: "oci:ObjectStorage/bucket:Bucket", props: { name: "logscale", accessType: "ObjectRead" }, fail: /accessType is "ObjectRead"/ },
        { title: "accessType left out", type: "oci:ObjectStorage/bucket:Bucket", props: { name: "logscale" }, fail: /accessType is undefined/ },
    ],
};

describe("policy rules", () => {
    it("every resource rule has at least one passing and one failing case", () => {
        for (const rule of RESOURCE_RULES) {
            const cases = CASES[rule.name] ?? [];
            assert.ok(cases.some(c => !c.fail), `${rule.name}: no passing case`);
            assert.ok(cases.some(c => c.fail), `${rule.name}: no failing case`);
        }
        assert.deepEqual(Object.keys(CASES).sort(), RESOURCE_RULES.map(r => r.name).sort());
    });

    for (const [name, cases] of Object.entries(CASES)) {
        describe(name, () => {
            for (const c of cases) {
                it(`${c.fail ? "fails" : "passes"}: ${c.title}`, () => {
                    const rule = RESOURCE_RULES.find(r => r.name === name)!;
                    assert.ok(rule.appliesTo(c.type), `${name} does not apply to ${c.type}`);
                    const messages = evaluateResource({ type: c.type, props: c.props }).filter(f => f.policy === name).map(f => f.message);
                    if (c.fail) {
                        assert.ok(messages.length > 0, "expected a violation");
                        assert.ok(messages.some(m => c.fail!.test(m)), `no message matches ${c.fail}: ${JSON.stringify(messages)}`);
                    } else {
                        assert.deepEqual(messages, []);
                    }
                });
            }
        });
    }

    it("a fully compliant standby HumioCluster breaks no rule at all", () => {
        assert.deepEqual(evaluateResource({ type: HC, props: humioCluster() }), []);
    });

    it("reports every violation of one HumioCluster, each under its own policy", () => {
        const props = humioCluster({
            env: [
                { name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: "1" },
                { name: "AZURE_STORAGE_ACCOUNTKEY", value: "k" },
                { name: "AZURE_STORAGE_ACCOUNTKEY", value: "k" },
            ],
        });
        const policies = evaluateResource({ type: HC, props }).map(f => f.policy).sort();
        assert.deepEqual(policies, [
            "humiocluster-keys-from-secrets",
            "humiocluster-keys-from-secrets",
            "humiocluster-no-kafka-reset-override",
            "humiocluster-unique-env-names",
        ]);
    });

    it("applies to every HumioCluster API version and to no other Kubernetes kind", () => {
        const bad = humioCluster({ env: [{ name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: "1" }] });
        assert.equal(evaluateResource({ type: "kubernetes:core.humio.com/v1beta1:HumioCluster", props: bad }).length, 1);
        assert.deepEqual(evaluateResource({ type: "kubernetes:apps/v1:Deployment", props: bad }), []);
    });

    it("skips env entries and lists that are unknown during preview", () => {
        const props = humioCluster({ env: [{ name: UNKNOWN, value: "x" }, { name: UNKNOWN, value: "y" }, UNKNOWN] });
        assert.deepEqual(evaluateResource({ type: HC, props }), []);
        assert.deepEqual(evaluateResource({ type: HC, props: { spec: UNKNOWN } }), []);
    });

    it("keeps its forbidden names in step with the config loader's", () => {
        assert.deepEqual(Object.keys(FORBIDDEN_ENV_VARS).sort(), [...CONFIG_FORBIDDEN].sort());
    });

    it("treats only secret-looking names as keys, with a short allowlist and pack config", () => {
        for (const n of ["S3_STORAGE_ENCRYPTION_KEY", "AZURE_STORAGE_ACCOUNTKEY", "S3_STORAGE_ACCESSKEY", "S3_STORAGE_SECRETKEY", "OIDC_CLIENT_SECRET", "KAFKA_COMMON_SSL_TRUSTSTORE_PASSWORD"]) {
            assert.ok(isSecretEnvName(n), n);
        }
        for (const n of ["S3_STORAGE_OBJECT_KEY_PREFIX", "AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX", "S3_STORAGE_BUCKET", "ENABLE_ALERTS", "OIDC_TOKEN_ENDPOINT_AUTH_METHOD"]) {
            assert.ok(!isSecretEnvName(n), n);
        }
        const props = humioCluster({ env: [{ name: "TLS_KEYSTORE_TYPE", value: "PKCS12" }] });
        assert.equal(evaluateResource({ type: HC, props }).length, 1);
        assert.deepEqual(evaluateResource({ type: HC, props }, { allowedPlainNames: ["TLS_KEYSTORE_TYPE"] }), []);
    });

    it("classifies AWS-managed policies and Azure scopes", () => {
        assert.ok(isBroadManagedPolicy("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        assert.ok(isBroadManagedPolicy("arn:aws:iam::aws:policy/job-function/SystemAdministrator"));
        assert.ok(isBroadManagedPolicy("arn:aws-cn:iam::aws:policy/AmazonCognitoPowerUser"));
        assert.ok(!isBroadManagedPolicy("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"));
        assert.ok(!isBroadManagedPolicy("arn:aws:iam::123456789012:policy/FullAccessToMyBucket"));
        assert.ok(isSubscriptionOrWiderScope("/providers/Microsoft.Management/managementGroups/root"));
        assert.ok(isSubscriptionOrWiderScope("/"));
        assert.ok(!isSubscriptionOrWiderScope(`${SUB}/resourceGroups/rg`));
    });
});

describe("policy stack rules", () => {
    const bucket = (name: string, bucketName?: string): StackResource => ({
        type: "aws:s3/bucket:Bucket", urn: `urn:pulumi:primary::logscale-dr::aws:s3/bucket:Bucket::${name}`, name, props: bucketName ? { bucket: bucketName } : {},
    });
    const block = (name: string, target: unknown, deps: string[] = []): StackResource => ({
        type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", urn: `urn:pulumi:primary::logscale-dr::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::${name}`, name,
        props: { bucket: target, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        propertyDependencies: { bucket: deps },
    });

    it("covers every stack rule with the cases below", () => {
        assert.deepEqual(STACK_RULES.map(r => r.name), ["s3-bucket-has-public-access-block"]);
    });

    it("passes when each bucket has a block, matched by dependency or by name", () => {
        const storage = bucket("storage");
        const logs = bucket("logs", "logscale-logs");
        const findings = evaluateStack([storage, logs, block("storage-pab", UNKNOWN, [storage.urn]), block("logs-pab", "logscale-logs")]);
        assert.deepEqual(findings, []);
    });

    it("passes when the stack declares an account-wide block with all four flags", () => {
        const account: StackResource = { ...block("account", undefined), type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", urn: "urn:account" };
        assert.deepEqual(evaluateStack([bucket("storage"), account]), []);
    });

    it("fails for the bucket without a block, naming it and its URN", () => {
        const storage = bucket("storage");
        const other = bucket("other");
        const findings = evaluateStack([storage, other, block("storage-pab", UNKNOWN, [storage.urn])]);
        assert.equal(findings.length, 1);
        assert.equal(findings[0].policy, "s3-bucket-has-public-access-block");
        assert.equal(findings[0].urn, other.urn);
        assert.match(findings[0].message, /S3 bucket other has no aws\.s3\.BucketPublicAccessBlock/);
    });

    it("runs resource rules too and attaches each finding to its resource", () => {
        const storage = bucket("storage");
        const weak = { ...block("storage-pab", UNKNOWN, [storage.urn]), props: { bucket: UNKNOWN, blockPublicAcls: true } };
        const findings = evaluateStack([storage, weak]);
        assert.deepEqual(findings.map(f => [f.policy, f.urn]), [["s3-public-access-blocked", weak.urn]]);
    });
});
