/** The replacement guard: the steps `up` and `destroy` refuse without --allow-replace. */
import { Step } from "./stackEngine";

/**
 * Resource types whose replacement or deletion cuts people or machines off, with what breaks.
 * A replacement deletes the old resource; for IAM that is a new identity, not an edit.
 */
export const GUARDED = new Map<string, string>(
    Object.entries({
        "aws:iam/accessKey:AccessKey": "clients using the key are refused",
        "aws:iam/user:User": "the user and their access keys stop working",
        // Relaunch replacements are retainOnDelete: released from the stack, not terminated.
        "aws:ec2/instance:Instance":
            "the instance leaves the stack: a relaunch replacement is released and keeps running, any other instance is terminated",
        // IAM API reference, DeleteRole and DeleteInstanceProfile: "Deleting a role or instance
        // profile that is associated with a running instance will break any applications running on
        // the instance." (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteInstanceProfile.html)
        "aws:iam/role:Role":
            "running instances using the role lose its permissions and their SSM access",
        "aws:iam/instanceProfile:InstanceProfile":
            "running instances launched with the profile lose their role and their SSM access",
        "aws:iam/group:Group": "its members lose their Run Command permissions",
        // A new image of a relaunch source is taken again, rebooting it unless noReboot is set
        // (EC2 API reference, CreateImage: NoReboot); the copy re-encrypts that image.
        "aws:ec2/amiFromInstance:AmiFromInstance":
            "the source instance is imaged again, and rebooted unless noReboot is true",
        "aws:ec2/amiCopy:AmiCopy": "the encrypted image is copied again from the source's image",
        // The provider deletes the setting with ResetServiceSetting (terraform-provider-aws,
        // internal/service/ssm/service_setting.go, resourceServiceSettingDelete): DHMC is off again.
        "aws:ssm/serviceSetting:ServiceSetting":
            "Default Host Management turns off for the account and region: instances managed only by it lose SSM access",
    }),
);

/**
 * Types guarded only when replaced: deleting an image leaves the instances launched from it
 * running (EC2 User Guide, Deregister an AMI), but a new one re-images the source.
 */
const REPLACEMENT_ONLY = new Set([
    "aws:ec2/amiFromInstance:AmiFromInstance",
    "aws:ec2/amiCopy:AmiCopy",
]);

const DELETE_OPS = new Set(["delete", "discard"]);

const DESTRUCTIVE_OPS = new Set([
    "replace",
    "create-replacement",
    "delete-replaced",
    "delete",
    "discard",
    "discard-replaced",
]);

/** The steps to refuse without --allow-replace: a guarded resource replaced or deleted. */
export function guardedSteps(steps: Step[]): Step[] {
    const seen = new Set<string>();
    return steps.filter((s) => {
        // A replacement reports several steps for one URN; name each resource once.
        if (!GUARDED.has(s.type) || !DESTRUCTIVE_OPS.has(s.op) || seen.has(s.urn)) {
            return false;
        }
        if (REPLACEMENT_ONLY.has(s.type) && DELETE_OPS.has(s.op)) {
            return false;
        }
        seen.add(s.urn);
        return true;
    });
}

/** The refusal: each guarded step, what it breaks, and the way through. */
export function refusal(command: string, risky: Step[]): string {
    const what = risky.map(
        (s) => `${verb(s.op)} ${s.type} "${urnName(s.urn)}" (${GUARDED.get(s.type)})`,
    );
    return (
        `${command} would ${what.join("; ")}. Nothing was changed. ` +
        `Review it with preview, then run ${command} with --allow-replace if intended.`
    );
}

function verb(op: string): string {
    return op === "delete" || op === "discard" ? "delete" : "replace";
}

/** The resource name at the end of a URN. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
