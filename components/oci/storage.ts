import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { s3EndpointBase } from "./env";
import { storagePolicyStatements } from "./iam";

export interface OciStorageArgs {
    compartmentId: pulumi.Input<string>;
    tenancyId: pulumi.Input<string>;
    namespace: string;
    region: string;
    bucketName: string;
    userName: string;
    groupName: string;
    policyName: string;
    /** Provider of the tenancy's home region, where IAM writes must go. */
    homeProvider: pulumi.ProviderResource;
}

/**
 * The stack's Object Storage bucket and the credentials LogScale uses on it
 * through the S3 compatibility API: a dedicated IAM user in a group whose
 * only grant is this bucket, its customer secret key (the S3 key pair), and
 * LogScale's own encryption key. Every credential is a Pulumi secret.
 */
export class OciStorage extends pulumi.ComponentResource {
    public readonly bucket: pulumi.Output<string>;
    public readonly endpointBase: string;
    public readonly accessKeyId: pulumi.Output<string>;
    public readonly secretAccessKey: pulumi.Output<string>;
    public readonly encryptionKey: pulumi.Output<string>;

    constructor(name: string, args: OciStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:Storage", name, {}, opts);
        const child = { parent: this };
        const home = { parent: this, provider: args.homeProvider };

        const bucket = new oci.objectstorage.Bucket(`${name}-bucket`, {
            compartmentId: args.compartmentId,
            namespace: args.namespace,
            name: args.bucketName,
            accessType: "NoPublicAccess",
            storageTier: "Standard",
            // LogScale never overwrites a segment; versions would only pile up deleted ones.
            versioning: "Disabled",
            objectEventsEnabled: false,
        }, child);

        const user = new oci.identity.User(`${name}-user`, {
            compartmentId: args.tenancyId,
            name: args.userName,
            description: `LogScale bucket access (S3 compatibility API) for ${args.bucketName}`,
        }, home);
        const group = new oci.identity.Group(`${name}-group`, {
            compartmentId: args.tenancyId,
            name: args.groupName,
            description: `Members may use bucket ${args.bucketName} only`,
        }, home);
        const membership = new oci.identity.UserGroupMembership(`${name}-membership`, {
            compartmentId: args.tenancyId,
            groupId: group.id,
            userId: user.id,
        }, home);
        const policy = new oci.identity.Policy(`${name}-policy`, {
            compartmentId: args.compartmentId,
            name: args.policyName,
            description: `Read and write objects of ${args.bucketName}`,
            statements: pulumi.all([group.id, pulumi.output(args.compartmentId)]).apply(([g, c]) => storagePolicyStatements(g, c, args.bucketName)),
        }, home);
        const key = new oci.identity.CustomerSecretKey(`${name}-s3-key`, {
            userId: user.id,
            displayName: `${args.bucketName} LogScale`,
        }, { ...home, dependsOn: [membership, policy] });
        const encryption = new random.RandomPassword(`${name}-encryption-key`, { length: 64, special: false }, child);

        this.bucket = bucket.name;
        this.endpointBase = s3EndpointBase(args.namespace, args.region);
        this.accessKeyId = pulumi.secret(key.id);
        this.secretAccessKey = pulumi.secret(key.key);
        this.encryptionKey = pulumi.secret(encryption.result);
        this.registerOutputs({
            bucket: this.bucket,
            endpointBase: this.endpointBase,
            accessKeyId: this.accessKeyId,
            secretAccessKey: this.secretAccessKey,
            encryptionKey: this.encryptionKey,
        });
    }
}
