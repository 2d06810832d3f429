import { errorMessage } from "./retry";
import { ReadinessResult } from "./readiness";
import type { RecoveryOutcome } from "./recovery";
import { FailoverResult, Logger } from "./types";

// Messages for people, apart from the trigger path: what the failover did or
// why it did not, and the standby's readiness turning bad or good again.
// Each message is a subject line, a few sentences, and the JSON result.

export type NotificationEvent =
    | "failover-started"
    | "failover-skipped"
    | "scaled"
    | "dns-lock-failed"
    | "recovered"
    | "recovery-not-confirmed"
    | "readiness-failed"
    | "readiness-back";

export interface Notification {
    event: NotificationEvent;
    /** One printable ASCII line of at most SUBJECT_MAX characters. */
    subject: string;
    text: string;
    /** The run's result, appended as JSON. */
    result: unknown;
}

/** Delivers one message; the cloud adapter (SNS, action group, ONS) implements it. */
export interface Notifier {
    publish(subject: string, message: string, event: NotificationEvent): Promise<void>;
}

/** SNS: ASCII, no line breaks, fewer than 100 characters. */
export const SUBJECT_MAX = 99;

export interface FailoverRunContext {
    /** The standby's cluster (names it in every subject). */
    cluster: string;
    /** 0: the alarm's invocation, the first run of an incident; n: the n-th recheck of it. */
    attempt: number;
}

/** Text and JSON, as the message body. */
export function renderMessage(n: Notification): string {
    return `${n.text}\n\n${JSON.stringify(n.result, null, 2)}`;
}

/**
 * The messages one failover run owes people, in the order they happened.
 * A skip is told once per incident: on the incident's first run (attempt 0),
 * or when a recheck ends it with the primary healthy again. The rechecks in
 * between repeat the same wait every few minutes and stay quiet; the alarm
 * fires again (a new incident) only after the function re-armed it.
 */
export function failoverNotifications(result: FailoverResult, ctx: FailoverRunContext): Notification[] {
    const out: Notification[] = [];
    const subject = (what: string) => clip(`LogScale DR ${ctx.cluster}: ${what}`);
    const steps = result.stepsDone ?? [];
    const started = steps.includes("delete-tls-secret") || steps.includes("scale") || result.operatorScaled;
    if (started) {
        out.push({
            event: "failover-started",
            subject: subject("failover started"),
            text: `The standby ${ctx.cluster} started a failover: ${result.reason}. ` +
                (result.primary ? `The primary was failing for ${result.primary.failingForSeconds}s. ` : "") +
                "LogScale on the standby recovers from the primary's bucket; follow the run in the function's log.",
            result,
        });
    }
    if (result.operatorScaled) {
        out.push({
            event: "scaled",
            subject: subject("humio-operator scaled to 1"),
            text: `humio-operator on ${ctx.cluster} was scaled from ${result.operatorReplicasBefore ?? 0} to 1; it now starts LogScale from the primary's snapshot. ` +
                (result.dnsLocked ? "DNS is locked on this standby." : "DNS is not locked yet."),
            result,
        });
    }
    if (result.dnsLockError) {
        out.push({
            event: "dns-lock-failed",
            subject: subject("DNS lock failed"),
            text: `The failover on ${ctx.cluster} stands, but locking DNS on the standby failed: ${result.dnsLockError}. ` +
                "Until it is locked, DNS can send users back to the primary when its health check passes again. " +
                "The next run retries the lock; to lock by hand, follow the runbook's manual failover.",
            result,
        });
    }
    if (!started && isSkip(result.decision) && (ctx.attempt === 0 || result.decision === "primary-healthy")) {
        out.push({
            event: "failover-skipped",
            subject: subject(`no failover (${result.decision})`),
            text: `${skipText(result, ctx.attempt)} Reason: ${result.reason}.`,
            result,
        });
    }
    return out;
}

function isSkip(decision: FailoverResult["decision"]): boolean {
    return decision === "primary-healthy" || decision === "holdoff-pending" || decision === "secondary-unhealthy"
        || decision === "cooldown" || decision === "already-failed-over";
}

function skipText(result: FailoverResult, attempt: number): string {
    switch (result.decision) {
        case "primary-healthy":
            return attempt === 0
                ? "The primary's alarm fired, but its health check passed when the function looked: nothing was changed and the alarm was re-armed."
                : "The primary recovered before the holdoff ran out: no failover, the alarm was re-armed.";
        case "holdoff-pending":
            return `The primary is failing (${result.primary?.failingForSeconds ?? 0}s so far) but not yet for the whole holdoff; ` +
                "the function keeps checking and fails over when it is met. No further message until it acts or the primary recovers.";
        case "secondary-unhealthy":
            return "The primary is failing, but the standby's own health check fails too, so the function does not fail over onto it; it keeps checking.";
        case "cooldown":
            return "The primary is failing, but a failover happened within the cooldown; the function waits for it to pass.";
        default:
            return "This standby has already failed over (humio-operator is at 1); nothing was changed.";
    }
}

/**
 * The readiness message owed for a change of verdict: "failed" when it turns
 * not-ready (also on the first run when it starts out not-ready), "back" when
 * it turns ready again; none while it stays the same, so a standing problem
 * is told once and the alarm carries it from there.
 */
export function readinessNotification(result: ReadinessResult, previousReady: boolean | undefined, cluster: string): Notification | undefined {
    const failed = result.checks.filter(c => c.verdict === "fail");
    if (!result.ready && previousReady !== false) {
        return {
            event: "readiness-failed",
            subject: clip(`LogScale DR ${cluster}: standby NOT ready (${failed.map(c => c.name).join(", ")})`),
            text: `The standby ${cluster} could not take over right now. Failing checks:\n` +
                failed.map(c => `- ${c.name}: ${c.reason}`).join("\n") +
                "\nSee \"When readiness fails\" in your cloud's page (docs/aws.md, docs/azure.md, docs/oci.md) for what each check needs.",
            result,
        };
    }
    if (result.ready && previousReady === false) {
        return {
            event: "readiness-back",
            subject: clip(`LogScale DR ${cluster}: standby ready again`),
            text: `Every readiness check of the standby ${cluster} passes again; it can take over.`,
            result,
        };
    }
    return undefined;
}

/**
 * The message owed when a followed recovery ended in this run: LogScale
 * ready, with the measured phases beside the model, or not ready by the
 * deadline. Nothing while it is still being watched.
 */
export function recoveryNotification(outcome: RecoveryOutcome, cluster: string): Notification | undefined {
    if (!outcome.changed) return undefined;
    const p = outcome.phases ?? {};
    const s = (v: number | undefined) => (v === undefined ? "n/a" : `${v}s`);
    const table = [
        `- detection and holdoff (primary first failing -> decision): ${s(p.detectionSeconds)}`,
        `- decision -> operator scaled: ${s(p.actSeconds)}${p.tlsSecretSeconds !== undefined ? ` (TLS secret deleted after ${s(p.tlsSecretSeconds)})` : ""}`,
        `- scaled -> DNS locked: ${s(p.dnsLockSeconds)}`,
        `- scaled -> LogScale ready: ${s(p.recoverySeconds)}`,
    ].join("\n");
    if (outcome.state === "recovered") {
        const vs = outcome.expectedSeconds === undefined ? "" : ` against ${outcome.expectedSeconds}s expected (${(outcome.versusExpectedSeconds ?? 0) >= 0 ? "+" : ""}${outcome.versusExpectedSeconds}s)`;
        return {
            event: "recovered",
            subject: clip(`LogScale DR ${cluster}: LogScale recovered, failover took ${s(p.totalSeconds)}`),
            text: `LogScale on the standby ${cluster} answers /api/v1/status OK. Measured failover: ${s(p.totalSeconds)}${vs}.\n${table}\n` +
                "The pair stays failed over; failback is a separate, deliberate step (npm run failback).",
            result: outcome,
        };
    }
    if (outcome.state === "not-confirmed") {
        return {
            event: "recovery-not-confirmed",
            subject: clip(`LogScale DR ${cluster}: recovery NOT confirmed by the deadline`),
            text: `humio-operator on ${cluster} was scaled, but LogScale did not answer /api/v1/status OK before the deadline: ${outcome.detail}.\n${table}\n` +
                "Check the LogScale pods and their DataSnapshotLoader lines (runbook: failover verification).",
            result: outcome,
        };
    }
    return undefined;
}

/**
 * Sends in order, one at a time, and never throws: a message that cannot be
 * delivered is logged (warn) and the rest still go out, so notifications can
 * neither block nor change what the failover decided.
 */
export async function deliver(notifier: Notifier | undefined, notifications: Notification[], log: Logger): Promise<{ sent: NotificationEvent[]; failed: NotificationEvent[] }> {
    const sent: NotificationEvent[] = [];
    const failed: NotificationEvent[] = [];
    if (!notifier || notifications.length === 0) {
        return { sent, failed };
    }
    for (const n of notifications) {
        try {
            await notifier.publish(n.subject, renderMessage(n), n.event);
            sent.push(n.event);
        } catch (err) {
            failed.push(n.event);
            log("warn", "notify.failed", { notification: n.event, error: errorMessage(err) });
        }
    }
    log("info", "notify.done", { sent, failed });
    return { sent, failed };
}

function clip(subject: string): string {
    // SNS refuses the whole Publish for a bad Subject, so it is made safe here.
    const line = subject.replace(/[\r\n]+/g, " ").replace(/[^\x20-\x7e]/g, "?");
    return line.length <= SUBJECT_MAX ? line : line.slice(0, SUBJECT_MAX - 3) + "...";
}
