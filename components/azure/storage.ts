import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AzureBucket, blobEndpointBase } from "./env";

export interface LogScaleStorageArgs {
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** Physical storage account name (storageAccountName()). */
    accountName: pulumi.Input<string>;
    containerName: string;
}

/** Blob container LogScale writes segments and global snapshots to. */
export const LOGSCALE_CONTAINER = "logscale";

/**
 * The storage account and container of this cluster's LogScale, and the two
 * secrets LogScale needs for it: the account key (LogScale authenticates to
 * Blob storage with it) and the encryption key of the objects it writes.
 * Both stay Pulumi secrets from here to the Kubernetes Secret.
 */
export class LogScaleStorage extends pulumi.ComponentResource implements AzureBucket {
    public readonly accountName: pulumi.Output<string>;
    public readonly container: pulumi.Output<string>;
    public readonly endpointBase: pulumi.Output<string>;
    public readonly accountKey: pulumi.Output<string>;
    public readonly encryptionKey: pulumi.Output<string>;
    public readonly accountId: pulumi.Output<string>;

    constructor(name: string, args: LogScaleStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:azure:Storage", name, {}, opts);
        const child = { parent: this };

        const account = new storage.StorageAccount(`${name}-account`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            accountName: args.accountName,
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            accessTier: "Hot",
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            allowBlobPublicAccess: false,
            // LogScale authenticates to Blob storage with the account key
            // (AZURE_STORAGE_ACCOUNTKEY), and so does the peer recovering from it.
            allowSharedKeyAccess: true,
            allowCrossTenantReplication: false,
            defaultToOAuthAuthentication: true,
        }, child);
        const container = new storage.BlobContainer(`${name}-container`, {
            resourceGroupName: args.resourceGroupName,
            accountName: account.name,
            containerName: args.containerName,
            publicAccess: "None",
        }, child);

        const keys = storage.listStorageAccountKeysOutput({ resourceGroupName: args.resourceGroupName, accountName: account.name }, { parent: this });
        this.accountKey = pulumi.secret(keys.apply(k => {
            const key = k.keys.find(x => x.keyName === "key1") ?? k.keys[0];
            if (!key?.value) {
                throw new Error(`storage account ${JSON.stringify(args.accountName)} returned no account key`);
            }
            return key.value;
        }));
        // Never rotated by Pulumi: changing it makes every object written so far unreadable.
        const encryption = new random.RandomPassword(`${name}-encryption-key`, { length: 64, special: false }, child);
        this.encryptionKey = pulumi.secret(encryption.result);

        this.accountName = account.name;
        this.accountId = account.id;
        this.container = container.name;
        this.endpointBase = account.name.apply(blobEndpointBase);
        this.registerOutputs({
            accountName: this.accountName,
            container: this.container,
            endpointBase: this.endpointBase,
            accountKey: this.accountKey,
            encryptionKey: this.encryptionKey,
        });
    }
}
