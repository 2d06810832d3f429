import type { Notifier } from "../core/notify";
import { OciCall, ociBadAnswer, ociError, ociRequest, parseJson } from "./http";
import { OciCredentials } from "./signer";

/** ONS caps a message body at 64 KB; the JSON result is cut before that, the text never. */
export const ONS_BODY_MAX_BYTES = 64 * 1024 - 512;

/**
 * People's ONS topic as a Notifier: PublishMessage, signed with the
 * function's resource principal. The e-mail and webhook subscriptions are
 * the topic's; the function only publishes.
 */
export function onsNotifier(o: { endpoint: string; topicId: string; credentials: () => OciCredentials; timeoutMs: number }): Notifier {
    return {
        async publish(subject, message) {
            const req: OciCall = {
                call: "oci.ons.publishMessage",
                method: "POST",
                url: `${o.endpoint}/20181201/topics/${encodeURIComponent(o.topicId)}/messages`,
                body: { title: subject, body: clipBytes(message, ONS_BODY_MAX_BYTES) },
                headers: { messagetype: "RAW_TEXT" },
                timeoutMs: o.timeoutMs,
            };
            const res = await ociRequest(o.credentials, req);
            if (res.status !== 200 && res.status !== 202) throw ociError(req, res);
            const out = parseJson(req, res) as { messageId?: unknown } | null;
            if (typeof out?.messageId !== "string") throw ociBadAnswer(req, "no messageId in the answer");
        },
    };
}

function clipBytes(text: string, max: number): string {
    if (Buffer.byteLength(text) <= max) return text;
    const cut = Buffer.from(text).subarray(0, max - 40).toString("utf8").replace(/\uFFFD+$/, "");
    return `${cut}\n... (cut to fit the ${max}-byte message)`;
}
