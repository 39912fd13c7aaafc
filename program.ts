import * as pulumi from "@pulumi/pulumi";
import { InstanceAccess } from "./components/instanceAccess";
import { PrivateNetwork } from "./components/privateNetwork";
import { Relaunch, SourceAttributes } from "./components/relaunch";
import { lookUpSource, resolveKmsKey, unanswered } from "./components/relaunchSource";
import { RunCommandUsers, UserOutput } from "./components/runCommandUsers";
import { StackArgs, loadStackArgs } from "./config";

/** What a stack exports; the driver and the README document this shape. */
export interface StackOutputs {
    instanceRoleName?: pulumi.Output<string>;
    instanceRoleArn?: pulumi.Output<string>;
    instanceProfileName?: pulumi.Output<string>;
    instanceProfileArn?: pulumi.Output<string>;
    instancePolicyArns: pulumi.Output<string[]>;
    defaultHostManagementRoleArn?: pulumi.Output<string>;
    /** Per user: { userName, arn, level, group, accessKeys: { slot: { accessKeyId, secret | encryptedSecret } } }. */
    runCommandUsers: Record<string, UserOutput>;
    /** Document name to ARN, for the documents created for operators. */
    runCommandDocuments: Record<string, pulumi.Output<string>>;
    /** Per source instance id: the image and the replacement launched from it with the profile. */
    relaunched: Record<
        string,
        { imageId: pulumi.Output<string>; replacementId: pulumi.Output<string> }
    >;
    /** The private network, when the stack configures one. */
    privateNetwork?: {
        vpcId: pulumi.Output<string>;
        subnetIds: pulumi.Output<string[]>;
        instanceSecurityGroupId: pulumi.Output<string>;
    };
}

/** The stack outputs as read back from the engine (what `pulumi stack output --json` shows). */
export type StackOutputValues = pulumi.Unwrap<StackOutputs>;

/**
 * The program: the running stack's configuration, validated, then every resource. `index.ts`,
 * the driver's inline program and the offline plan all run this.
 */
export async function runProgram(
    load: () => Promise<StackArgs> = loadStackArgs,
): Promise<StackOutputs> {
    const config = await load();
    config.idle.forEach((sentence) => void pulumi.log.warn(sentence));
    return declareStack(config, await lookUpRelaunches(config));
}

/** What each relaunch entry needs from AWS, by source instance id. */
export type RelaunchLookups = Record<
    string,
    { source: pulumi.Input<SourceAttributes>; kmsKeyArn?: pulumi.Input<string> }
>;

/**
 * Reads every relaunch source and KMS key before any resource is declared. A failed lookup then
 * fails the program at once with one line; a failed invoke feeding a resource's inputs would
 * leave that resource's registration waiting for ever in an inline (Automation API) program.
 */
export async function lookUpRelaunches(config: StackArgs): Promise<RelaunchLookups> {
    const found = await Promise.all(
        config.relaunch.map(async (r, i) => {
            const label = `ssm-access:relaunch[${i}]`;
            const [source, kmsKeyArn] = await Promise.all([
                lookUpSource({
                    instanceId: r.instanceId,
                    region: config.region,
                    stack: config.stack,
                    label,
                    replaceInstanceProfile: r.replaceInstanceProfile,
                    network:
                        r.subnetId && r.securityGroupIds
                            ? { subnetId: r.subnetId, securityGroupIds: r.securityGroupIds }
                            : undefined,
                }),
                r.kmsKeyId ? resolveKmsKey(r.kmsKeyId, label, config.region) : undefined,
            ]);
            return [
                r.instanceId,
                { source: source ?? unanswered<SourceAttributes>(), kmsKeyArn },
            ] as const;
        }),
    );
    return Object.fromEntries(found);
}

/** Declares every resource of a stack from its validated configuration and lookups. */
export function declareStack(config: StackArgs, lookups: RelaunchLookups = {}): StackOutputs {
    const prefix = `ssm-access-${config.stack}`;
    const tags = { ...config.tags, "ssm-access:stack": config.stack };
    const instance = new InstanceAccess(`${prefix}-instance`, {
        ...config.instanceAccess,
        partition: config.partition,
        region: config.region,
        tags,
    });
    const users = new RunCommandUsers(`${prefix}-users`, {
        ...config.runCommand,
        partition: config.partition,
        groupPrefix: prefix,
        tags,
    });
    const network = config.privateNetwork
        ? new PrivateNetwork(`${prefix}-network`, {
              ...config.privateNetwork,
              region: config.region,
              tags,
          })
        : undefined;
    const relaunched: StackOutputs["relaunched"] = {};
    for (const r of config.relaunch) {
        if (!instance.ready) {
            throw new pulumi.RunError(
                `relaunch of ${r.instanceId} needs an instance profile; this stack creates none`,
            );
        }
        const looked =
            lookups[r.instanceId] ??
            fail(`relaunch of ${r.instanceId} was declared without looking its source up`);
        const relaunch = new Relaunch(`${prefix}-relaunch-${r.instanceId}`, {
            instanceId: r.instanceId,
            source: looked.source,
            instanceProfile: instance.ready,
            region: config.region,
            instanceType: r.instanceType,
            subnetId: r.privateNetwork ? network!.subnetIds[0] : r.subnetId,
            securityGroupIds: r.privateNetwork
                ? [network!.instanceSecurityGroupId]
                : r.securityGroupIds,
            // An isolated subnet has no internet gateway: a public address would be useless.
            associatePublicIpAddress: r.privateNetwork ? false : undefined,
            noReboot: r.noReboot,
            copyUserData: r.copyUserData,
            kmsKeyArn: looked.kmsKeyArn,
            tags,
        });
        relaunched[r.instanceId] = {
            imageId: relaunch.imageId,
            replacementId: relaunch.replacementId,
        };
    }
    const outputs: StackOutputs = {
        instanceRoleName: instance.roleName,
        instanceRoleArn: instance.roleArn,
        instanceProfileName: instance.ready,
        instanceProfileArn: instance.instanceProfileArn,
        instancePolicyArns: instance.attachedPolicyArns,
        defaultHostManagementRoleArn: instance.defaultHostManagementRoleArn,
        runCommandUsers: users.users,
        runCommandDocuments: users.documentArns,
        relaunched,
        privateNetwork: network && {
            vpcId: network.vpcId,
            subnetIds: network.subnetIds,
            instanceSecurityGroupId: network.instanceSecurityGroupId,
        },
    };
    return withoutUndefined(outputs);
}

function fail(message: string): never {
    throw new pulumi.RunError(message);
}

/** Stack outputs without the keys a stack's configuration leaves empty (the engine warns on them). */
function withoutUndefined<T extends object>(outputs: T): T {
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as T;
}
