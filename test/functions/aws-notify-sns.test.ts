import * as assert from "assert";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { snsNotifier } from "../../functions/aws/notify-sns";
import { deliver } from "../../functions/core/notify";
import { memoryLogger } from "./fakes";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:logscale-secondary-dr-people";

describe("people's SNS topic (functions/aws/notify-sns)", () => {
    const sns = mockClient(SNSClient);
    afterEach(() => sns.reset());
    after(() => sns.restore());

    it("publishes subject, text and the event name to the topic, in the topic's region", async () => {
        sns.on(PublishCommand).resolves({ MessageId: "m-1" });
        await snsNotifier(TOPIC).publish("logscale: failover started", "text\n{}", "failover-started");
        const calls = sns.commandCalls(PublishCommand);
        assert.strictEqual(calls.length, 1);
        assert.deepStrictEqual(calls[0].args[0].input, {
            TopicArn: TOPIC,
            Subject: "logscale: failover started",
            Message: "text\n{}",
            MessageAttributes: { event: { DataType: "String", StringValue: "failover-started" } },
        });
        assert.strictEqual(await (calls[0].thisValue as SNSClient).config.region(), "eu-west-1");
    });

    it("a refused Publish is reported by deliver as a warning and never thrown", async () => {
        sns.on(PublishCommand).rejects(Object.assign(new Error("User is not authorized to perform: SNS:Publish"), { name: "AuthorizationError", $metadata: { httpStatusCode: 403 } }));
        const { log, lines } = memoryLogger();
        await deliver(snsNotifier(TOPIC), [{ event: "scaled", subject: "s", text: "t", result: {} }], log);
        assert.ok(lines.some(l => l.level === "warn" && JSON.stringify(l.fields).includes("not authorized")), JSON.stringify(lines));
    });

    it("a topic ARN without a region is an error naming the variable", async () => {
        await assert.rejects(snsNotifier("arn:aws:sns").publish("s", "t", "scaled"), /NOTIFY_TOPIC_ARN="arn:aws:sns" names no region/);
    });
});
