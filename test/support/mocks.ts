/**
 * The one Pulumi mocks module, loaded once by mocha (.mocharc.json `require`): setMocks in several
 * test files would silently make the last one win. It records every resource the program
 * declares and answers only the invokes a test has registered: any other call fails the test.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { waitForRegistrations } from "../../runtime/sdkInternals";
import { skipSourcePositions } from "../../runtime/stackTraces";

skipSourcePositions();

export const ACCOUNT = "123456789012";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
    id: string;
}

export const recorded: RecordedResource[] = [];
const callHandlers = new Map<string, (inputs: Record<string, any>) => Record<string, any>>();
export const calls: { token: string; inputs: Record<string, any> }[] = [];

/** Answers invokes of `token` (e.g. "aws:iam/getRole:getRole") until the next test. */
export function onCall(
    token: string,
    handler: (inputs: Record<string, any>) => Record<string, any>,
): void {
    callHandlers.set(token, handler);
}

function fakeId(name: string): string {
    return createHash("sha256").update(name).digest("hex").slice(0, 7);
}

/** State a real provider would return, for the resource types the program declares. */
function fakeState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    const physical = inputs.name ?? `${name}-${fakeId(name)}`;
    const path = inputs.path ?? "/";
    switch (type) {
        case "aws:iam/role:Role":
            return { name: physical, arn: `arn:aws:iam::${ACCOUNT}:role${path}${physical}` };
        case "aws:iam/instanceProfile:InstanceProfile":
            return {
                name: physical,
                arn: `arn:aws:iam::${ACCOUNT}:instance-profile${path}${physical}`,
            };
        case "aws:iam/policy:Policy":
            return { name: physical, arn: `arn:aws:iam::${ACCOUNT}:policy${path}${physical}` };
        case "aws:iam/user:User":
            return { name: physical, arn: `arn:aws:iam::${ACCOUNT}:user${path}${physical}` };
        case "aws:iam/group:Group":
            return { name: physical, arn: `arn:aws:iam::${ACCOUNT}:group${path}${physical}` };
        case "aws:iam/accessKey:AccessKey":
            return inputs.pgpKey
                ? { encryptedSecret: `wcBMA-encrypted-${fakeId(name)}`, keyFingerprint: "fp" }
                : {
                      secret: `mock-secret-${fakeId(name)}`,
                      sesSmtpPasswordV4: `mock-smtp-${fakeId(name)}`,
                  };
        case "awsx:ec2:Vpc":
            return {
                vpcId: "vpc-0123",
                isolatedSubnetIds: ["subnet-isolated-a", "subnet-isolated-b"],
                routeTables: [{ id: "rtb-isolated-a" }, { id: "rtb-isolated-b" }],
            };
        case "aws:ssm/document:Document":
            return { arn: `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${inputs.name}` };
        default:
            return {};
    }
}

const testMocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs) {
        const state = { ...args.inputs, ...fakeState(args.type, args.name, args.inputs) };
        const id =
            args.type === "aws:iam/accessKey:AccessKey"
                ? `AKIA${fakeId(args.name).toUpperCase()}EXAMPLE`
                : `${args.name}-id`;
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, state, id });
        return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
        calls.push({ token: args.token, inputs: args.inputs });
        const handler = callHandlers.get(args.token);
        if (!handler) {
            throw new Error(
                `unexpected invoke ${args.token}: register it with onCall() in the test`,
            );
        }
        return handler(args.inputs);
    },
};
// Installed once, on load. The driver's offline plan, which also runs the program under mocks,
// installs its own in Pulumi runtime state of its own (automation/plan.ts), leaving these in force.
void pulumi.runtime.setMocks(testMocks, "ssm-access", "test", false);

/** The value of an output, awaited (no `done` callbacks); rejects when the output fails. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until every resource registration and invoke in flight has finished. */
export async function settled(): Promise<RecordedResource[]> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () =>
                reject(
                    new Error(
                        "registrations still pending after 10 s: an earlier failed output left work waiting (call discardFailedWork)",
                    ),
                ),
            10_000,
        );
    });
    try {
        await Promise.race([waitForRegistrations(), stuck]);
    } finally {
        clearTimeout(timer);
    }
    return recorded;
}

export function ofType(type: string): RecordedResource[] {
    return recorded.filter((r) => r.type === type);
}

export function one(type: string): RecordedResource {
    const found = ofType(type);
    if (found.length !== 1) {
        throw new Error(
            `expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
        );
    }
    return found[0];
}

/** Mocha root hooks: every test starts with no recorded resources and no call handlers. */
export const mochaHooks = {
    beforeEach(): void {
        recorded.length = 0;
        calls.length = 0;
        callHandlers.clear();
    },
};
