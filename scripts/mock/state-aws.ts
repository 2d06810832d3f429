import { createHash } from "crypto";
import type { NewResourceArgs } from "./engine";
import type { Config } from "./state";

const ACCOUNT = "123456789012";

export function awsState(args: NewResourceArgs, config: Config): Record<string, unknown> {
    const region = String(args.inputs.region ?? config["aws:region"] ?? "us-east-1");
    const [, mod, kind] = args.type.match(/^aws:([^/]+)\/([^:]+):/) ?? [];
    const name = String(args.inputs.name ?? args.name);
    const arnOf = (service: string, resource: string, global = false) =>
        `arn:aws:${service}:${global ? "" : region}:${global && service === "s3" ? "" : ACCOUNT}:${resource}`;
    const base: Record<string, unknown> = { name, arn: arnOf(mod ?? "aws", `${kind ?? "resource"}/${name}`), tagsAll: args.inputs.tags ?? {} };
    switch (args.type) {
        case "aws:iam/role:Role":
            return { ...base, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, uniqueId: `AROA${name.toUpperCase().slice(0, 16)}` };
        case "aws:iam/policy:Policy":
            return { ...base, arn: `arn:aws:iam::${ACCOUNT}:policy/${name}` };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return { ...base, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(args.inputs.url ?? "").replace(/^https:\/\//, "")}` };
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = String(args.inputs.bucket ?? `${args.name}-${region}`);
            return { ...base, bucket, id: bucket, arn: `arn:aws:s3:::${bucket}`, region, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` };
        }
        case "aws:eks/cluster:Cluster":
            return {
                ...base,
                arn: arnOf("eks", `cluster/${name}`),
                endpoint: `https://${name.toUpperCase()}0123456789.gr7.${region}.eks.amazonaws.com`,
                certificateAuthority: { data: Buffer.from(`mock-ca-for-${name}`).toString("base64") },
                identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/MOCK${name.toUpperCase()}` }] }],
                version: args.inputs.version ?? "1.35",
                status: "ACTIVE",
            };
        case "aws:eks/nodeGroup:NodeGroup":
            return { ...base, arn: arnOf("eks", `nodegroup/${args.inputs.clusterName}/${args.name}`), resources: [{ autoscalingGroups: [{ name: `eks-${args.name}-asg` }] }], status: "ACTIVE" };
        case "aws:lb/loadBalancer:LoadBalancer":
            return { ...base, arn: arnOf("elasticloadbalancing", `loadbalancer/net/${name}/0123456789abcdef`), dnsName: `${name}-0123456789abcdef.elb.${region}.amazonaws.com`, zoneId: "Z3AADJGX6KTTL2" };
        case "aws:lb/targetGroup:TargetGroup":
            return { ...base, arn: arnOf("elasticloadbalancing", `targetgroup/${name}/0123456789abcdef`) };
        case "aws:route53/zone:Zone":
            return { ...base, zoneId: "ZMOCK0000000001", nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"] };
        case "aws:route53/healthCheck:HealthCheck": {
            // Route 53 health check ids are UUIDs; the failover function validates that.
            const id = mockUuid(`healthcheck/${args.name}`);
            return { ...base, id, arn: `arn:aws:route53:::healthcheck/${id}` };
        }
        case "aws:lambda/function:Function":
            return { ...base, arn: arnOf("lambda", `function:${name}`), invokeArn: `arn:aws:apigateway:${region}:lambda:path/functions/${arnOf("lambda", `function:${name}`)}/invocations` };
        case "aws:sns/topic:Topic":
            return { ...base, arn: arnOf("sns", name) };
        case "aws:kms/key:Key":
            return { ...base, arn: arnOf("kms", `key/${args.name}-id`), keyId: `${args.name}-id` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { ...base, arn: arnOf("logs", `log-group:${name}`) };
        case "aws:ssm/parameter:Parameter":
            return { ...base, arn: arnOf("ssm", `parameter${name.startsWith("/") ? "" : "/"}${name}`) };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { ...base, arn: arnOf("cloudwatch", `alarm:${name}`) };
        case "aws:ec2/vpc:Vpc":
            return { ...base, defaultSecurityGroupId: `sg-${args.name}-default`, mainRouteTableId: `rtb-${args.name}-main` };
        case "aws:ec2/natGateway:NatGateway":
            return { ...base, publicIp: "203.0.113.10" };
        case "aws:ec2/eip:Eip":
            return { ...base, publicIp: "203.0.113.10", allocationId: `eipalloc-${args.name}` };
        default:
            return base;
    }
}

export function awsInvoke(token: string, inputs: Record<string, any>, config: Config): Record<string, unknown> {
    const region = String(inputs.region ?? config["aws:region"] ?? "us-east-1");
    switch (token) {
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/mock`, userId: "AIDAMOCK", id: ACCOUNT };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = ["a", "b", "c"].map(s => `${region}${s}`);
            return { names, zoneIds: names.map((_, i) => `${region.replace(/-/g, "")}-az${i + 1}`), id: region };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }), id: "policy" };
        default:
            return { ...inputs };
    }
}

/** A UUID derived from a name: stable across runs, so plans and StackReferences trace. */
export function mockUuid(name: string): string {
    const h = createHash("md5").update(name).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
