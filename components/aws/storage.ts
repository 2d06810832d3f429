import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { irsaTrustPolicy, logscaleStoragePolicy, tlsOnlyBucketPolicy } from "./policies";

export interface LogScaleStorageArgs {
    bucketName: pulumi.Input<string>;
    /** Buckets LogScale may read but never write (the primary's, on the secondary of a pair). */
    readOnlyBucketArns: pulumi.Input<string[]>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    namespace: string;
    /** LogScale's service accounts: the only subjects that may assume the role. */
    serviceAccounts: string[];
    tags: Record<string, string>;
}

/**
 * The cluster's bucket (encrypted, versioned, private, owner-enforced,
 * TLS-only), LogScale's own encryption key for segment files, and the IRSA
 * role LogScale's pods assume to reach the bucket(s).
 */
export class LogScaleStorage extends pulumi.ComponentResource {
    readonly bucket: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** Secret. Losing it makes every segment in the bucket unreadable. */
    readonly encryptionKey: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: LogScaleStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:LogScaleStorage", name, {}, opts);

        const bucket = new aws.s3.Bucket(`${name}-bucket`, {
            bucket: args.bucketName,
            forceDestroy: false,
            tags: args.tags,
        }, { parent: this });
        const child = { parent: this };
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket: bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, child);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, child);
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-sse`, {
            bucket: bucket.id,
            // SSE-S3; Bucket Keys only apply to SSE-KMS, so none is set.
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, child);
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
            bucket: bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, child);
        // Versions of deleted segments are a safety net, not an archive: they expire.
        new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
            bucket: bucket.id,
            rules: [{
                id: "expire-noncurrent-and-incomplete",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: 30 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            }],
        }, { parent: this, dependsOn: [versioning] });
        new aws.s3.BucketPolicy(`${name}-tls-only`, {
            bucket: bucket.id,
            policy: bucket.arn.apply(arn => JSON.stringify(tlsOnlyBucketPolicy(arn))),
        }, { parent: this, dependsOn: [publicAccess] });

        // Alphanumeric only: the key travels through env vars and Kubernetes Secrets.
        const key = new random.RandomPassword(`${name}-encryption-key`, { length: 64, special: false }, { parent: this });

        const role = new aws.iam.Role(`${name}-irsa`, {
            assumeRolePolicy: pulumi.all([args.oidcProviderArn, args.oidcIssuer]).apply(([arn, issuer]) =>
                JSON.stringify(irsaTrustPolicy(arn, issuer, args.namespace, args.serviceAccounts))),
            tags: args.tags,
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-irsa`, {
            role: role.id,
            policy: pulumi.all([bucket.arn, args.readOnlyBucketArns]).apply(([own, readOnly]) =>
                JSON.stringify(logscaleStoragePolicy(own, readOnly))),
        }, { parent: this });

        this.bucket = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.encryptionKey = pulumi.secret(key.result);
        this.roleArn = role.arn;
        this.registerOutputs({ bucket: this.bucket, bucketArn: this.bucketArn, encryptionKey: this.encryptionKey, roleArn: this.roleArn });
    }
}
