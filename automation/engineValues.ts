/**
 * How the Pulumi engine marks values on the wire (@pulumi/pulumi runtime/rpc.ts: unknownValue,
 * specialSigKey, specialSecretSig), and the words the driver shows for them.
 */
import { SECRET_VALUE } from "../config/problems";

/** A value not known until apply (the SDK's mocks also turn it into an unknown output). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key and value that mark a secret object: { [SIG_KEY]: SECRET_SIG, value }. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** What a secret is shown as, everywhere: errors, plans, reviews. */
export const SECRET = SECRET_VALUE;
