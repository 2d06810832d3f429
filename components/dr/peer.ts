import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../../config/load";
import { PEER_OUTPUTS } from "./contract";

/** A peer stack's outputs, each an Output<string> (undefined stays undefined for optional ones). */
export interface PeerStack {
    /** The peer stack's name as configured, or "(fallback config)". */
    readonly name: string;
    output(name: string): pulumi.Output<string>;
    optionalOutput(name: string): pulumi.Output<string | undefined>;
    /**
     * An optional output whose presence decides whether a resource or env var
     * exists at all: its value when known (a StackReference's outputs and
     * fallback config are known in previews too), else the Output, which stays
     * unknown only in a preview whose peer is itself being created.
     */
    optionalValue(name: string): Promise<string | undefined | pulumi.Output<string | undefined>>;
}

export class PeerOutputError extends Error {
    constructor(readonly stack: string, readonly output: string, readonly why: string) {
        super(`stack "${stack}" has no usable output "${output}": ${why}`);
        this.name = "PeerOutputError";
    }
}

/**
 * Reads the peer through a StackReference. A missing required output fails the
 * deployment with an error naming the stack and the output; outputs marked
 * secret in the contract stay secret even if the peer exported them plain.
 */
export function stackPeer(name: string, cloud: Cloud, opts?: pulumi.CustomResourceOptions): PeerStack {
    const ref = new pulumi.StackReference(`peer-${name.replace(/[^A-Za-z0-9-]/g, "-")}`, { name }, opts);
    const contract = PEER_OUTPUTS[cloud];
    const secretOf = <T>(out: string, o: pulumi.Output<T>) => contract.secret.includes(out) ? pulumi.secret(o) : o;
    return {
        name,
        output: (out) => secretOf(out, ref.getOutput(out).apply(v => {
            if (v === undefined || v === null || v === "") {
                throw new PeerOutputError(name, out, `required by a ${cloud} stack paired with it; deploy "${name}" first or check that it is a ${cloud} logscale-dr stack`);
            }
            if (typeof v !== "string") throw new PeerOutputError(name, out, `expected a string, got ${typeof v}`);
            return v;
        })),
        optionalOutput: (out) => secretOf(out, ref.getOutput(out).apply(v => (v === undefined || v === null || v === "" ? undefined : String(v)))),
        optionalValue(out) {
            return settledValue(this.optionalOutput(out));
        },
    };
}

/** The peer given by hand in config (standby fallback values); missing required values are errors too. */
export function fallbackPeer(values: Record<string, pulumi.Input<string> | undefined>, label = "(fallback config)"): PeerStack {
    return {
        name: label,
        output: (out) => {
            const v = values[out];
            if (v === undefined) {
                throw new PeerOutputError(label, out, `set logscale-dr:primary${out[0].toUpperCase()}${out.slice(1)} or use primaryStack`);
            }
            return pulumi.output(v);
        },
        optionalOutput: (out) => pulumi.output(values[out]),
        optionalValue(out) {
            return settledValue(this.optionalOutput(out));
        },
    };
}

async function settledValue<T>(o: pulumi.Output<T>): Promise<T | pulumi.Output<T>> {
    // `isKnown` and `promise` are the SDK's own accessors: Output's public
    // interface has no awaitable form.
    const impl = o as unknown as { isKnown: Promise<boolean>; promise(withUnknowns?: boolean): Promise<T> };
    const [known, value] = await Promise.all([impl.isKnown, impl.promise(true)]);
    return known ? value : o;
}
