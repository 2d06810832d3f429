import type { Notifier } from "../core/notify";
import { awsCall } from "./errors";
import { regionOfArn, sdkClientConfig } from "./platform";

/**
 * People's topic as a Notifier. The client is required inside the call so
 * the Lambda runtime's bundled SDK answers it (nothing is zipped), and it is
 * made in the topic's own region, which the ARN names.
 */
export function snsNotifier(topicArn: string): Notifier {
    let client: import("@aws-sdk/client-sns").SNSClient | undefined;
    return {
        async publish(subject, message, event) {
            const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns") as typeof import("@aws-sdk/client-sns");
            const region = regionOfArn(topicArn);
            if (!region) {
                throw new Error(`NOTIFY_TOPIC_ARN=${JSON.stringify(topicArn)} names no region; expected arn:aws:sns:<region>:<account>:<name>`);
            }
            client ??= new SNSClient(sdkClientConfig(region));
            await awsCall("sns.Publish", () => client!.send(new PublishCommand({
                TopicArn: topicArn,
                Subject: subject,
                Message: message,
                MessageAttributes: { event: { DataType: "String", StringValue: event } },
            })));
        },
    };
}
