/**
 * EVERYTHING THE STAND-IN KEEPS OR DOES ITSELF because moto 5.2.1 lacks it (docs/AWS-BEHAVIOUR.md,
 * "What moto lacks", lists each). Nothing else in the stand-in holds cloud state.
 *
 * 1. SSM service settings. moto implements no GetServiceSetting, UpdateServiceSetting or
 *    ResetServiceSetting (moto/ssm/responses.py has none; the server answers 404), and Default
 *    Host Management is one (`/ssm/managed-instance/default-ec2-instance-management-role`). They
 *    are kept here per account and region, keyed by the setting's ARN, in a file every provider
 *    process of a test shares (SSM_ACCESS_STANDIN_DIR/not-in-moto.json).
 * 2. Termination protection at launch. moto's RunInstances drops `DisableApiTermination`
 *    (moto/ec2/responses/instances.py, run_instances, reads DisableApiStop but not it), though
 *    its ModifyInstanceAttribute keeps it and TerminateInstances honours it; so the launch sets
 *    it with ModifyInstanceAttribute, as the value RunInstances was sent.
 */
import * as fs from "fs";
import * as path from "path";
import type { Aws } from "./aws";
import type { Handler, Props } from "./handler";
import { record, standInDir } from "./log";

export interface ServiceSetting {
    settingId: string;
    settingValue: string;
    lastModifiedDate: string;
    lastModifiedUser: string;
    status: string;
}

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The service settings file of a stand-in folder (tests read it too). */
export function settingsFile(dir: string): string {
    return path.join(dir, "not-in-moto.json");
}

/** Every service setting the stand-in holds, by ARN. */
export function readServiceSettings(dir: string): Record<string, ServiceSetting> {
    const file = settingsFile(dir);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
}

/** Runs `fn` on the settings under an exclusive lock file, saving what it changed. */
function withSettings<T>(fn: (settings: Record<string, ServiceSetting>) => T): T {
    const dir = standInDir();
    const lock = path.join(dir, "not-in-moto.lock");
    for (let i = 0; ; i++) {
        try {
            fs.closeSync(fs.openSync(lock, "wx"));
            break;
        } catch {
            if (i > 2000) {
                throw new Error(`stand-in lock ${lock} held for over 10 s`);
            }
            sleep(5);
        }
    }
    try {
        const settings = readServiceSettings(dir);
        const result = fn(settings);
        fs.writeFileSync(`${settingsFile(dir)}.tmp`, JSON.stringify(settings, null, 1));
        fs.renameSync(`${settingsFile(dir)}.tmp`, settingsFile(dir));
        return result;
    } finally {
        fs.unlinkSync(lock);
    }
}

/**
 * The ARN SSM reports for a setting id given as a path or an ARN: service settings are per
 * account and region (SSM API Reference, GetServiceSetting: "SettingId ... in the current
 * AWS account and Region").
 */
async function settingArn(aws: Aws, settingId: string): Promise<string> {
    if (settingId.startsWith("arn:")) {
        const region = settingId.split(":")[3];
        if (region !== aws.region) {
            throw new Error(
                `ValidationException: the setting ${settingId} is not in the client's region ${aws.region}`,
            );
        }
        return settingId;
    }
    return `arn:${aws.partition}:ssm:${aws.region}:${await aws.accountId()}:servicesetting${settingId}`;
}

/**
 * Logs the call the real provider would send for what the stand-in serves itself, as the SDK
 * middleware logs calls sent to moto (aws.ts), marked `notInMoto` because no server saw it.
 */
function recordServed(action: string, settingId: string): void {
    record({ method: "aws", action, input: { SettingId: settingId }, notInMoto: true });
}

/**
 * terraform-provider-aws internal/service/ssm/service_setting.go: create and update are
 * UpdateServiceSetting, read GetServiceSetting (setting_id becomes the ARN), delete
 * ResetServiceSetting (back to the default: here, no setting).
 */
export const serviceSetting: Handler = {
    forceNew: [],
    async create(aws, p) {
        recordServed("ssm:UpdateServiceSetting", p.settingId);
        const arn = await settingArn(aws, p.settingId);
        const user = (await aws.callerIdentity()).Arn ?? "";
        withSettings((s) => {
            s[arn] = {
                settingId: arn,
                settingValue: p.settingValue,
                lastModifiedDate: new Date().toISOString(),
                lastModifiedUser: user,
                status: "Customized",
            };
        });
        return arn;
    },
    async read(aws, id) {
        recordServed("ssm:GetServiceSetting", id);
        const arn = await settingArn(aws, id);
        const found = readServiceSettings(standInDir())[arn];
        return found && { ...found, arn };
    },
    async update(aws, _id, _olds, news) {
        await serviceSetting.create(aws, news);
    },
    async delete(aws, id) {
        recordServed("ssm:ResetServiceSetting", id);
        const arn = await settingArn(aws, id);
        withSettings((s) => {
            delete s[arn];
        });
    },
};

/** After RunInstances: what moto dropped from the launch request, set as the request asked. */
export async function afterRunInstances(aws: Aws, instanceId: string, p: Props): Promise<void> {
    if (p.disableApiTermination) {
        const ec2 = await import("@aws-sdk/client-ec2");
        await aws.client("ec2", ec2.EC2Client).send(
            new ec2.ModifyInstanceAttributeCommand({
                InstanceId: instanceId,
                DisableApiTermination: { Value: true },
            }),
        );
    }
}
