// People's messages on Azure. An action group has no API to publish a
// message through its email receivers, so the function's messages go to its
// own log (Application Insights traces, event "notify.message") and, when
// notifyWebhookUrl is set, as an HTTPS POST to it. The readiness alerts reach
// people through the people's action group itself (components/azure/readiness.ts).
import type { Notifier } from "../core/notify";
import type { Logger } from "../core/types";
import { exchange, httpStatusError, jsonPayload } from "../http/exchange";
import type { AzureFunctionConfig } from "./settings";

/** Short: a webhook that hangs must not hold the worker long after a failover decided. */
export const WEBHOOK_TIMEOUT_MS = 5000;

export interface AzureNotifierOptions {
    log: Logger;
    webhookUrl?: string;
    timeoutMs?: number;
}

/** The webhook's body: the same text people get by e-mail on the other clouds, and the event to route on. */
export interface WebhookMessage {
    source: "logscale-dr";
    event: string;
    subject: string;
    message: string;
}

export function azureNotifier(o: AzureNotifierOptions): Notifier {
    return {
        async publish(subject, message, event) {
            o.log("info", "notify.message", { notification: event, subject, message });
            if (o.webhookUrl === undefined) {
                return;
            }
            const url = new URL(o.webhookUrl);
            const body: WebhookMessage = { source: "logscale-dr", event, subject, message };
            const json = jsonPayload(body, "application/json");
            // The URL carries the receiver's token: errors name the host only.
            const where = `POST ${url.origin}`;
            const res = await exchange({ call: "notify.webhook", method: "POST", timeoutMs: o.timeoutMs ?? WEBHOOK_TIMEOUT_MS }, {
                url,
                headers: { accept: "*/*", ...json.headers },
                payload: json.payload,
                maxResponseBytes: 64 * 1024,
                where,
            });
            if (res.status < 200 || res.status > 299) {
                throw httpStatusError("notify.webhook", where, res.status, res.body.slice(0, 120));
            }
        },
    };
}

/** The people's channel of a run: the one a test passes, or the log plus the optional webhook. */
export function peopleNotifier(override: ((config: AzureFunctionConfig, log: Logger) => Notifier) | undefined, config: AzureFunctionConfig, log: Logger): Notifier {
    return override ? override(config, log) : azureNotifier({ log, webhookUrl: config.notifyWebhookUrl });
}
