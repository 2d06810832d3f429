// IAM documents of the AWS stack (pure). Every statement names its resources;
// the only "*" resources are CloudWatch GetMetricStatistics and PutMetricData,
// which have no resource-level permissions in IAM (PutMetricData is held to
// one namespace by condition).

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource?: string | string[];
    Principal?: Record<string, string | string[]> | "*";
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

const doc = (...statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** AWS-managed policies, as ARNs in the partition. */
export function managedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The EKS service role needs exactly this one. */
export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"] as const;
/** The standard worker node policies, and nothing else. */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"] as const;
/** AWS-maintained policy of the EBS CSI driver (tag-conditioned EC2 volume calls), bound to its service account only. */
export const EBS_CSI_POLICY = "service-role/AmazonEBSCSIDriverPolicy";

/** Trust policy of a role assumed by an AWS service. */
export function serviceTrustPolicy(service: string, sourceAccount?: string): PolicyDocument {
    return doc({
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    });
}

/**
 * IRSA trust: only the named service accounts of one namespace, through the
 * cluster's OIDC provider, with the STS audience.
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccounts: string[]): PolicyDocument {
    if (serviceAccounts.length === 0) throw new Error("irsaTrustPolicy: at least one service account is required");
    const issuer = issuerUrl.replace(/^https:\/\//, "");
    const subjects = serviceAccounts.map(sa => `system:serviceaccount:${namespace}:${sa}`);
    return doc({
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${issuer}:aud`]: "sts.amazonaws.com",
                [`${issuer}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
            },
        },
    });
}

/**
 * LogScale's access: read/write on its own bucket; read-only on the buckets it
 * recovers from (the primary's, for a standby). LogScale marks a recovered
 * bucket readOnly itself; IAM makes sure of it.
 */
export function logscaleStoragePolicy(ownBucketArn: string, readOnlyBucketArns: string[]): PolicyDocument {
    const statements: Statement[] = [
        { Sid: "OwnBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: ownBucketArn },
        {
            Sid: "OwnObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            Resource: `${ownBucketArn}/*`,
        },
    ];
    const others = readOnlyBucketArns.filter(a => a !== ownBucketArn);
    if (others.length > 0) {
        statements.push(
            { Sid: "RecoverFromBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: others },
            { Sid: "RecoverFromObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: others.map(a => `${a}/*`) },
        );
    }
    return doc(...statements);
}

/** Bucket policy: refuse any request that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return doc({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

/** Envelope encryption of Kubernetes Secrets: the EKS service role uses the one key. */
export function eksSecretsKeyPolicy(keyArn: string): PolicyDocument {
    return doc({
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn,
    });
}

export interface FailoverPolicyArgs {
    partition: string;
    /** Region of the function, its parameter, log group and cluster. */
    region: string;
    accountId: string;
    primaryHealthCheckId: string;
    secondaryHealthCheckId: string;
    functionName: string;
    parameterName: string;
    logGroupName: string;
    /** The failover alarm, by name (names.ts), so the policy does not wait on the alarm that waits on the function. */
    alarmName: string;
    /** Where the alarm lives: Route 53's metrics region (us-east-1). */
    alarmRegion: string;
    kmsKeyArn: string;
    /** The topic for people (names.notifyTopic), in `region`. */
    notifyTopicName: string;
    /** The SSM parameter of the last readiness verdict (names.readinessParameter). */
    readinessParameterName: string;
}

/** CloudWatch namespace of the readiness metric; PutMetricData is allowed there only. */
export const READINESS_NAMESPACE = "LogScaleDR";

export const healthCheckArn = (partition: string, id: string) => `arn:${partition}:route53:::healthcheck/${id}`;

/**
 * The failover function's only permissions: read and lock the one primary
 * health check, read the secondary's status, read Route 53 metrics, set its
 * own alarm back to OK, the one cooldown parameter, re-invoke itself while
 * the holdoff runs, write its own logs and decrypt its own environment; for
 * the readiness self-test, its verdict parameter, the LogScaleDR metric
 * namespace and the topic for people.
 * Nothing for EKS: the cluster's endpoint and CA come in the environment,
 * and Kubernetes access is the namespaced access entry.
 */
export function failoverFunctionPolicy(a: FailoverPolicyArgs): PolicyDocument {
    const regional = (service: string, resource: string) => `arn:${a.partition}:${service}:${a.region}:${a.accountId}:${resource}`;
    for (const p of [a.parameterName, a.readinessParameterName]) {
        if (!p.startsWith("/")) throw new Error(`failoverFunctionPolicy: parameter name "${p}" must start with "/"`);
    }
    return doc(
        {
            Sid: "PrimaryHealthCheck",
            Effect: "Allow",
            Action: ["route53:GetHealthCheck", "route53:GetHealthCheckStatus", "route53:UpdateHealthCheck"],
            Resource: healthCheckArn(a.partition, a.primaryHealthCheckId),
        },
        {
            Sid: "SecondaryHealthCheck",
            Effect: "Allow",
            Action: ["route53:GetHealthCheckStatus"],
            Resource: healthCheckArn(a.partition, a.secondaryHealthCheckId),
        },
        { Sid: "HealthCheckMetrics", Effect: "Allow", Action: ["cloudwatch:GetMetricStatistics"], Resource: "*" },
        { Sid: "Cooldown", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: regional("ssm", `parameter${a.parameterName}`) },
        { Sid: "ReadinessVerdict", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: regional("ssm", `parameter${a.readinessParameterName}`) },
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        {
            Sid: "ReadinessMetric",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": READINESS_NAMESPACE } },
        },
        { Sid: "NotifyPeople", Effect: "Allow", Action: ["sns:Publish"], Resource: regional("sns", a.notifyTopicName) },
        {
            Sid: "RearmAlarm",
            Effect: "Allow",
            Action: ["cloudwatch:SetAlarmState"],
            Resource: `arn:${a.partition}:cloudwatch:${a.alarmRegion}:${a.accountId}:alarm:${a.alarmName}`,
        },
        { Sid: "Recheck", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: regional("lambda", `function:${a.functionName}`) },
        {
            Sid: "Logs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: regional("logs", `log-group:${a.logGroupName}:*`),
        },
        { Sid: "Environment", Effect: "Allow", Action: ["kms:Decrypt"], Resource: a.kmsKeyArn },
    );
}
