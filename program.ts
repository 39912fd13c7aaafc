import * as pulumi from "@pulumi/pulumi";
import { InstanceAccess } from "./components/instanceAccess";
import { PrivateNetwork } from "./components/privateNetwork";
import { Relaunch } from "./components/relaunch";
import { RunCommandUsers, UserOutput } from "./components/runCommandUsers";
import { StackConfig } from "./config";

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
}

/** Declares every resource of a stack from its validated configuration. */
export function declareStack(config: StackConfig): StackOutputs {
    const prefix = `ssm-access-${config.stack}`;
    const ia = config.instanceAccess;
    const tags = { ...config.tags, "ssm-access:stack": config.stack };
    const instance = new InstanceAccess(`${prefix}-instance`, {
        partition: config.partition,
        region: config.region,
        mode: ia.mode,
        existingRoleName: ia.existingRoleName,
        existingInstanceProfileName: ia.existingInstanceProfileName,
        roleName: ia.roleName,
        rolePath: ia.rolePath,
        permissionsBoundaryArn: ia.permissionsBoundaryArn,
        maxSessionDurationSeconds: ia.maxSessionDurationSeconds,
        additionalPolicyArns: ia.additionalPolicyArns,
        output: ia.output,
        defaultHostManagement: ia.defaultHostManagement,
        tags,
    });
    const rc = config.runCommand;
    const users = new RunCommandUsers(`${prefix}-users`, {
        partition: config.partition,
        users: rc.users,
        documents: rc.documents,
        operatorAccess: rc.operatorAccess,
        useManagedPolicies: rc.useManagedUserPolicies,
        pgpKey: rc.pgpKey,
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
        const relaunch = new Relaunch(`${prefix}-relaunch-${r.instanceId}`, {
            instanceId: r.instanceId,
            instanceProfile: instance.ready,
            region: config.region,
            instanceType: r.instanceType,
            subnetId: r.privateNetwork ? network!.subnetIds[0] : r.subnetId,
            securityGroupIds: r.privateNetwork ? [network!.instanceSecurityGroupId] : undefined,
            noReboot: r.noReboot,
            kmsKeyId: r.kmsKeyId,
            tags,
        });
        relaunched[r.instanceId] = {
            imageId: relaunch.imageId,
            replacementId: relaunch.replacementId,
        };
    }
    return withoutUndefined({
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
    });
}

/** Stack outputs without the keys a stack's configuration leaves empty (the engine warns on them). */
function withoutUndefined<T extends object>(outputs: T): T {
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as T;
}
