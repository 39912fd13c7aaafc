import type { Aws } from "./aws";

export type Props = Record<string, any>;

/**
 * How the stand-in serves one resource type: the AWS calls the real provider makes for it. `read`
 * returns what the provider reports from AWS (undefined once the resource is gone); the stand-in
 * adds the inputs it was given, as the provider's state does.
 */
export interface Handler {
    /** Inputs whose change replaces the resource (the provider schema's ForceNew). */
    forceNew: string[];
    create(aws: Aws, inputs: Props): Promise<string>;
    read(aws: Aws, id: string, state: Props): Promise<Props | undefined>;
    update?(aws: Aws, id: string, olds: Props, news: Props): Promise<void>;
    delete(aws: Aws, id: string, state: Props): Promise<void>;
}

/** An invoke (data source): its outputs, or a failure the engine reports as the provider's. */
export type Invoke = (aws: Aws, args: Props) => Promise<Props>;

/** Whether an input changed between two sets of inputs, compared as JSON. */
export function changed(olds: Props, news: Props, key: string): boolean {
    return JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
}
