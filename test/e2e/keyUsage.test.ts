/**
 * retire-key's IAM client (automation/keyUsage.ts, iamKeyUsage) against moto, a third-party model
 * of AWS: aimed by a stack's `aws:region` and `aws:endpoints` as the provider is, it lists a user's
 * keys with their creation dates and reads a never-used key's last use as absent.
 */
import * as assert from "assert";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { awsTarget, iamKeyUsage, retireVerdict } from "../../automation/keyUsage";
import { fromTexts } from "../../config/raw";
import { Moto, startMoto } from "../support/moto";

describe("retire-key's IAM check against moto", () => {
    let moto: Moto;
    const saved = { ...process.env };
    before(async () => {
        moto = await startMoto();
        Object.assign(process.env, {
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        });
    });
    after(async () => {
        process.env = saved;
        await moto.stop();
    });

    it("finds the new key's creation and the old key never used, from the stack's aws: settings", async () => {
        const admin = new IAMClient({ region: "eu-west-1", endpoint: moto.endpoint });
        await admin.send(new CreateUserCommand({ UserName: "dev-admin" }));
        const old = await admin.send(new CreateAccessKeyCommand({ UserName: "dev-admin" }));
        const fresh = await admin.send(new CreateAccessKeyCommand({ UserName: "dev-admin" }));
        const target = awsTarget(
            fromTexts("dev", {
                project: "name: ssm-access\n",
                stack: `config:\n  aws:region: eu-west-1\n  aws:endpoints:\n    - iam: ${moto.endpoint}\n`,
            }).aws,
        );
        const iam = await iamKeyUsage(target);
        const keys = await iam.accessKeys("dev-admin");
        const lastUse = await iam.lastUsed(old.AccessKey!.AccessKeyId!);
        const created = fresh.AccessKey!.CreateDate!;
        const verdict = retireVerdict({
            oldKeyId: old.AccessKey!.AccessKeyId!,
            newKeyId: fresh.AccessKey!.AccessKeyId!,
            newSlot: "2026-11-28",
            keys,
            lastUse,
            now: new Date(created.getTime() + 5 * 60 * 60 * 1000),
        });
        assert.deepStrictEqual(
            [keys.map((k) => k.created?.getTime()), lastUse.date, verdict.retire],
            [[old.AccessKey!.CreateDate!.getTime(), created.getTime()], undefined, true],
        );
    });
});
